"""The PAR Index writes as operations (cchc_desktop.ops.par, no Qt): catalogue import (new and replacing one), link
confirm/removal, score / explanation / override, computed points taken, documents added directly or removed, the
agencies' documents imported, a criterion edited, the register of issued reports. For each: do → undo gives back
every table as it was (the PAR tables compared on their own too), redo gives back the tables after it."""
from __future__ import annotations

import pytest

from cchc_desktop import ops
from cchc_desktop.demo import create_demo_plan
from cchc_desktop.errors import UserError
from cchc_desktop.ops import par as par_ops
from cchc_desktop.par import catalog, mapping
from cchc_desktop.par.chase_import import ADD, REFUSED, ChasePreview, ChaseRow
from cchc_desktop.tracking.issued_reports import add_issued, delete_issued
from ops_support import tables

PAR_TABLES = ("par_", "report_issue")


def par_tables(store) -> dict:
    return {k: v for k, v in tables(store).items() if k.startswith(PAR_TABLES)}


def _criterion(store, code: str) -> str:
    return store.db.query_one("SELECT id FROM par_criterion WHERE code = ?", (code,))[0]


@pytest.fixture
def par(store, tmp_path):
    """The demo plan with the example catalogue, two confirmed links, a score, a document and a register row."""
    plan_id = create_demo_plan(store)
    catalog_id = catalog.commit_catalog(store, catalog.example_catalog(2026))
    proposals = mapping.propose_links(store, plan_id, catalog_id)
    links = mapping.confirm_links(store, plan_id, proposals[:2])
    scan = tmp_path / "quyet-dinh.pdf"
    scan.write_bytes(b"%PDF-1.4 ban quet")
    document = mapping.add_document(store, plan_id, _criterion(store, "3.4"), source_file=scan,
                                    doc_number="20/QĐ-UBND", summary="Quy chế Bộ phận Một cửa")
    from cchc_desktop.par.scoring import set_score
    set_score(store, plan_id, _criterion(store, "3.4"), 2, explanation="Đủ tài liệu")
    issued = add_issued(store, plan_id, "2026-Q1", "12/03/2026", doc_number="15/BC-UBND")
    return {"store": store, "plan": plan_id, "catalog": catalog_id, "proposals": proposals, "links": links,
            "document": document, "issued": issued["id"], "scan": scan}


def _chase_preview(s, p) -> ChasePreview:
    leaf = _criterion(s, "2.1")
    return ChasePreview([ChaseRow("a.xlsx", "Tài liệu kiểm chứng CCHC", 8, "2.1", "31/KH-UBND", None, "Kế hoạch",
                                  ADD, criterion_id=leaf),
                         ChaseRow("a.xlsx", "Tài liệu kiểm chứng CCHC", 9, "2.1", "32/BC-UBND", None, "Báo cáo",
                                  ADD, criterion_id=leaf),
                         ChaseRow("a.xlsx", "Tài liệu kiểm chứng CCHC", 10, "9.9", "1/QĐ", None, "", REFUSED)])


# (name, function(store, ids) -> OpResult)
OPS = [
    ("import catalogue", lambda s, p: par_ops.import_catalog(s, catalog.example_catalog(2027))),
    ("confirm links", lambda s, p: par_ops.confirm_links(s, p["plan"], p["proposals"][2:5])),
    ("remove links", lambda s, p: par_ops.remove_links(s, p["links"])),
    ("first score", lambda s, p: par_ops.set_score(s, p["plan"], _criterion(s, "1.2"), 1, explanation="Thiếu BC",
                                                   override_reason="Sổ chưa đủ")),
    ("change score and explanation", lambda s, p: par_ops.set_score(s, p["plan"], _criterion(s, "3.4"), 1.5,
                                                                    explanation="Chỉ đủ một phần")),
    ("clear score", lambda s, p: par_ops.set_score(s, p["plan"], _criterion(s, "3.4"), None)),
    ("accept computed", lambda s, p: par_ops.accept_computed(s, p["plan"], p["catalog"])),
    ("add document with file", lambda s, p: par_ops.add_document(s, p["plan"], _criterion(s, "2.1"),
                                                                 source_file=p["scan"], doc_number="7/TB-UBND",
                                                                 issued_on="2026-04-02", summary="Thông báo")),
    ("delete document", lambda s, p: par_ops.delete_document(s, p["document"])),
    ("import agencies' documents", lambda s, p: par_ops.import_chase(s, p["plan"], _chase_preview(s, p))),
    ("edit criterion", lambda s, p: par_ops.update_criterion(s, _criterion(s, "2.1"), guide="Hướng dẫn mới",
                                                             rule="hoan_thanh; 100%=2")),
    ("register an issued report", lambda s, p: ops.run(s, "Ghi sổ", add_issued, s, p["plan"], "2026-H1",
                                                       "20/06/2026", doc_number="40/BC-UBND")),
    ("remove a register row", lambda s, p: ops.run(s, "Xóa", delete_issued, s, p["issued"])),
]


