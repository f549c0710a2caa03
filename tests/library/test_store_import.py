"""Storing the library on SQLite and PostgreSQL: each seed imports whole; a corrected edition
keeps every reference and id, keeps what went missing (not current) and the links made to it;
bad input is refused with the field it concerns, and roles without the right are refused."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.library.seeds_kit import ALL_SEEDS, PARIS_COMMITMENTS, SEEDS, needs_seeds, parsed
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import Forbidden, NotFound, ValidationFailed
from tocsin.core.models import AuditEntry
from tocsin.core.roles import Role
from tocsin.library import parse_file, parse_text
from tocsin.library.store import (
    SearchFilters,
    document_tree,
    get_document,
    get_node,
    import_document,
    link,
    list_documents,
    search_text,
)
from tocsin.library.store.models import LibraryNode

PLAN = "Plan of action\n\n1. States should protect defenders.\n2. Courts should try the accused.\n"


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")  # the rule layer; embeddings have their test


@needs_seeds
@pytest.mark.parametrize("name", ALL_SEEDS)
def test_each_seed_is_stored_whole(db: Database, make_actor: MakeActor, name: str) -> None:
    analyst = make_actor(Role.ANALYST)
    given = parsed(name)
    items = list(given.document.items())
    with db.session() as s:
        result = import_document(s, analyst, given)
    assert result.created and result.document.items == len(items)
    assert result.classified == len(items) and not result.retired
    assert result.report.counts == given.report.counts
    with db.session() as s:
        stored = list(s.scalars(select(LibraryNode).where(LibraryNode.kind == "item")
                                .order_by(LibraryNode.position)))  # fmt: skip
        tree = document_tree(s, analyst, given.document.slug)
        first = get_node(s, analyst, items[0].reference)
    assert [n.reference for n in stored] == [i.reference for i in items]
    assert [n.text for n in stored] == [i.text for i in items]
    assert Counter(n.item_kind for n in stored) == Counter(i.kind.value for i in items)
    in_tree = [i.reference for p in tree.parts for sec in p.sections for i in sec.items]
    assert in_tree == [i.reference for i in items]
    assert first.document.tlp == "CLEAR" and first.labels["actor"] and first.labels["theme"]
    assert all(0 <= label.confidence <= 1 for labels in first.labels.values() for label in labels)


@needs_seeds
def test_a_corrected_edition_keeps_references_ids_and_links(
    db: Database, make_actor: MakeActor, tmp_path: Path
) -> None:
    analyst = make_actor(Role.ANALYST)
    first = parsed(PARIS_COMMITMENTS)
    slug = first.document.slug
    text = (SEEDS / PARIS_COMMITMENTS).read_text(encoding="utf-8")
    typo, changed, removed = f"{slug}/-/-/14", f"{slug}/-/-/13", f"{slug}/-/-/8"
    lines = text.splitlines(keepends=True)
    gone = [n for n, line in enumerate(lines) if line.startswith("- 8 ")]
    assert len(gone) == 1 and text.count("rerecruitment") == 1, "the seed changed"
    del lines[gone[0]]
    edited = ("".join(lines).replace("rerecruitment", "re-recruitment")
              .replace("including political propaganda.", "including propaganda of any kind."))
    (tmp_path / PARIS_COMMITMENTS).write_text(edited, encoding="utf-8")

    with db.session() as s:
        import_document(s, analyst, first)
        import_document(s, analyst, parse_text(PLAN, "other-plan.txt"))
        ids = {n.reference: n.id for n in s.scalars(select(LibraryNode))}
        made = link(s, analyst, "other-plan/-/-/2", removed, "refers_to", "cited in the margin")
    with db.session() as s:
        again = import_document(s, analyst, parse_file(tmp_path / PARIS_COMMITMENTS))
    assert not again.created and not again.same_file
    assert again.retired == [removed] and not again.added
    assert set(again.updated) == {typo, changed}
    with db.session() as s:
        after = {n.reference: n for n in s.scalars(select(LibraryNode))}
        kept = get_node(s, analyst, removed)
        summary = get_document(s, analyst, slug)
    assert {ref: n.id for ref, n in after.items()} == ids  # every reference, every id
    assert [ref for ref, n in after.items() if not n.current] == [removed]
    assert "re-recruitment" in after[typo].text and "of any kind" in after[changed].text
    assert not kept.current and kept.retired_at is not None
    assert [(x.id, x.status, x.to_node.current) for x in kept.links] == [
        (made.id, "confirmed", False)
    ]
    assert summary.items == 26 and summary.retired_items == 1
    assert [len(i.retired) for i in summary.imports] == [1, 0]  # newest first

    with db.session() as s:  # the paragraph comes back in a later edition: same node again
        back = import_document(s, analyst, first)
        assert back.restored == [removed] and get_node(s, analyst, removed).current
        assert s.get(LibraryNode, ids[removed]) is not None


def test_the_same_file_twice_changes_nothing(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        again = import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity_type == "library_document"))
        assert [e.action for e in entries] == ["import", "import"]
    assert again.same_file and again.unchanged == 4 and again.classified == 0
    assert not (again.added or again.updated or again.retired)


def test_a_slug_given_at_import_names_every_reference(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        result = import_document(s, analyst, parse_text(PLAN, "plan.txt"), "my-plan")
        node = get_node(s, analyst, "my-plan/-/-/1")
    assert result.document.slug == "my-plan" and node.document.slug == "my-plan"
    assert node.parent_reference == "my-plan/-/-"


def test_sharing_level_decides_who_sees_a_document(db: Database, make_actor: MakeActor) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    partner = make_actor(Role.PARTNER_VIEWER)
    with db.session() as s:
        import_document(s, coordinator, parse_text(PLAN, "closed.txt"), tlp="RED")
        import_document(s, analyst, parse_text(PLAN, "open.txt"))
    with db.session() as s:
        assert [d.slug for d in list_documents(s, partner)] == ["open"]
        with pytest.raises(NotFound):
            get_document(s, analyst, "closed")
        with pytest.raises(NotFound):
            get_node(s, analyst, "closed/-/-/1")
        with pytest.raises(ValidationFailed) as taken:
            import_document(s, analyst, parse_text(PLAN, "closed.txt"))
        assert taken.value.errors[0].field == "slug"
        get_document(s, coordinator, "closed")
        reads = s.scalars(select(AuditEntry).where(AuditEntry.action == "read",
                                                   AuditEntry.entity_type == "library_document"))
        assert [r.user_id for r in reads] == [coordinator.user_id]  # RED read: audited


@pytest.mark.parametrize("role", [Role.DOCUMENTER, Role.PARTNER_VIEWER])
def test_only_curators_import(db: Database, make_actor: MakeActor, role: Role) -> None:
    with db.session() as s, pytest.raises(Forbidden):
        import_document(s, make_actor(role), parse_text(PLAN, "plan.txt"))


@pytest.mark.parametrize(
    ("text", "slug", "options", "field"),
    [
        (PLAN, "Not A Slug", {}, "slug"),
        (PLAN, "a" * 201, {}, "slug"),
        ("", None, {}, "document"),
        ("Only a title\n", None, {}, "document"),
        (PLAN, None, {"tlp": "PURPLE"}, "tlp"),
        (PLAN, None, {"format": "docx"}, "format"),
    ],
)
def test_bad_input_is_named(
    db: Database, make_actor: MakeActor, text: str, slug: str | None, options: dict[str, str],
    field: str,
) -> None:  # fmt: skip
    analyst = make_actor(Role.ANALYST)
    with db.session() as s, pytest.raises(ValidationFailed) as refused:
        import_document(s, analyst, parse_text(text, "plan.txt"), slug, **options)
    assert refused.value.errors[0].field == field


EDITION = st.lists(
    st.tuples(st.integers(1, 8), st.integers(0, 2)), min_size=1, max_size=8,
    unique_by=lambda pair: pair[0],
)


# One database and user for all examples (each example uses its own slug): what the test
# checks is the sequence of editions, against a plain record of what each import should leave.
@settings(
    max_examples=20, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(editions=st.lists(EDITION, min_size=1, max_size=4))
def test_any_sequence_of_editions_keeps_ids_and_only_the_latest_current(
    db: Database, make_actor: MakeActor, editions: list[list[tuple[int, int]]]
) -> None:
    curator = make_actor(Role.COORDINATOR)
    slug = f"plan-{uuid.uuid4().hex[:8]}"
    first_ids: dict[str, str] = {}
    for edition in editions:
        body = "\n".join(f"{n}. States should act on matter {n}, in wording {v}."
                         for n, v in sorted(edition))  # fmt: skip
        given = parse_text(f"Plan\n\n{body}\n", "plan.txt", slug=slug)
        expected = {i.reference: i.text for i in given.document.items()}
        with db.session() as s:
            import_document(s, curator, given)
            stored = list(s.scalars(select(LibraryNode).where(
                LibraryNode.reference.startswith(f"{slug}/"), LibraryNode.kind == "item")))
            found = search_text(s, curator, "matter", SearchFilters(document=slug))
        for node in stored:
            assert first_ids.setdefault(node.reference, node.id) == node.id
        assert {n.reference for n in stored} == set(first_ids)  # nothing ever deleted
        assert {n.reference: n.text for n in stored if n.current} == expected
        assert {h.node.reference: h.node.text for h in found} == expected  # the search index too
