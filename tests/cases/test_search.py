"""Free-text search over events, on both backends: words by prefix, all required, any case."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MakeActor

from tocsin.cases import events
from tocsin.cases.events import EventFilters
from tocsin.cases.schemas import EventCreate, EventUpdate
from tocsin.cases.search import words
from tocsin.core.backup import create_backup, restore_backup
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings


def _found(db: Database, actor: object, text: str) -> list[str]:
    with db.session() as s:
        page = events.list_events(s, actor, EventFilters(q=text), 1, 50)  # type: ignore[arg-type]
        return sorted(e.title for e in page.items)


def test_words_drop_punctuation_and_fold_case() -> None:
    assert words("Shelling, of the MARKET!") == ["shelling", "of", "the", "market"]
    assert words("_%*") == []


def test_search_matches_words_by_prefix_in_title_and_description(
    db: Database, make_actor: MakeActor
) -> None:
    actor = make_actor(Role.ANALYST)
    with db.session() as s:
        for title, description in [
            ("Shelling of the market in Tal Sera", "Mortar rounds hit stalls at noon."),
            ("Raid on the école Al-Nour", "Pupils detained by a patrol."),
            ("Checkpoint detentions", "A minibus was stopped; ten men taken."),
        ]:
            events.create(s, actor, EventCreate(title=title, description=description, start="2021"))
    assert _found(db, actor, "market") == ["Shelling of the market in Tal Sera"]
    assert _found(db, actor, "MINI") == ["Checkpoint detentions"]  # prefix, in the description
    assert _found(db, actor, "tal mortar") == ["Shelling of the market in Tal Sera"]
    assert _found(db, actor, "tal patrol") == []  # every word must match
    assert _found(db, actor, "école") == ["Raid on the école Al-Nour"]
    assert _found(db, actor, "_") == []  # no words: a literal search that finds nothing


def test_search_follows_edits_and_survives_restore(
    db: Database, make_actor: MakeActor, settings: Settings, tmp_path: Path
) -> None:
    actor = make_actor(Role.ADMIN)
    with db.session() as s:
        event = events.create(s, actor, EventCreate(title="Looting of the museum", start="2020"))
    with db.session() as s:
        events.update(s, actor, event.id, EventUpdate(title="Burning of the archive"))
    assert _found(db, actor, "museum") == []
    assert _found(db, actor, "archive") == ["Burning of the archive"]
    archive = tmp_path / "backup.tar.gz"
    create_backup(db, settings, archive)
    restore_backup(archive, settings, force=True)
    assert _found(db, actor, "archive") == ["Burning of the archive"]
    assert _found(db, actor, "museum") == []
