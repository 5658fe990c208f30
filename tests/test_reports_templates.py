"""The template engine: sandboxed Jinja2, placeholders checked at save and render time, user copies."""
from __future__ import annotations

import pytest

from cchc_desktop.reports import templates as T
from cchc_desktop.reports.layout import doc_styles
from cchc_desktop.reports.templates import (AGENCY_TASKS, PERIODIC, REMINDER, ReportTemplateError, body_flowables,
                                            builtin_template, check_text, delete_template, duplicate_template,
                                            get_template, list_templates, render_text, save_template)


@pytest.mark.parametrize("kind", T.KINDS)
def test_builtin_templates_are_valid(kind):
    template = builtin_template(kind)
    assert template.builtin and template.id == f"builtin:{kind}"
    T.check_template(template)
    assert template.body.strip()


def test_unknown_placeholder_rejected_at_save_time_with_its_name():
    with pytest.raises(ReportTemplateError) as err:
        check_text(PERIODIC, "body", "Hoàn thành {{ ty_le_hoan_thanh }}, còn {{ so_nhiem_vu_bi_sai }} việc.")
    assert "so_nhiem_vu_bi_sai" in str(err.value)
    assert "không có trong danh sách trường dữ liệu" in str(err.value)
    assert err.value.placeholder == "so_nhiem_vu_bi_sai"


def test_placeholder_of_another_kind_rejected():
    with pytest.raises(ReportTemplateError) as err:
        check_text(PERIODIC, "body", "Kính gửi {{ co_quan }}")  # only the reminder / agency list has co_quan
    assert "co_quan" in str(err.value)


def test_loop_and_set_variables_are_not_unknown():
    text = "{% set x = so_nhiem_vu %}{% for lv in linh_vuc %}{{ lv.ten }} {{ x }}{% endfor %}"
    check_text(PERIODIC, "body", text)
    out = render_text(PERIODIC, "body", text, {"so_nhiem_vu": 3, "linh_vuc": [{"ten": "Cải cách thể chế"}]})
    assert out == "Cải cách thể chế 3"


def test_unknown_attribute_rejected_at_render_time():
    with pytest.raises(ReportTemplateError) as err:
        render_text(PERIODIC, "body", "{% for lv in linh_vuc %}{{ lv.khong_co }}{% endfor %}",
                    {"linh_vuc": [{"ten": "A"}]})
    assert "khong_co" in str(err.value)


def test_missing_value_at_render_time_is_strict():
    # known placeholder but the builder forgot it: StrictUndefined, never an empty string
    with pytest.raises(ReportTemplateError) as err:
        render_text(PERIODIC, "body", "{{ so_hoan_thanh }}", {})
    assert "so_hoan_thanh" in str(err.value)


@pytest.mark.parametrize("text", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''['__class__'] }}",
    "{{ linh_vuc.__class__ }}",
])
def test_sandbox_blocks_attribute_tricks_at_save_time(text):
    with pytest.raises(ReportTemplateError) as err:
        check_text(PERIODIC, "body", text)
    assert "không được truy cập thuộc tính" in str(err.value)


def test_sandbox_blocks_attribute_tricks_at_render_time():
    # Skip the save-time check to prove the sandbox itself refuses (defence in depth).
    env = T.environment()
    with pytest.raises(Exception) as err:
        env.from_string("{{ ''.__class__.__mro__ }}").render({})
    assert "SecurityError" in type(err.value).__name__ or "unsafe" in str(err.value).lower() \
        or "__class__" in str(err.value)
    with pytest.raises(ReportTemplateError) as err2:
        render_text(PERIODIC, "body", "{{ so_nhiem_vu.__class__ }}", {"so_nhiem_vu": 3})
    assert "__class__" in str(err2.value)


def test_sandbox_refuses_method_calls_on_unsafe_objects_and_big_ranges():
    with pytest.raises(ReportTemplateError):
        render_text(PERIODIC, "body", "{% for i in range(10**7) %}x{% endfor %}", {})
    with pytest.raises(ReportTemplateError):
        render_text(PERIODIC, "body", "{{ cycler }}", {})  # no globals besides range


def test_syntax_error_names_the_line_in_vietnamese():
    with pytest.raises(ReportTemplateError) as err:
        check_text(PERIODIC, "body", "dòng 1\ndòng 2 {{ so_nhiem_vu \n")
    assert "dòng 2" in str(err.value) and "sai cú pháp" in str(err.value)


def test_tables_only_in_body_and_alone_on_their_line():
    with pytest.raises(ReportTemplateError):
        check_text(PERIODIC, "subject", "Báo cáo {{ bang_linh_vuc }}")
    text = render_text(PERIODIC, "body", "Xem {{ bang_linh_vuc }}", {"bang_linh_vuc": T.table_marker("bang_linh_vuc")})
    with pytest.raises(ReportTemplateError) as err:
        body_flowables(text, {"bang_linh_vuc": lambda: []}, doc_styles())
    assert "riêng trên một dòng" in str(err.value)


def test_body_markup_headings_and_bold():
    from reportlab.platypus import Paragraph

    st = doc_styles()
    body = "# I. CÔNG TÁC CHỈ ĐẠO\n## 1. Kết quả\n### a) Chi tiết\n> Căn cứ Luật;\nĐạt **65,2%** <script>\n\n"
    out = body_flowables(body, {}, st)
    assert [p.style.name for p in out] == ["Heading1", "Heading2", "Heading3", "LegalBasis", "Body"]
    assert isinstance(out[-1], Paragraph) and "<b>65,2%</b>" in out[-1].text and "&lt;script&gt;" in out[-1].text


def test_duplicate_edit_save_and_delete_user_template(store):
    copy = duplicate_template(store, "builtin:periodic")
    assert not copy.builtin and copy.based_on == "builtin:periodic" and copy.body == builtin_template(PERIODIC).body
    edited = copy.with_texts(body=copy.body + "\nTổng số: {{ so_nhiem_vu }} nhiệm vụ, hoàn thành {{ ty_le_hoan_thanh }}.")
    saved = save_template(store, edited)
    assert get_template(store, saved.id).body.endswith("hoàn thành {{ ty_le_hoan_thanh }}.")
    names = [t.name for t in list_templates(store, PERIODIC)]
    assert names[0] == builtin_template(PERIODIC).name and saved.name in names
    # a second copy gets a distinct name
    assert duplicate_template(store, "builtin:periodic").name != saved.name
    # an unknown placeholder is refused on save, and nothing is stored
    with pytest.raises(ReportTemplateError) as err:
        save_template(store, saved.with_texts(subject="Báo cáo {{ ky_bao_cao_sai }}"))
    assert "ky_bao_cao_sai" in str(err.value)
    assert get_template(store, saved.id).subject == builtin_template(PERIODIC).subject
    # logged for the exchange
    assert store.db.query_one("SELECT COUNT(*) FROM change_log WHERE entity = 'report_template'")[0] >= 3
    delete_template(store, saved.id)
    with pytest.raises(Exception):
        get_template(store, saved.id)
    with pytest.raises(ReportTemplateError):
        delete_template(store, "builtin:reminder")


def test_template_file_round_trip():
    template = builtin_template(REMINDER)
    parsed = T.parse_template_file(T.format_template_file(template))
    assert parsed["body"] == template.body and parsed["subject"] == template.subject


def test_placeholder_help_lists_every_kind():
    for kind in (PERIODIC, REMINDER, AGENCY_TASKS):
        names = [n for n, _ in T.placeholder_help(kind)]
        assert "ubnd" in names and all(desc for _, desc in T.placeholder_help(kind))
