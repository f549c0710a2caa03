"""The demo's alerts: four invented ones in the fictional Qaranthia, one at each point of an
alert's life, so the inbox, the timeline and the response clock have something to show.

They go through the same service as alerts raised in the pages, at the time the demo is loaded:
the response clock of a demo alert counts seconds, while the time from the first report (the
linked demo events) to the alert counts months."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.alerts import chains, lifecycle, service
from tocsin.alerts.escalation_schemas import ChainCreate, StepIn
from tocsin.alerts.models import AlertChange
from tocsin.alerts.schemas import ActionIn, AlertCreate, AlertRevise, IssueIn, LinksIn
from tocsin.alerts.vocab import ActionKind, Category, Certainty, Severity, Urgency
from tocsin.cases.models import Event
from tocsin.core.access import Actor

COUNTRY = "XQ"


def _latest_events(session: Session, area: str, n: int) -> list[str]:
    rows = session.scalars(
        select(Event.id)
        .where(Event.country == COUNTRY, Event.admin_area == area)
        .order_by(Event.start_date.desc(), Event.id)
        .limit(n)
    )
    return list(rows)


def _defender_alert(session: Session, coordinator: Actor, analyst: Actor) -> str:
    events = _latest_events(session, "Beldan Province", 2)
    made = service.create_draft(session, coordinator, AlertCreate(
        title="Threats against a lawyer documenting detentions in Beldan",
        description="A lawyer who represents families of detained men reports two visits by "
                    "armed men to her office and a warning to stop her work. Her name is "
                    "withheld for her safety.",
        instruction="Send an urgent appeal to the provincial governor and the national human "
                    "rights institution; arrange protective accompaniment.",
        severity=Severity.SEVERE, urgency=Urgency.IMMEDIATE, certainty=Certainty.LIKELY,
        category=Category.DEFENDER_THREAT, country=COUNTRY, admin_area="Beldan Province",
        tlp="AMBER", links=LinksIn(event_ids=events),
    ))  # fmt: skip
    lifecycle.issue(session, coordinator, made.id, IssueIn(owner_id=analyst.user_id))
    lifecycle.acknowledge(session, analyst, made.id)
    for kind, note in (
        (ActionKind.URGENT_APPEAL, "Appeal sent to the governor's office and the NHRI."),
        (ActionKind.PROTECTIVE_ACCOMPANIMENT, "Two volunteers accompany her to court hearings."),
    ):
        lifecycle.record_action(session, analyst, made.id, ActionIn(kind=kind, note=note))
    return made.id


def _duty_chain(session: Session, coordinator: Actor, admin_id: str) -> str:
    """Whom to call when the owner does not answer: the coordinator, then the administrator."""
    made = chains.create_chain(session, coordinator, ChainCreate(name="Qaranthia duty desk", steps=[
        StepIn(after_minutes=10, user_ids=[coordinator.user_id]),
        StepIn(after_minutes=30, user_ids=[admin_id]),
    ]))  # fmt: skip
    return made.id


def _community_alert(session: Session, coordinator: Actor, analyst: Actor, chain: str) -> str:
    events = _latest_events(session, "Ashtar Highlands", 3)
    made = service.create_draft(session, coordinator, AlertCreate(
        title="Armed groups gathering near highland villages",
        description="Several sources report armed men gathering on the roads to three highland "
                    "villages after last week's killings; families are leaving at night.",
        instruction="Contact the UN field office and the provincial authorities; ask for a "
                    "patrol on the valley road.",
        severity=Severity.EXTREME, urgency=Urgency.IMMEDIATE, certainty=Certainty.LIKELY,
        category=Category.COMMUNITY_THREAT, country=COUNTRY, admin_area="Ashtar Highlands",
        tlp="GREEN", links=LinksIn(event_ids=events),
    ))  # fmt: skip
    # A minute to acknowledge: a minute after the demo starts, the inbox shows it overdue and a
    # running worker calls the duty desk.
    lifecycle.issue(session, coordinator, made.id, IssueIn(
        owner_id=analyst.user_id, ack_minutes=1, escalation_chain_id=chain))  # fmt: skip
    return made.id


def _draft_alert(session: Session, analyst: Actor) -> str:
    return service.create_draft(session, analyst, AlertCreate(
        title="School used as a barracks in the Karst Valley",
        description="Reports that soldiers have occupied a primary school; lessons stopped.",
        severity=Severity.MODERATE, urgency=Urgency.EXPECTED, certainty=Certainty.POSSIBLE,
        category=Category.SCHOOL_OR_HOSPITAL_ATTACK, country=COUNTRY, tlp="AMBER",
    )).id  # fmt: skip


def _closed_alert(session: Session, coordinator: Actor) -> str:
    made = service.create_draft(session, coordinator, AlertCreate(
        title="Families displaced towards the northern border",
        description="Hundreds of families on the move after shelling of their towns.",
        severity=Severity.MODERATE, urgency=Urgency.EXPECTED, certainty=Certainty.OBSERVED,
        category=Category.DISPLACEMENT, country=COUNTRY, tlp="CLEAR",
    ))  # fmt: skip
    lifecycle.issue(session, coordinator, made.id, IssueIn())
    lifecycle.update(session, coordinator, made.id, AlertRevise(
        description="About two thousand families have crossed; the crossing is now open.",
        reason="Figures confirmed by the border monitors.",
    ))  # fmt: skip
    lifecycle.record_action(session, coordinator, made.id,
                            ActionIn(kind=ActionKind.REFERRAL, note="Referred to UNHCR."))
    lifecycle.close(session, coordinator, made.id, "The families are in reception centres.")
    return made.id


def load_demo_alerts(session: Session, coordinator: Actor, analyst: Actor, admin: Actor) -> int:
    """Add the demo alerts (and the escalation chain one of them uses) once; return how many
    alerts were added."""
    if session.scalar(select(AlertChange.id).limit(1)) is not None:
        return 0
    chain = _duty_chain(session, coordinator, admin.user_id)
    made = [
        _defender_alert(session, coordinator, analyst),
        _community_alert(session, coordinator, analyst, chain),
        _draft_alert(session, analyst),
        _closed_alert(session, coordinator),
    ]
    return len(made)
