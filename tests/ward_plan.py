"""A ward appendix the app has never seen (not a test module): 46 tasks numbered 1–46 straight through sections
I–VIII, most due "Năm 2026", the caption of phường An Tường with a blank number and day, spelling variants and
group phrases in the agency columns. Written as .xlsx the way a ward office types it."""
from __future__ import annotations

import datetime as dt

import openpyxl

TITLE = "NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2026 CỦA PHƯỜNG AN TƯỜNG"
CAPTION = ("(Kèm theo Kế hoạch số: /KH-UBND ngày tháng 01 năm 2026 của Ủy ban nhân dân phường An Tường)")
SECTIONS = ["CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "CẢI CÁCH THỂ CHẾ", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
            "CẢI CÁCH TỔ CHỨC BỘ MÁY", "CẢI CÁCH CHẾ ĐỘ CÔNG VỤ", "CẢI CÁCH TÀI CHÍNH CÔNG",
            "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ, CHÍNH QUYỀN SỐ", "CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN"]
PER_SECTION = [6, 6, 7, 5, 6, 5, 6, 5]           # 46 tasks
LEADS = ["Văn phòng HĐND và UBND", "Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Văn hóa - Xã hội",
         "Văn phòng HĐND - UBND", "Công an phường", "Các cơ quan, đơn vị có liên quan"]
SPECIAL = {1: "Trước ngày 31/01/2026", 2: "Quý I/2026", 9: "Quý II/2026", 15: "Quý II/2026", 23: "Quý II/2026",
           30: "Quý III/2026", 37: "Khi có phát sinh", 40: "Thường xuyên", 44: "Quý IV/2026"}


def deadline(n: int) -> str:
    return SPECIAL.get(n, "Năm 2026")


def write_ward_appendix(path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws.append([TITLE])
    ws.append([CAPTION])
    ws.append(["STT", "Nội dung/Nhiệm vụ", "Sản phẩm", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"])
    ws.append([1, 2, 3, 4, 5, 6])
    numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    n = 0
    for numeral, title, count in zip(numerals, SECTIONS, PER_SECTION):
        ws.append([numeral, title])
        for _ in range(count):
            n += 1
            ws.append([n, f"Nhiệm vụ {n} của lĩnh vực {title.lower()}: triển khai, theo dõi và báo cáo kết quả "
                          "thực hiện theo kế hoạch của phường",
                       f"Sản phẩm {n}: văn bản, báo cáo kết quả", LEADS[n % len(LEADS)],
                       "Các cơ quan đơn vị liên quan", deadline(n)])
    wb.save(path)


def seed_ward_statuses(store, plan_id: str) -> None:
    """Some products finished in January (on time and late), some half done, one not done."""
    from cchc_desktop.tracking import plan_summary, set_status

    ref = dt.date(2026, 12, 31)
    for item in plan_summary(store, plan_id, ref, "2026").items:
        n = int(item.stt)
        if n in (1, 3, 5):
            set_status(store, item.product_id, "2026", ref=ref, status="done",
                       completed_on=dt.date(2026, 1, 10) if n != 5 else dt.date(2026, 2, 3))
        elif n % 4 == 0:
            set_status(store, item.product_id, "2026", ref=ref, status="in_progress", percent=50,
                       result="Đang triển khai")
        elif n == 7:
            set_status(store, item.product_id, "2026", ref=ref, status="not_done", reason="Không còn phù hợp")
