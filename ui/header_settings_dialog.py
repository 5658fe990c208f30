"""Dialog: the document header and signer fields of a plan (cơ quan, ký hiệu, địa danh, Kính gửi, Nơi nhận,
người ký). Stored per plan by cchc_desktop.reports.header_settings."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget)

from cchc_desktop.reports.header_settings import SIGN_MODES, HeaderSettings, get_header, save_header

from . import messages
from .operations import perform_in
from .screen import fit_to_screen
from .forms import link_form_labels

LABELS = {
    "parent_body": "Cơ &quan chủ quản (nếu có)",
    "issuer_name": "&Tên cơ quan ban hành (mỗi dòng một dòng in)",
    "place": "Địa &danh (dòng ngày tháng)",
    "report_symbol": "Ký hiệu &báo cáo (Số: …/BC-UBND)",
    "letter_symbol": "Ký hiệu côn&g văn (Số: …/UBND-VP)",
    "report_to": "&Kính gửi của báo cáo (mỗi dòng một nơi)",
    "report_recipients": "&Nơi nhận của báo cáo (mỗi dòng một nơi)",
    "letter_recipients": "Nơi nhận của công &văn (mỗi dòng một nơi)",
    "archive": "Dòng &lưu (cuối Nơi nhận)",
    "sign_mode": "Thẩ&m quyền ký",
    "collective_name": "Tậ&p thể (sau «TM.»)",
    "head_title": "Người đứng đầ&u (sau «KT.»)",
    "signer_title": "&Chức vụ người ký",
    "signer_name": "&Họ và tên người ký",
}
MULTILINE = {"issuer_name", "report_to", "report_recipients", "letter_recipients"}


class HeaderSettingsDialog(QDialog):
    def __init__(self, store, plan_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.plan_id = plan_id
        self.setWindowTitle("Thiết lập tiêu đề và người ký văn bản")
        fit_to_screen(self, 640, 640)
        current = get_header(store, plan_id)
        form = QFormLayout()
        self.editors: dict[str, QWidget] = {}
        for name, label in LABELS.items():
            value = getattr(current, name)
            if name == "sign_mode":
                editor = QComboBox(self)
                for code, text in SIGN_MODES.items():
                    editor.addItem(text, code)
                editor.setCurrentIndex(max(0, editor.findData(value)))
                editor.currentIndexChanged.connect(self._update_preview)
            elif name in MULTILINE:
                editor = QPlainTextEdit(self)
                editor.setPlainText(value)
                editor.setFixedHeight(52 if name == "issuer_name" else 64)
                editor.setTabChangesFocus(True)
            else:
                editor = QLineEdit(value, self)
                editor.textChanged.connect(self._update_preview)
            editor.setAccessibleName(label.replace("&", ""))
            self.editors[name] = editor
            form.addRow(label + ":", editor)
        self.blank_signer = QCheckBox("Để t&rống họ tên để ký tay", self)
        self.blank_signer.setChecked(bool(current.blank_signer))
        self.blank_signer.toggled.connect(self._update_preview)
        self.signer_preview = QLabel(self)
        self.signer_preview.setStyleSheet("font-weight: bold;")
        signer_row = QHBoxLayout()   # beside the preview: the dialog must still fit a 1366×768 screen
        signer_row.addWidget(self.signer_preview, 1)
        signer_row.addWidget(self.blank_signer, 0, Qt.AlignTop)
        form.addRow("Khối chữ ký in ra:", signer_row)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Save).setText("Lưu")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._update_preview()
        link_form_labels(self)   # Alt+letter of each form label reaches its field

    def values(self) -> HeaderSettings:
        out = {}
        for name, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                out[name] = editor.currentData()
            elif isinstance(editor, QPlainTextEdit):
                out[name] = editor.toPlainText()
            else:
                out[name] = editor.text()
        return HeaderSettings(**out, blank_signer="1" if self.blank_signer.isChecked() else "")

    def _update_preview(self, *_args) -> None:
        values = self.values()
        name = values.signer_name or ("(để trống, ký tay)" if values.blank_signer else "(họ và tên — chưa nhập)")
        lines = values.authority + ["(ký, đóng dấu)", name]
        self.signer_preview.setText("\n".join(lines))

    def accept(self) -> None:
        command = perform_in(self, "Sửa tiêu đề và người ký văn bản", save_header, self.store, self.plan_id,
                             self.values(), message=lambda text: messages.error(self, "Chưa lưu được", text))
        if command.ok:
            super().accept()
