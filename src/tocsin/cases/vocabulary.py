"""Controlled vocabularies as data: seeded from vocabularies.toml, extended and translated later."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import VocabularyTerm
from tocsin.core.errors import Conflict, NotFound, ValidationFailed

LANGUAGES = ("en", "fr", "ar")
CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")


@lru_cache(maxsize=1)
def builtin() -> dict[str, Any]:
    text = resources.files("tocsin.cases").joinpath("vocabularies.toml").read_bytes()
    return tomllib.loads(text.decode("utf-8"))


def seed(session: Session) -> int:
    """Insert built-in terms that are missing; never overwrite an admin's edits."""
    existing = {(t.vocabulary, t.code) for t in session.scalars(select(VocabularyTerm))}
    added = 0
    for vocab, spec in builtin().items():
        for order, term in enumerate(spec["terms"]):
            if (vocab, term["code"]) in existing:
                continue
            session.add(
                VocabularyTerm(
                    vocabulary=vocab,
                    code=term["code"],
                    parent=term.get("parent"),
                    labels=dict(term.get("labels", {})),
                    descriptions=dict(term.get("descriptions", {})),
                    builtin=True,
                    sort_order=order,
                )
            )
            added += 1
    session.flush()
    return added


@dataclass
class Vocabularies:
    """Active codes per vocabulary, loaded once per unit of work (validation is hot in imports)."""

    codes: dict[str, set[str]]

    @classmethod
    def load(cls, session: Session) -> Vocabularies:
        codes: dict[str, set[str]] = {}
        rows = session.execute(
            select(VocabularyTerm.vocabulary, VocabularyTerm.code).where(
                VocabularyTerm.active.is_(True)
            )
        )
        for vocab, code in rows:
            codes.setdefault(vocab, set()).add(code)
        return cls(codes)

    def check(self, vocabulary: str, code: str, field: str) -> str:
        if code not in self.codes.get(vocabulary, set()):
            known = sorted(self.codes.get(vocabulary, set()))
            hint = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
            raise ValidationFailed.on(
                field, f"unknown {vocabulary.replace('_', ' ')} {code!r}; known codes: {hint}"
            )
        return code


def list_terms(session: Session, vocabulary: str | None = None) -> list[VocabularyTerm]:
    q = select(VocabularyTerm).order_by(
        VocabularyTerm.vocabulary, VocabularyTerm.sort_order, VocabularyTerm.code
    )
    if vocabulary:
        q = q.where(VocabularyTerm.vocabulary == vocabulary)
    return list(session.scalars(q))


def vocabulary_names(session: Session) -> list[str]:
    return list(
        session.scalars(select(VocabularyTerm.vocabulary).distinct().order_by("vocabulary"))
    )


def get_term(session: Session, vocabulary: str, code: str) -> VocabularyTerm:
    term = session.scalar(
        select(VocabularyTerm).where(
            VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code
        )
    )
    if term is None:
        raise NotFound(f"no term {code!r} in vocabulary {vocabulary!r}")
    return term


def _check_labels(labels: dict[str, str], field: str = "labels") -> dict[str, str]:
    clean: dict[str, str] = {}
    for lang, label in labels.items():
        if not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", lang):
            raise ValidationFailed.on(
                f"{field}.{lang}", "is not a language code such as en, fr, ar"
            )
        label = label.strip()
        if not label or len(label) > 200:
            raise ValidationFailed.on(f"{field}.{lang}", "must be 1-200 characters")
        clean[lang] = label
    return clean


def add_term(
    session: Session,
    vocabulary: str,
    code: str,
    labels: dict[str, str],
    parent: str | None = None,
    descriptions: dict[str, str] | None = None,
) -> VocabularyTerm:
    if not CODE_RE.match(vocabulary):
        raise ValidationFailed.on("vocabulary", "must be letters, digits and underscores")
    if not CODE_RE.match(code):
        raise ValidationFailed.on("code", "must start with a letter; letters, digits, underscores")
    if "en" not in labels:
        raise ValidationFailed.on("labels.en", "an English label is required")
    if session.scalar(
        select(VocabularyTerm.id).where(
            VocabularyTerm.vocabulary == vocabulary, VocabularyTerm.code == code
        )
    ):
        raise Conflict(f"{vocabulary} already has a term {code!r}")
    if parent is not None:
        get_term(session, vocabulary, parent)
    term = VocabularyTerm(
        vocabulary=vocabulary,
        code=code,
        parent=parent,
        labels=_check_labels(labels),
        descriptions=descriptions or {},
        builtin=False,
        sort_order=1000,
    )
    session.add(term)
    session.flush()
    return term


def update_term(
    session: Session,
    vocabulary: str,
    code: str,
    labels: dict[str, str] | None = None,
    descriptions: dict[str, str] | None = None,
    active: bool | None = None,
) -> VocabularyTerm:
    """Translate or retire a term. Codes never change: records refer to them."""
    term = get_term(session, vocabulary, code)
    if labels:
        term.labels = {**term.labels, **_check_labels(labels)}
    if descriptions:
        term.descriptions = {**term.descriptions, **descriptions}
    if active is not None:
        term.active = active
    session.flush()
    return term


def label(term: VocabularyTerm, lang: str) -> str:
    labels: dict[str, str] = term.labels
    return labels.get(lang) or labels.get("en") or term.code
