"""The project's own documented events, loaded into the event-data table as dataset "tocsin".

An aggregate is a read: a figure shown to someone must not move because of an act they may not
see. So an event is written as one row per sharing level its counted acts need: an act counts at
the higher of its own level and its event's. The row at the lowest such level carries the event
itself (event_count 1); rows at higher levels carry only the extra fatalities (event_count 0).
Someone cleared to level L then counts the event once, and exactly the fatalities of the acts
they may see. A perpetrator organisation above the row's level is "other or unknown" there.

Which acts count as violence against civilians, which as killings, and how organisation kinds
map to perpetrator types are the tables below (docs/risk-events.md).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.cases.dates import Precision
from tocsin.cases.models import Act, ActPerpetrator, Event, Organisation, VocabularyTerm
from tocsin.cases.workflow import Status
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.events.countries import alpha3_of
from tocsin.risk.events.models import Perpetrator, SyncReport
from tocsin.risk.events.staging import Progress
from tocsin.risk.events.store import COLUMNS, connect

DATASET = "tocsin"

# Act types (with every narrower term an administrator adds under them) that are violence
# against civilians: harm to people's life, body, liberty or home, not to property or rights.
CIVILIAN_HARM_ACTS = frozenset({
    "violence_against_life", "violence_against_integrity", "sexual_and_gender_based_violence",
    "deprivation_of_liberty", "acts_to_destroy_a_group", "attack_on_civilians",
    "indiscriminate_attack", "attack_on_medical_care", "forced_displacement",
    "starvation_and_aid_obstruction",
})
# Acts whose victims are counted as fatalities.
KILLING_ACTS = frozenset({"killing"})
# Organisation kinds (and their narrower terms); a unit takes the kind of the body above it.
KIND_PERPETRATOR = {
    "armed_force": Perpetrator.STATE_FORCES,
    "authority": Perpetrator.STATE_FORCES,
    "armed_group": Perpetrator.NON_STATE,
}
UNIT_KIND = "unit"
# When one level of an event has several perpetrator types, the first of these names it.
PRIORITY = list(Perpetrator)


def _parents(session: Session, vocabulary: str) -> dict[str, str | None]:
    rows = session.execute(
        select(VocabularyTerm.code, VocabularyTerm.parent).where(
            VocabularyTerm.vocabulary == vocabulary
        )
    )
    return {code: parent for code, parent in rows}


def _under(code: str, roots: frozenset[str] | dict[str, Any], parents: dict[str, str | None]
           ) -> str | None:
    """The first of ``roots`` met walking up from ``code`` (itself included), if any."""
    seen: set[str] = set()
    current: str | None = code
    while current is not None and current not in seen:
        if current in roots:
            return current
        seen.add(current)
        current = parents.get(current)
    return None


@dataclass(frozen=True)
class _Org:
    kind: str
    parent_id: str | None
    tlp: int


class _Perpetrators:
    """Perpetrator type of an organisation as seen at one sharing level."""

    def __init__(self, session: Session) -> None:
        self.orgs = {
            oid: _Org(kind, parent, tlp)
            for oid, kind, parent, tlp in session.execute(
                select(Organisation.id, Organisation.kind, Organisation.parent_id,
                       Organisation.tlp)
            )
        }
        self.kinds = _parents(session, "organisation_kind")

    def of(self, org_id: str | None, level: int) -> Perpetrator:
        seen: set[str] = set()
        while org_id is not None and org_id not in seen:
            seen.add(org_id)
            org = self.orgs.get(org_id)
            if org is None or org.tlp > level:
                return Perpetrator.OTHER
            if org.kind == UNIT_KIND:
                org_id = org.parent_id
                continue
            root = _under(org.kind, KIND_PERPETRATOR, self.kinds)
            return KIND_PERPETRATOR[root] if root else Perpetrator.OTHER
        return Perpetrator.OTHER


@dataclass
class _Act:
    act_type: str
    tlp: int
    victims: int
    org_ids: list[str | None]


def _acts(session: Session) -> dict[str, list[_Act]]:
    orgs: dict[str, list[str | None]] = defaultdict(list)
    for act_id, org_id in session.execute(
        select(ActPerpetrator.act_id, ActPerpetrator.organisation_id)
    ):
        orgs[act_id].append(org_id)  # a person as perpetrator: type unknown (None)
    acts: dict[str, list[_Act]] = defaultdict(list)
    for event_id, act_id, act_type, tlp, victims in session.execute(
        select(Act.event_id, Act.id, Act.act_type, Act.tlp, Act.victim_count)
    ):
        acts[event_id].append(_Act(act_type, tlp, victims, orgs.get(act_id, [])))
    return acts


def _granularity(precision: str | None) -> str:
    try:
        return Precision(precision or "day").granularity.value
    except ValueError:
        return Precision.DAY.value


def _rows_of(event: Any, acts: list[_Act], perps: _Perpetrators,
             act_parents: dict[str, str | None], now: datetime) -> list[dict[str, Any]]:
    base = {
        "dataset": DATASET,
        "event_date": event.start_date,
        "date_precision": _granularity(event.start_precision),
        "country": alpha3_of(event.country),
        "country_alpha2": event.country,
        "country_name": None,
        "admin1": event.admin_area,
        "admin2": None,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "sub_event_type": None,
        "actor": None,  # organisation names stay in the case file, behind its own checks
        "source_updated": None,
        "imported_at": now,
    }
    harmful = [a for a in acts if _under(a.act_type, CIVILIAN_HARM_ACTS, act_parents)]
    if not harmful:
        return [base | {"source_id": event.id, "event_type": acts[0].act_type if acts else None,
                        "against_civilians": False, "perpetrator": Perpetrator.OTHER.value,
                        "fatalities": 0, "event_count": 1, "tlp": event.tlp}]
    by_level: dict[int, list[_Act]] = defaultdict(list)
    for act in harmful:
        by_level[max(event.tlp, act.tlp)].append(act)
    rows = []
    for rank, level in enumerate(sorted(by_level)):
        group = by_level[level]
        found = {perps.of(o, level) for a in group for o in a.org_ids}
        perpetrator = next((p for p in PRIORITY if p in found), Perpetrator.OTHER)
        rows.append(base | {
            "source_id": event.id if rank == 0 else f"{event.id}@{TLP(level).label}",
            "event_type": group[0].act_type,
            "against_civilians": True,
            "perpetrator": perpetrator.value,
            "fatalities": sum(a.victims for a in group
                              if _under(a.act_type, KILLING_ACTS, act_parents)),
            "event_count": 1 if rank == 0 else 0,
            "tlp": level,
        })
    return rows


def sync_own_events(session: Session, actor: Actor, db_path: Path,
                    progress: Progress | None = None) -> SyncReport:
    """Replace the "tocsin" rows of the event-data file with the store's events as they are now.

    Reads every event whatever its sharing level (each row keeps its level, and the indicators
    filter by the reader's clearance), so it needs Permission.ASSESS. Rejected events and
    events with no start date are left out. One audit entry records who ran it.
    """
    import pandas as pd

    actor.require(Permission.ASSESS)
    started = time.perf_counter()
    perps = _Perpetrators(session)
    act_parents = _parents(session, "act_type")
    acts = _acts(session)
    total = session.scalar(select(func.count()).select_from(Event)) or 0
    rows: list[tuple[Any, ...]] = []  # tuples, not dicts: a large case file fits in memory
    read = undated = rejected = 0
    now = datetime.now(UTC).replace(tzinfo=None)
    query = select(Event.id, Event.tlp, Event.status, Event.start_date, Event.start_precision,
                   Event.country, Event.admin_area, Event.latitude, Event.longitude)
    for event in session.execute(query.execution_options(yield_per=5000)):
        read += 1
        if event.status == Status.REJECTED.value:
            rejected += 1
        elif event.start_date is None:
            undated += 1
        else:
            for row in _rows_of(event, acts.get(event.id, []), perps, act_parents, now):
                rows.append(tuple(row[c] for c in COLUMNS))
        if progress and read % 5000 == 0:
            progress("reading", read, max(total, read))
    frame = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    if progress:
        progress("writing", 0, 1)
    with connect(db_path) as con:
        con.begin()
        try:
            con.execute("DELETE FROM events WHERE dataset = ?", [DATASET])
            con.register("own_rows", frame)
            con.execute(f"INSERT INTO events ({', '.join(COLUMNS)}) SELECT * FROM own_rows")  # noqa: S608
            con.commit()
        except BaseException:
            con.rollback()
            raise
    if progress:
        progress("writing", 1, 1)
    report = SyncReport(read, len(rows), undated, rejected, round(time.perf_counter() - started, 3))
    audit.record(session, actor, audit.Action.EXPORT, "event_data", DATASET,
                 {"events": read, "rows": len(rows), "file": db_path.name},
                 "documented events copied to the event-data file")
    return report
