"""QA7: in the merge preview, the conflict list and the sync report a product (or its status) is cited by its task
first, as every other list of the app cites tasks («I.2 — Báo cáo kết quả [Quý I/2026]»), so two products with the
same description under different tasks read differently. The citations expected here are worked out from the DB
rows with plain SQL, never through the code under test."""
from pathlib import Path

from cchc_desktop.exchange import apply_merge, export_package, list_conflicts, plan_merge, read_package
from cchc_desktop.exchange.merge import value_text
from cchc_desktop.store import Store
from cchc_desktop.tracking import set_status
from cchc_desktop.tracking.periods import make_period
from exchange_support import pair, send  # noqa: F401 - pair is a fixture

SAME = "Báo cáo kết quả thực hiện"
ROMAN = ["I", "II", "III", "IV"]


def cited(store: Store, product_id: str) -> str:
    """«II.1»: the section's numeral (its position) and the task's STT (as written, else its position), by SQL."""
    s_pos, t_pos, stt = store.db.query_one(
        "SELECT s.position, t.position, COALESCE(t.source_stt, '') FROM product p JOIN task t ON t.id = p.task_id "
        "JOIN section s ON s.id = t.section_id WHERE p.id = ?", (product_id,))
    return f"{ROMAN[s_pos]}.{stt or t_pos + 1}"


def two_same_products(store: Store) -> tuple[str, str, str]:
    plan = store.create_plan("xã A", 2026)
    s1 = store.add_section(plan, "CẢI CÁCH THỂ CHẾ")
    s2 = store.add_section(plan, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    store.add_task(s1, "Ban hành kế hoạch")
    t2 = store.add_task(s1, "Rà soát văn bản")
    t3 = store.add_task(s2, "Công khai thủ tục")
    p1 = store.add_product(t2, SAME, "Quý I/2026", ["Văn phòng"])
    p2 = store.add_product(t3, SAME, "Quý I/2026", ["Văn phòng"])
    return s2, p1, p2


def preview(src: Store, dst: Store, path: Path):
    export_package(src, path)
    return plan_merge(dst, read_package(path, local_schema=dst.db.schema_version))


def test_same_description_under_two_tasks_reads_as_two_rows(pair, tmp_path, qtbot):
    a, b = pair
    s2, p1, p2 = two_same_products(a)
    for pid in (p1, p2):
        set_status(a, pid, "2026-Q1", status="in_progress", percent=10)
    send(a, b, tmp_path / "0.cchc")
    for pid in (p1, p2):                       # both PCs change the same field: a listed conflict per product
        set_status(a, pid, "2026-Q1", percent=20)
        set_status(b, pid, "2026-Q1", percent=30)
    # a task only the package has (added on A), with a product of the same description
    t_new = a.add_task(s2, "Số hóa hồ sơ")
    p3 = a.add_product(t_new, SAME, "Quý II/2026", ["Văn phòng"])
    assert b.row("task", t_new) is None

    plan = preview(a, b, tmp_path / "1.cchc")
    period = {r[0]: make_period(r[1]).label for r in b.db.query("SELECT product_id, period_key FROM product_status")}
    expected = {pid: f"{cited(b, pid)} — {SAME} [{period[pid]}]" for pid in (p1, p2)}
    assert len(set(expected.values())) == 2 and cited(b, p1) != cited(b, p2)
    status_product = {r["id"]: r["product_id"] for r in b.db.query("SELECT id, product_id FROM product_status")}
    got = {status_product[c.row_id]: c.label for c in plan.conflicts if c.table == "product_status"}
    assert got == expected
    # the product only the package has: cited by the package's own task rows (A's database: the same rows)
    [insert] = [i for i in plan.inserts if i.table == "product"]
    assert insert.row["id"] == p3 and insert.label == f"{cited(a, p3)} — {SAME}"
    assert insert.label not in {f"{cited(b, p)} — {SAME}" for p in (p1, p2)}

    # the preview dialog shows the same two labels
    from ui.exchange_dialogs import PackageImportDialog
    dialog = PackageImportDialog(b, path=str(tmp_path / "1.cchc"))
    qtbot.addWidget(dialog)
    shown = [dialog.conflicts.topLevelItem(i).text(0) for i in range(dialog.conflicts.topLevelItemCount())]
    for label in expected.values():
        assert sum(f"«{label}»" in text for text in shown) == 1, shown

    apply_merge(b, plan)
    kept = {status_product[c.row_id]: c.label for c in list_conflicts(b) if c.entity == "product_status"}
    assert kept == expected                    # the conflict list: the same two labels


def test_a_period_value_reads_in_words():
    for key in ("2026", "2026-Q1", "2026-H1", "2027-Q4"):
        assert value_text("period_key", key) == make_period(key).label != key
    assert value_text("period_key", "không rõ") == "không rõ"


def test_the_merge_step_is_named_by_its_package_and_its_undo_says_it_is_sent_back(pair, tmp_path):
    """QA7: the merge's step (history, undo stack) names the package; undoing it is a new change of this PC, which
    the next exchange sends to the other PC: the undo text says so (shown in the Edit menu: test_exchange_dialogs)."""
    from cchc_desktop import ops
    from cchc_desktop.ops import exchange as exchange_ops

    a, b = pair
    _s2, p1, _p2 = two_same_products(a)
    send(a, b, tmp_path / "0.cchc")
    a.update("product", p1, description="Sửa ở máy A")
    result = exchange_ops.merge_package(b, preview(a, b, tmp_path / "xa-a.cchc"), confirm=False)
    assert result.label == "Nhập gói «xa-a.cchc»" and b.row("product", p1)["description"] == "Sửa ở máy A"
    for short in (False, True):
        text = exchange_ops.merge_undo_text("xa-a.cchc", short=short)
        assert text.startswith("Hoàn tác nhập gói «xa-a.cchc»") and "lần trao đổi sau sẽ gửi" in text
        assert "máy kia" in text
    assert "giá trị nhận được sẽ được thay bằng giá trị trước khi nhập" in exchange_ops.merge_undo_text("xa-a.cchc")
    ops.undo(b, result.op_id)
    assert b.row("product", p1)["description"] == SAME
