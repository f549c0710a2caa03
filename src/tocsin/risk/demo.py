"""The demo's risk pages: assessments of the fictional Qaranthia, a forecast ranking from the
Early Warning Project's real country-years when ``../shared/data/ewp`` sits beside the checkout,
the documented events copied into the event data, and a short watchlist.

The assessments are invented like the rest of the demo. The forecast is the real model on real
data: it is trained once (a few seconds), and run from two years so the ranking page has
changes to show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Event
from tocsin.core.access import Actor
from tocsin.core.tlp import TLP
from tocsin.risk import assessments, watch
from tocsin.risk.assessments.schemas import AssessmentCreate, AssessmentUpdate, RatingIn
from tocsin.risk.events.own_events import sync_own_events
from tocsin.risk.forecasting import run_forecast, train_and_keep

COUNTRY = "XQ"
EWP_TABLE = Path("data/ewp/raw/sra2025/prepared2024predictors-2025-09-03.csv")

# (indicator, rating, confidence, narrative): an early reading, then a worse one a year later.
EARLIER = [
    ("RF1.1", "present", "high", "Clashes between the army and the Beldan Front in two provinces."),
    ("RF1.8", "present", "medium", "Tens of thousands displaced from the Ashtar Highlands."),
    ("RF2.1", "present", "medium", "Repeated reports of killings at checkpoints."),
    ("RF2.9", "serious", "high", "No investigation opened into any of the documented killings."),
    ("RF9.1", "present", "low", "Highland families report refused identity papers."),
]
LATER = [
    ("RF1.1", "serious", "high", "Fighting has spread to the Karst Valley; shelling of towns."),
    ("RF2.1", "serious", "high", "Killings documented by three independent sources each month."),
    ("RF9.6", "present", "medium", "The conflict is described in ethnic terms by both sides."),
    ("RF9.9", "serious", "medium", "Radio broadcasts call highland villagers traitors."),
    ("RF10.3", "present", "low", "Reports that men of one group are separated at checkpoints."),
]


def shared_folder() -> Path | None:
    """``../shared`` beside a source checkout (an installed package has none)."""
    folder = Path(__file__).resolve().parents[3].parent / "shared"
    return folder if folder.is_dir() else None


@dataclass(frozen=True)
class DemoRisk:
    assessments: int
    forecast_runs: int
    events_synced: int


def _ratings(rows: list[tuple[str, str, str, str]], events: list[str]) -> list[RatingIn]:
    return [
        RatingIn(
            indicator=code, rating=rating, confidence=confidence, narrative=text,
            event_ids=events[i : i + 1],
        )
        for i, (code, rating, confidence, text) in enumerate(rows)
    ]


def _assessments(session: Session, analyst: Actor, coordinator: Actor) -> int:
    public = select(Event.id).where(Event.tlp <= int(TLP.GREEN))
    shown = list(session.scalars(public.order_by(Event.start_date, Event.id).limit(10)))
    first = assessments.create_assessment(session, analyst, AssessmentCreate(
        country=COUNTRY, as_of=date(2024, 6, 30), title="Qaranthia: mid-2024 outlook",
        summary="Armed conflict in the north with a record of unpunished killings.",
        tlp="GREEN", ratings=_ratings(EARLIER, shown),
    ))  # fmt: skip
    assessments.submit_for_review(session, analyst, first.id)
    assessments.approve(session, coordinator, first.id, "Sources checked with the field team.")
    second = assessments.revise(session, analyst, first.id, date(2025, 6, 30))
    assessments.update_assessment(session, analyst, second.id, AssessmentUpdate(
        title="Qaranthia: mid-2025 outlook", ratings=_ratings(LATER, shown[5:]),
    ))  # fmt: skip
    assessments.submit_for_review(session, analyst, second.id)
    area = assessments.create_assessment(session, analyst, AssessmentCreate(
        country=COUNTRY, admin_area="Ashtar Highlands", as_of=date(2025, 9, 30),
        title="Ashtar Highlands", tlp="AMBER", ratings=_ratings(LATER[2:], []),
    ))  # fmt: skip
    return len({first.id, second.id, area.id})


def _forecasts(session: Session, admin: Actor, shared: Path | None) -> int:
    table = shared / EWP_TABLE if shared else None
    if table is None or not table.exists():
        return 0
    model = train_and_keep(session, admin, table, until=2023)
    run_forecast(session, admin, 2023, model.id)
    run_forecast(session, admin, 2024, model.id)
    return 2


def load_demo_risk(
    session: Session,
    admin: Actor,
    analyst: Actor,
    coordinator: Actor,
    events_path: Path,
    shared: Path | None,
) -> DemoRisk:
    """Assessments, forecasts (when the EWP data is there), event data and a watchlist."""
    made = _assessments(session, analyst, coordinator)
    runs = _forecasts(session, admin, shared)
    synced = sync_own_events(session, analyst, events_path)
    watch.watch(session, analyst, COUNTRY, "Ashtar Highlands", "Separation of men at checkpoints")
    watch.watch(session, analyst, "SD", "", "Sieges of towns in Darfur")
    return DemoRisk(made, runs, synced.events)
