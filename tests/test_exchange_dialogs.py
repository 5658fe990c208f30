"""pytest-qt: the exchange dialogs preview and apply."""
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from cchc_desktop.exchange import export_package, export_workbook
from cchc_desktop.exchange.workbook_common import COLUMNS, ID_MARKER
from cchc_desktop.store import Store
from cchc_desktop.tracking import get_status
from exchange_support import open_pair
from ui.exchange_dialogs import PackageImportDialog, WorkbookExportDialog, WorkbookImportDialog

COL = {c.key: i for i, c in enumerate(COLUMNS, start=1)}


def _plan(store):
    plan_id = store.create_plan("xã Xuân Trường", 2026)
    section = store.add_section(plan_id, "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")
    task = store.add_task(section, "Rà soát thủ tục hành chính")
    p1 = store.add_product(task, "Báo cáo rà soát", "Trước ngày 30/06/2026", ["Văn phòng HĐND và UBND"])
    p2 = store.add_product(task, "Công khai TTHC", "Quý III/2026", ["Văn phòng HĐND và UBND"])
    return plan_id, p1, p2


def test_import_dialog_shows_preview_and_applies(qtbot, store, tmp_path):
    plan_id, p1, p2 = _plan(store)
    exported, wb, _ws, _rows = _returned(store, plan_id, tmp_path, [
        (p1, "status", "Đang thực hiện"), (p1, "percent", 40), (p2, "result", "Đã niêm yết")])
    wb.save(exported.path)

    dialog = WorkbookImportDialog(store, paths=[tmp_path])
    qtbot.addWidget(dialog)
    top = dialog.tree.topLevelItem(0)
    assert dialog.tree.topLevelItemCount() == 1 and top.childCount() == 2
    fields = list(dialog.field_items())
    assert sorted((f.text(0), f.text(1), f.text(2)) for f in fields) == [
        ("Kết quả thực hiện", "", "Đã niêm yết"), ("Tình trạng thực hiện", "Chưa triển khai", "Đang thực hiện"),
        ("Tỷ lệ hoàn thành (%)", "0", "40")]
    assert dialog.apply_button.isEnabled()
    # the user declines one field
    [result_item] = [f for f in fields if f.text(0) == "Kết quả thực hiện"]
    result_item.setCheckState(0, Qt.Unchecked)
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    assert "Đã cập nhật 1 dòng" in dialog.message.text()
    row = get_status(store, p1, "2026")
    assert (row["status"], row["percent"]) == ("in_progress", 40)
    assert get_status(store, p2, "2026")["result"] == ""


def test_export_dialog_writes_files(qtbot, store, tmp_path):
    plan_id, _p1, _p2 = _plan(store)
    dialog = WorkbookExportDialog(store, plan_id)
    qtbot.addWidget(dialog)
    assert dialog.agencies.count() == 1
    dialog.folder.setText(str(tmp_path))
    dialog.run()
    assert len(list(tmp_path.glob("*.xlsx"))) == 1 and "Đã xuất 1 tệp" in dialog.message.text()


def test_package_import_dialog_conflicts_and_tombstones(qtbot, tmp_path):
    a, b = open_pair(tmp_path)
    plan_id, p1, p2 = _plan(a)
    export_package(a, tmp_path / "1.cchc")
    dialog = PackageImportDialog(b, path=str(tmp_path / "1.cchc"))
    qtbot.addWidget(dialog)
    import re
    assert re.search(r"tạo lúc \d\d/\d\d/\d{4} \d\d:\d\d:", dialog.summary.text())   # local time, not ISO/UTC
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    assert b.row("product", p1) is not None
    a.update("product", p1, description="A")
    b.update("product", p1, description="B")
    a.delete("product", p2)
    export_package(a, tmp_path / "2.cchc")
    dialog = PackageImportDialog(b, path=str(tmp_path / "2.cchc"))
    qtbot.addWidget(dialog)
    assert dialog.conflicts.topLevelItemCount() == 1 and dialog.tombstones.count() == 1
    dialog.conflicts.topLevelItem(0).setCheckState(0, Qt.Checked)      # keep this PC's value
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    assert b.row("product", p1)["description"] == "B" and b.row("product", p2) is None
    a.close()
    b.close()


