"""Main window and appendix editor, driven through the real widgets (pytest-qt, offscreen)."""
from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from cchc_desktop.demo import create_demo_plan
from cchc_desktop.domain import ROLE_COORD, ROLE_LEAD
from cchc_desktop.store import Store
from ui.appendix_model import (COL_CONTENT, COL_DEADLINE, COL_LEAD, COL_PRODUCT, COL_STT,
                               COLUMN_COUNT, KIND_SECTION, FilterSpec)
from ui.delegates import AgencyCompleter, DeadlineEditor, MultiLineEditor


def first_product_row(model, section_index: int, task_index: int = 0, product_index: int = 0) -> int:
    section = model.plan.sections[section_index]
    product = section.tasks[task_index].products[product_index]
    return model.find_row("product", product.id)


def second_store(store) -> Store:
    return Store.open(store.db.path, actor="other")


def test_edit_cell_persists_and_undo_redo(window, store):
    model = window.model
    row = first_product_row(model, 0)
    product_id = model.row_info(row).product.id
    old = store.row("product", product_id)["description"]
    assert model.setData(model.index(row, COL_PRODUCT), "Kế hoạch CCHC đã sửa")
    other = second_store(store)  # a second connection sees the committed edit: nothing waits for "Save"
    try:
        assert other.row("product", product_id)["description"] == "Kế hoạch CCHC đã sửa"
        window.actions["undo"].trigger()
        assert other.row("product", product_id)["description"] == old
        assert model.data(model.index(row, COL_PRODUCT)) == old
        window.actions["redo"].trigger()
        assert other.row("product", product_id)["description"] == "Kế hoạch CCHC đã sửa"
    finally:
        other.close()


def test_edit_through_the_editor_widget(window, store, qtbot):
    model, view = window.model, window.view
    row = first_product_row(model, 0, 1)
    task = model.row_info(row).task
    index = model.index(row, COL_CONTENT)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.findChild(MultiLineEditor)
    assert editor is not None
    editor.setPlainText("Thực hiện chế độ báo cáo CCHC định kỳ (sửa)")
    qtbot.keyClick(editor, Qt.Key_Return)
    assert store.row("task", task.id)["content"] == "Thực hiện chế độ báo cáo CCHC định kỳ (sửa)"
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert store.row("task", task.id)["content"] == "Thực hiện chế độ báo cáo CCHC định kỳ."


def test_agency_edit_and_undo(window, store):
    model = window.model
    row = first_product_row(model, 1)
    product_id = model.row_info(row).product.id
    assert model.setData(model.index(row, COL_LEAD), "Phòng Kinh tế; Công an xã")
    assert store.agency_names(product_id, ROLE_LEAD) == ["Phòng Kinh tế", "Công an xã"]
    assert model.data(model.index(row, COL_LEAD)) == "Phòng Kinh tế; Công an xã"
    window.undo_stack.undo()
    assert store.agency_names(product_id, ROLE_LEAD) == ["Văn phòng HĐND-UBND"]


def test_paste_3x6_block_into_cells(window, store):
    model, view = window.model, window.view
    row = first_product_row(model, 1)  # section II: five one-product tasks
    view.setCurrentIndex(model.index(row, COL_STT))
    block = "\n".join("\t".join([str(n), f"Nhiệm vụ dán {n}", f"Sản phẩm dán {n}", "Phòng Kinh tế",
                                 "Công an xã; Bưu điện xã", f"Quý {'I' * n}/2026"]) for n in (1, 2, 3))
    mime = QMimeData()
    mime.setText(block + "\n")
    changed = window.paste(mime)
    assert changed == 3 * 5  # STT is numbered automatically, not pasted
    section = store.load_plan(model.plan_id).sections[1]
    for n, task in enumerate(section.tasks[:3], 1):
        assert task.content == f"Nhiệm vụ dán {n}"
        product = task.products[0]
        assert product.description == f"Sản phẩm dán {n}"
        assert product.lead_names == "Phòng Kinh tế"
        assert [a.name for a in product.coordinators] == ["Công an xã", "Bưu điện xã"]
        assert product.deadline_text == f"Quý {'I' * n}/2026"
    window.undo_stack.undo()  # one macro: the whole paste
    section = store.load_plan(model.plan_id).sections[1]
    assert section.tasks[0].content.startswith("Xây dựng và ban hành văn bản quy phạm")
    assert section.tasks[2].products[0].deadline_text == "Thường xuyên"


