"""Issue 12, cases 3, 4 and 9: hostile text (formula prefixes, DDE payloads, control characters, 100,000 characters)
written by every .xlsx export opens in openpyxl with no formula and no exception, and nothing is cut silently."""
from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from cchc_desktop.domain import ROLE_LEAD
from cchc_desktop.exchange import export_workbooks
from cchc_desktop.exports.appendix_xlsx import export_appendix_xlsx
from cchc_desktop.reports.catalog import ReportRequest, export_xlsx
from cchc_desktop.text import clean_cell, sanitize
from cchc_desktop.xlsx_safety import CELL_LIMIT, set_text

from reports_support import PERIOD, REF, seed_demo

DDE = "=cmd|'/c calc'!A1"
HOSTILE = [DDE, "+SUM(1,2)", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"bấm\")", "\t=1+1", "\r=1",
           "Dòng một\x0bdòng hai", "a\x00b\x01c\x07d\x1be\x7ff\x9fg", "Trang\x0cmới", "x" * 100_000]


def _all_cells(path):
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                yield wb, ws, cell


def _poison(store, plan_id):
    """Write hostile strings straight into the tables, as data stored before the sanitiser existed would be."""
    conn = store.db.conn
    texts = iter(HOSTILE * 200)
    for (agency_id,) in conn.execute("SELECT id FROM agency").fetchall():
        conn.execute("UPDATE agency SET name = ? WHERE id = ?", (f"{next(texts)} {agency_id[:4]}", agency_id))
    conn.execute("UPDATE agency SET name = ? WHERE id = (SELECT MIN(agency_id) FROM product_agency WHERE role = ?)",
                 (DDE, ROLE_LEAD))
    for table, column in (("task", "content"), ("product", "description"), ("product", "deadline_text"),
                          ("section", "title"), ("product_status", "result"), ("product_status", "notes"),
                          ("evidence", "summary"), ("evidence", "doc_number")):
        for (row_id,) in conn.execute(f"SELECT id FROM {table}").fetchall():
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (next(texts), row_id))
    conn.execute("UPDATE plan SET unit_name = ?, doc_number = ? WHERE id = ?", (DDE, "-12/KH-UBND\x0b", plan_id))


def test_every_export_with_hostile_text_has_no_formula_and_opens(store, tmp_path):
    plan_id = seed_demo(store)
    _poison(store, plan_id)
    outputs = [export_appendix_xlsx(store.load_plan(plan_id), tmp_path / "phu-luc.xlsx")]
    for kind, agency in (("periodic", ""), ("reminder", DDE), ("agency_tasks", DDE), ("agency_tasks", ""),
                         ("appendix", "")):
        request = ReportRequest(kind, plan_id, PERIOD if kind == "periodic" else "2026", REF, agency=agency)
        outputs.append(export_xlsx(store, request, tmp_path / f"{kind}-{bool(agency)}.xlsx"))
    (tmp_path / "wb1").mkdir()
    (tmp_path / "wb2").mkdir()
    outputs += [e.path for e in export_workbooks(store, plan_id, PERIOD, tmp_path / "wb1")]
    outputs += [e.path for e in export_workbooks(store, plan_id, PERIOD, tmp_path / "wb2", all_in_one=True)]
    assert len(outputs) > 8
    seen_dde_in_meta = flagged = 0
    for path in outputs:
        for wb, ws, cell in _all_cells(path):
            assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert sanitize(cell.value) == cell.value, (path.name, ws.title, cell.coordinate)
                assert len(cell.value) <= CELL_LIMIT
                flagged += "không vừa một ô Excel" in cell.value
                if ws.title == "_cchc" and cell.value == DDE:
                    seen_dde_in_meta += 1
                    assert cell.quotePrefix
        for name in wb.defined_names.values() if hasattr(wb.defined_names, "values") else wb.defined_names:
            assert "cmd|" not in str(getattr(name, "attr_text", name))
    assert seen_dde_in_meta >= 1   # the hidden sheet of the DDE agency's workbook holds the name as text
    assert flagged >= 1            # the 100,000-character text is flagged, not silently cut


