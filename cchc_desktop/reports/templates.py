"""Report templates: editable texts (Jinja2, sandboxed) with placeholders for the computed figures.

A template of one *kind* (periodic report, reminder letter, per-agency task list) has up to five texts:
``doc_type`` (tên loại / appendix label), ``subject`` (trích yếu, "V/v …" or appendix title), ``recipients_to``
(Kính gửi, one per line), ``caption`` (appendix caption) and ``body``. Each is a Jinja2 template rendered in a
:class:`~jinja2.sandbox.SandboxedEnvironment` with :class:`~jinja2.StrictUndefined`: only the placeholders of
the kind (:data:`PLACEHOLDERS`) exist; an unknown one is rejected when the template is saved (the parsed AST is
checked with :func:`jinja2.meta.find_undeclared_variables`) and again when it is rendered, with a Vietnamese
message naming it. Attribute names starting with "_" are refused before rendering; the sandbox blocks the rest.

Built-in templates live in ``resources/templates/<kind>.j2`` ("=== field ===" separated texts); a user duplicates
one (table report_template, migration 0004) and edits the copy in the report dialog, without code.

The rendered body is a small line-oriented markup turned into ND30 flowables by :func:`body_flowables`:

* ``# I. TITLE`` heading 1, ``## 1. Title`` heading 2, ``### a) Title`` heading 3 (bold italic);
* ``> text`` an italic paragraph (căn cứ); ``**text**`` bold inside a paragraph;
* a table placeholder (``{{ bang_linh_vuc }}``) alone on its line inserts that computed table;
* every other non-empty line is one justified paragraph with a first-line indent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Callable, Iterable, Mapping

import jinja2
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from reportlab.platypus import Flowable

from ..resources import resource_path
from ..store import Store, StoreError
from ..text import nfc
from .markup import markup

PERIODIC = "periodic"
REMINDER = "reminder"
AGENCY_TASKS = "agency_tasks"
PAR_SELF = "par_self"
PAR_LETTER = "par_letter"
KINDS = (PERIODIC, REMINDER, AGENCY_TASKS, PAR_SELF, PAR_LETTER)
KIND_LABELS = {
    PERIODIC: "Báo cáo kết quả CCHC định kỳ (quý, 6 tháng, năm)",
    REMINDER: "Công văn đôn đốc thực hiện nhiệm vụ CCHC",
    AGENCY_TASKS: "Danh mục nhiệm vụ CCHC của cơ quan, đơn vị",
    PAR_SELF: "Báo cáo tự đánh giá, xác định Chỉ số CCHC năm",
    PAR_LETTER: "Công văn đề nghị cung cấp tài liệu kiểm chứng Chỉ số CCHC",
}
TEXT_FIELDS = ("doc_type", "subject", "recipients_to", "caption", "body")
FIELD_LABELS = {
    "doc_type": "Tên loại văn bản",
    "subject": "Trích yếu",
    "recipients_to": "Kính gửi",
    "caption": "Dòng chú thích",
    "body": "Nội dung",
}
# The texts each kind uses, with the label the editor shows.
KIND_FIELDS = {
    PERIODIC: {"doc_type": "Tên loại văn bản", "subject": "Trích yếu", "recipients_to": "Kính gửi (mỗi dòng một nơi)",
               "body": "Nội dung báo cáo"},
    REMINDER: {"subject": "Trích yếu (V/v …)", "recipients_to": "Kính gửi (mỗi dòng một nơi)",
               "body": "Nội dung công văn"},
    AGENCY_TASKS: {"doc_type": "Nhãn phụ lục", "subject": "Tiêu đề", "caption": "Dòng chú thích (in nghiêng)",
                   "body": "Ghi chú dưới bảng"},
    PAR_SELF: {"doc_type": "Tên loại văn bản", "subject": "Trích yếu", "recipients_to": "Kính gửi (mỗi dòng một nơi)",
               "body": "Nội dung báo cáo"},
    PAR_LETTER: {"subject": "Trích yếu (V/v …)", "recipients_to": "Kính gửi (mỗi dòng một nơi)",
                 "body": "Nội dung công văn"},
}

MAX_TEXT = 100_000          # characters of one template text
MAX_OUTPUT = 400_000        # characters of one rendered text
MAX_RANGE = 1000            # range() inside templates
TABLE_MARK = "\ue000"       # private-use characters around a table placeholder in rendered text
_TABLE_RE = re.compile(TABLE_MARK + r"([a-z_]+)" + TABLE_MARK)

# -------------------------------------------------------------------------------------------- placeholders

COMMON = {
    "loai_don_vi": "Loại đơn vị: «xã», «phường» hoặc «thị trấn»",
    "don_vi": "Tên đơn vị kèm loại, ví dụ «xã Xuân Trường»",
    "ten_don_vi": "Tên đơn vị không kèm loại, ví dụ «Xuân Trường»",
    "ubnd": "«Ủy ban nhân dân xã Xuân Trường»",
    "ubnd_viet_tat": "«UBND xã Xuân Trường»",
    "nam": "Năm của kỳ báo cáo hoặc kế hoạch, ví dụ «2026»",
    "so_ke_hoach": "Số, ký hiệu Kế hoạch CCHC, ví dụ «03/KH-UBND»",
    "ngay_ke_hoach": "Ngày ban hành Kế hoạch (sau chữ «ngày»), ví dụ «10 tháng 01 năm 2026»",
    "ngay_bao_cao": "Ngày lấy số liệu (dd/mm/yyyy)",
    "ky_bao_cao": "Kỳ báo cáo viết thường, ví dụ «quý I năm 2026»",
    "ky_bao_cao_hoa": "Kỳ báo cáo viết hoa, ví dụ «QUÝ I NĂM 2026»",
    "tu_ngay": "Ngày đầu kỳ lấy số liệu (dd/mm/yyyy)",
    "den_ngay": "Ngày cuối kỳ lấy số liệu (dd/mm/yyyy)",
    "kinh_gui": "Nơi nhận «Kính gửi» trong thiết lập tiêu đề (mỗi dòng một nơi)",
}
_COUNTS = {
    "so_nhiem_vu": "Tổng số nhiệm vụ, sản phẩm phải thực hiện trong kỳ",
    "so_hoan_thanh": "Số đã hoàn thành (đúng hạn và quá hạn)",
    "ty_le_hoan_thanh": "Tỷ lệ hoàn thành, ví dụ «65,2%»",
    "so_dung_han": "Số hoàn thành đúng hạn",
    "ty_le_dung_han": "Tỷ lệ hoàn thành đúng hạn",
    "so_tre_han": "Số hoàn thành nhưng quá hạn",
    "ty_le_tre_han": "Tỷ lệ hoàn thành quá hạn",
    "so_qua_han": "Số quá hạn chưa hoàn thành",
    "ty_le_qua_han": "Tỷ lệ quá hạn chưa hoàn thành",
    "so_dang_thuc_hien": "Số đang thực hiện (trong hạn)",
    "ty_le_dang_thuc_hien": "Tỷ lệ đang thực hiện",
    "so_chua_trien_khai": "Số chưa triển khai (trong hạn)",
    "ty_le_chua_trien_khai": "Tỷ lệ chưa triển khai",
    "so_khong_thuc_hien": "Số không thực hiện (có lý do)",
    "so_theo_phat_sinh": "Số thực hiện theo phát sinh hoặc chưa rõ thời hạn",
    "so_sap_den_han": "Số sắp đến hạn",
    "qua_han": "Danh sách nhiệm vụ quá hạn (mỗi mục: noi_dung, san_pham, co_quan, thoi_han, han, so_ngay)",
    "sap_den_han": "Danh sách nhiệm vụ sắp đến hạn (mỗi mục: noi_dung, san_pham, co_quan, thoi_han, han, "
                   "con_lai)",
}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    PERIODIC: {
        **COMMON, **_COUNTS,
        "dieu_chinh": "Các lần điều chỉnh kế hoạch đến ngày lấy số liệu, ví dụ «được điều chỉnh tại Kế hoạch số "
                      "41/KH-UBND ngày 15/07/2026» (trống khi kế hoạch chưa điều chỉnh)",
        "so_nhom_nhiem_vu": "Số nhiệm vụ (nhóm sản phẩm) trong kỳ",
        "so_van_ban": "Số văn bản minh chứng đã cập nhật trong kỳ",
        "so_chi_tieu": "Số chỉ tiêu của kế hoạch",
        "so_chi_tieu_dat": "Số chỉ tiêu đạt",
        "so_chi_tieu_chua_dat": "Số chỉ tiêu chưa đạt",
        "so_chi_tieu_chua_co_so_lieu": "Số chỉ tiêu chưa có số liệu",
        "linh_vuc": "Danh sách lĩnh vực (mỗi mục: stt, ten, so_nhiem_vu, so_hoan_thanh, ty_le_hoan_thanh, "
                    "so_dung_han, so_tre_han, so_qua_han, so_dang_thuc_hien, so_chua_trien_khai)",
        "chi_tieu": "Danh sách chỉ tiêu (mỗi mục: ten, yeu_cau, ket_qua, danh_gia)",
        "bang_tong_hop": "Bảng tổng hợp kết quả (đặt riêng một dòng)",
        "bang_linh_vuc": "Bảng kết quả theo lĩnh vực (đặt riêng một dòng)",
        "bang_chi_tieu": "Bảng kết quả thực hiện chỉ tiêu (đặt riêng một dòng)",
        "bang_qua_han": "Bảng nhiệm vụ quá hạn (đặt riêng một dòng; trên 15 dòng thì chuyển sang Phụ lục 02)",
        "bang_den_han_trong_ky": "Bảng nhiệm vụ, sản phẩm đến hạn trong kỳ (đặt riêng một dòng)",
        "bang_ky_toi": "Bảng nhiệm vụ, sản phẩm đến hạn trong kỳ tới (đặt riêng một dòng)",
        "luy_ke": "Đúng khi số liệu là lũy kế cả năm kế hoạch",
        "so_dinh_ky_chua_xong": "Số nhiệm vụ, sản phẩm định kỳ/nhiều đợt đã hoàn thành một số đợt nhưng còn đợt "
                                "chưa hoàn thành (chưa tính là đã hoàn thành)",
        "so_dinh_ky_chua_xong_qua_han": "Trong số đó: số có đợt quá hạn chưa hoàn thành",
        "so_den_han_trong_ky": "Số nhiệm vụ, sản phẩm có hạn trong kỳ báo cáo",
        "so_den_han_da_hoan_thanh": "Số nhiệm vụ, sản phẩm đến hạn trong kỳ đã hoàn thành",
        "so_den_han_qua_han": "Số nhiệm vụ, sản phẩm đến hạn trong kỳ đã quá hạn",
        "ky_toi": "Kỳ tới viết thường, ví dụ «quý III năm 2026»",
        "so_ky_toi": "Số nhiệm vụ, sản phẩm chưa hoàn thành có hạn trong kỳ tới",
        "ky_toi_ds": "Danh sách nhiệm vụ kỳ tới (mỗi mục: noi_dung, san_pham, co_quan, thoi_han, han, con_lai)",
        "qua_han_o_phu_luc": "Đúng khi danh sách quá hạn dài, được in ở Phụ lục 02",
    },
    REMINDER: {
        **COMMON, **_COUNTS,
        "co_quan": "Tên cơ quan, đơn vị được đôn đốc",
        "han_bao_cao": "Hạn cơ quan báo cáo kết quả về UBND (dd/mm/yyyy)",
        "bang_nhiem_vu": "Bảng nhiệm vụ quá hạn và sắp đến hạn của cơ quan (đặt riêng một dòng)",
        "bang_qua_han": "Bảng nhiệm vụ quá hạn của cơ quan (đặt riêng một dòng)",
        "bang_sap_den_han": "Bảng nhiệm vụ sắp đến hạn của cơ quan (đặt riêng một dòng)",
    },
    AGENCY_TASKS: {
        **COMMON,
        "co_quan": "Tên cơ quan, đơn vị",
        "so_chu_tri": "Số nhiệm vụ, sản phẩm cơ quan chủ trì",
        "so_phoi_hop": "Số nhiệm vụ, sản phẩm cơ quan phối hợp",
        "so_hoan_thanh": "Số nhiệm vụ chủ trì đã hoàn thành",
        "so_qua_han": "Số nhiệm vụ chủ trì quá hạn",
    },
    PAR_SELF: {
        **COMMON,
        "bo_chi_so": "Tên Bộ chỉ số dùng để chấm điểm",
        "tong_diem": "Tổng điểm tự đánh giá, ví dụ «78,5»",
        "diem_toi_da": "Tổng điểm tối đa, ví dụ «100»",
        "ty_le_diem": "Tỷ lệ điểm tự đánh giá trên điểm tối đa, ví dụ «78,5%»",
        "nam_truoc": "Năm trước (khi có kết quả tự đánh giá năm trước)",
        "tong_diem_nam_truoc": "Tổng điểm tự đánh giá năm trước (trống khi chưa có)",
        "linh_vuc": "Danh sách lĩnh vực (mỗi mục: ma, ten, diem, toi_da, nam_truoc)",
        "so_thieu_tai_lieu": "Số tiêu chí chưa đủ tài liệu kiểm chứng",
        "thieu_tai_lieu": "Danh sách tiêu chí chưa đủ tài liệu kiểm chứng (mỗi mục: ma, ten, diem, tinh_trang, "
                          "giai_trinh)",
        "bang_linh_vuc": "Bảng điểm theo lĩnh vực (đặt riêng một dòng)",
        "bang_diem": "Bảng điểm tự đánh giá chi tiết (đặt riêng một dòng)",
    },
    PAR_LETTER: {
        **COMMON,
        "co_quan": "Tên cơ quan, đơn vị được đề nghị cung cấp tài liệu",
        "bo_chi_so": "Tên Bộ chỉ số dùng để chấm điểm",
        "so_tieu_chi": "Số tiêu chí, tiêu chí thành phần cơ quan cần cung cấp tài liệu kiểm chứng",
        "tieu_chi": "Danh sách tiêu chí (mỗi mục: ma, ten, can_co, hien_co)",
        "han_gui": "Hạn gửi tài liệu, ví dụ «ngày 20/12/2026» (để trống ngày khi chưa chọn hạn)",
        "bang_tai_lieu": "Bảng tiêu chí và tài liệu kiểm chứng cần cung cấp (đặt riêng một dòng)",
    },
}
TABLE_PLACEHOLDERS = {name for kind in PLACEHOLDERS.values() for name in kind if name.startswith("bang_")}


def table_marker(name: str) -> str:
    return f"{TABLE_MARK}{name}{TABLE_MARK}"


# ------------------------------------------------------------------------------------------------ errors


class ReportTemplateError(StoreError):
    """A template that cannot be saved or rendered; the message is Vietnamese and names the problem."""

    def __init__(self, message: str, *, field: str = "", placeholder: str = "", line: int | None = None):
        super().__init__(message)
        self.field = field
        self.placeholder = placeholder
        self.line = line


# ------------------------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class ReportTemplate:
    id: str                      # "builtin:periodic" or the report_template row id
    kind: str
    name: str
    doc_type: str = ""
    subject: str = ""
    recipients_to: str = ""
    caption: str = ""
    body: str = ""
    based_on: str = ""
    builtin: bool = False

    def text(self, field_name: str) -> str:
        return getattr(self, field_name)

    def with_texts(self, **texts: str) -> "ReportTemplate":
        return replace(self, **texts)


BUILTIN_NAMES = {
    PERIODIC: "Báo cáo kết quả thực hiện CCHC định kỳ (mẫu có sẵn)",
    REMINDER: "Công văn đôn đốc thực hiện nhiệm vụ CCHC (mẫu có sẵn)",
    AGENCY_TASKS: "Danh mục nhiệm vụ CCHC của cơ quan (mẫu có sẵn)",
    PAR_SELF: "Báo cáo tự đánh giá Chỉ số CCHC (mẫu có sẵn)",
    PAR_LETTER: "Công văn đề nghị cung cấp tài liệu kiểm chứng (mẫu có sẵn)",
}
BUILTIN_FILES = {PERIODIC: "bao-cao-dinh-ky.j2", REMINDER: "cong-van-don-doc.j2",
                 AGENCY_TASKS: "nhiem-vu-co-quan.j2", PAR_SELF: "tu-danh-gia-chi-so-cchc.j2",
                 PAR_LETTER: "cong-van-tai-lieu-kiem-chung.j2"}
_SECTION_RE = re.compile(r"^=== *([a-z_]+) *===[ \t]*$", re.M)


def parse_template_file(text: str) -> dict[str, str]:
    """"=== field ===" separated texts -> {field: text} (surrounding blank lines trimmed)."""
    text = nfc(text.replace("\r\n", "\n"))
    parts = _SECTION_RE.split(text)
    out: dict[str, str] = {}
    for name, value in zip(parts[1::2], parts[2::2]):
        if name not in TEXT_FIELDS:
            raise ValueError(f"unknown template field: {name}")
        out[name] = value.strip("\n")
    return out


def format_template_file(template: ReportTemplate) -> str:
    return "\n".join(f"=== {f} ===\n{template.text(f)}\n" for f in TEXT_FIELDS if template.text(f))


@lru_cache(maxsize=None)
def builtin_template(kind: str) -> ReportTemplate:
    if kind not in KINDS:
        raise ValueError(kind)
    texts = parse_template_file(resource_path("templates", BUILTIN_FILES[kind]).read_text(encoding="utf-8"))
    return ReportTemplate(id=f"builtin:{kind}", kind=kind, name=BUILTIN_NAMES[kind], builtin=True, **texts)


# ----------------------------------------------------------------------------------------------- engine


def _safe_range(*args):
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise SecurityError(f"range too big (max {MAX_RANGE})")
    return r


_GENERIC_OPENERS = ("Các ", "Những ", "Mọi ", "Toàn thể ")


def mid_sentence(name: str) -> str:
    """Filter «giua_cau»: "Các cơ quan, đơn vị" -> "các cơ quan, đơn vị" inside a sentence; proper names
    ("Phòng Kinh tế", "Trung tâm Phục vụ hành chính công") keep their capital."""
    text = str(name)
    for opener in _GENERIC_OPENERS:
        if text.startswith(opener):
            return text[0].lower() + text[1:]
    return text


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, trim_blocks=False,
                               lstrip_blocks=True, keep_trailing_newline=False, auto_reload=False)
    env.globals = {"range": _safe_range}  # no cycler/joiner/namespace/lipsum/dict
    env.filters["giua_cau"] = mid_sentence
    return env


def _where(template_name: str, field_name: str, line: int | None = None) -> str:
    where = f"Mẫu «{template_name}», phần «{FIELD_LABELS.get(field_name, field_name)}»" if template_name else \
        f"Phần «{FIELD_LABELS.get(field_name, field_name)}»"
    return f"{where}, dòng {line}" if line else where


def _parse(text: str, field_name: str, template_name: str) -> nodes.Template:
    if len(text) > MAX_TEXT:
        raise ReportTemplateError(f"{_where(template_name, field_name)}: nội dung quá dài "
                                  f"(tối đa {MAX_TEXT:,} ký tự).".replace(",", "."), field=field_name)
    try:
        return environment().parse(text)
    except TemplateSyntaxError as exc:
        raise ReportTemplateError(
            f"{_where(template_name, field_name, exc.lineno)}: sai cú pháp mẫu ({exc.message}). "
            "Trường dữ liệu viết trong cặp ngoặc {{ … }}, câu lệnh trong {% … %}.",
            field=field_name, line=exc.lineno) from None


def _unsafe_names(tree: nodes.Template) -> list[str]:
    """Attribute / item names starting with "_" (``x.__class__``, ``x['__dict__']``) and dunder filters."""
    found = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = node.attr if isinstance(node, nodes.Getattr) else (
            node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else "")
        if name.startswith("_"):
            found.append(name)
    return found


def check_text(kind: str, field_name: str, text: str, template_name: str = "") -> None:
    """Raise ReportTemplateError for a syntax error, an unknown placeholder or an unsafe attribute."""
    if kind not in PLACEHOLDERS:
        raise ValueError(kind)
    tree = _parse(text, field_name, template_name)
    unsafe = _unsafe_names(tree)
    if unsafe:
        raise ReportTemplateError(
            f"{_where(template_name, field_name)}: không được truy cập thuộc tính «{unsafe[0]}». Mẫu chỉ dùng "
            "các trường dữ liệu có sẵn.", field=field_name, placeholder=unsafe[0])
    allowed = set(PLACEHOLDERS[kind]) | set(environment().globals)
    unknown = sorted(meta.find_undeclared_variables(tree) - allowed)
    if unknown:
        name = unknown[0]
        raise ReportTemplateError(
            f"{_where(template_name, field_name)}: trường dữ liệu «{name}» không có trong danh sách trường dữ liệu "
            f"của loại «{KIND_LABELS[kind]}». Hãy sửa lại tên hoặc chọn trong danh sách trường dữ liệu.",
            field=field_name, placeholder=name)
    if field_name != "body":
        tables = sorted(set(meta.find_undeclared_variables(tree)) & TABLE_PLACEHOLDERS)
        if tables:
            raise ReportTemplateError(
                f"{_where(template_name, field_name)}: bảng «{tables[0]}» chỉ đặt được trong phần nội dung.",
                field=field_name, placeholder=tables[0])


def check_template(template: ReportTemplate) -> None:
    if not template.name.strip():
        raise ReportTemplateError("Cần đặt tên cho mẫu báo cáo.", field="name")
    for field_name in KIND_FIELDS[template.kind]:
        check_text(template.kind, field_name, template.text(field_name), template.name)


_UNDEFINED_RE = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'|no element '?([^']+?)'?$")


@lru_cache(maxsize=64)
def _checked_template(kind: str, field_name: str, text: str, template_name: str) -> jinja2.Template:
    """The checked, compiled template of one text (a text that fails the check is never cached)."""
    check_text(kind, field_name, text, template_name)
    return environment().from_string(text)


def render_text(kind: str, field_name: str, text: str, context: Mapping[str, object],
                template_name: str = "") -> str:
    """Render one template text (checked first) in the sandbox; errors become ReportTemplateError."""
    compiled = _checked_template(kind, field_name, text, template_name)
    try:
        out = compiled.render(dict(context))
    except (TemplateError, TypeError, ValueError, ArithmeticError, OverflowError) as exc:
        _render_error(exc, kind, field_name, template_name)
    if len(out) > MAX_OUTPUT:
        raise ReportTemplateError(f"{_where(template_name, field_name)}: nội dung sinh ra quá dài.",
                                  field=field_name)
    return nfc(out)


def _template_line(exc: BaseException) -> int | None:
    """The line of the template text where rendering failed (Jinja2 maps its frames to "<template>")."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _render_error(exc: BaseException, kind: str, field_name: str, template_name: str):
    """A failure while rendering -> ReportTemplateError naming the template, its part and the line."""
    line = _template_line(exc)
    where = _where(template_name, field_name, line)
    if isinstance(exc, SecurityError):
        message, name = (f"{where}: mẫu dùng một thao tác không được phép ({exc}). Mẫu chỉ dùng các trường dữ liệu "
                         "và bộ lọc có sẵn."), ""
    elif isinstance(exc, UndefinedError):
        match = _UNDEFINED_RE.search(str(exc))
        name = next((g for g in match.groups() if g), "") if match else str(exc)
        message = (f"{where}: trường dữ liệu «{name}» không có trong danh sách trường dữ liệu của loại "
                   f"«{KIND_LABELS[kind]}».")
    elif isinstance(exc, TemplateError):
        message, name = f"{where}: không áp dụng được mẫu ({exc}).", ""
    else:
        message, name = f"{where}: lỗi khi tính giá trị trong mẫu ({exc}).", ""
    raise ReportTemplateError(message, field=field_name, placeholder=name, line=line) from None


