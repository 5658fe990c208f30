"""«Cài đặt kỳ báo cáo»: per-plan report due days (ReportSettings) with a live list of the due dates.

Saved with `edit_report_settings()` as one undoable step (ui.operations)."""
from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from cchc_desktop.dates import format_date
from cchc_desktop.tracking import ReportSettings, get_settings, plan_periods, set_settings

from .operations import perform
from .forms import link_form_labels



def _spin(low: int, high: int, prefix: str = "", suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setPrefix(prefix)
    box.setSuffix(suffix)
    return box


def _pair(*widgets) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return holder


class ReportSettingsDialog(QDialog):
    def __init__(self, store, plan_id: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Cài đặt kỳ báo cáo")
        self.setMinimumWidth(520)
        plan = store.row("plan", plan_id)
        self.years = (plan["year_start"], plan["year_end"])
        self.initial = get_settings(store, plan_id)
        self.boxes = {
            "quarter_report_day": _spin(1, 31, "ngày "),
            "half_report_day": _spin(1, 31, "ngày "),
            "half_report_month": _spin(1, 12, "tháng "),
            "annual_report_day": _spin(1, 31, "ngày "),
            "annual_report_month": _spin(1, 12, "tháng "),
            "due_soon_days": _spin(0, 366, "", " ngày"),
        }
        b = self.boxes
        form = QFormLayout()
        form.addRow("Báo cáo &quý: hạn gửi", _pair(b["quarter_report_day"], QLabel("của tháng cuối quý")))
        form.addRow("Báo cáo &6 tháng: hạn gửi", _pair(b["half_report_day"], b["half_report_month"]))
        form.addRow("Báo cáo &năm: hạn gửi", _pair(b["annual_report_day"], b["annual_report_month"]))
        form.addRow("Báo «sắp đến hạn» &trước", _pair(b["due_soon_days"]))
        note = QLabel("Ngày lớn hơn số ngày của tháng được hiểu là ngày cuối tháng. Báo cáo năm cũng là "
                      "báo cáo 6 tháng cuối năm.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #444;")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        preview_box = QGroupBox("Hạn gửi báo cáo theo cài đặt này")
        QVBoxLayout(preview_box).addWidget(self.preview)
        defaults = QPushButton("&Khôi phục mặc định")
        defaults.clicked.connect(lambda: self.load(ReportSettings()))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.addButton(defaults, QDialogButtonBox.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(preview_box)
        layout.addWidget(buttons)
        for box in self.boxes.values():
            box.valueChanged.connect(self._update_preview)
        self.load(self.initial)
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def load(self, settings: ReportSettings) -> None:
        for name, value in asdict(settings).items():
            self.boxes[name].setValue(value)
        self._update_preview()

    def settings(self) -> ReportSettings:
        return ReportSettings(**{name: box.value() for name, box in self.boxes.items()})

    def changes(self) -> dict:
        """{field: new value} of what differs from the stored settings."""
        old = asdict(self.initial)
        return {k: v for k, v in asdict(self.settings()).items() if old[k] != v}

    def _update_preview(self, *_args) -> None:
        periods = plan_periods(self.years[0], self.years[1], self.settings())
        lines = [f"{p.label}: {format_date(p.report_due)}" for p in periods]
        if len(lines) > 12:
            lines = lines[:12] + ["…"]
        self.preview.setText("<br>".join(lines))


def edit_report_settings(store, plan_id: str, parent=None, undo_stack=None, dialog_runner=None,
                         message=None) -> bool:
    """Show the dialog; save the changes as one undo step. True when something was saved."""
    dialog = ReportSettingsDialog(store, plan_id, parent)
    runner = dialog_runner or (lambda d: bool(d.exec()))
    if not runner(dialog):
        return False
    new = dialog.changes()
    if not new:
        return False
    return perform(store, undo_stack, None, "Cài đặt kỳ báo cáo", set_settings, store, plan_id, **new,
                   message=(lambda text: message("Không lưu được cài đặt", text)) if message else None).ok
