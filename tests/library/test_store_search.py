"""Searching the library on SQLite (FTS5) and PostgreSQL (text search): words found by prefix,
narrowed by document and labels, within the reader's clearance; semantic search and
suggestions by embeddings where the model is installed."""

from __future__ import annotations

import os

import pytest
from alembic import command
from sqlalchemy import text
from tests.conftest import MakeActor
from tests.library.seeds_kit import PARIS_COMMITMENTS, PARIS_PLAN, needs_seeds, parsed
from tests.seeding import cheap_hashing

from tocsin.core import migrate
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role
from tocsin.library import embeddings, parse_text
from tocsin.library.classify import Classifier
from tocsin.library.store import (
    SearchFilters,
    import_document,
    search,
    search_text,
    suggest_links,
)

PLAN = """Plan

1. States should set up early warning systems that reach decision makers quickly.
2. Armed forces must protect schools and hospitals from attack.
3. Journalists who report on violence need protection from reprisals.
"""
OTHER = """Other plan

1. Governments should build alert mechanisms so that leaders learn of danger in time.
2. Museums should keep inventories of their collections.
"""


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)
    monkeypatch.setenv("TOCSIN_EMBEDDINGS", "off")


@needs_seeds
def test_full_text_finds_words_by_prefix_with_filters(db: Database, make_actor: MakeActor) -> None:
    analyst = make_actor(Role.ANALYST)
    commitments = parsed(PARIS_COMMITMENTS).document.slug
    with db.session() as s:
        import_document(s, analyst, parsed(PARIS_COMMITMENTS))
        import_document(s, analyst, parsed(PARIS_PLAN))
    with db.session() as s:
        everywhere = search_text(s, analyst, "recruit")
        only = search_text(s, analyst, "Recruit", SearchFilters(document=commitments))
        both_words = search_text(s, analyst, "recruit release")
    found = {h.document_slug for h in everywhere}
    assert found == {commitments, parsed(PARIS_PLAN).document.slug}
    assert only and {h.document_slug for h in only} == {commitments}
    assert all("recruit" in h.node.text.lower() for h in everywhere)
    assert [h.text_rank for h in everywhere] == list(range(1, len(everywhere) + 1))
    assert both_words and all("releas" in h.node.text.lower() for h in both_words)

    top = only[0]
    actor_code = top.node.labels["actor"][0].label
    other_code = next(c for c in ("media", "business", "religious_leaders", "nhri")
                      if c not in {x.label for x in top.node.labels["actor"]})  # fmt: skip
    with db.session() as s:
        kept = search_text(s, analyst, "recruit", SearchFilters(actor=actor_code))
        dropped = search_text(s, analyst, "recruit", SearchFilters(actor=other_code))
        fused = search(s, analyst, "recruit", SearchFilters(document=commitments), limit=5)
    assert top.node.id in [h.node.id for h in kept]
    assert top.node.id not in [h.node.id for h in dropped]
    assert all(other_code in {x.label for x in h.node.labels["actor"]} for h in dropped)
    assert fused.method == "text" and fused.hits[0].node.id == top.node.id


def test_retired_paragraphs_and_hidden_documents(db: Database, make_actor: MakeActor) -> None:
    coordinator, partner = make_actor(Role.COORDINATOR), make_actor(Role.PARTNER_VIEWER)
    with db.session() as s:
        import_document(s, coordinator, parse_text(PLAN, "plan.txt"))
        import_document(s, coordinator, parse_text(PLAN.replace("plan", "secret plan"),
                                                   "secret.txt"), tlp="AMBER")  # fmt: skip
        import_document(s, coordinator, parse_text(PLAN.split("3.")[0], "plan.txt"))
    with db.session() as s:
        assert [h.document_slug for h in search_text(s, coordinator, "journalists")] == ["secret"]
        retired = search_text(s, coordinator, "journalists",
                              SearchFilters(include_retired=True))  # fmt: skip
        assert sorted(h.document_slug for h in retired) == ["plan", "secret"]
        assert {h.node.current for h in retired} == {True, False}
        assert [h.document_slug for h in search_text(s, partner, "schools")] == ["plan"]


def test_the_sqlite_search_table_refills_itself(db: Database, make_actor: MakeActor) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL's index follows the table")
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        s.execute(text("DELETE FROM library_nodes_fts"))  # as after restoring a backup
    with db.session() as s:
        assert [h.node.reference for h in search_text(s, analyst, "hospitals")] == ["plan/-/-/2"]


