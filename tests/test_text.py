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
        assert text_module._CLEANED
    assert again != plain and text_module._CLEANED is None
