"""«Tạo kế hoạch năm sau…»: choose the year, review the changed deadline texts, the texts flagged for review and
the carried-over tasks (the same text as `main.py rollover`), then create the plan (cchc_desktop.planlife.rollover).

``ui.planlife_menu.install_planlife_menu(window)`` adds the «Kế hoạch» menu (amend, roll over, five-year plan) to the main window;
it needs window.store, window.model (plan_id, reload) and window.undo_stack, and uses window.open_plan.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit,
                               QSpinBox, QVBoxLayout)

from cchc_desktop.errors import UserError
from cchc_desktop.planlife import rollover

from . import messages
from .busy import busy
from .screen import fit_to_screen


class RolloverDialog(QDialog):
    def __init__(self, store, plan_id: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Tạo kế hoạch năm sau")
        self.store, self.plan_id = store, plan_id
        self.preview: rollover.RolloverPreview | None = None
        self.new_plan_id: str | None = None
        plan = store.load_plan(plan_id)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        year_label = QLabel(f"Từ kế hoạch năm {plan.period_label} — tạo kế hoạch &năm:".replace("&&", "&"), self)
        row.addWidget(year_label)
        self.year = QSpinBox(self)
        year_label.setBuddy(self.year)
        self.year.setRange(plan.year_end + 1, 2100)
        self.year.setValue(plan.year_end + 1)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        row.addWidget(self.year)
        row.addStretch(1)
        layout.addLayout(row)
        note = QLabel("Kế hoạch mới giữ nguyên các mục, nhiệm vụ, sản phẩm, cơ quan, chỉ tiêu (không có kết quả), "
                      "tiêu đề và thiết lập báo cáo; không chép tình trạng và minh chứng. Năm kế hoạch trong thời "
                      "hạn, tiêu đề, nhiệm vụ và sản phẩm được đổi sang năm mới — hãy xem lại các thay đổi "
                      "dưới đây trước khi tạo.", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton("Tạo &kế hoạch", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("Đóng", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        fit_to_screen(self, 900, 640)
        self.refresh()

    def refresh(self) -> None:
        try:
            with busy(self, "Đang chuẩn bị kế hoạch năm sau…"):
                self.preview = rollover.prepare_rollover(self.store, self.plan_id, self.year.value())
        except UserError as exc:
            self.preview = None
            self.text.setPlainText(str(exc))
        else:
            self.text.setPlainText(rollover.preview_text(self.preview))
        self.create_button.setEnabled(self.preview is not None)

    def create(self) -> None:
        if self.preview is None:
            return
        try:
            with busy(self, "Đang tạo kế hoạch năm sau…"):
                self.new_plan_id = rollover.apply_rollover(self.store, self.preview)
        except UserError as exc:
            messages.error(self, "Tạo kế hoạch năm sau", str(exc))
            return
        self.accept()
