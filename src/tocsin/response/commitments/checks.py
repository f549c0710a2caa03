"""Input checks of commitments and judgements. Each problem names its field (``due_on``,
``event_ids``, ``urls[1]``); a cited record the actor cannot see is reported exactly as one
that does not exist, so a refusal tells nothing about records above their clearance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Event
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.countries import check_country
from tocsin.core.errors import ValidationFailed
from tocsin.library.store.access import node as library_node
from tocsin.vault.models import Evidence

# The kinds of record a judgement may cite: input field, the word for one, table.
CITED: tuple[tuple[str, str, Any], ...] = (
    ("event_ids", "event", Event),
    ("evidence_ids", "evidence record", Evidence),
)


@dataclass(frozen=True)
class Source:
    node_id: str
    document_id: str
    document_title: str
    text: str
    tlp: int  # the document's: the commitment may not be shared more widely


def source_of(session: Session, actor: Actor, key: str | None) -> Source | None:
    """The library paragraph named by id or reference, if the actor may see it."""
    if key is None or not key.strip():
        return None
    found, doc = library_node(session, actor, key.strip(), field="node_id")
    if found.kind != "item":
        raise ValidationFailed.on("node_id", f"{key!r} is a heading, not a paragraph")
    return Source(found.id, doc.id, doc.title or doc.slug, found.text, doc.tlp)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def check_text(value: str, field: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed.on(field, f"say {what}")
    return text


def check_country_code(value: str | None) -> str | None:
    return check_country((value or "").strip() or None)


def check_dates(made_on: date | None, due_on: date | None) -> None:
    if made_on is not None and due_on is not None and due_on < made_on:
        raise ValidationFailed.on("due_on", "is before the date the commitment was made")


def check_indicators(given: list[str], field: str = "indicators") -> list[str]:
    out = list(dict.fromkeys(clean(i) for i in given if clean(i)))
    for text in out:
        if len(text) > 500:
            raise ValidationFailed.on(field, "an indicator is at most 500 characters")
    return out


def check_as_of(as_of: date, made_on: date | None) -> None:
    if as_of > utcnow().date():
        raise ValidationFailed.on("as_of", "is in the future; judge what is known today")
    if made_on is not None and as_of < made_on:
        raise ValidationFailed.on(
            "as_of", f"is before the commitment was made ({made_on.isoformat()})"
        )


def check_judged_indicators(given: list[str], indicators: list[str]) -> list[str]:
    out = check_indicators(given)
    unknown = [i for i in out if i not in indicators]
    if unknown:
        raise ValidationFailed.on(
            "indicators", f"not an indicator of this commitment: {unknown[0]!r}"
        )
    return out


def check_urls(given: list[str]) -> list[str]:
    out = []
    for n, url in enumerate(given):
        url = url.strip()
        if not url:
            continue
        # A stored link is shown as a link: only web addresses, never javascript: or data:.
        if not url.lower().startswith(("http://", "https://")) or " " in url:
            raise ValidationFailed.on(
                f"urls[{n}]", "must be a web address starting with http:// or https://"
            )
        out.append(url)
    return list(dict.fromkeys(out))


def check_cited(
    session: Session, actor: Actor, event_ids: list[str], evidence_ids: list[str]
) -> tuple[list[str], list[str]]:
    """The cited ids, each checked to exist within the actor's sight."""
    checked = []
    for (field, what, model), given in zip(CITED, (event_ids, evidence_ids), strict=True):
        ids = list(dict.fromkeys(i.strip() for i in given if i.strip()))
        if ids:
            rows = session.execute(
                select(model.id, model.tlp, model.created_by).where(model.id.in_(ids))
            ).all()
            seen = {r.id for r in rows if actor.may_see(r.tlp, r.created_by)}
            for i in ids:
                if i not in seen:
                    raise ValidationFailed.on(field, f"no {what} with id {i!r} that you may see")
        checked.append(ids)
    return checked[0], checked[1]