def test_paste_excel_quoted_multiline_and_word_html(window, store):
    model, view = window.model, window.view
    row = first_product_row(model, 1)
    view.setCurrentIndex(model.index(row, COL_PRODUCT))
    mime = QMimeData()
    mime.setText('"Dòng một\nDòng hai"\tPhòng Kinh tế\r\n')
    assert window.paste(mime) == 2
    product_id = model.row_info(row).product.id
    assert store.row("product", product_id)["description"] == "Dòng một\nDòng hai"
    html = QMimeData()
    html.setHtml("<table><tr><td>Sản phẩm <b>Word</b></td><td>Văn phòng HĐND-UBND</td></tr></table>")
    html.setText("bỏ qua")
    assert window.paste(html) == 2
    assert store.row("product", product_id)["description"] == "Sản phẩm Word"


def test_paste_as_new_tasks_through_preview(window, store):
    model, view = window.model, window.view
    row = first_product_row(model, 2)
    view.setCurrentIndex(model.index(row, COL_CONTENT))
    section_id = model.plan.sections[2].id
    before = len(model.plan.sections[2].tasks)
    seen = {}

    def accept(dialog):
        seen["tasks"] = dialog.draft.task_count
        return True
    window.dialog_runner = accept
    mime = QMimeData()
    mime.setText("\n".join("\t".join([str(n), f"Nhiệm vụ mới {n}", f"Sản phẩm {n}", "Phòng Kinh tế", "",
                                      "Thường xuyên"]) for n in (1, 2, 3)))
    assert window.paste_as_tasks(mime)
    assert seen["tasks"] == 3
    tasks = [t for s in store.load_plan(model.plan_id).sections if s.id == section_id for t in s.tasks]
    assert len(tasks) == before + 3
    assert [t.content for t in tasks[1:4]] == ["Nhiệm vụ mới 1", "Nhiệm vụ mới 2", "Nhiệm vụ mới 3"]
    window.undo_stack.undo()
    assert len(store.load_plan(model.plan_id).sections[2].tasks) == before


def test_filter_ignores_accents_and_case(window):
    model = window.model
    total = model.visible_task_count()
    window.filter_bar.search.setText("CHUYEN DOI SO")
    window.filter_bar.apply_now()
    shown = model.visible_task_count()
    assert 0 < shown < total
    contents = [r.task.content for r in model.rows() if r.kind != KIND_SECTION and r.first]
    assert "Ban hành Kế hoạch chuyển đổi số năm 2026" in contents
    assert all(model.row_info(0).kind == KIND_SECTION for _ in [0])
    window.filter_bar.clear()
    assert model.visible_task_count() == total


def test_filters_by_section_agency_status(window, store):
    model = window.model
    plan = model.plan
    model.set_filter(FilterSpec(section_id=plan.sections[5].id))
    assert model.visible_task_count() == len(plan.sections[5].tasks)
    agency = store.find_agency("Phòng Kinh tế")
    model.set_filter(FilterSpec(lead_agency_id=agency))
    leads = {a.name for r in model.rows() if r.product is not None for a in r.product.leads}
    assert leads == {"Phòng Kinh tế"}
    model.set_filter(FilterSpec(overdue_only=True))
    assert model.visible_task_count() >= 1
    assert all(model.product_info(r.product.id).status == "overdue" for r in model.rows() if r.product)
    model.set_filter(FilterSpec())


def test_drag_task_to_another_section(window, store):
    model = window.model
    source = model.plan.sections[0]
    target = model.plan.sections[2]
    task = source.tasks[1]
    kept = [t.number for t in source.tasks if t.id != task.id]
    row = model.find_row("task", task.id)
    mime = model.mimeData([model.index(row, COL_CONTENT)])
    drop_row = model.find_row("task", target.tasks[1].id)
    # The view calls exactly this on a drop between rows.
    assert model.dropMimeData(mime, Qt.MoveAction, drop_row, 0, QModelIndex())
    plan = store.load_plan(model.plan_id)
    assert [t.id for t in plan.sections[2].tasks][1] == task.id
    assert task.id not in [t.id for t in plan.sections[0].tasks]
    # the signed plan's numbers stay (renumbering is an explicit command)
    assert [t.number for t in plan.sections[0].tasks] == kept
    window.undo_stack.undo()
    plan = store.load_plan(model.plan_id)
    assert plan.sections[0].tasks[1].id == task.id
    # dropping onto a section row appends to that section
    mime = model.mimeData([model.index(model.find_row("task", task.id), COL_STT)])
    section_row = model.find_row("section", target.id)
    assert model.dropMimeData(mime, Qt.MoveAction, -1, -1, model.index(section_row, 0))
    assert store.load_plan(model.plan_id).sections[2].tasks[-1].id == task.id


