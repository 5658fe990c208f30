"""Typed dates in every date field (issue #20, item 1), offscreen."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from ui.date_edit import DateEdit

pytestmark = pytest.mark.gui


def _type(qtbot, field: DateEdit, text: str) -> None:
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key_Return)


@pytest.mark.parametrize("text", ["10/01/2026", "10/1/2026", "10012026"])
def test_select_all_and_type_gives_that_date(qtbot, text):
    field = DateEdit(QDate(2026, 5, 5))
    qtbot.addWidget(field)
    seen = []
    field.dateChanged.connect(seen.append)
    _type(qtbot, field, text)
    assert field.date() == QDate(2026, 1, 10) and field.isValid()
    assert field.text() == "10/01/2026" and "Thứ bảy" in field.hint.text()
    assert seen == [QDate(2026, 1, 10)]


def test_an_impossible_date_is_named_and_never_stored_as_another(qtbot):
    field = DateEdit(QDate(2026, 6, 30))
    qtbot.addWidget(field)
    seen = []
    field.dateChanged.connect(seen.append)
    _type(qtbot, field, "31/06/2026")
    assert not field.isValid() and field.date() == QDate(2026, 6, 30) and seen == []
    assert "Ngày 31/06/2026 không tồn tại" in field.hint.text() and "30/06/2026" in field.hint.text()
    assert field.text() == "31/06/2026"               # the user's text stays for correction


def test_optional_date_can_be_left_empty(qtbot):
    empty = QDate(1990, 1, 1)
    field = DateEdit(QDate(2026, 3, 1))
    field.setMinimumDate(empty)
    field.setSpecialValueText("(chưa ghi ngày)")
    qtbot.addWidget(field)
    field.edit.selectAll()
    qtbot.keyClick(field.edit, Qt.Key_Delete)
    qtbot.keyClick(field.edit, Qt.Key_Return)
    assert field.date() == empty and field.isValid() and field.text() == ""


def test_plan_properties_date_is_typed(qtbot, store):
    from cchc_desktop.demo import create_demo_plan
    from ui.dialogs.plan_properties import PlanPropertiesDialog

    plan_id = create_demo_plan(store)
    dialog = PlanPropertiesDialog(store.load_plan(plan_id))
    qtbot.addWidget(dialog)
    dialog.has_date.setChecked(True)
    _type(qtbot, dialog.doc_date, "10/01/2026")
    assert dialog.values()["doc_date"] == "2026-01-10"


def test_evidence_date_defaults_to_the_completion_date(qtbot):
    from PySide6.QtWidgets import QFormLayout, QWidget

    from ui.evidence_form import NO_DATE, EvidenceFields

    host = QWidget()
    qtbot.addWidget(host)
    dated = EvidenceFields(QFormLayout(host), host, default_date=QDate(2026, 4, 2))
    assert dated.values()["issued_on"] == dt.date(2026, 4, 2)
    other = QWidget()
    qtbot.addWidget(other)
    undated = EvidenceFields(QFormLayout(other), other)
    assert undated.issued_on.date() == NO_DATE and undated.values()["issued_on"] is None
