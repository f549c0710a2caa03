"""Extending and translating vocabularies from the administration pages, with the same
permission and audit entries as the API (POST/PATCH /vocabularies/...)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tocsin.cases import vocabulary
from tocsin.cases.models import VocabularyTerm
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from tocsin.core.roles import Permission

LANGUAGES = vocabulary.LANGUAGES


@dataclass(frozen=True)
class VocabularySummary:
    name: str
    terms: int
    active: int
    untranslated: int  # terms lacking a label in at least one of the interface languages


def missing_languages(term: VocabularyTerm) -> list[str]:
    labels: dict[str, str] = term.labels or {}
    return [lang for lang in LANGUAGES if not (labels.get(lang) or "").strip()]


def summaries(session: Session, actor: Actor) -> list[VocabularySummary]:
    actor.require(Permission.MANAGE_VOCABULARY)
    by_name: dict[str, list[VocabularyTerm]] = {}
    # A few hundred rows: counting in Python keeps JSON inspection out of backend-specific SQL.
    for term in vocabulary.list_terms(session):
        by_name.setdefault(term.vocabulary, []).append(term)
    return [
        VocabularySummary(
            name,
            len(terms),
            sum(1 for t in terms if t.active),
            sum(1 for t in terms if missing_languages(t)),
        )
        for name, terms in sorted(by_name.items())
    ]


def terms_of(session: Session, actor: Actor, name: str) -> list[VocabularyTerm]:
    actor.require(Permission.MANAGE_VOCABULARY)
    terms = vocabulary.list_terms(session, name)
    if not terms:
        raise NotFound(f"no vocabulary {name!r}")
    return terms


def create_term(
    session: Session,
    actor: Actor,
    name: str,
    code: str,
    labels: dict[str, str],
    parent: str | None = None,
    descriptions: dict[str, str] | None = None,
) -> VocabularyTerm:
    actor.require(Permission.MANAGE_VOCABULARY)
    # Said on the field at fault, so the form can show it there.
    if parent is not None and parent not in {t.code for t in vocabulary.list_terms(session, name)}:
        raise ValidationFailed.on("parent", "is not a term of this vocabulary")
    try:
        term = vocabulary.add_term(session, name, code, labels, parent, descriptions)
    except Conflict as exc:
        raise Conflict(exc.detail, [FieldProblem("code", "is already used in this vocabulary")]
                       ) from None
    audit.record(session, actor, audit.Action.CREATE, "vocabulary_term", f"{name}:{code}")
    return term


def edit_term(
    session: Session,
    actor: Actor,
    name: str,
    code: str,
    labels: dict[str, str] | None = None,
    descriptions: dict[str, str] | None = None,
    active: bool | None = None,
) -> VocabularyTerm:
    actor.require(Permission.MANAGE_VOCABULARY)
    term = vocabulary.update_term(session, name, code, labels, descriptions, active)
    audit.record(session, actor, audit.Action.UPDATE, "vocabulary_term", f"{name}:{code}")
    return term
