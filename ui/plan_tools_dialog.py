"""Two plan-wide tidy-ups a commune asks for (issue #13), each one core operation and one undo step:

* «Đánh số lại nhiệm vụ…»: renumber the tasks in one of the numbering schemes (the STT as written in the signed
  plan is otherwise kept as imported);
* «Gộp tên cơ quan viết khác nhau…»: the app proposes pairs of agency names that look like spellings of one
  agency; the user ticks the pairs to merge (the other spelling is kept as an alias)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from cchc_desktop import agency_groups, numbering

from . import messages
from .operations import perform_in


class RenumberDialog(QDialog):
    def __init__(self, store, plan_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.setWindowTitle("Đánh số lại nhiệm vụ")
        layout = QVBoxLayout(self)
        current = numbering.plan_scheme(store, plan_id)
        scheme_label = QLabel(f"Kế hoạch đang đánh số: {numbering.SCHEMES.get(current, current)}.\n"
                              .replace("&", "&&") + "&Chọn cách đánh số mới (có thể hoàn tác bằng Ctrl+Z):", self)
        layout.addWidget(scheme_label)
        self.scheme = QComboBox(self)
        scheme_label.setBuddy(self.scheme)
        for key, label in numbering.SCHEMES.items():
            self.scheme.addItem(label, key)
        self.scheme.setCurrentIndex(max(0, self.scheme.findData(current)))
        layout.addWidget(self.scheme)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Đánh số lại")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def apply(self) -> None:
        command = perform_in(self, "Đánh số lại nhiệm vụ", numbering.renumber, self.store, self.plan_id,
                             self.scheme.currentData(),
                             message=lambda text: messages.error(self, "Đánh số lại nhiệm vụ", text))
        if command.ok:
            self.accept()


class AgencyMergeDialog(QDialog):
    def __init__(self, store, plan_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store, self.plan_id = store, plan_id
        self.setWindowTitle("Gộp tên cơ quan viết khác nhau")
        self.candidates = agency_groups.merge_candidates(store, plan_id)
        layout = QVBoxLayout(self)
        text = ("Các cặp tên dưới đây có thể là cùng một cơ quan viết khác nhau. Đánh dấu các cặp cần gộp: tên "
                "bên phải được thay bằng tên bên trái trong toàn kế hoạch (và được nhớ làm tên gọi khác).")
        if not self.candidates:
            text = "Không thấy cặp tên cơ quan nào giống nhau cần gộp."
        intro = QLabel(text, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        for c in self.candidates:
            item = QListWidgetItem(f"{c.keep_name}  ←  {c.other_name}   (giống {c.similarity:.0%})".replace(".", ","))
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Gộp các cặp đã đánh dấu")
        buttons.button(QDialogButtonBox.Cancel).setText("Đóng")
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 420)

    def chosen(self) -> list[agency_groups.MergeCandidate]:
        return [c for i, c in enumerate(self.candidates) if self.list.item(i).checkState() == Qt.Checked]

    def apply(self) -> None:
        pairs = self.chosen()
        if not pairs:
            self.reject()
            return

        command = perform_in(self, f"Gộp {len(pairs)} tên cơ quan", agency_groups.merge_pairs, self.store, pairs,
                             message=lambda text: messages.error(self, "Gộp tên cơ quan", text))
        if command.ok:
            self.accept()