def test_main_window_has_exchange_menu(qtbot, store):
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Trao đổi" in titles and titles.index("Trao đổi") < titles.index("Trợ giúp")
    texts = [a.text() for a in window.exchange_actions]
    assert len(texts) == 7 and texts[-2:] == ["Thư mục đồng &bộ…", "Xem tiến độ &nhiều xã (chỉ đọc)…"]


def _returned(store, plan_id, folder, edits, agency=None):
    exported = export_workbook(store, plan_id, "2026-Q2", folder, agency_id=agency)
    wb = load_workbook(exported.path)
    ws = wb.worksheets[0]
    id_col = next(c.column for row in ws.iter_rows(max_row=10) for c in row
                  if isinstance(c.value, str) and ID_MARKER in c.value)
    rows = {str(ws.cell(r, id_col).value).split("@")[0]: r for r in range(1, ws.max_row + 1)
            if "@" in str(ws.cell(r, id_col).value or "")}
    for pid, key, value in edits:
        ws.cell(rows[pid], COL[key], value)
    return exported, wb, ws, rows


def test_import_dialog_skipped_rows_and_refused_file(qtbot, store, tmp_path):
    plan_id, p1, p2 = _plan(store)
    task = store.add_task(store.load_plan(plan_id).sections[0].id, "Số hóa hồ sơ")
    p3 = store.add_product(task, "Số hóa kết quả", "Trước 31/12/2026", ["Phòng Kinh tế"])
    (tmp_path / "vp").mkdir()
    (tmp_path / "kt").mkdir()
    vp, wb, ws, rows = _returned(store, plan_id, tmp_path / "vp", [(p1, "percent", 40), (p1, "status", "Đang thực hiện")],
                                 store.find_agency("Văn phòng HĐND và UBND"))
    ws.cell(max(rows.values()) + 1, COL["product"], "Dòng cơ quan tự thêm")      # an added row
    wb.save(vp.path)
    kt, wb, _ws, _rows = _returned(store, plan_id, tmp_path / "kt", [(p3, "percent", 70), (p3, "status", "Đang thực hiện")],
                                   store.find_agency("Phòng Kinh tế"))
    wb.save(kt.path)
    dialog = WorkbookImportDialog(store, paths=[vp.path, kt.path])
    qtbot.addWidget(dialog)
    tops = {dialog.tree.topLevelItem(i).text(0).split(" — ")[-1]: dialog.tree.topLevelItem(i)
            for i in range(dialog.tree.topLevelItemCount())}
    vp_top = tops[vp.path.name]
    children = [vp_top.child(i).text(3) for i in range(vp_top.childCount())]
    assert "áp dụng" in children and any("thêm vào" in text for text in children)
    assert "1 dòng bị bỏ qua" in dialog.message.text()
    tops[kt.path.name].setCheckState(0, Qt.Unchecked)           # the user refuses the whole file
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    assert get_status(store, p1, "2026")["percent"] == 40
    assert get_status(store, p3, "2026")["id"] is None
    text = dialog.issues.toPlainText()
    assert f"«{kt.path.name}»: người dùng không nhập tệp này" in text and "thêm vào" in text