def test_overlong_cell_is_flagged_not_silently_cut(tmp_path):
    wb = Workbook()
    assert set_text(wb.active.cell(1, 1), "ă" * 40_000) is True
    assert set_text(wb.active.cell(2, 1), "ă" * CELL_LIMIT) is False
    wb.save(tmp_path / "x.xlsx")
    back = load_workbook(tmp_path / "x.xlsx").active
    text = back.cell(1, 1).value
    assert len(text) <= CELL_LIMIT and text.startswith("ă" * 1000)
    rest = 40_000 - text.index("…")
    assert f"còn {rest} ký tự" in text
    assert back.cell(2, 1).value == "ă" * CELL_LIMIT


@pytest.mark.parametrize("raw,expected", [("Dòng một\x0bdòng hai", "Dòng một\ndòng hai"), ("a\r\nb\rc", "a\nb\nc"),
                                          ("x\x00y\x01z\x7f\x9f", "xyz"), ("tab\tok", "tab\tok"),
                                          ("p\x0cq\u2028r", "p\nq\nr")])
def test_sanitize(raw, expected):
    assert sanitize(raw) == expected


def test_control_characters_are_normalised_on_import_and_on_every_write(store):
    from cchc_desktop.importers import read_appendix_text
    from cchc_desktop.tracking import set_status

    assert clean_cell("Kế hoạch\x0bsố 1\x01") == "Kế hoạch\nsố 1"
    draft = read_appendix_text("TT\tNội dung\tSản phẩm\tChủ trì\tPhối hợp\tThời gian\n"
                               "I\tMục\x0bmột\t\t\t\t\n1\tNhiệm\x0bvụ\x07\tSản\x0bphẩm\tPhòng\x02 A\t\tQuý I/2026\n")
    texts = [draft.sections[0].title, draft.sections[0].tasks[0].content,
             draft.sections[0].tasks[0].products[0].description]
    assert texts == ["Mục\nmột", "Nhiệm\nvụ", "Sản\nphẩm"]
    plan_id = store.create_plan("xã\x0bA", 2026)
    section_id = store.add_section(plan_id, "Mục\x0bI")
    task_id = store.add_task(section_id, "Nhiệm vụ\x0bhai\x08")
    product_id = store.add_product(task_id, "Sản phẩm\x1b", "Quý I/2026", leads=["Phòng\x0bB"])
    store.update("task", task_id, content="Sửa\x0blại\x00")
    set_status(store, product_id, "2026-Q1", ref=REF, status="in_progress", percent=10, result="Kết\x0bquả\x01")
    rows = store.db.conn.execute(
        "SELECT name FROM agency UNION ALL SELECT content FROM task UNION ALL SELECT title FROM section "
        "UNION ALL SELECT description FROM product UNION ALL SELECT unit_name FROM plan "
        "UNION ALL SELECT result FROM product_status").fetchall()
    values = [r[0] for r in rows]
    assert "Sửa\nlại" in values and "Kết\nquả" in values and "xã\nA" in values
    assert all(sanitize(v) == v for v in values if v)


def test_overlong_text_survives_an_update_workbook_round_trip(store, tmp_path):
    """The agency returns the workbook untouched: the 40,000-character result is not replaced by the cut one."""
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.exchange import apply_workbook_import, read_workbooks
    from cchc_desktop.tracking import get_status, set_status
    from cchc_desktop.tracking.status import product_context

    plan_id = create_demo_plan(store)
    product = store.db.query_one("SELECT id FROM product LIMIT 1")[0]
    key = product_context(store, product).key_for("2026-Q1", REF)
    long_result = "Kết quả rất dài. " * 2_500
    set_status(store, product, "2026-Q1", ref=REF, status="in_progress", percent=30, result=long_result)
    folder = tmp_path / "usb"
    folder.mkdir()
    paths = [e.path for e in export_workbooks(store, plan_id, "2026-Q1", folder, all_in_one=True)]
    previews = read_workbooks(store, paths)
    assert not [r for p in previews for r in p.changed_rows if any(d.label and "Kết quả" in d.label for d in r.diffs)]
    apply_workbook_import(store, previews)
    assert get_status(store, product, key)["result"] == sanitize(long_result).strip()
