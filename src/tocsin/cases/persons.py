"""Persons: several names in several scripts; identifying details encrypted at rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, and_, cast, select
from sqlalchemy.orm import Session, selectinload

from tocsin.cases import consent, views
from tocsin.cases.dates import parse_fuzzy
from tocsin.cases.models import Act, Person, PersonName
from tocsin.cases.records import (
    contains,
    fetch,
    finish_update,
    page_of,
    set_fields,
    tlp_rank,
    visible_query,
    written,
)
from tocsin.cases.schemas import NameIn, Page, PersonCreate, PersonPublic, PersonUpdate
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.crypto import active_keyring, name_tokens
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission

# Persons in these roles are the ones whose identity can cost them their life.
PROTECTED_ROLES = frozenset({"victim", "witness", "source", "defender", "family_member"})


def search_tokens(value: str) -> str:
    ring = active_keyring()
    return " ".join(sorted({ring.blind_token(t) for t in name_tokens(value)}))


def name_rows(names: list[NameIn]) -> list[PersonName]:
    return [
        PersonName(
            value=n.value,
            script=n.script,
            kind=n.kind,
            language=n.language,
            position=i,
            search_tokens=search_tokens(n.value),
        )
        for i, n in enumerate(names)
    ]


def check_vocab(
    vocab: Vocabularies, data: PersonCreate | PersonUpdate, on_file: Person | None = None
) -> None:
    """Codes must be in use, except those the person already has: retiring a term must not
    make every record that carries it impossible to edit."""
    kept_roles = set(on_file.roles or []) if on_file else set()
    kept_kinds = {n.kind for n in on_file.names} if on_file else set()
    kept_identities = set(on_file.identities or {}) if on_file else set()
    if data.sex and not (on_file and data.sex == on_file.sex):
        vocab.check("sex", data.sex, "sex")
    for i, role in enumerate(data.roles or []):
        if role not in kept_roles:
            vocab.check("person_role", role, f"roles[{i}]")
    for i, name in enumerate(data.names or []):
        if name.kind not in kept_kinds:
            vocab.check("name_kind", name.kind, f"names[{i}].kind")
    for key in data.identities or {}:
        if key not in kept_identities:
            vocab.check("identity_kind", key, f"identities.{key}")


def birth_date(value: str | None) -> str | None:
    if not value:
        return None
    parse_fuzzy(value, "birth_date")
    return value


def create(session: Session, actor: Actor, data: PersonCreate) -> Person:
    actor.require(Permission.WRITE)
    check_vocab(Vocabularies.load(session), data)
    person = Person(
        sex=data.sex,
        age=data.age,
        age_min=data.age_min,
        age_max=data.age_max,
        birth_date=birth_date(data.birth_date),
        nationality=data.nationality,
        identities=dict(data.identities) or None,
        contact=dict(data.contact) or None,
        roles=sorted(set(data.roles)),
        notes=data.notes,
        tlp=tlp_rank(data.tlp),
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    person.names = name_rows(data.names)
    session.add(person)
    session.flush()
    written(session, actor, audit.Action.CREATE, "person", person.id)
    return person


def update(session: Session, actor: Actor, person_id: str, data: PersonUpdate) -> Person:
    actor.require(Permission.WRITE)
    person = fetch(session, Person, person_id, actor, "person")
    check_vocab(Vocabularies.load(session), data, person)
    given = data.model_fields_set
    simple = ("sex", "age", "age_min", "age_max", "nationality", "notes")
    changed = set_fields(person, data, simple, nullable=frozenset(simple))
    if "birth_date" in given:
        person.birth_date = birth_date(data.birth_date)
        changed.append("birth_date")
    if data.identities is not None:
        person.identities = dict(data.identities) or None
        changed.append("identities")
    if data.contact is not None:
        person.contact = dict(data.contact) or None
        changed.append("contact")
    if data.roles is not None:
        person.roles = sorted(set(data.roles))
        changed.append("roles")
    if data.names is not None:
        person.names = name_rows(data.names)
        changed.append("names")
    if (
        person.age_min is not None
        and person.age_max is not None
        and person.age_min > person.age_max
    ):
        raise ValidationFailed.on("age_min", "is greater than age_max")
    finish_update(session, actor, person, "person", changed, data.tlp)
    return person


@dataclass
class PersonFilters:
    name: str | None = None
    role: str | None = None
    sex: str | None = None
    nationality: str | None = None
    event_id: str | None = None
    tlp: str | None = None


def filtered(actor: Actor, f: PersonFilters) -> Select[Any]:
    q = visible_query(Person, actor).options(selectinload(Person.names))
    if f.name:
        ring = active_keyring()
        for token in name_tokens(f.name):
            blind = ring.blind_token(token)
            q = q.where(
                Person.id.in_(
                    select(PersonName.person_id).where(
                        contains(PersonName.search_tokens, blind, fold_case=False)
                    )
                )
            )
    if f.role:
        # Roles are a short JSON list; a quoted match avoids "source" matching "sources".
        q = q.where(cast(Person.roles, Text).like(f'%"{f.role}"%'))
    if f.sex:
        q = q.where(Person.sex == f.sex)
    if f.nationality:
        q = q.where(Person.nationality == f.nationality.upper())
    if f.event_id:
        q = q.where(
            Person.id.in_(
                select(Act.victim_person_id).where(
                    and_(Act.event_id == f.event_id, Act.victim_person_id.is_not(None))
                )
            )
        )
    if f.tlp:
        q = q.where(Person.tlp == tlp_rank(f.tlp))
    return q.order_by(Person.created_at.desc(), Person.id.desc())


def list_persons(
    session: Session, actor: Actor, f: PersonFilters, page: int, page_size: int
) -> Page[PersonPublic]:
    def shown(rows: list[Person]) -> list[PersonPublic]:
        consents = consent.states(session, [p.id for p in rows])
        return [
            views.person_public(session, actor, p, with_appearances=False, state=consents.get(p.id))
            for p in rows
        ]

    return page_of(session, actor, "person", filtered(actor, f), page, page_size, shown)


def get(session: Session, actor: Actor, person_id: str) -> PersonPublic:
    return views.person_public(session, actor, fetch(session, Person, person_id, actor, "person"))
