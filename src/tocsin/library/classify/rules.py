"""The rule layer: the taxonomy's keywords and strong phrases found in a paragraph and in the
headings above it. It needs nothing beyond the standard library, so it always answers."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from tocsin.library.classify.taxonomy import Dimension, Taxonomy

STRONG_WEIGHT = 2.0
# One plain keyword gives 0.5, two give 0.75: a single common word is a hint, not a verdict.
SATURATION = math.log(2)


@dataclass(frozen=True)
class Evidence:
    score: float  # in [0, 1]
    words: tuple[str, ...]  # the keywords found, as written in the taxonomy


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").replace("\u2018", "'")).strip()


TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class _Keyword:
    text: str  # as written in the taxonomy
    tokens: tuple[str, ...]
    prefix: bool  # the last token may go on ("prosecut*")
    sensitive: bool  # has a capital letter: matched as written


def _keyword(word: str) -> _Keyword:
    sensitive = word != word.lower()
    tokens = tuple(TOKEN.findall(word if sensitive else word.lower()))
    return _Keyword(word, tokens, word.endswith("*"), sensitive)


class DimensionMatcher:
    """The keywords of one dimension, indexed by their first word (or its stem, for "word*"),
    so a paragraph is read once whatever the number of keywords; each keyword found credits
    every label that lists it."""

    def __init__(self, dimension: Dimension) -> None:
        self.codes = dimension.codes
        credits: dict[str, dict[str, float]] = defaultdict(dict)
        for label in dimension.labels:
            for words, weight in ((label.keywords, 1.0), (label.strong, STRONG_WEIGHT)):
                for word in words:
                    known = credits[normalise(word)].get(label.code, 0.0)
                    credits[normalise(word)][label.code] = max(known, weight)
        self.credits = {word: sorted(labels.items()) for word, labels in credits.items()}
        # every (label, keyword) pair, numbered: how often each was right is learned per pair
        self.pairs = {pair: k for k, pair in enumerate(
            (code, word) for word, labels in self.credits.items() for code, _ in labels
        )}  # fmt: skip
        self.exact: dict[str, list[_Keyword]] = defaultdict(list)
        self.stems: dict[int, dict[str, list[_Keyword]]] = defaultdict(lambda: defaultdict(list))
        for word in self.credits:
            keyword = _keyword(word)
            if not keyword.tokens:
                continue
            if keyword.prefix and len(keyword.tokens) == 1:
                self.stems[len(keyword.tokens[0])][keyword.tokens[0]].append(keyword)
            else:
                self.exact[keyword.tokens[0]].append(keyword)

    def found(self, text: str) -> set[str]:
        raw = TOKEN.findall(text)
        lower = [t.lower() for t in raw]
        words: set[str] = set()
        for i, token in enumerate(lower):
            candidates = list(self.exact.get(token, ()))
            if raw[i] != token:
                candidates += self.exact.get(raw[i], ())
            for size, stems in self.stems.items():
                if len(token) >= size:
                    candidates += stems.get(token[:size], ())
            for keyword in candidates:
                if self._matches(keyword, raw if keyword.sensitive else lower, i):
                    words.add(keyword.text)
        return words

    @staticmethod
    def _matches(keyword: _Keyword, tokens: list[str], at: int) -> bool:
        size = len(keyword.tokens)
        if at + size > len(tokens):
            return False
        for k, expected in enumerate(keyword.tokens):
            token = tokens[at + k]
            last = k == size - 1
            if not (token == expected or (last and keyword.prefix and token.startswith(expected))):
                return False
        return True

    def evidence(self, text: str) -> dict[str, Evidence]:
        weights: dict[str, float] = defaultdict(float)
        found: dict[str, list[str]] = defaultdict(list)
        for word in sorted(self.found(text)):
            for code, weight in self.credits[word]:
                weights[code] += weight
                found[code].append(word)
        return {
            code: Evidence(1.0 - math.exp(-SATURATION * weights[code]), tuple(found[code]))
            for code in weights
        }


@dataclass(frozen=True)
class RuleResult:
    text: dict[str, Evidence]  # {label: evidence found in the paragraph}
    context: dict[str, Evidence]  # {label: evidence found in the headings above it}

    def score(self, code: str) -> tuple[float, float]:
        empty = Evidence(0.0, ())
        return self.text.get(code, empty).score, self.context.get(code, empty).score

    def words(self, code: str) -> tuple[str, ...]:
        empty = Evidence(0.0, ())
        return tuple(dict.fromkeys(
            self.text.get(code, empty).words + self.context.get(code, empty).words
        ))  # fmt: skip


class Rules:
    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.matchers = {d.code: DimensionMatcher(d) for d in taxonomy.dimensions}

    def apply(self, dimension: str, text: str, context: str = "") -> RuleResult:
        matcher = self.matchers[dimension]
        return RuleResult(matcher.evidence(text), matcher.evidence(context) if context else {})

    def keyword_labels(self, dimension: str, text: str, context: str = "") -> set[str]:
        """The plain keyword baseline: every label with at least one keyword in the paragraph or
        its headings; the dimension's default when none has any."""
        result = self.apply(dimension, text, context)
        labels = set(result.text) | set(result.context)
        default = self.taxonomy.dimension(dimension).default
        if not labels and default:
            labels = {default}
        return labels


@lru_cache(maxsize=4)
def rules_for(taxonomy: Taxonomy) -> Rules:
    return Rules(taxonomy)
