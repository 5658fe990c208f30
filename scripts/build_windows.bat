@echo off
rem Build the Windows bundle with the same build.spec: dist\CCHC-Desktop\CCHC-Desktop.exe
rem Run from the repository folder in a normal (non-admin) Command Prompt with Python 3.10+ installed.
rem The bundle is windowed (no console): the self-test result is read from dist\self-test.txt.
setlocal
cd /d "%~dp0\.."
if not exist .venv\Scripts\python.exe py -m venv .venv || goto :error
.venv\Scripts\pip install -q -r requirements-build.txt || goto :error
.venv\Scripts\python -m PyInstaller --noconfirm --clean --log-level WARN build.spec || goto :error
.venv\Scripts\python bench\build_size.py dist\CCHC-Desktop
set QT_QPA_PLATFORM=offscreen
start "" /wait dist\CCHC-Desktop\CCHC-Desktop.exe --self-test --self-test-report dist\self-test.txt
type dist\self-test.txt
findstr /b "PASSED" dist\self-test.txt >nul || goto :error
echo Built dist\CCHC-Desktop - zip this folder (or copy it to a USB stick).
exit /b 0
:error
echo BUILD FAILED
exit /b 1
