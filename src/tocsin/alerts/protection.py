"""Protection of sources: the text of an alert leaves the system (CAP, the feed, email,
webhooks), so it must never name a person whose identity is protected.

A person linked to the alert's events or acts (as victim, perpetrator, source, witness, the
subject of an intervention or of evidence) is protected when their record is TLP:AMBER or above,
or when their consent does not allow publication (no consent on file, or withdrawn, counts as
no). Their names are decrypted here and looked for in the alert's outgoing text, ignoring case,
accents and Arabic vowel marks. The refusal names the field, never the person.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tocsin.alerts import links
from tocsin.alerts.models import Alert
from tocsin.cases import consent
from tocsin.cases.models import (
    Act,
    ActPerpetrator,
    Intervention,
    Person,
    PersonName,
    Source,
    SourceLink,
)
from tocsin.core.crypto import name_tokens
from tocsin.core.errors import ValidationFailed
from tocsin.core.tlp import PROTECTED_FROM
from tocsin.vault.models import Evidence

# The consent recipient that stands for "anyone": alerts go to subscribers and partner systems.
PUBLICATION = "publication"
OUTGOING_FIELDS = ("title", "description", "instruction", "admin_area")


def linked_person_ids(session: Session, alert_id: str) -> set[str]:
    event_ids, act_ids = links.event_and_act_ids(session, alert_id)
    acts = set(act_ids)
    if event_ids:
        acts |= set(session.scalars(select(Act.id).where(Act.event_id.in_(event_ids))))
    ids: set[str] = set()
    if acts:
        ids |= set(session.scalars(select(Act.victim_person_id).where(Act.id.in_(acts))))
        ids |= set(session.scalars(
            select(ActPerpetrator.person_id).where(ActPerpetrator.act_id.in_(acts))
        ))  # fmt: skip
    targets = [("event", i) for i in event_ids] + [("act", i) for i in acts]
    if targets:
        ids |= set(session.scalars(
            select(Source.person_id).join(SourceLink, SourceLink.source_id == Source.id).where(
                or_(*(
                    (SourceLink.target_type == kind) & (SourceLink.target_id == target)
                    for kind, target in targets
                ))
            )
        ))  # fmt: skip
    if event_ids:
        ids |= set(session.scalars(
            select(Intervention.person_id).where(Intervention.event_id.in_(event_ids))
        ))  # fmt: skip
    evidence = list(links.evidence_ids(session, alert_id))
    if event_ids or evidence:
        ids |= set(session.scalars(select(Evidence.person_id).where(
            or_(Evidence.event_id.in_(event_ids), Evidence.id.in_(evidence))
        )))  # fmt: skip
    ids.discard(None)
    return ids


def tokens(text: str) -> list[str]:
    """Name tokens of free text: punctuation splits words ("Hadad's" holds "Hadad")."""
    spaced = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return name_tokens(spaced)


def protected_names(session: Session, person_ids: Iterable[str]) -> list[list[str]]:
    """The token lists of every name of every protected person among ``person_ids``."""
    wanted = sorted(person_ids)
    if not wanted:
        return []
    tlps = dict(session.execute(select(Person.id, Person.tlp).where(Person.id.in_(wanted))).all())
    states = consent.states(session, wanted)
    protected = [
        pid
        for pid in wanted
        if tlps.get(pid, PROTECTED_FROM) >= PROTECTED_FROM
        or not consent.allows(states.get(pid), PUBLICATION)
    ]
    if not protected:
        return []
    names = session.scalars(select(PersonName).where(PersonName.person_id.in_(protected)))
    return [found for n in names if (found := tokens(n.value))]


def _mentions(text_tokens: list[str], name: list[str]) -> bool:
    """The whole name in order, or (for a name of three words or more) its first and last
    word side by side: "Jamal Hadad" still names Jamal Tarek Hadad."""
    forms = [name]
    if len(name) >= 3:
        forms.append([name[0], name[-1]])
    for form in forms:
        n = len(form)
        for i in range(len(text_tokens) - n + 1):
            if text_tokens[i : i + n] == form:
                return True
    return False


def check_text(fields: dict[str, str | None], names: list[list[str]]) -> None:
    """Refuse the first field whose text names a protected person."""
    for field, value in fields.items():
        if not value or not names:
            continue
        words = tokens(value)
        if any(_mentions(words, name) for name in names):
            raise ValidationFailed.on(
                field,
                "names a person whose identity is protected (linked to this alert's events "
                "or acts, shared at TLP:AMBER or above or without consent to publication); "
                "describe them without their name",
            )


def check_alert(session: Session, alert: Alert) -> None:
    """The check run before any version of an alert leaves the system."""
    names = protected_names(session, linked_person_ids(session, alert.id))
    check_text({f: getattr(alert, f) for f in OUTGOING_FIELDS}, names)
