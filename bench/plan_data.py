"""Vocabulary of the generated benchmark plans (bench_ui.py, run_all.py): words, agencies, deadlines."""
from __future__ import annotations

WORDS = ("xây dựng kế hoạch chuyển đổi số cải cách thủ tục hành chính báo cáo kiểm tra tuyên truyền "
         "văn bản quy phạm pháp luật dịch vụ công trực tuyến số hóa hồ sơ đánh giá cán bộ công chức "
         "ngân sách tài chính công bộ máy tổ chức một cửa liên thông").split()
AGENCIES = ["Phòng Văn hóa - Xã hội", "Văn phòng HĐND-UBND", "Phòng Kinh tế", "Trung tâm PV hành chính công",
            "Công an xã", "Các cơ quan, đơn vị có liên quan", "Bưu điện xã"]
DEADLINES = ["Thường xuyên", "Quý I/2026", "Quý II, III, IV/2026", "Trước ngày 15/01/2026",
             "Định kỳ hằng quý, 6 tháng, 1 năm", "Khi có phát sinh", "Tháng 6/2026", "30/9/2026"]


def sentence(rng, low, high) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()