def test_conflicts_dialog_restores_the_other_value_in_one_click(qtbot, tmp_path):
    from cchc_desktop.exchange import import_package
    from ui.exchange_dialogs import ConflictsDialog

    a, b = open_pair(tmp_path)
    plan_id, p1, p2 = _plan(a)
    other = a.add_task(a.load_plan(plan_id).sections[0].id, "Số hóa hồ sơ")
    a.add_product(other, "Số hóa kết quả", "Trước 31/12/2026", ["Phòng Kinh tế"])
    a.add_product(other, "Kho dữ liệu", "Trước 31/12/2026", ["Phòng Kinh tế"])
    export_package(a, tmp_path / "1.cchc")
    import_package(b, tmp_path / "1.cchc")
    a.update("product", p1, description="Bản của máy A")
    b.update("product", p1, description="Bản của máy B")
    a.delete("task", other)
    export_package(a, tmp_path / "2.cchc")
    dialog = PackageImportDialog(b, path=str(tmp_path / "2.cchc"))
    qtbot.addWidget(dialog)
    texts = [dialog.tombstones.item(i).text() for i in range(dialog.tombstones.count())]
    [tomb_text] = [t for t in texts if t.startswith("Nhiệm vụ")]
    # the products cited by their task: the second task of section I («I.2»)
    assert tuple(b.db.query_one("SELECT s.position, t.position FROM task t JOIN section s ON s.id = t.section_id "
                                "WHERE t.id = ?", (other,))) == (0, 1)
    assert "Sản phẩm «I.2 — Số hóa kết quả»" in tomb_text and "Sản phẩm «I.2 — Kho dữ liệu»" in tomb_text
    for i in range(dialog.tombstones.count()):
        dialog.tombstones.item(i).setCheckState(Qt.Unchecked)    # keep the task for now
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    applied = b.row("product", p1)["description"]
    conflicts = ConflictsDialog(b)
    qtbot.addWidget(conflicts)
    assert conflicts.tree.topLevelItemCount() == 1
    item = conflicts.tree.topLevelItem(0)
    assert (item.text(1), item.text(2), item.text(3)) == ("Bản của máy B", "Bản của máy A", applied)
    conflicts.tree.setCurrentItem(item)
    qtbot.mouseClick(conflicts.restore_button, Qt.LeftButton)
    assert b.row("product", p1)["description"] == ({"Bản của máy A", "Bản của máy B"} - {applied}).pop()
    assert conflicts.tree.topLevelItemCount() == 0 and "Đã khôi phục" in conflicts.message.text()
    a.close()
    b.close()


def test_merged_package_reaches_the_open_window(qtbot, tmp_path):
    """A package merged from the «Trao đổi» menu refreshes the table and the pane through the one change
    notification (no reload by hand), and the pane follows a status the other PC recorded."""
    from ui.main_window import MainWindow

    a = Store.open(tmp_path / "a.sqlite3", actor="A")
    b = Store.open(tmp_path / "b.sqlite3", actor="B")
    try:
        plan_id, p1, _p2 = _plan(a)
        export_package(a, tmp_path / "1.cchc")
        first = PackageImportDialog(b, path=str(tmp_path / "1.cchc"))
        qtbot.addWidget(first)
        qtbot.mouseClick(first.apply_button, Qt.LeftButton)
        window = MainWindow(b)
        qtbot.addWidget(window)
        window.open_plan(plan_id)
        window.view.select_entity("product", p1)
        assert window.status_panel.product_id == p1
        section = a.row("task", a.row("product", p1)["task_id"])["section_id"]
        a.add_task(section, "Nhiệm vụ mới từ máy A")
        from cchc_desktop.tracking import set_status
        set_status(a, p1, "2026", status="in_progress", percent=70)
        export_package(a, tmp_path / "2.cchc")
        dialog = PackageImportDialog(b, window, path=str(tmp_path / "2.cchc"))
        qtbot.addWidget(dialog)
        qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
        contents = [t.content for _s, t in window.model.plan.iter_tasks()]
        assert "Nhiệm vụ mới từ máy A" in contents
        window.view.select_entity("product", p1)
        assert window.status_panel.percent.value() == 70
    finally:
        a.close()
        b.close()


