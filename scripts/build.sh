#!/usr/bin/env bash
# Build the one-folder bundle with PyInstaller (build.spec) and smoke-test it headless.
#   scripts/build.sh            -> dist/CCHC-Desktop/CCHC-Desktop, then `--self-test` on it
#   VENV=.venv-build scripts/build.sh    (default: .venv; pyinstaller comes from requirements-build.txt)
#   SKIP_SELF_TEST=1 scripts/build.sh
# Prints the build time, the bundle size and the self-test result. Exit code != 0 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
    "$VENV/bin/pip" install -q -r requirements-build.txt
fi
WORK="${BUILD_WORK:-build/pyinstaller}"
DIST="${BUILD_DIST:-dist}"
start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --workpath "$WORK" --distpath "$DIST" build.spec
end=$(date +%s)
APP="$DIST/CCHC-Desktop/CCHC-Desktop"
echo "build: $((end - start)) s -> $APP"
"$PY" bench/build_size.py "$DIST/CCHC-Desktop"
if [ -z "${SKIP_SELF_TEST:-}" ]; then
    QT_QPA_PLATFORM=offscreen "$APP" --self-test
fi
