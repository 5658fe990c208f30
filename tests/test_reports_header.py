"""Per-plan header fields (migration 0004): defaults from the plan, validation, logged writes, signer lines."""
from __future__ import annotations

import pytest

from cchc_desktop.reports.header_settings import get_header, save_header
from cchc_desktop.store import StoreError


def test_defaults_and_save(store):
    plan_id = store.create_plan("xã Xuân Trường", 2026)
    header = get_header(store, plan_id)
    assert header.issuer_name == "ỦY BAN NHÂN DÂN\nXÃ XUÂN TRƯỜNG" and header.place == "Xuân Trường"
    assert header.authority == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    saved = save_header(store, plan_id, sign_mode="TM_KT", signer_title="Phó Chủ tịch", signer_name="Trần Thị Bình",
                        report_to="Ủy ban nhân dân tỉnh\nSở Nội vụ")
    assert saved.authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    again = get_header(store, plan_id)
    assert again.signer_name == "Trần Thị Bình"
    doc = again.document_header(number=5, doc_type="BÁO CÁO", subject="x")
    assert doc.number_symbol == "05/BC-UBND"
    letter = again.document_header(number=12, subject="V/v đôn đốc", letter=True)
    assert letter.number_symbol == "12/UBND-VP" and letter.is_official_letter and not letter.doc_type
    signer = again.signer(letter=True)
    assert signer.recipients[0] == "Như trên" and signer.signer_name == "Trần Thị Bình"
    save_header(store, plan_id, signer_name="Lê Văn Cường")
    rows = store.db.query("SELECT op, field FROM change_log WHERE entity = 'report_header' ORDER BY lamport")
    assert [r["op"] for r in rows][0] == "insert" and ("update", "signer_name") in [(r["op"], r["field"]) for r in rows]


@pytest.mark.parametrize("changes", [{"report_symbol": "BC UBND"}, {"letter_symbol": "12/UBND"},
                                     {"sign_mode": "XX"}, {"issuer_name": "  "}])
def test_invalid_values_refused(store, changes):
    plan_id = store.create_plan("xã Xuân Trường", 2026)
    with pytest.raises(StoreError):
        save_header(store, plan_id, **changes)