def test_view_drop_event_goes_through_model(window, store, qtbot):
    """A real QDropEvent on the viewport ends in model.dropMimeData (same path as a mouse drag)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    model, view = window.model, window.view
    task = model.plan.sections[0].tasks[0]
    target_section = model.plan.sections[1]
    mime = model.mimeData([model.index(model.find_row("task", task.id), COL_CONTENT)])
    row = model.find_row("section", target_section.id)
    view.scrollTo(model.index(row, 0))
    rect = view.visualRect(model.index(row, COL_PRODUCT))
    pos = QPointF(rect.center())
    for event_type in (QDragEnterEvent, QDragMoveEvent, QDropEvent):  # what a mouse drag delivers
        if event_type is QDropEvent:
            event = QDropEvent(pos, Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
        else:
            event = event_type(pos.toPoint(), Qt.MoveAction, mime, Qt.LeftButton, Qt.NoModifier)
        QApplication.sendEvent(view.viewport(), event)
    plan = store.load_plan(model.plan_id)
    assert task.id in [t.id for t in plan.sections[1].tasks]


def test_delete_and_undo_restores_everything(window, store):
    model, view = window.model, window.view
    task = model.plan.sections[5].tasks[0]  # four products with agencies
    row = model.find_row("task", task.id)
    view.setCurrentIndex(model.index(row, COL_CONTENT))
    window.actions["delete"].trigger()
    assert store.row("task", task.id) is None
    window.actions["undo"].trigger()
    restored = store.load_plan(model.plan_id).sections[5].tasks[0]
    assert restored.id == task.id
    assert [p.description for p in restored.products] == [p.description for p in task.products]
    assert restored.products[0].lead_names == "Phòng Kinh tế"


def test_add_insert_duplicate_move(window, store):
    model, view = window.model, window.view
    section = model.plan.sections[3]
    row = model.find_row("task", section.tasks[1].id)
    view.setCurrentIndex(model.index(row, COL_CONTENT))
    window.actions["insert_task"].trigger()
    tasks = store.load_plan(model.plan_id).sections[3].tasks
    assert len(tasks) == 5 and tasks[1].content == "" and len(tasks[1].products) == 1
    view.setCurrentIndex(model.index(model.find_row("task", tasks[2].id), COL_CONTENT))
    window.actions["duplicate_task"].trigger()
    tasks = store.load_plan(model.plan_id).sections[3].tasks
    assert tasks[3].content == tasks[2].content and tasks[3].id != tasks[2].id
    view.setCurrentIndex(model.index(model.find_row("task", tasks[3].id), COL_CONTENT))
    window.actions["move_up"].trigger()
    after = store.load_plan(model.plan_id).sections[3].tasks
    assert after[2].id == tasks[3].id
    window.actions["add_product"].trigger()
    assert len(store.load_plan(model.plan_id).sections[3].tasks[2].products) == 2
    for _ in range(4):
        window.undo_stack.undo()
    assert [t.id for t in store.load_plan(model.plan_id).sections[3].tasks] == [t.id for t in section.tasks]


def test_move_task_across_section_boundary(window, store):
    model, view = window.model, window.view
    first_of_second = model.plan.sections[1].tasks[0]
    view.setCurrentIndex(model.index(model.find_row("task", first_of_second.id), COL_CONTENT))
    window.move_current(-1)
    plan = store.load_plan(model.plan_id)
    assert plan.sections[0].tasks[-1].id == first_of_second.id


def test_move_to_section_dialog_moves_task_to_end_and_undo(window, store, qtbot):
    from ui.dialogs.move_to_section import MoveToSectionDialog

    model, view = window.model, window.view
    plan = model.plan
    task = plan.sections[0].tasks[1]
    target = plan.sections[2]
    old_ids = [t.id for t in plan.sections[0].tasks]
    view.setCurrentIndex(model.index(model.find_row("task", task.id), COL_CONTENT))
    seen = {}

    def run(dialog):
        assert isinstance(dialog, MoveToSectionDialog)
        labels = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        seen["labels"] = labels
        assert dialog.section_id() == plan.sections[0].id     # opens on the task's own section
        dialog.select_section(target.id)
        return True
    window.dialog_runner = run
    qtbot.keyClick(view, Qt.Key_M, Qt.ControlModifier)       # the shortcut opens the dialog
    assert seen["labels"][0].startswith("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    rows = store.db.query("SELECT t.id, t.section_id FROM task t WHERE t.section_id = ? ORDER BY t.position",
                          (target.id,))
    assert [r["id"] for r in rows][-1] == task.id           # in SQLite, at the end of the new section
    assert window.current_row().task.id == task.id          # the selection followed the task
    assert window.current_row().section.id == target.id
    assert window.undo_stack.count() == 1
    window.actions["undo"].trigger()                        # one undo step puts it back
    assert [t.id for t in store.load_plan(plan.id).sections[0].tasks] == old_ids
    assert store.row("task", task.id)["section_id"] == plan.sections[0].id


def test_move_to_section_several_tasks_keep_order(window, store):
    from PySide6.QtCore import QItemSelectionModel

    model, view = window.model, window.view
    plan = model.plan
    first, second = plan.sections[1].tasks[0], plan.sections[1].tasks[1]
    target = plan.sections[0]
    top = model.find_row("task", first.id)
    bottom = model.find_row("task", second.id)
    view.setCurrentIndex(model.index(top, COL_CONTENT))
    view.selectionModel().select(model.index(bottom, COL_CONTENT), QItemSelectionModel.Select)
    assert window.move_to_section(target.id)
    ids = [t.id for t in store.load_plan(plan.id).sections[0].tasks]
    assert ids[-2:] == [first.id, second.id]
    assert {model.row_info(r).task.id for r in view.selected_rows()} == {first.id, second.id}
    assert window.actions["move_to_section"] in window.menus["Nhiệm vụ"].actions()
    window.undo_stack.undo()
    assert [t.id for t in store.load_plan(plan.id).sections[1].tasks][:2] == [first.id, second.id]


def _expected_spans(model):
    """(row, column, row span, column span) of every spanned cell, from the rows themselves."""
    found = []
    for number, row in enumerate(model.rows()):
        if row.kind == KIND_SECTION:
            found.append((number, 0, 1, COLUMN_COUNT))
        elif row.first and row.group_len > 1:
            found += [(number, COL_STT, row.group_len, 1), (number, COL_CONTENT, row.group_len, 1)]
    return found


def test_spans_near_the_screen_at_once_the_rest_in_idle_time(qtbot, store):
    """After a reset the rows around the screen are spanned before the repaint; the others follow in idle time
    and on scrolling (a long plan, so not everything lies near the screen)."""
    from ui.app import build_main_window
    from ui.appendix_view import SPAN_MARGIN_ROWS

    plan_id = create_demo_plan(store)
    section = store.load_plan(plan_id).sections[0]
    with store.transaction():
        for n in range(300):
            task_id = store.add_task(section.id, f"Nhiệm vụ thêm {n}")
            for k in range(2):
                store.add_product(task_id, f"Sản phẩm {n}.{k}")
    win = build_main_window(store)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    model, view = win.model, win.view
    model.set_filter(model.filter_spec)          # a reset, as a filter does
    expected = _expected_spans(model)
    bottom = view.rowAt(view.viewport().height() - 1)
    near = [s for s in expected if s[0] <= bottom + SPAN_MARGIN_ROWS // 2]
    far = [s for s in expected if s[0] > bottom + SPAN_MARGIN_ROWS]
    assert near and far
    for row, col, rows, cols in near:
        assert (view.rowSpan(row, col), view.columnSpan(row, col)) == (rows, cols)
    assert any((view.rowSpan(r, c), view.columnSpan(r, c)) != (rs, cs) for r, c, rs, cs in far)
    # scrolling to the end spans the rows there at once
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    last = [s for s in expected if s[0] >= view.rowAt(0)]
    assert last and all((view.rowSpan(r, c), view.columnSpan(r, c)) == (rs, cs) for r, c, rs, cs in last)
    # idle time sets the rest
    qtbot.waitUntil(lambda: all((view.rowSpan(r, c), view.columnSpan(r, c)) == (rs, cs)
                                for r, c, rs, cs in expected), timeout=5000)


def test_section_rows_are_spanned_and_groups_merged(window):
    model, view = window.model, window.view
    view.ensure_spans()
    for row, col, rows, cols in _expected_spans(model):
        assert (view.rowSpan(row, col), view.columnSpan(row, col)) == (rows, cols)
    for number, row in enumerate(model.rows()):
        if row.kind == KIND_SECTION:
            assert view.columnSpan(number, 0) == COLUMN_COUNT
            assert model.data(model.index(number, 0)) == row.section.label
    row = model.find_row("task", model.plan.sections[5].tasks[0].id)  # task with 4 products
    assert view.rowSpan(row, COL_STT) == 4 and view.rowSpan(row, COL_CONTENT) == 4
    assert model.data(model.index(row, COL_STT)) == "1"
    assert model.data(model.index(row + 1, COL_CONTENT)) is None
    assert model.data(model.index(row + 1, COL_PRODUCT)).startswith("1.2.")
    bold = model.data(model.index(0, 0), Qt.FontRole)
    assert bold.bold()


def test_shortcuts_and_menus(window):
    expected = {"new_plan": "Ctrl+N", "open_plan": "Ctrl+O", "find": "Ctrl+F", "copy": "Ctrl+C",
                "paste": "Ctrl+V", "undo": "Ctrl+Z", "redo": "Ctrl+Y", "delete": "Del",
                "insert_task": "Ins", "edit_cell": "F2", "move_up": "Ctrl+Up", "move_down": "Ctrl+Down",
                "move_to_section": "Ctrl+M"}
    for name, keys in expected.items():
        shortcuts = [s.toString(QKeySequence.PortableText) for s in window.actions[name].shortcuts()]
        assert keys in shortcuts, (name, shortcuts)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    for title in ["Tệp", "Sửa", "Xem", "Nhiệm vụ", "Trợ giúp"]:
        assert title in titles


def test_copy_selection_tsv_and_html(window):
    model, view = window.model, window.view
    row = model.find_row("task", model.plan.sections[0].tasks[3].id)  # two products
    view.selectionModel().select(model.index(row, COL_CONTENT),
                                 view.selectionModel().SelectionFlag.Select)
    view.setCurrentIndex(model.index(row, COL_CONTENT))
    view.selectionModel().select(model.index(row, COL_STT), view.selectionModel().SelectionFlag.Select)
    window.copy_selection()
    mime = QApplication.clipboard().mimeData()
    lines = mime.text().strip("\r\n").split("\r\n")
    assert len(lines) == 2 and lines[0].startswith("4\tTổ chức thực hiện thông tin")
    assert "rowspan=\"2\"" in mime.html() and "<table" in mime.html()


def test_details_pane_and_status_bar(window):
    model, view = window.model, window.view
    row = model.find_row("task", model.plan.sections[0].tasks[0].id)
    view.setCurrentIndex(model.index(row, COL_DEADLINE))
    assert "Ban hành và tổ chức thực hiện" in window.details.info.text()
    assert "39 nhiệm vụ" in window.task_label.text()
    assert str(window.store.db.path) in window.db_label.text()
    assert window.tabs.tabText(0) == "Phụ lục nhiệm vụ"
    before = window.tabs.count()
    index = window.add_tab(QMessageBox(), "Thử thêm thẻ")
    assert window.tabs.count() == before + 1 and window.tabs.tabText(index) == "Thử thêm thẻ"


def test_deadline_editor_interprets_and_warns(qtbot):
    editor = DeadlineEditor(2026, 2026)
    qtbot.addWidget(editor)
    editor.setText("Quý II/2026")
    assert "30/06/2026" in editor.hint.text()
    editor.line.setText("abc 45/13 xyz")
    assert editor.hint.text().startswith("⚠") and not editor.parsed_ok


def test_agency_completer_completes_last_name_without_accents(qtbot):
    from PySide6.QtWidgets import QLineEdit

    line = QLineEdit()
    qtbot.addWidget(line)
    completer = AgencyCompleter(["Phòng Văn hóa - Xã hội", "Phòng Kinh tế"], line)
    line.setCompleter(completer)
    line.setText("Phòng Kinh tế; van hoa")
    assert completer.splitPath(line.text()) == ["van hoa"]
    completer.setCompletionPrefix("van hoa")
    index = completer.currentIndex()
    assert completer.pathFromIndex(index) == "Phòng Kinh tế; Phòng Văn hóa - Xã hội"


def test_import_error_names_the_file(window, tmp_path, monkeypatch):
    shown = {}
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: shown.update(title=title, text=text))
    bad = tmp_path / "phu-luc.pdf"
    bad.write_bytes(b"%PDF-1.4")
    assert not window.import_file(bad)
    assert "phu-luc.pdf" in shown["text"] and shown["title"] == "Không nhập được tệp"


def test_import_file_into_new_plan(window, store, tmp_path):
    from cchc_desktop.demo import demo_appendix_path

    window.dialog_runner = lambda dialog: (getattr(dialog, "set_target", lambda _t: None)("new"), True)[1]
    plans_before = len(store.list_plans())
    assert window.import_file(demo_appendix_path())
    assert len(store.list_plans()) == plans_before + 1
    assert window.model.task_count() == 39


def test_import_preview_defaults_to_new_plan_and_shows_section_titles(window, store):
    """A file of another unit must not go into the open (non-empty) plan by default; section rows of
    the preview show their title (a spanned tree row shows column 0 only)."""
    from cchc_desktop.demo import demo_appendix_path

    seen = {}

    def look(dialog):
        seen["target"] = dialog.target
        top = dialog.tree.topLevelItem(0)
        seen["section"] = top.text(0) if top.isFirstColumnSpanned() else top.text(1)
        return False
    window.dialog_runner = look
    assert not window.import_file(demo_appendix_path())
    assert seen["target"] == "new"
    assert seen["section"].startswith("I. ") and "CHỈ ĐẠO" in seen["section"]
    # an empty plan (made with «Tạo mới») is the default target
    plan_id = store.create_plan("An Bình", 2026, unit_kind="phường")
    window.open_plan(plan_id)
    window.import_file(demo_appendix_path())
    assert seen["target"] == "current"


def test_plan_properties_undoable(window, store):
    def fill(dialog):
        dialog.doc_number.setText("05/KH-UBND")
        return True
    window.dialog_runner = fill
    window.edit_plan_properties()
    assert store.row("plan", window.model.plan_id)["doc_number"] == "05/KH-UBND"
    window.undo_stack.undo()
    assert store.row("plan", window.model.plan_id)["doc_number"] == "03/KH-UBND"


def test_run_gui_reports_unreadable_database(tmp_path, monkeypatch, qapp):
    from ui import app as app_module

    shown = {}
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: shown.update(text=text))
    monkeypatch.setattr("ui.restore_dialog.ask_recovery", lambda proposal, parent=None: False)
    bad = tmp_path / "hong.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    try:
        assert app_module.run_gui(bad) == 1
    finally:  # run_gui installs the Vietnamese Qt translator and locale: leave no global state behind
        from PySide6.QtCore import QLocale

        translator = getattr(qapp, "_cchc_vi_translator", None)
        if translator is not None:
            qapp.removeTranslator(translator)
            del qapp._cchc_vi_translator
        QLocale.setDefault(QLocale.c())
    assert "bị hỏng" in shown["text"] and "hong.sqlite3" in shown["text"]
    assert bad.read_bytes() == b"this is not a database" * 100  # nothing touched when refused


def test_layout_is_remembered(window, store, qtbot):
    from ui.app import build_main_window

    window.view.setColumnWidth(COL_PRODUCT, 333)
    window.view.auto_fit_columns = False     # what dragging a column border does
    window.close()
    again = build_main_window(store)
    qtbot.addWidget(again)
    assert again.view.columnWidth(COL_PRODUCT) == 333 and not again.view.auto_fit_columns
    assert again.model.plan_id == window.model.plan_id


def test_coordinator_role_constant_used():
    assert ROLE_COORD == "coord"


def test_window_fits_1366x768_with_readable_details(window, qtbot):
    from PySide6.QtWidgets import QScrollArea

    qtbot.waitUntil(lambda: window.dashboard_page is not None)   # built after the table's first paint
    window.tabs.setCurrentWidget(window.dashboard_page)
    qtbot.wait(10)
    assert isinstance(window.dashboard_page, QScrollArea) and window.dashboard_page.widget() is window.dashboard
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768
    assert (window.width(), window.height()) == (1366, 768)
    window.tabs.setCurrentIndex(0)
    sections, table, details = window.splitter.sizes()
    assert table > 0.6 * (sections + table + details) and details >= 240
    # the table's columns fit its width (no horizontal scrolling at 1366 px)
    qtbot.waitUntil(lambda: not window.view.horizontalScrollBar().isVisible())
    # status panel: labels above wide fields
    product = window.model.plan.sections[0].tasks[0].products[0]
    window.view.select_entity("product", product.id)
    panel = window.status_panel
    for field in (panel.notes, panel.result, panel.status):
        assert field.width() >= 0.8 * panel.width(), field
    assert panel.notes.height() >= 2 * panel.notes.fontMetrics().lineSpacing()
    assert not window.details.horizontalScrollBar().isVisible()


def test_plan_label_does_not_repeat_the_unit_kind(window):
    from ui.plan_labels import plan_label, unit_label

    assert unit_label("xã", "xã Xuân Trường") == "Xã Xuân Trường"
    assert unit_label("xã", "Xuân Trường") == "Xã Xuân Trường"
    assert unit_label("phường", "Phường An Bình") == "Phường An Bình"
    assert unit_label("thị trấn", "thị trấn Cổ Lễ") == "Thị trấn Cổ Lễ"
    assert unit_label("xã", "Xa Mát") == "Xã Xa Mát"      # "Xa" is not "xã"
    plan = {"unit_kind": "xã", "unit_name": "xã Xuân Trường", "year_start": 2026, "year_end": 2026,
            "doc_number": "03/KH-UBND", "status": "issued", "task_count": 39}
    assert plan_label(plan).startswith("Xã Xuân Trường — năm 2026 — KH số 03/KH-UBND")
    assert window.plan_combo.currentText().startswith("Xã Xuân Trường — ")
    assert "xã xã" not in window.windowTitle().lower()


def test_paste_past_the_end_of_a_section_adds_rows_in_one_undo_step(window, store):
    model, view = window.model, window.view
    plan = model.plan
    section, following = plan.sections[0], plan.sections[1]
    n_tasks = len(section.tasks)
    last = section.tasks[-1]
    assert len(last.products) == 1
    last_content = last.content
    next_title, next_first = following.title, following.tasks[0].content
    view.setCurrentIndex(model.index(model.find_row("product", last.products[0].id), COL_CONTENT))
    rows = [["Nhiệm vụ cuối (sửa)", "Sản phẩm cuối (sửa)", "Phòng Kinh tế", "", "Quý IV/2026"],
            ["Nhiệm vụ dán thêm A", "Sản phẩm A1", "Công an xã", "Bưu điện xã", "Tháng 10/2026"],
            ["", "Sản phẩm A2", "Phòng Kinh tế", "", "Thường xuyên"],
            ["Nhiệm vụ dán thêm B", "Sản phẩm B1", "", "", ""]]
    mime = QMimeData()
    mime.setText("\n".join("\t".join(r) for r in rows) + "\n")
    assert window.paste(mime) > 0
    fresh = store.load_plan(model.plan_id)
    tasks = fresh.sections[0].tasks
    assert len(tasks) == n_tasks + 2
    assert tasks[n_tasks - 1].content == "Nhiệm vụ cuối (sửa)"
    a, b = tasks[n_tasks], tasks[n_tasks + 1]
    assert a.content == "Nhiệm vụ dán thêm A" and [p.description for p in a.products] == ["Sản phẩm A1", "Sản phẩm A2"]
    assert a.products[0].lead_names == "Công an xã" and a.products[0].coordinator_names == "Bưu điện xã"
    assert a.products[1].deadline_text == "Thường xuyên"
    assert b.content == "Nhiệm vụ dán thêm B" and [p.description for p in b.products] == ["Sản phẩm B1"]
    # the next section is untouched (its header row is not overwritten)
    assert fresh.sections[1].title == next_title and fresh.sections[1].tasks[0].content == next_first
    assert model.plan.sections[0].tasks[-1].content == "Nhiệm vụ dán thêm B"   # the table shows them
    window.undo_stack.undo()       # one step: edits and new rows
    fresh = store.load_plan(model.plan_id)
    assert len(fresh.sections[0].tasks) == n_tasks and fresh.sections[0].tasks[-1].content == last_content
    window.undo_stack.redo()
    tasks = store.load_plan(model.plan_id).sections[0].tasks
    assert len(tasks) == n_tasks + 2 and len(tasks[n_tasks].products) == 2


def test_paste_products_past_the_last_row_adds_products(window, store):
    model, view = window.model, window.view
    section = model.plan.sections[-1]
    last = section.tasks[-1]
    count = len(last.products)
    view.setCurrentIndex(model.index(model.find_row("product", last.products[-1].id), COL_PRODUCT))
    mime = QMimeData()
    mime.setText("Sản phẩm sửa\tPhòng Kinh tế\r\nSản phẩm thêm 1\tCông an xã\r\nSản phẩm thêm 2\t\r\n")
    assert window.paste(mime) == 2 + 3
    products = store.load_plan(model.plan_id).sections[-1].tasks[-1].products
    assert [p.description for p in products][-3:] == ["Sản phẩm sửa", "Sản phẩm thêm 1", "Sản phẩm thêm 2"]
    assert len(products) == count + 2 and products[-2].lead_names == "Công an xã"
    window.undo_stack.undo()
    assert len(store.load_plan(model.plan_id).sections[-1].tasks[-1].products) == count


def test_filter_indexes_follow_edits_and_statuses(window, store):
    from datetime import date

    from cchc_desktop.tracking import DONE, set_status

    model = window.model
    agency = store.find_agency("Phòng Kinh tế")
    model.set_filter(FilterSpec(lead_agency_id=agency))
    before = {r.product.id for r in model.rows() if r.product is not None}
    outsider = next(p for _s, _t, p in model.plan.iter_products() if p.id not in before)
    model.set_filter(FilterSpec())
    assert model.setData(model.index(model.find_row("product", outsider.id), COL_LEAD), "Phòng Kinh tế")
    model.set_filter(FilterSpec(lead_agency_id=agency))
    assert {r.product.id for r in model.rows() if r.product is not None} == before | {outsider.id}
    # products sharing a deadline text share a state until one gets a recorded status
    model.set_filter(FilterSpec())
    twins = [p for _s, _t, p in model.plan.iter_products() if p.deadline_text == "Thường xuyên"][:2]
    assert model.product_info(twins[0].id).status == model.product_info(twins[1].id).status
    from cchc_desktop import ops
    window.set_ref_date(date(2026, 12, 2))
    window.events.publish(ops.run(store, "Tình trạng", set_status, store, twins[0].id, "2026", ref=date(2026, 12, 1),
                                  status=DONE, completed_on="2026-12-01"))   # a change from another source
    assert model.product_info(twins[0].id).stored_status == DONE
    assert model.product_info(twins[1].id).stored_status != DONE
    # a filter after scrolling to the bottom measures only the rows on screen
    view = window.view
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    view.fit_visible_rows()
    model.set_filter(FilterSpec(overdue_only=True))
    assert view.verticalScrollBar().value() == 0
    assert len(view._fitted) < 60


def test_agency_picker_enter_in_new_name_adds_it(qtbot):
    from PySide6.QtCore import Qt

    from ui.dialogs.agency_picker import AgencyPickerDialog

    dialog = AgencyPickerDialog(["Phòng Kinh tế", "Công an xã"], ["Phòng Kinh tế"])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.new_name.setText("Đoàn Thanh niên")
    qtbot.keyClick(dialog.new_name, Qt.Key_Return)
    assert dialog.isVisible() and dialog.new_name.text() == ""     # added, the dialog stays open
    dialog.new_name.setText("Hội Phụ nữ")                           # typed, then «Chọn» at once
    dialog.accept()
    assert dialog.selected_names() == ["Phòng Kinh tế", "Đoàn Thanh niên", "Hội Phụ nữ"]


def test_toolbar_undo_button_stays_short(window):
    from PySide6.QtWidgets import QToolButton

    buttons = {b.defaultAction(): b for b in window.findChildren(QToolButton) if b.defaultAction()}
    undo = buttons[window.actions["undo"]]
    window.view.setCurrentIndex(window.model.index(1, 1))
    window.add_task()
    assert window.undo_stack.count() >= 1
    assert undo.text() == "Hoàn tác"
    assert undo.toolTip().startswith("Hoàn tác: Thêm nhiệm vụ")


def test_menu_mnemonics_are_unique(window):
    """Alt+letter opens one menu, and one item in each menu (Sao lưu took the S of Sửa)."""
    from ui.backup_start import install_backup_menu

    install_backup_menu(window)

    def letters(actions):
        found = []
        for action in actions:
            text = action.text().replace("&&", "")
            if "&" in text:
                found.append(text[text.index("&") + 1].lower())
        return found
    bar = letters(window.menuBar().actions())
    assert len(bar) == len(set(bar)), bar
    for title, menu in window.menus.items():
        keys = letters(menu.actions())
        assert len(keys) == len(set(keys)), (title, keys)


def test_shortcuts_help_lists_reports_and_clear_filter(window, monkeypatch):
    shown = {}
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.update(text=text))
    window.show_shortcuts()
    for name in ("Lập báo cáo", "Bỏ lọc", "Thuộc tính kế hoạch", "Hoàn tác"):
        assert name in shown["text"], name


def test_periodic_status_cell_says_it_is_the_average_over_periods(window, store):
    """«Thường xuyên» at 50% in Quý IV: the table's 12% is the average of the four quarters begun,
    and its tooltip says so next to the quarter's own 50% (what the status panel shows)."""
    from datetime import date

    from cchc_desktop.tracking.status import set_status
    from cchc_desktop.tracking.timeliness import IN_PROGRESS
    from ui.appendix_model import COL_STATUS

    model = window.model
    product = next(p for _s, _t, p in model.plan.iter_products() if p.deadline_text == "Thường xuyên")
    from cchc_desktop import ops
    window.set_ref_date(date(2026, 11, 20))
    window.events.publish(ops.run(store, "Tình trạng", set_status, store, product.id, "2026-Q4",
                                  status=IN_PROGRESS, percent=50))
    row = model.find_row("product", product.id)
    assert model.data(model.index(row, COL_STATUS)) == "Đang thực hiện (12%)"     # core figure unchanged
    tip = model.data(model.index(row, COL_STATUS), Qt.ToolTipRole)
    assert "Trung bình các kỳ: 12% — Quý IV/2026: 50%" in tip
    assert "trung bình của 4 kỳ đã bắt đầu" in tip
    assert "Tình trạng đã ghi nhận (Quý IV/2026): Đang thực hiện, 50%" in tip


def test_filter_combos_fit_their_all_entry_at_1366(window):
    """At 1366×768 no filter combo clips its «…: tất cả» entry; long agency names are elided in the
    combo (full name in the tooltip) and the popup is wider than the combo."""
    bar = window.filter_bar
    assert bar.lead.itemText(0) == "Cơ quan chủ trì: tất cả"
    for combo in (bar.section, bar.lead, bar.status, bar.due):
        fm = combo.fontMetrics()
        assert combo._text_width() >= fm.horizontalAdvance(combo.itemText(0)), combo.itemText(0)
        assert combo.toolTip() == ""
    assert bar.geometry().right() <= window.width()
    assert bar.count_label.geometry().right() <= bar.width()
    longest = max(range(bar.lead.count()), key=lambda i: len(bar.lead.itemText(i)))
    bar.lead.setCurrentIndex(longest)
    assert bar.lead.toolTip() == bar.lead.itemText(longest)
    assert bar.lead.view().minimumWidth() > bar.lead.width()
