"""The demo's risk content: assessments in every workflow state, the event data, a watchlist,
and (when ../shared/data/ewp is beside the checkout) a real forecast run twice."""

from __future__ import annotations

import pytest
from tests.conftest import MakeActor
from tests.seeding import Seeder

from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.risk import assessments, watch
from tocsin.risk.demo import load_demo_risk, shared_folder
from tocsin.risk.events import Level, Scope, indicators
from tocsin.risk.ranking import ranking


def test_demo_risk_gives_each_page_something_to_show(
    db: Database, settings: Settings, make_actor: MakeActor
) -> None:
    admin, analyst = make_actor(Role.ADMIN), make_actor(Role.ANALYST)
    coordinator = make_actor(Role.COORDINATOR)
    seed = Seeder(db, admin)
    cited = seed.event("GREEN", place={"country": "XQ"}, start="2024-03-02").id
    seed.act("GREEN", event_id=cited)
    shared = shared_folder() if db.url.startswith("sqlite") else None  # train once, not twice
    path = settings.data_dir / "events.duckdb"
    with db.session() as s:
        made = load_demo_risk(s, admin, analyst, coordinator, path, shared)
    with db.session() as s:
        found = assessments.list_assessments(s, coordinator, country="XQ").items
        assert made.assessments == len(found) == 3
        assert sorted(a.status for a in found) == ["approved", "draft", "in_review"]
        history = assessments.history(s, coordinator, "XQ")
        assert [a.status for a in history] == ["approved", "in_review"]
        changed = assessments.compare(s, coordinator, history[0].id, history[1].id)
        assert changed.changed_indicators
        assert {(w.country, w.area) for w in watch.watched(s)} == {
            ("XQ", "Ashtar Highlands"), ("SD", "")
        }
        ranked = ranking(s, analyst)
        if shared is None or made.forecast_runs == 0:
            assert ranked is None
        else:
            assert ranked is not None and ranked.run.year == 2024
            assert ranked.previous is not None and ranked.previous.year == 2023
            assert len(ranked.rows) > 150
        first = assessments.get_assessment(s, coordinator, history[0].id)
        assert cited in {e for r in first.ratings for e in r.event_ids}
    assert made.events_synced == 1
    counted = indicators(path, level=Level.COUNTRY, scope=Scope(max_tlp=analyst.clearance))
    assert [(i.area.country_alpha2, i.period.total.events) for i in counted] == [("XQ", 1)]


@pytest.mark.skipif(shared_folder() is None, reason="../shared is not beside the checkout")
def test_the_shared_folder_is_found_beside_the_checkout() -> None:
    folder = shared_folder()
    assert folder is not None and (folder / "data" / "ewp").is_dir()