@pytest.mark.parametrize("name, action", OPS, ids=[n for n, _a in OPS])
def test_par_op_do_undo_redo_restores_every_table(par, name, action):
    store = par["store"]
    before, par_before = tables(store), par_tables(store)
    done = action(store, par)
    assert done.changes and done.entities() & {"par_catalog", "par_criterion", "par_link", "par_score",
                                               "par_document", "report_issue"}, name
    assert set(done.changes) == set(ops.changes_of(store, done.op_id))
    after, par_after = tables(store), par_tables(store)
    assert par_after != par_before
    undone = ops.undo(store, done.op_id)
    assert undone.changes
    assert par_tables(store) == par_before and tables(store) == before
    redone = ops.redo(store, undone.op_id)
    assert par_tables(store) == par_after and tables(store) == after
    ops.undo(store, redone.op_id)
    assert tables(store) == before


def test_replacing_a_catalogue_takes_its_links_and_documents_and_undo_puts_them_back(par):
    store = par["store"]
    old = catalog.commit_catalog(store, catalog.example_catalog(2026))       # a second one, not scored
    def criterion_of(code):
        return store.db.query_one("SELECT id FROM par_criterion WHERE catalog_id = ? AND code = ?", (old, code))[0]
    mapping.confirm_links(store, par["plan"], [(criterion_of(p.code), p.kind, p.target_id)
                                               for p in par["proposals"][:3]])
    leaf = store.db.query_one("SELECT id FROM par_criterion WHERE catalog_id = ? AND code = '2.1'", (old,))[0]
    mapping.add_document(store, par["plan"], leaf, doc_number="9/KH-UBND", summary="Kế hoạch")
    attached = store.db.query_one("SELECT (SELECT COUNT(*) FROM par_link l JOIN par_criterion c ON c.id = "
                                  "l.criterion_id WHERE c.catalog_id = ?) + (SELECT COUNT(*) FROM par_document d "
                                  "JOIN par_criterion c ON c.id = d.criterion_id WHERE c.catalog_id = ?)",
                                  (old, old))[0]
    assert attached == 4
    before = tables(store)
    done = par_ops.import_catalog(store, catalog.example_catalog(2026), replace_id=old)
    assert store.db.query_one("SELECT COUNT(*) FROM par_catalog WHERE id = ?", (old,))[0] == 0
    assert {"par_link", "par_document"} <= {c.entity for c in done.changes if c.op == "delete"}   # logged, not
    after = tables(store)                                                                      # cascaded away
    undone = ops.undo(store, done.op_id)
    assert tables(store) == before
    ops.redo(store, undone.op_id)
    assert tables(store) == after


def test_a_refused_score_writes_nothing_and_logs_nothing(par):
    store = par["store"]
    before = tables(store)
    logged = store.db.query_one("SELECT COUNT(*) FROM change_log")[0]
    with pytest.raises(UserError, match="vượt điểm tối đa"):
        par_ops.set_score(store, par["plan"], _criterion(store, "3.4"), 99, explanation="x")
    assert tables(store) == before
    assert store.db.query_one("SELECT COUNT(*) FROM change_log")[0] == logged


def test_accept_computed_is_one_step_for_every_leaf_it_scores(par):
    store = par["store"]
    done = par_ops.accept_computed(store, par["plan"], par["catalog"])
    scored = {r[0] for r in store.db.query("SELECT criterion_id FROM par_score")}
    ruled = {r[0] for r in store.db.query(
        "SELECT c.id FROM par_criterion c WHERE c.catalog_id = ? AND c.rule <> '' AND NOT EXISTS "
        "(SELECT 1 FROM par_criterion k WHERE k.parent_id = c.id)", (par["catalog"],))}
    new = scored - {_criterion(store, "3.4")}
    assert new and new <= ruled                     # only leaves with a rule, the one scored by hand kept
    assert len(done.value) == len(done.ids("par_score")) == len(new)
    assert store.db.query_one("SELECT COUNT(*) FROM par_score s JOIN par_criterion c ON c.id = s.criterion_id "
                              "WHERE s.points > c.max_points")[0] == 0
    ops.undo(store, done.op_id)
    assert {r[0] for r in store.db.query("SELECT criterion_id FROM par_score")} == {_criterion(store, "3.4")}


def test_undo_of_a_score_refuses_when_it_was_changed_since(par):
    store = par["store"]
    done = par_ops.set_score(store, par["plan"], _criterion(store, "3.4"), 1, explanation="Một phần")
    from cchc_desktop.par.scoring import set_score
    set_score(store, par["plan"], _criterion(store, "3.4"), 0.5, explanation="Từ gói máy khác")   # not on the stack
    with pytest.raises(ops.OpConflict):
        ops.undo(store, done.op_id)
    assert store.db.query_one("SELECT points FROM par_score WHERE criterion_id = ?",
                              (_criterion(store, "3.4"),))[0] == 0.5
