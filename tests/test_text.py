import unicodedata

from cchc_desktop.text import clean_cell, fold, sort_key


def test_clean_cell_strips_tags_spaces_and_normalises_nfc():
    raw = "<b>I  CÔNG\u00a0TÁC </b>\r\n  chỉ đạo"
    nfd = unicodedata.normalize("NFD", raw)
    assert clean_cell(nfd) == "I CÔNG TÁC\nchỉ đạo"
    assert unicodedata.is_normalized("NFC", clean_cell(nfd))
    assert clean_cell(None) == ""
    assert clean_cell("A &amp; B") == "A & B"


def test_fold_ignores_accents_case_and_d_stroke():
    assert fold("Chuyển đổi SỐ") == "chuyen doi so"
    assert fold("ĐẨY MẠNH") == "day manh"


def test_vietnamese_sort_order():
    words = ["Văn phòng", "đào tạo", "Ân", "an", "dự toán", "ăn", "Ủy ban", "Ư", "u", "Ô", "ơ", "o"]
    ordered = sorted(words, key=sort_key)
    assert ordered.index("dự toán") < ordered.index("đào tạo")
    assert ordered.index("an") < ordered.index("ăn") < ordered.index("Ân")
    assert ordered.index("o") < ordered.index("Ô") < ordered.index("ơ")
    assert ordered.index("u") < ordered.index("Ủy ban") < ordered.index("Ư") < ordered.index("Văn phòng")


def test_remembered_cleaning_gives_what_cleaning_gives():
    """While a file is read, clean_cell remembers results (issue 18): the same texts as without, also for a cleaned
    text cleaned again (entities and tags left in it are not taken for clean), and nothing kept afterwards."""
    from cchc_desktop import text as text_module

    samples = ["  Phòng  Kinh tế ", "a <b>b</b>\r\n\n c", "&amp;lt;b&amp;gt;x", "<<b>b>y", "x\x0by\x01", 12, None,
               "Quý I,  II/2026"]
    plain = [clean_cell(v) for v in samples]
    again = [clean_cell(v) for v in plain]
    with text_module.remembered_cleaning():
        assert [clean_cell(v) for v in samples] == plain
        assert [clean_cell(v) for v in samples] == plain
        assert [clean_cell(v) for v in plain] == again
        assert text_module.clean_cells(samples) == plain and text_module.clean_cells(plain) == again
        assert text_module._CLEANED
    assert again != plain and text_module._CLEANED is None
    assert text_module.clean_cells(samples) == plain


# Every character the cleaning steps treat specially, plus plain and accented letters (NFC and NFD forms).
_CLEAN_ALPHABET = ("ab ÂÊ\u0301\u0323đ<>/&;#x1b:=\"'" "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x01\x08\x0e\x7f\x84\x85\x86\x9f"
                   "\u00a0\u2007\u202f\u200b\ufeff\u2028\u2029")


def _clean_cell_every_step(value: str) -> str:
    """clean_cell without its shortcuts: every step applied in turn (the reference for the quick checks)."""
    import html
    import re
    from cchc_desktop import text as t

    cleaned = html.unescape(t._TAG_RE.sub("", value))
    cleaned = t._LINE_BREAKS_RE.sub("\n", cleaned)
    cleaned = t._CONTROL_RE.sub("", cleaned)
    cleaned = unicodedata.normalize("NFC", cleaned)
    cleaned = t._SPACE_RE.sub(" ", cleaned)
    return re.sub(r"\s*\n\s*", "\n", cleaned).strip()


def test_clean_cell_shortcuts_give_what_every_step_gives():
    """clean_cell skips a step when a quick look shows it would change nothing (issue 18, import speed): the texts
    are the same as applying every step, for generated texts made of the characters each step looks for."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cchc_desktop.text import sanitize

    @settings(max_examples=3000, deadline=None, derandomize=True)
    @given(st.text(alphabet=_CLEAN_ALPHABET, max_size=14))
    def check(value):
        assert clean_cell(value) == _clean_cell_every_step(value)
        from cchc_desktop import text as t
        assert sanitize(value) == unicodedata.normalize(
            "NFC", t._CONTROL_RE.sub("", t._LINE_BREAKS_RE.sub("\n", value)))

    check()
    for value in ["a  b", "a\u00a0b", "x\r\ny", "a <b>b</b>", "A &amp; B", " \n a \n ", "a\x0bb", "a\u2028b",
                  "Quý I,  II/2026", "e\u0301", "\ufeffa", "a\tb", "plain text"]:
        assert clean_cell(value) == _clean_cell_every_step(value)