def test_workbook_import_and_package_merge_are_one_undo_step_each(qtbot, tmp_path):
    """QA2 #2: «Nhập tệp cập nhật» and «Nhập gói dữ liệu» go on the window's undo stack (one step each, a backup
    taken first); Ctrl+Z puts back every value, Ctrl+Y applies it again."""
    from cchc_desktop.backup import list_backups
    from ui.main_window import MainWindow

    a = Store.open(tmp_path / "a.sqlite3", actor="A")
    b = Store.open(tmp_path / "b.sqlite3", actor="B")
    try:
        plan_id, p1, p2 = _plan(b)
        window = MainWindow(b)
        qtbot.addWidget(window)
        window.open_plan(plan_id)
        folder = tmp_path / "usb"
        folder.mkdir()
        exported, wb, _ws, _rows = _returned(b, plan_id, folder, [(p1, "status", "Đang thực hiện"),
                                                                   (p1, "percent", 40)])
        wb.save(exported.path)
        steps, backups = window.undo_stack.count(), len(list_backups(b.path))
        dialog = WorkbookImportDialog(b, window, paths=[folder])
        qtbot.addWidget(dialog)
        qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
        assert get_status(b, p1, "2026")["percent"] == 40
        assert window.undo_stack.count() == steps + 1 and window.undo_stack.undoText() == "Nhập tệp cập nhật"
        assert len(list_backups(b.path)) == backups + 1
        window.undo_stack.undo()
        row = get_status(b, p1, "2026")
        assert row is None or (row["status"], row["percent"]) != ("in_progress", 40)
        window.undo_stack.redo()
        assert get_status(b, p1, "2026")["percent"] == 40

        export_package(b, tmp_path / "1.cchc")          # a copy on machine A, edited there, merged back here
        from cchc_desktop.exchange import import_package
        import_package(a, tmp_path / "1.cchc")
        a.update("product", p2, description="Sửa ở máy A")
        export_package(a, tmp_path / "2.cchc")
        before = b.row("product", p2)["description"]
        merge = PackageImportDialog(b, window, path=str(tmp_path / "2.cchc"))
        qtbot.addWidget(merge)
        qtbot.mouseClick(merge.apply_button, Qt.LeftButton)
        assert b.row("product", p2)["description"] == "Sửa ở máy A"
        assert window.undo_stack.undoText() == "Nhập gói «2.cchc»"
        # QA7: undoing the merge is a new change the next exchange sends to A: the Edit menu says so
        undo, redo = window.actions["undo"], window.actions["redo"]
        assert undo.text().startswith("&Hoàn tác nhập gói «2.cchc»") and "máy kia" in undo.text()   # the menu line
        sentence = undo.statusTip()              # the whole sentence: the status bar and the toolbar's tooltip
        assert sentence.startswith("Hoàn tác nhập gói «2.cchc»: ") and "giá trị trước khi nhập" in sentence
        assert "lần trao đổi sau sẽ gửi thay đổi này cho máy kia" in sentence
        from PySide6.QtWidgets import QToolButton
        [button] = [b for b in window.findChildren(QToolButton) if b.defaultAction() is undo]
        assert button.toolTip().startswith(sentence) and button.text() == "Hoàn tác"
        window.undo_stack.undo()
        assert b.row("product", p2)["description"] == before
        assert redo.text() == "&Làm lại: Nhập gói «2.cchc»"           # redo reads as the step itself
        assert undo.text() == "&Hoàn tác: Nhập tệp cập nhật" and "máy kia" not in undo.statusTip()
        window.undo_stack.redo()
        assert b.row("product", p2)["description"] == "Sửa ở máy A" and "máy kia" in undo.text()
    finally:
        a.close()
        b.close()


