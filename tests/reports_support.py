"""Shared data for the report tests: the demo plan with statuses, evidence and targets set through the tracking API,
and PDF inspection helpers (pypdf / pdfplumber only: no poppler on CI)."""
from __future__ import annotations

import datetime as dt
import io
import unicodedata

from pypdf import PdfReader

REF = dt.date(2026, 4, 20)
PERIOD = "2026-Q1"


def seed_demo(store) -> str:
    """The bundled Xuân Trường plan with a deterministic mix of statuses in Quý I/2026."""
    from cchc_desktop.demo import create_demo_plan
    from cchc_desktop.reports.header_settings import save_header
    from cchc_desktop.tracking import (add_default_targets, add_evidence, list_targets, plan_summary, set_actual,
                                       set_status)

    plan_id = create_demo_plan(store)
    for n, item in enumerate(plan_summary(store, plan_id, REF, "2026").items):
        if n % 4 == 0 and item.due and item.due <= REF:
            set_status(store, item.product_id, PERIOD, ref=REF, status="done",
                       completed_on=item.due - dt.timedelta(days=2),
                       result="Đã ban hành văn bản, triển khai đến các cơ quan, đơn vị.")
        elif n % 4 == 1:
            set_status(store, item.product_id, PERIOD, ref=REF, status="in_progress", percent=40,
                       result="Đang dự thảo, lấy ý kiến góp ý.")
        elif n % 7 == 2 and item.due:
            set_status(store, item.product_id, PERIOD, ref=REF, status="done",
                       completed_on=item.due + dt.timedelta(days=5))
        if n % 5 == 0:
            add_evidence(store, item.product_id, item.status_key, doc_type="Quyết định",
                         doc_number=f"{n + 10}/QĐ-UBND", issued_on="2026-02-10",
                         summary="Ban hành kế hoạch thực hiện")
    add_default_targets(store, plan_id)
    for k, target in enumerate(list_targets(store, plan_id)):
        if k % 2 == 0:
            set_actual(store, target["id"], PERIOD, 95 if k % 4 == 0 else 60)
    save_header(store, plan_id, signer_name="Nguyễn Văn An", sign_mode="TM_KT", signer_title="PHÓ CHỦ TỊCH")
    return plan_id


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def squash(text: str) -> str:
    """NFC, single spaces (PDF text extraction breaks lines where the layout does)."""
    return " ".join(nfc(text).replace("\u00a0", " ").split())


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [squash(page.extract_text() or "") for page in pdf.pages]


def orientations(data: bytes) -> list[str]:
    out = []
    for page in reader(data).pages:
        box = page.mediabox
        out.append("landscape" if float(box.width) > float(box.height) else "portrait")
    return out


def fonts_without_file(data: bytes) -> set[str]:
    """Names of fonts that are not embedded as TrueType (FontFile2): must be empty."""
    missing = set()
    for page in reader(data).pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                missing.add(str(font.get("/BaseFont")))
    return missing


def font_names(data: bytes) -> set[str]:
    names = set()
    for page in reader(data).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        names |= {str(ref.get_object().get("/BaseFont")) for ref in fonts.values()}
    return names


def table_cells(data: bytes, first_page: int = 0) -> list[str]:
    """Text of every ruled table cell from ``first_page`` on (cells wrap, so compare cell by cell)."""
    import pdfplumber

    cells = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages[first_page:]:
            for table in page.extract_tables():
                for row in table:
                    cells += [squash(c) for c in row if c]
    return cells