def _search_schema(db: Database) -> tuple[str, str]:
    """What carries full text (SQLite's table definition, PostgreSQL's index names) and the
    label indexes, as the catalogue describes them."""
    with db.engine.connect() as c:
        if db.dialect == "sqlite":
            searched = c.scalar(
                text("SELECT sql FROM sqlite_master WHERE name = 'library_nodes_fts'")
            )
            labels = c.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'library_labels'")).scalars()  # fmt: skip
        else:
            searched = ",".join(sorted(c.execute(text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'library_nodes'"
                " AND indexname LIKE 'ix_library_nodes_search%'")).scalars()))  # fmt: skip
            labels = c.execute(text("SELECT indexname FROM pg_indexes "
                                    "WHERE tablename = 'library_labels'")).scalars()  # fmt: skip
        return str(searched), ",".join(sorted(n for n in labels if n.startswith("ix_")))


def test_migration_0015_keeps_a_filled_library_searchable(
    db: Database, make_actor: MakeActor
) -> None:
    """Down to 0014 and up again with paragraphs stored: the search table (SQLite) or column
    (PostgreSQL) is rebuilt from the nodes, and the same words are found the same way."""
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        before = [h.node.reference for h in search_text(s, analyst, "up qui")]
    config = migrate.alembic_config(db.engine)
    try:
        command.downgrade(config, "0014")
        searched, labels = _search_schema(db)
        assert labels == "ix_library_labels_dimension_label"
        assert ("prefix" not in searched) if db.dialect == "sqlite" else (
            searched == "ix_library_nodes_search")  # fmt: skip
    finally:
        migrate.upgrade(db.engine)
    searched, labels = _search_schema(db)
    assert labels == "ix_library_labels_dimension_label_node"
    assert ("prefix='2 3'" in searched) if db.dialect == "sqlite" else (
        searched == "ix_library_nodes_search_vector")  # fmt: skip
    with db.session() as s:
        assert [h.node.reference for h in search_text(s, analyst, "up qui")] == before
    assert before == ["plan/-/-/1"]  # "up" and "quickly", by two- and three-letter prefixes


@pytest.mark.parametrize(
    ("query", "filters", "limit", "field"),
    [
        ("  ", {}, 10, "query"),
        ("x" * 1001, {}, 10, "query"),
        ("schools", {}, 0, "limit"),
        ("schools", {"actor": "aliens"}, 10, "filters.actor"),
        ("schools", {"risk_factor": "RF99"}, 10, "filters.risk_factor"),
        ("schools", {"document": "no-such-plan"}, 10, "filters.document"),
    ],
)
def test_bad_searches_are_named(
    db: Database, make_actor: MakeActor, query: str, filters: dict[str, str], limit: int,
    field: str,
) -> None:  # fmt: skip
    analyst = make_actor(Role.ANALYST)
    with db.session() as s:
        import_document(s, analyst, parse_text(PLAN, "plan.txt"))
        with pytest.raises(ValidationFailed) as refused:
            search(s, analyst, query, SearchFilters(**filters), limit=limit)
    assert refused.value.errors[0].field == field


needs_model = pytest.mark.skipif(
    not embeddings.installed() and not os.environ.get("TOCSIN_REQUIRE_EMBEDDINGS"),
    reason="the embeddings extra is not installed",
)


@needs_model
def test_semantic_search_and_suggestions_use_embeddings(
    db: Database, make_actor: MakeActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOCSIN_EMBEDDINGS")
    analyst = make_actor(Role.ANALYST)
    words_only = Classifier(use_embeddings=False)  # the classifier's own model has its tests
    with db.session() as s:
        first = import_document(s, analyst, parse_text(PLAN, "plan.txt"), classifier=words_only)
        second = import_document(s, analyst, parse_text(OTHER, "other.txt"),
                                 classifier=words_only)  # fmt: skip
    assert (first.embedded, second.embedded) == (3, 2)
    with db.session() as s:
        found = search(s, analyst, "warning systems")
        suggested = suggest_links(s, analyst, "plan/-/-/1", k=2)
    assert found.method == "text+semantic"
    best, *rest = found.hits
    assert (best.node.reference, best.text_rank, best.semantic_rank) == ("plan/-/-/1", 1, 1)
    by_meaning = {h.node.reference: h for h in rest}["other/-/-/1"]  # no "warning" in it
    assert by_meaning.text_rank is None and by_meaning.semantic_rank == 2
    assert by_meaning.similarity is not None and by_meaning.similarity > 0.4
    assert [x.to_node.reference for x in suggested] == ["other/-/-/1"]
