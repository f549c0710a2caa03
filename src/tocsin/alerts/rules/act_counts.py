"""Counting documented acts for a rule: one grouped query per rule and period, by place and day.

An act counts when it and its event are at or below the sharing level counted, its event is not
rejected, it is dated to the day (a date known only to the month or year cannot be put in a
window of days), and it matches the rule's filters. Act types take their narrower terms with
them ("violence_against_life" counts killings and executions). Victims' ethnicity and religion
are held encrypted in person records and cannot be counted by a query; the group description of
an act (e.g. "Varuk residents of Tal Khazna") can, and is what ``victim_group`` searches.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from tocsin.alerts.rules.params import ActFilters
from tocsin.cases.dates import Precision
from tocsin.cases.models import Act, Event, Person, VocabularyTerm
from tocsin.cases.records import contains
from tocsin.cases.workflow import Status

CHILD_ACTS = "grave_violations_against_children"
ADULT_AGE = 18
DAY_PRECISIONS = (Precision.DAY.value, Precision.APPROXIMATE.value)
MAX_LINKS = 200  # as many records as an alert may link

Area = tuple[str | None, str | None]  # (country, admin area); admin area None when by country


@dataclass(frozen=True)
class ActScope:
    params: ActFilters
    act_types: frozenset[str] | None  # the rule's types and every narrower one; None: all
    child_types: frozenset[str]
    ceiling: int
    measure: str = "acts"

    @property
    def by_area(self) -> bool:
        return self.params.group_by == "admin_area"


def act_type_parents(session: Session) -> dict[str, str | None]:
    rows = session.execute(
        select(VocabularyTerm.code, VocabularyTerm.parent).where(
            VocabularyTerm.vocabulary == "act_type"
        )
    )
    return {code: parent for code, parent in rows}


def narrower(roots: list[str], parents: dict[str, str | None]) -> frozenset[str]:
    """``roots`` and every term below them, retired ones included (old acts still use them)."""
    wanted = set(roots)
    out = set()
    for code in parents:
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            if current in wanted:
                out.add(code)
                break
            seen.add(current)
            current = parents.get(current)
    return frozenset(out | wanted)


def scope_of(
    session: Session,
    params: ActFilters,
    ceiling: int,
    measure: str,
    parents: dict[str, str | None] | None = None,
) -> ActScope:
    parents = parents if parents is not None else act_type_parents(session)
    types = narrower(params.act_types, parents) if params.act_types else None
    return ActScope(params, types, narrower([CHILD_ACTS], parents), ceiling, measure)


def _needs_person(scope: ActScope) -> bool:
    return scope.params.children or scope.params.sex is not None


def _conditions(scope: ActScope) -> list[ColumnElement[bool]]:
    p = scope.params
    conds: list[ColumnElement[bool]] = [
        Act.tlp <= scope.ceiling,
        Event.tlp <= scope.ceiling,
        Event.status != Status.REJECTED.value,
        Act.start_date.is_not(None),
        or_(Act.start_precision.is_(None), Act.start_precision.in_(DAY_PRECISIONS)),
    ]
    if p.country:
        conds.append(Act.country == p.country)
    if p.admin_area:
        conds.append(func.lower(Act.admin_area) == p.admin_area.lower())
    if scope.act_types is not None:
        conds.append(Act.act_type.in_(sorted(scope.act_types)))
    if p.children:
        conds.append(or_(Act.act_type.in_(sorted(scope.child_types)), Person.age < ADULT_AGE,
                         Person.age_max < ADULT_AGE))  # fmt: skip
    if p.sex:
        conds.append(Person.sex == p.sex)
    if p.victim_group:
        conds.append(contains(Act.victim_group, p.victim_group))
    return conds


def _joined(query: Select[Any], scope: ActScope) -> Select[Any]:
    query = query.select_from(Act).join(Event, Event.id == Act.event_id)
    if _needs_person(scope):
        query = query.outerjoin(Person, Person.id == Act.victim_person_id)
    return query


def counts_by_day(
    session: Session, scope: ActScope, first: date, last: date
) -> dict[Area, dict[date, int]]:
    """{(country, admin area): {day: acts or victims}} from ``first`` to ``last``."""
    area_cols: list[Any] = [Act.country] + ([Act.admin_area] if scope.by_area else [])
    value = func.count(Act.id) if scope.measure == "acts" else func.sum(Act.victim_count)
    query = _joined(select(*area_cols, Act.start_date, value), scope).where(
        *_conditions(scope), Act.start_date >= first, Act.start_date <= last
    ).group_by(*area_cols, Act.start_date)  # fmt: skip
    out: dict[Area, dict[date, int]] = defaultdict(dict)
    for row in session.execute(query):
        area: Area = (row[0], row[1] if scope.by_area else None)
        day = row[-2]
        out[area][day] = out[area].get(day, 0) + int(row[-1] or 0)
    return out


def events_behind(
    session: Session, scope: ActScope, area: Area, first: date, last: date
) -> tuple[list[str], int]:
    """The events whose acts were counted for ``area`` (up to ``MAX_LINKS``), and how many."""
    country, admin_area = area
    where = [*_conditions(scope), Act.start_date >= first, Act.start_date <= last,
             Act.country == country if country else Act.country.is_(None)]  # fmt: skip
    if scope.by_area:
        where.append(Act.admin_area == admin_area if admin_area else Act.admin_area.is_(None))
    ids_query = _joined(select(Act.event_id), scope).where(*where).distinct()
    total = session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
    ids = list(session.scalars(ids_query.order_by(Act.event_id).limit(MAX_LINKS)))
    return ids, int(total)