@dataclass
class RenderedTexts:
    doc_type: str = ""
    subject: str = ""
    recipients_to: list[str] = field(default_factory=list)
    caption: str = ""
    body: str = ""


def render_template(template: ReportTemplate, context: Mapping[str, object]) -> RenderedTexts:
    out = RenderedTexts()
    for field_name in KIND_FIELDS[template.kind]:
        value = render_text(template.kind, field_name, template.text(field_name), context, template.name)
        if field_name == "recipients_to":
            out.recipients_to = [line.strip().lstrip("-–").strip().rstrip(";.").strip()
                                 for line in value.splitlines() if line.strip().strip("-–;.")]
        elif field_name == "body":
            out.body = value
        else:
            setattr(out, field_name, " ".join(value.split()))
    return out


# ------------------------------------------------------------------------------------------ body markup

_BOLD_RE = re.compile(r"\*\*(.+?)\*\*")


def _inline(text: str) -> str:
    return _BOLD_RE.sub(r"<b>\1</b>", markup(text))


_LINE_STYLES = (("### ", "h3"), ("## ", "h2"), ("# ", "h1"), ("> ", "italic"))


def _body_lines(body: str) -> Iterable[tuple[int, str, str]]:
    """Rendered body -> (line number, style, text) for its non-blank lines.

    style is h1/h2/h3/italic/body (text without its "# " / "> " prefix, "**bold**" still in it) or "table"
    (text: the whole line holding the table marker).
    """
    for number, raw in enumerate(body.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if _TABLE_RE.search(line):
            yield number, "table", line
            continue
        for prefix, style in _LINE_STYLES:
            if line.startswith(prefix):
                yield number, style, line[len(prefix):].strip()
                break
        else:
            yield number, "body", line


def body_items(body: str) -> list[tuple[str, str]]:
    """Rendered body markup -> [(style, text)] for a renderer: style h1/h2/h3/italic/body with the text
    ("**bold**" still in it, see :func:`inline_runs`), or "table" with the table's name. A table placeholder
    sharing its line with text is refused (ReportTemplateError)."""
    out = []
    for number, style, text in _body_lines(body):
        if style == "table":
            found = _TABLE_RE.findall(text)
            if _TABLE_RE.sub("", text).strip() or len(found) > 1:
                raise ReportTemplateError(
                    f"Phần «Nội dung», dòng kết quả {number}: bảng «{found[0]}» phải đặt riêng trên một dòng.",
                    field="body", placeholder=found[0])
            out.append(("table", found[0]))
        else:
            out.append((style, text))
    return out


def inline_runs(text: str) -> list[tuple[str, bool]]:
    """A body line -> [(text, bold)]: "**bold**" parts marked bold, the markers removed."""
    out = []
    pos = 0
    for match in _BOLD_RE.finditer(text):
        if match.start() > pos:
            out.append((text[pos:match.start()], False))
        out.append((match.group(1), True))
        pos = match.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def body_flowables(body: str, tables: Mapping[str, Callable[[], list[Flowable]]], styles) -> list[Flowable]:
    """Rendered body markup -> paragraphs, headings and the computed tables (see the module doc)."""
    from .layout import para

    by_style = {"h1": styles.heading1, "h2": styles.heading2, "h3": styles.heading3, "italic": styles.legal_basis,
                "body": styles.body}
    out: list[Flowable] = []
    items = body_items(body)
    for index, (style, text) in enumerate(items):
        if style == "table":
            out.extend(tables[text]())
        else:
            paragraph = para(_inline(text), by_style[style], is_markup=True)
            if index + 1 < len(items) and items[index + 1][0] == "table":
                paragraph.keepWithNext = 1   # a lead-in ("…, cụ thể:") never stays alone above its table
            out.append(paragraph)
    return out


def body_plain_lines(body: str) -> list[tuple[str, str]]:
    """Rendered body -> [(style, text)] for the .xlsx export: style is h1/h2/h3/italic/body/table:<name>."""
    return [(f"table:{_TABLE_RE.findall(text)[0]}", "") if style == "table" else (style, _BOLD_RE.sub(r"\1", text))
            for _number, style, text in _body_lines(body)]


# ------------------------------------------------------------------------------------ stored templates

TABLE = "report_template"
_COLUMNS = ("kind", "based_on", "name", "doc_type", "subject", "recipients_to", "caption", "body", "position")


def _from_row(row) -> ReportTemplate:
    return ReportTemplate(id=row["id"], kind=row["kind"], name=row["name"], doc_type=row["doc_type"],
                          subject=row["subject"], recipients_to=row["recipients_to"], caption=row["caption"],
                          body=row["body"], based_on=row["based_on"], builtin=False)


def list_templates(store: Store, kind: str | None = None) -> list[ReportTemplate]:
    """Built-in templates first, then the user's copies (by kind, position, name)."""
    kinds = [kind] if kind else list(KINDS)
    out = [builtin_template(k) for k in kinds]
    sql = f"SELECT * FROM {TABLE}"
    params: tuple = ()
    if kind:
        sql += " WHERE kind = ?"
        params = (kind,)
    rows = store.db.query(sql + " ORDER BY kind, position, name", params)
    order = {k: i for i, k in enumerate(KINDS)}
    user = sorted((_from_row(r) for r in rows), key=lambda t: order[t.kind])
    return out + user


def get_template(store: Store, template_id: str) -> ReportTemplate:
    if template_id.startswith("builtin:"):
        return builtin_template(template_id.split(":", 1)[1])
    row = store.db.query_one(f"SELECT * FROM {TABLE} WHERE id = ?", (template_id,))
    if row is None:
        raise StoreError("Không tìm thấy mẫu báo cáo (có thể đã bị xóa).")
    return _from_row(row)


def preferred_template(store: Store, kind: str) -> ReportTemplate:
    """The template a report made without choosing one uses (the self-assessment export, the agencies' letters,
    the CLI without --template): the user's copy of the kind saved last, else the built-in one."""
    row = store.db.query_one(f"SELECT * FROM {TABLE} WHERE kind = ? ORDER BY updated_at DESC, name LIMIT 1",
                             (kind,))
    return _from_row(row) if row is not None else builtin_template(kind)


def find_template(store: Store, kind: str, name: str) -> ReportTemplate:
    """A template of the kind by its name (accents and case as typed, spaces trimmed); StoreError listing the
    names when there is none."""
    wanted = nfc(name).strip().casefold()
    found = [t for t in list_templates(store, kind) if t.name.casefold() == wanted]
    if not found:
        names = "; ".join(f"«{t.name}»" for t in list_templates(store, kind))
        raise StoreError(f"Không có mẫu «{name.strip()}» cho loại «{KIND_LABELS[kind]}». Các mẫu: {names}.")
    return found[0]


def _name_taken(store: Store, kind: str, name: str, except_id: str = "") -> bool:
    folded = nfc(name).strip().casefold()
    if folded == builtin_template(kind).name.casefold():
        return True
    return any(nfc(r["name"]).strip().casefold() == folded and r["id"] != except_id
               for r in store.db.query(f"SELECT id, name FROM {TABLE} WHERE kind = ?", (kind,)))


def save_template(store: Store, template: ReportTemplate) -> ReportTemplate:
    """Insert (builtin or new id) or update a user template after checking every text; logged."""
    template = replace(template, name=nfc(template.name).strip(),
                       **{f: nfc(template.text(f)).replace("\r\n", "\n") for f in TEXT_FIELDS})
    check_template(template)
    existing = None if template.builtin or template.id.startswith("builtin:") or not template.id else \
        store.db.query_one(f"SELECT * FROM {TABLE} WHERE id = ?", (template.id,))
    if _name_taken(store, template.kind, template.name, existing["id"] if existing else ""):
        raise ReportTemplateError(f"Đã có mẫu tên «{template.name}». Hãy đặt tên khác.", field="name")
    values = {c: getattr(template, c) for c in _COLUMNS if c != "position"}
    with store.transaction():
        if existing is None:
            position = store.db.query_one(f"SELECT COALESCE(MAX(position), -1) + 1 FROM {TABLE} WHERE kind = ?",
                                          (template.kind,))[0]
            new_id = store.insert_row(TABLE, {**values, "position": position})["id"]
        else:
            current = dict(existing)
            editable = {k: v for k, v in values.items() if k not in ("kind", "based_on")}
            store.update_row(TABLE, current["id"], editable, current=current)
            new_id = current["id"]
    return get_template(store, new_id)


def duplicate_template(store: Store, template_id: str, name: str | None = None) -> ReportTemplate:
    """Copy a built-in or user template under a new name (the copy is editable)."""
    source = get_template(store, template_id)
    base = name or f"{source.name.replace(' (mẫu có sẵn)', '')} - bản sao"
    candidate, n = base, 2
    while _name_taken(store, source.kind, candidate):
        candidate = f"{base} {n}"
        n += 1
    copy = replace(source, id="", name=candidate, builtin=False,
                   based_on=source.id if source.builtin else source.based_on)
    return save_template(store, copy)


def delete_template(store: Store, template_id: str) -> None:
    if template_id.startswith("builtin:"):
        raise ReportTemplateError("Không xóa được mẫu có sẵn; hãy nhân bản để tạo mẫu riêng.")
    with store.transaction():
        store.delete_row(TABLE, template_id)


def placeholder_help(kind: str) -> list[tuple[str, str]]:
    """[(placeholder, description)] for the editor's help list."""
    return sorted(PLACEHOLDERS[kind].items())


def iter_kinds() -> Iterable[tuple[str, str]]:
    return KIND_LABELS.items()
