import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """No test touches the real user data folder."""
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "appdata"))


@pytest.fixture
def store(tmp_path):
    from cchc_desktop.store import Store

    s = Store.open(tmp_path / "test.sqlite3", actor="tester")
    yield s
    s.close()