def test_import_preview_rows_grow_to_show_long_values(qtbot, store, tmp_path):
    """A long «Giá trị mới» wraps and its row grows, so the user reads what is accepted (not cut with «…»)."""
    plan_id, p1, _p2 = _plan(store)
    long_result = ("Đã niêm yết công khai đầy đủ các thủ tục hành chính tại Trung tâm phục vụ hành chính công xã, "
                   "trên trang thông tin điện tử và tại nhà văn hóa các thôn, kèm danh mục mã QR để tra cứu")
    exported, wb, _ws, _rows = _returned(store, plan_id, tmp_path, [(p1, "result", long_result)])
    wb.save(exported.path)
    dialog = WorkbookImportDialog(store, paths=[tmp_path])
    qtbot.addWidget(dialog)
    dialog.resize(1366, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    [item] = [f for f in dialog.field_items() if f.text(0) == "Kết quả thực hiện"]
    assert item.text(2) == long_result
    tree = dialog.tree
    index = tree.indexFromItem(item, 2)
    rect = tree.visualRect(index)
    metrics = tree.fontMetrics()
    assert metrics.horizontalAdvance(long_result) > tree.columnWidth(2)      # it does not fit on one line
    wrapped = metrics.boundingRect(0, 0, tree.columnWidth(2) - 6, 10_000, int(Qt.TextWordWrap), long_result)
    assert rect.height() >= wrapped.height() >= 2 * metrics.lineSpacing()
    # a wider column takes fewer lines: the rows are measured again
    tree.setColumnWidth(2, 900)
    qtbot.waitUntil(lambda: tree.visualRect(tree.indexFromItem(item, 2)).height() < rect.height())


def test_package_imported_again_after_its_undo_says_why_and_applies_again(qtbot, tmp_path):
    """QA9: Ctrl+Z of a merge withdraws its conflicts (not open any more); the same package opened again says it was
    imported and undone (not just «nothing new») and «Áp dụng lại» applies the undone merge again as one step."""
    from cchc_desktop.tracking import set_status
    from ui.main_window import MainWindow

    a = Store.open(tmp_path / "a.sqlite3", actor="A")
    b = Store.open(tmp_path / "b.sqlite3", actor="B")
    try:
        plan_id, p1, p2 = _plan(b)
        export_package(b, tmp_path / "0.cchc")
        from cchc_desktop.exchange import import_package
        import_package(a, tmp_path / "0.cchc")
        a.update("product", p2, description="Sửa ở máy A")
        set_status(a, p1, "2026", status="in_progress", percent=30)
        set_status(b, p1, "2026", status="in_progress", percent=60)
        export_package(a, tmp_path / "xa-a.cchc")
        window = MainWindow(b)
        qtbot.addWidget(window)
        window.open_plan(plan_id)
        merge = PackageImportDialog(b, window, path=str(tmp_path / "xa-a.cchc"))
        qtbot.addWidget(merge)
        assert not merge.reapply_button.isVisible() and not merge.reapply_button.isVisibleTo(merge)
        qtbot.mouseClick(merge.apply_button, Qt.LeftButton)
        open_conflicts = "SELECT COUNT(*) FROM exchange_conflict WHERE state = 'open'"
        assert b.db.query_one(open_conflicts)[0] == 1
        window.undo_stack.undo()
        assert b.row("product", p2)["description"] != "Sửa ở máy A"
        assert b.db.query_one(open_conflicts)[0] == 0
        again = PackageImportDialog(b, window, path=str(tmp_path / "xa-a.cchc"))
        qtbot.addWidget(again)
        again.resize(1366, 768)
        again.show()
        qtbot.waitExposed(again)
        assert "việc nhập đó đã được hoàn tác" in again.summary.text()
        assert "«Áp dụng lại»" in again.message.text() and again.reapply_button.isVisible()
        assert not again.apply_button.isEnabled()
        steps = window.undo_stack.count()
        again.reapply_button.click()
        assert "Đã áp dụng lại gói «xa-a.cchc»" in again.message.text(), again.message.text()
        assert b.row("product", p2)["description"] == "Sửa ở máy A"
        assert b.db.query_one(open_conflicts)[0] == 1
        assert window.undo_stack.undoText() == "Áp dụng lại gói «xa-a.cchc»"
        assert window.undo_stack.count() in (steps, steps + 1)
        window.undo_stack.undo()
        assert b.row("product", p2)["description"] != "Sửa ở máy A" and b.db.query_one(open_conflicts)[0] == 0
    finally:
        a.close()
        b.close()
