"""Vocabulary codes as words in the reader's language, for showing and for choosing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import VocabularyTerm
from tocsin.cases.vocabulary import label


@dataclass
class Labels:
    """Every term's label in one language, loaded once for a page (a few hundred rows)."""

    lang: str
    words: dict[tuple[str, str], str]
    order: dict[str, list[str]]  # active codes per vocabulary, in display order

    @classmethod
    def load(cls, session: Session, lang: str) -> Labels:
        words: dict[tuple[str, str], str] = {}
        order: dict[str, list[str]] = {}
        rows = session.scalars(
            select(VocabularyTerm).order_by(
                VocabularyTerm.vocabulary, VocabularyTerm.sort_order, VocabularyTerm.code
            )
        )
        for term in rows:
            words[(term.vocabulary, term.code)] = label(term, lang)
            if term.active:
                order.setdefault(term.vocabulary, []).append(term.code)
        return cls(lang, words, order)

    def of(self, vocabulary: str, code: str | None) -> str:
        """The label of a code; an unknown or retired code shows as itself, never vanishes."""
        if not code:
            return ""
        return self.words.get((vocabulary, code), code)

    def choices(self, vocabulary: str, keep: str | None = None) -> list[tuple[str, str]]:
        """(code, label) for a select; `keep` stays listed even if since retired."""
        codes = list(self.order.get(vocabulary, []))
        if keep and keep not in codes:
            codes.append(keep)
        return [(c, self.of(vocabulary, c)) for c in codes]
