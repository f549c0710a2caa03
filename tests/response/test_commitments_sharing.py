"""A commitment made on a library paragraph carries the paragraph's text, so it is never shared
more widely than the paragraph's document (on create, on edit, when relinked or unlinked); a
reader who may not see the document sees neither the paragraph nor the text copied from it, and
cannot find it through the filters; a protected paragraph read through a commitment is audited
as a library read. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from tests.conftest import MakeActor
from tests.response.commitments_kit import commit, library_plan
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.library.store.models import LibraryDocument
from tocsin.response.commitments import (
    CommitmentFilters,
    CommitmentUpdate,
    dashboard,
    get_commitment,
    list_commitments,
    update_commitment,
)

FIRST = "States should release every child held by armed groups."


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


def refused_field(db: Database, actor: object, cid: str, **changes: object) -> str:
    with pytest.raises(ValidationFailed) as refused, db.session() as s:
        update_commitment(s, actor, cid, CommitmentUpdate(**changes))  # type: ignore[arg-type]
    return refused.value.errors[0].field


def test_never_shared_more_widely_than_the_paragraph(db: Database, make_actor: MakeActor) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    nodes = library_plan(db, admin, tlp="AMBER")
    with pytest.raises(ValidationFailed) as refused:
        commit(db, analyst, node_id=nodes["1"], action="", tlp="GREEN")
    assert refused.value.errors[0].field == "tlp" and "TLP:AMBER" in str(refused.value)
    # Left unsaid, the level is the document's.
    made = commit(db, analyst, node_id=nodes["1"], action="", tlp=None)
    assert made.tlp == "AMBER" and made.action == FIRST
    assert refused_field(db, analyst, made.id, tlp="GREEN") == "tlp"
    # Unlinking keeps the floor while the action is still the paragraph's text...
    assert refused_field(db, analyst, made.id, node_id=None, tlp="GREEN") == "tlp"
    # ...and relinking to an open paragraph does not release it either.
    open_nodes = library_plan(db, admin, tlp="CLEAR", slug="open-plan")
    assert refused_field(db, analyst, made.id, node_id=open_nodes["2"], tlp="GREEN") == "tlp"
    with db.session() as s:  # with words of one's own, the commitment is one's own to share
        own = update_commitment(s, analyst, made.id, CommitmentUpdate(
            node_id=None, action="Free the children.", tlp="GREEN"))  # fmt: skip
    assert own.tlp == "GREEN"
    # A commitment in words moved onto a narrower paragraph must follow its level.
    typed = commit(db, analyst, action="Free the children.", tlp="GREEN")
    assert refused_field(db, analyst, typed.id, node_id=nodes["2"]) == "node_id"
    with db.session() as s:
        moved = update_commitment(s, analyst, typed.id,
                                  CommitmentUpdate(node_id=nodes["2"], tlp="AMBER"))  # fmt: skip
    assert moved.tlp == "AMBER" and moved.node_id == nodes["2"]


def test_a_paragraph_above_the_reader_is_withheld(db: Database, make_actor: MakeActor) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    partner = make_actor(Role.PARTNER_VIEWER)
    nodes = library_plan(db, admin, tlp="GREEN")
    copied = commit(db, analyst, node_id=nodes["1"], action="")
    typed = commit(db, analyst, node_id=nodes["2"], action="Try the recruiters, says Testland.")
    with db.session() as s:  # the document is reclassified after the commitments were made
        s.execute(update(LibraryDocument).values(tlp=int(TLP.AMBER)))
    with db.session() as s:
        seen = get_commitment(s, partner, copied.id)
        assert (seen.action, seen.action_withheld, seen.source) == ("", True, None)
        assert seen.source_hidden and seen.document_title == "" and seen.reference is None
        assert get_commitment(s, partner, typed.id).action.startswith("Try the recruiters")
        assert get_commitment(s, analyst, copied.id).action == FIRST
        for probe in ("plan-of-protection", "Plan of protection", nodes["1"]):
            assert list_commitments(s, partner, CommitmentFilters(document=probe))[1] == 0
        assert (
            list_commitments(s, analyst, CommitmentFilters(document="plan-of-protection"))[1] == 2
        )
        assert list_commitments(s, partner, CommitmentFilters(q="release every child"))[1] == 0
        assert list_commitments(s, analyst, CommitmentFilters(q="release every child"))[1] == 1
        assert list_commitments(s, partner, CommitmentFilters(q="recruiters"))[1] == 1
        board = dashboard(s, partner, CommitmentFilters())
        assert FIRST not in {c.action for c in board.commitments}


def test_a_protected_paragraph_read_through_a_commitment_is_audited(
    db: Database, make_actor: MakeActor
) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    nodes = library_plan(db, admin, tlp="AMBER")
    made = commit(db, analyst, node_id=nodes["1"], action="", tlp="AMBER")
    open_nodes = library_plan(db, admin, tlp="CLEAR", slug="open-plan")
    commit(db, analyst, node_id=open_nodes["1"], action="")

    def node_reads() -> list[tuple[str, object]]:
        with db.session() as s:
            rows = s.execute(select(AuditEntry.entity_id, AuditEntry.detail).where(
                AuditEntry.action == "read", AuditEntry.entity_type == "library_node",
                AuditEntry.user_id == analyst.user_id)).all()  # fmt: skip
        return [(r.entity_id, r.detail) for r in rows]

    before = node_reads()
    with db.session() as s:
        get_commitment(s, analyst, made.id)
    assert node_reads()[len(before) :] == [(nodes["1"], {"via": "commitment"})]
    with db.session() as s:
        list_commitments(s, analyst, CommitmentFilters())
    assert [i for i, _ in node_reads()[len(before) + 1 :]] == [nodes["1"]]  # the open one is not
