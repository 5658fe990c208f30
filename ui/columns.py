"""The appendix table's columns and row kinds, shared by the table model, the clipboard and the delegates
(below both: the model imports the clipboard, the clipboard only these names)."""
from __future__ import annotations

from cchc_desktop.appendix_rows import KIND_PRODUCT, KIND_SECTION, KIND_TASK  # noqa: F401  (row kinds)
from cchc_desktop.domain import ROLE_COORD, ROLE_LEAD

COL_STT, COL_CONTENT, COL_PRODUCT, COL_LEAD, COL_COORD, COL_DEADLINE, COL_DUE, COL_STATUS = range(8)
HEADERS = ["STT", "Nội dung/Nhiệm vụ", "Hoạt động/Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp",
           "Thời gian thực hiện", "Hạn xử lý", "Trạng thái"]
COLUMN_COUNT = len(HEADERS)
EDITABLE_COLUMNS = {COL_CONTENT, COL_PRODUCT, COL_LEAD, COL_COORD, COL_DEADLINE}
PRODUCT_FIELDS = {COL_PRODUCT: "description", COL_DEADLINE: "deadline_text"}
AGENCY_ROLES = {COL_LEAD: ROLE_LEAD, COL_COORD: ROLE_COORD}

MIME_TASKS = "application/x-cchc-task-ids"
