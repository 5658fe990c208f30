"""Per-plan document header and signer fields of the printed reports (table report_header, migration 0004).

A plan without a stored row gets defaults derived from the plan: "ỦY BAN NHÂN DÂN" + "XÃ <TÊN>", the place name
without its kind, "BC-UBND", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH". Writes go through the store's logged row operations (change_log, exchanged).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, fields, replace

from ..store import Store, StoreError
from ..text import nfc
from .layout import DocumentHeader, SignerBlock
from .vnformat import document_number, place_name, unit_kind_of, unit_with_kind, upper

TABLE = "report_header"
SIGN_MODES = {
    "TM": "Thay mặt tập thể (TM.)",
    "TM_KT": "Thay mặt tập thể, ký thay Chủ tịch (TM. … KT. …)",
    "KT": "Ký thay Chủ tịch (KT.)",
    "": "Ký trực tiếp",
}


@dataclass(frozen=True)
class HeaderSettings:
    parent_body: str = ""
    issuer_name: str = ""
    place: str = ""
    report_symbol: str = "BC-UBND"
    letter_symbol: str = "UBND-VP"
    report_to: str = ""
    report_recipients: str = ""
    letter_recipients: str = ""
    archive: str = "Lưu: VT."
    sign_mode: str = "TM"
    collective_name: str = "ỦY BAN NHÂN DÂN"
    head_title: str = "CHỦ TỊCH"
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""
    blank_signer: str = ""            # "1": "để trống để ký tay" (no warning about a missing signer name)

    # -- derived ---------------------------------------------------------------------------------
    @property
    def authority(self) -> list[str]:
        """Quyền hạn + chức vụ lines of the signer block."""
        title = upper(self.signer_title.strip() or "CHỦ TỊCH")
        collective = upper(self.collective_name.strip() or "ỦY BAN NHÂN DÂN")
        head = upper(self.head_title.strip() or "CHỦ TỊCH")
        if self.sign_mode == "TM":
            return [f"TM. {collective}", title]
        if self.sign_mode == "TM_KT":
            return [f"TM. {collective}", f"KT. {head}", title]
        if self.sign_mode == "KT":
            return [f"KT. {head}", title]
        return [title]

    @property
    def signer_warning(self) -> str:
        """The warning to show before producing a report without a signer name ("" when none is due)."""
        if self.signer_name.strip() or self.blank_signer:
            return ""
        return ("Chưa có họ tên người ký. Hãy nhập họ tên, chức vụ người ký trong «Báo cáo → Tiêu đề và người ký "
                "văn bản…» hoặc chọn «Để trống họ tên để ký tay».")

    def document_header(self, *, number: str | int | None = None, symbol: str | None = None,
                        date: _dt.date | None = None, year: int | None = None, doc_type: str = "",
                        subject: str = "", recipients_to: list[str] | None = None,
                        letter: bool = False) -> DocumentHeader:
        sym = symbol or (self.letter_symbol if letter else self.report_symbol)
        return DocumentHeader(
            issuer_name=self.issuer_name, number_symbol=document_number(number, sym), place=self.place,
            date=date, year=year, doc_type="" if letter else doc_type, subject="" if letter else subject,
            parent_body=self.parent_body, recipients_to=list(recipients_to or []), is_official_letter=letter,
            letter_subject=subject if letter else "")

    def signer(self, *, letter: bool = False, extra_first: list[str] | None = None) -> SignerBlock:
        recipients = lines(self.letter_recipients if letter else self.report_recipients)
        return SignerBlock(authority=self.authority, signer_name=self.signer_name,
                           recipients=list(extra_first or []) + recipients, archive=self.archive)


FIELDS = tuple(f.name for f in fields(HeaderSettings))


def lines(text: str) -> list[str]:
    """Multi-line setting -> its non-empty lines (leading "-" and trailing ";" / "." removed)."""
    out = []
    for line in nfc(text or "").splitlines():
        line = line.strip().lstrip("-–").strip().rstrip(";").strip()
        if line:
            out.append(line)
    return out


def defaults_for_plan(store: Store, plan_id: str) -> HeaderSettings:
    row = store.db.query_one("SELECT unit_name, unit_kind, superior_body FROM plan WHERE id = ?", (plan_id,))
    if row is None:
        raise StoreError("Không tìm thấy kế hoạch (có thể đã bị xóa).")
    kind = unit_kind_of(row["unit_name"], row["unit_kind"])
    unit = unit_with_kind(row["unit_name"], kind)
    return HeaderSettings(
        parent_body="",
        issuer_name=f"ỦY BAN NHÂN DÂN\n{upper(unit)}",
        place=place_name(row["unit_name"]),
        report_to="",
        report_recipients=f"Sở Nội vụ (để báo cáo)\nThường trực Đảng ủy, HĐND {kind}\n"
                          f"Chủ tịch, các Phó Chủ tịch UBND {kind}",
        letter_recipients=f"Như trên\nChủ tịch, các Phó Chủ tịch UBND {kind}",
    )


def get_header(store: Store, plan_id: str) -> HeaderSettings:
    row = store.db.query_one(f"SELECT * FROM {TABLE} WHERE plan_id = ?", (plan_id,))
    if row is None:
        return defaults_for_plan(store, plan_id)
    return HeaderSettings(**{k: row[k] for k in FIELDS})


def _validate(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key not in FIELDS:
            raise ValueError(f"unknown header field: {key}")
        value = nfc("" if value is None else str(value)).replace("\r\n", "\n").strip()
        if len(value) > 4000:
            raise StoreError("Nội dung quá dài (tối đa 4.000 ký tự mỗi trường).")
        out[key] = value
    if "sign_mode" in out and out["sign_mode"] not in SIGN_MODES:
        raise StoreError(f"Hình thức ký không hợp lệ: {out['sign_mode']}")
    for key in ("report_symbol", "letter_symbol"):
        if key in out and (" " in out[key] or "/" in out[key]):
            raise StoreError("Ký hiệu văn bản không có dấu cách và không có dấu «/» (ví dụ: BC-UBND).")
    if "issuer_name" in out and not out["issuer_name"]:
        raise StoreError("Cần nhập tên cơ quan ban hành (ví dụ: ỦY BAN NHÂN DÂN XÃ XUÂN TRƯỜNG).")
    return out


def save_header(store: Store, plan_id: str, settings: HeaderSettings | None = None, **changes) -> HeaderSettings:
    """Store the header fields of a plan (whole ``settings`` and/or single ``changes``); logged."""
    base = settings or get_header(store, plan_id)
    if changes:
        base = replace(base, **changes)
    values = _validate(asdict(base))
    with store.transaction():
        row = store.db.query_one(f"SELECT * FROM {TABLE} WHERE plan_id = ?", (plan_id,))
        if row is None:
            store.insert_row(TABLE, {"plan_id": plan_id, **values})
        else:
            current = dict(row)
            store.update_row(TABLE, current["id"], values, current=current)
    return HeaderSettings(**values)
