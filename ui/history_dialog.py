"""History of a product row: who changed what, when (product, its status rows and evidence)."""
from __future__ import annotations


from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from cchc_desktop.dates import local_time
from cchc_desktop.tracking import STATUS_LABELS, product_history
from cchc_desktop.tracking.periods import make_period
from cchc_desktop.tracking.status import ENTITY_LABELS, FIELD_LABELS

_OP_LABELS = {"insert": "Thêm", "update": "Sửa", "delete": "Xóa"}
_HIDDEN = {"id", "created_at", "updated_at", "version", "product_id", "task_id", "plan_id", "position",
           "file_path", "file_sha256", "updated_by"}



def show_value(field: str | None, value, agencies: dict | None = None) -> str:
    """A logged value as the user knows it; `agencies` maps agency ids to names (links show the name)."""
    if value is None:
        return ""
    if field == "agency_id":
        return (agencies or {}).get(value, str(value))
    if field == "status" and value in STATUS_LABELS:
        return STATUS_LABELS[value]
    if field in ("completed_on", "issued_on") and isinstance(value, str) and len(value) == 10:
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
    if field == "period_key":
        try:
            return make_period(value).label
        except ValueError:
            return str(value)
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if key in _HIDDEN or item in ("", None, 0) and key != "percent":
                continue
            if key == "agency_id" and field in ("lead", "coord"):   # the link row: just the agency's name
                parts.append(show_value(key, item, agencies))
                continue
            parts.append(f"{FIELD_LABELS.get(key, 'Cơ quan' if key == 'agency_id' else key)}: "
                         f"{show_value(key, item, agencies)}")
        return "; ".join(parts)
    return str(value)


def history_rows(store, product_id: str) -> list[list[str]]:
    """[time, who, object, action, field, old, new] newest first."""
    rows = []
    agencies = {a.id: a.name for a in store.agencies()}
    for h in product_history(store, product_id):
        field = h["field"]
        rows.append([local_time(h["at"]), h["actor"] or "—", ENTITY_LABELS.get(h["entity"], h["entity"]),
                     _OP_LABELS.get(h["op"], h["op"]), FIELD_LABELS.get(field, field or ""),
                     show_value(field, h["old_value"], agencies), show_value(field, h["new_value"], agencies)])
    return rows


class HistoryDialog(QDialog):
    def __init__(self, store, product_id: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Lịch sử thay đổi")
        row = store.row("product", product_id)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>Lịch sử:</b> {(row['description'] if row else '') or '(sản phẩm đã xóa)'}")
        title.setWordWrap(True)
        layout.addWidget(title)
        rows = history_rows(store, product_id)
        self.table = QTableWidget(len(rows), 7, self)
        self.table.setHorizontalHeaderLabels(["Thời gian", "Người sửa", "Đối tượng", "Thao tác", "Nội dung",
                                              "Giá trị cũ", "Giá trị mới"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(True)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.Stretch)
        header.setSectionResizeMode(6, QHeaderView.Stretch)
        layout.addWidget(self.table, 1)
        if not rows:
            layout.addWidget(QLabel("Chưa có thay đổi nào."))
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 520)
