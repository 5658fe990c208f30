"""QA pass 6, a long appendix import: the readers tell their progress (rows read / total) every ~200 rows, the
busy dialog shows it, and «Hủy» stops the read before anything is written."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from cchc_desktop.importers import ImportCancelled, ImportFailure, read_appendix
from cchc_desktop.importers.plan_builder import read_plan
from cchc_desktop.importers.progress import REPORT_EVERY

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_import import build_appendix_docx, build_appendix_xlsx  # noqa: E402


def _tsv(path: Path, rows: int) -> Path:
    lines = ["TT\tNội dung/ Nhiệm vụ\tHoạt động/Sản phẩm\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện",
             "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\t\t\t\t\t"]
    lines += [f"{n}\tNhiệm vụ thứ {n}\tSản phẩm {n}\tVăn phòng\t\tQuý II/2026" for n in range(1, rows + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("progress")
    return {"xlsx": build_appendix_xlsx(folder / "phu-luc.xlsx", 1000),
            "docx": build_appendix_docx(folder / "phu-luc.docx", 600),
            "tsv": _tsv(folder / "phu-luc.tsv", 900)}


def _sheet_rows(path: Path) -> int:
    """The rows of the appendix file counted independently of the reader (openpyxl / python-docx / lines)."""
    if path.suffix == ".xlsx":
        import openpyxl
        wb = openpyxl.load_workbook(path)
        try:
            return sum(ws.max_row for ws in wb.worksheets)
        finally:
            wb.close()
    if path.suffix == ".docx":
        import docx
        return sum(len(t.rows) for t in docx.Document(str(path)).tables)
    return len(path.read_text(encoding="utf-8").split("\n"))


@pytest.mark.parametrize("kind", ["xlsx", "docx", "tsv"])
@pytest.mark.parametrize("reader", [read_appendix, read_plan], ids=["read_appendix", "read_plan"])
def test_the_reader_reports_increasing_row_counts_ending_at_the_total(files, kind, reader):
    path = files[kind]
    calls = []
    draft = reader(path, progress=lambda done, total: calls.append((done, total)))
    total = _sheet_rows(path)
    assert total > 3 * REPORT_EVERY
    assert calls[0] == (0, total) and calls[-1] == (total, total), (calls[:2], calls[-2:])
    counts = [done for done, _ in calls]
    assert counts == sorted(counts) and len(set(counts)) == len(counts)
    steps = [b - a for a, b in zip(counts, counts[1:])]
    assert all(step >= REPORT_EVERY for step in steps[:-1]), steps     # at most one call per ~200 rows
    assert len(calls) >= total // REPORT_EVERY                          # … but all along the file
    assert all(t == total for _, t in calls)
    # the same draft as without a callback
    plain = reader(path)
    appendix = getattr(draft, "appendix", draft)
    assert appendix.product_count == getattr(plain, "appendix", plain).product_count > 500


@pytest.mark.parametrize("kind", ["xlsx", "docx", "tsv"])
def test_a_callback_returning_false_stops_the_read(files, kind):
    calls = []

    def stop_at_second(done, total):
        calls.append(done)
        return len(calls) < 2

    with pytest.raises(ImportCancelled) as caught:
        read_plan(files[kind], progress=stop_at_second)
    assert len(calls) == 2 and calls[-1] < _sheet_rows(files[kind])      # stopped early, not at the end
    assert isinstance(caught.value, ImportFailure) and files[kind].name in str(caught.value)


def _digest(store) -> str:
    conn = store.db.conn
    counts = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("plan", "task", "product", "change_log")]
    return hashlib.sha256(repr(counts).encode()).hexdigest()


pytest.importorskip("pytestqt")


@pytest.fixture
def watched(monkeypatch):
    """What the busy dialog shows at each progress report (and «Hủy» pressed at the report given)."""
    from PySide6.QtWidgets import QPushButton

    from ui import busy as busy_module

    original = busy_module.BusyJob.progress
    seen = {"shown": [], "cancel_at": None}

    def progress(job, done, total, text=None):
        original(job, done, total, text)
        dialog = job.dialog
        seen["shown"].append((dialog.isVisible(), dialog.labelText(), dialog.value(), dialog.maximum(),
                              dialog.findChild(QPushButton).text() if job.cancellable else None))
        if seen["cancel_at"] is not None and len(seen["shown"]) == seen["cancel_at"]:
            seen["dialog"] = dialog.grab()
            dialog.cancel()

    monkeypatch.setattr(busy_module.BusyJob, "progress", progress)
    return seen


def test_the_busy_dialog_shows_rows_read_of_the_total(qtbot, window, files, watched, request):
    previews = []
    window.dialog_runner = lambda dialog: previews.append(dialog) and False
    assert window.import_file(files["xlsx"]) is False, request.node.message_boxes   # preview shown, cancelled
    assert len(previews) == 1
    total = _sheet_rows(files["xlsx"])
    shown = watched["shown"]
    assert len(shown) >= total // REPORT_EVERY
    assert all(visible for visible, *_ in shown)
    assert [value for _v, _l, value, _m, _b in shown] == sorted(value for _v, _l, value, _m, _b in shown)
    assert shown[-1][2:4] == (total, total)
    assert shown[-1][1] == f"Đang đọc tệp «phu-luc.xlsx»: {total:,}/{total:,} dòng…".replace(",", ".")
    assert all(button == "Hủy" for *_, button in shown)


def test_cancel_stops_reading_and_writes_nothing(qtbot, window, files, watched):
    watched["cancel_at"] = 3
    previews = []
    window.dialog_runner = lambda dialog: previews.append(dialog) or True
    before = _digest(window.store)
    assert window.import_file(files["xlsx"]) is False
    assert len(watched["shown"]) == 3                  # no report after «Hủy»: the reader stopped
    assert previews == []                              # no preview, no commit
    assert _digest(window.store) == before
    assert "Đã dừng đọc tệp «phu-luc.xlsx»" in window.statusBar().currentMessage()
    assert not watched["dialog"].isNull()             # the dialog was painted while reading
