"""Classify recommending paragraphs by actor, sphere, situation, theme and risk factor.

Three kinds of evidence per label, weighed by :mod:`combine`: the taxonomy's keywords in the
paragraph and in its headings (rules), the similarity of the paragraph to the label's description
(prototype), and the labels of the most similar examples analysts have labelled or corrected
(neighbours). Corrections passed to :meth:`Classifier.learn` act at once through the neighbours,
and refit the weights. Same inputs and examples, same answer: nothing random anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from tocsin.library import embeddings
from tocsin.library.classify.combine import HAND_SET_COMBINER, Combiner, fit_combiner, select
from tocsin.library.classify.examples import Classification, LabelledExample, LabelScore
from tocsin.library.classify.features import Bank, apply_rules, build_features
from tocsin.library.classify.rules import RuleResult, rules_for
from tocsin.library.classify.similarity import (
    Encoder,
    LexicalEncoder,
    Vectors,
    default_encoder,
    prototype_similarity,
    standardise_rows,
)
from tocsin.library.classify.taxonomy import (
    ACTOR,
    RISK_FACTOR,
    SITUATION,
    SPHERE,
    THEME,
    Dimension,
    Taxonomy,
    load_taxonomy,
)

Matrix = npt.NDArray[np.float64]
# every recommendation is addressed to someone and is about something
AT_LEAST_ONE = frozenset({ACTOR, THEME})
CHUNK = 512  # texts per pass: the similarity matrices stay small on a long import
FIT_LIMIT = 2000  # the weights are fitted on the most recent examples; all of them still vote
log = logging.getLogger(__name__)


class Classifier:
    """``Classifier(examples)`` learns from labelled or corrected paragraphs; ``classify(texts,
    contexts)`` labels new ones. ``use_embeddings=None`` uses them when they are available."""

    def __init__(
        self, examples: Iterable[LabelledExample] = (), *, taxonomy: Taxonomy | None = None,
        use_embeddings: bool | None = None, encoder: Encoder | None = None,
    ) -> None:  # fmt: skip
        self.taxonomy = taxonomy or load_taxonomy()
        self.rules = rules_for(self.taxonomy)
        self.encoder = encoder or default_encoder(use_embeddings)
        if self.encoder.name == "lexical":
            log.info("library classification: %s", embeddings.status())
        self.examples: list[LabelledExample] = []
        self._vectors: Vectors | None = None
        self._prototypes: dict[str, list[Vectors]] = {}
        self._combiners: dict[str, Combiner] = {}
        self._banks: dict[str, Bank] = {}
        self.learn(examples)

    @property
    def method(self) -> str:
        return f"rules+{self.encoder.name}"

    def combiner(self, dimension: str) -> Combiner:
        return self._combiners.get(dimension, HAND_SET_COMBINER)

    # ------------------------------------------------------------------------------ learning

    def learn(self, examples: Iterable[LabelledExample]) -> None:
        """Add labelled or corrected paragraphs; later classifications use them."""
        new = list(examples)
        for example in new:
            for dimension in self.taxonomy.dimensions:
                codes = example.labels(dimension.code)
                if codes is not None:
                    self.taxonomy.check(dimension.code, codes)
        if not new and self._vectors is not None:
            return
        vectors = self._encode([e.text for e in new])  # first: a fallback re-encodes the rest
        self.examples.extend(new)
        self._vectors = vectors if self._vectors is None else np.vstack([self._vectors, vectors])
        self._refit()

    def _refit(self) -> None:
        self._banks = {d.code: self._bank(d) for d in self.taxonomy.dimensions}
        self._combiners = {d.code: self._fit(d) for d in self.taxonomy.dimensions}

    def _bank(self, dimension: Dimension) -> Bank:
        rows = [i for i, e in enumerate(self.examples) if e.labels(dimension.code) is not None]
        chosen = [self.examples[i] for i in rows]
        index = {code: j for j, code in enumerate(dimension.codes)}
        truth = np.zeros((len(chosen), len(index)))
        for i, example in enumerate(chosen):
            for code in example.labels(dimension.code) or ():
                truth[i, index[code]] = 1.0
        rules = apply_rules(self.rules, dimension, [e.text for e in chosen],
                            [e.context for e in chosen])  # fmt: skip
        assert self._vectors is not None
        return Bank(
            vectors=self._vectors[rows], truth=truth, keywords=rules.keywords,
            sources=np.array([e.source or f"#{i}" for i, e in zip(rows, chosen, strict=True)]),
        )  # fmt: skip

    def _fit(self, dimension: Dimension) -> Combiner:
        bank = self._banks[dimension.code]
        if not len(bank.truth):
            return HAND_SET_COMBINER
        rows = [i for i, e in enumerate(self.examples) if e.labels(dimension.code) is not None]
        keep = slice(max(0, len(rows) - FIT_LIMIT), len(rows))
        chosen = [self.examples[i] for i in rows[keep]]
        features, _, _ = self._features(
            dimension, [e.text for e in chosen], [e.context for e in chosen],
            bank.vectors[keep], bank.excluded_for(list(bank.sources[keep])),
        )  # fmt: skip
        return fit_combiner(
            features, bank.truth[keep], dimension.multi, dimension.code in AT_LEAST_ONE
        )

    # --------------------------------------------------------------------------- classifying

    def classify(
        self, texts: Sequence[str], contexts: Sequence[str] | None = None
    ) -> list[Classification]:
        """One classification per text; ``contexts`` are the headings above each paragraph."""
        contexts = list(contexts) if contexts is not None else [""] * len(texts)
        if len(contexts) != len(texts):
            raise ValueError("one context per text")
        out: list[Classification] = []
        for start in range(0, len(texts), CHUNK):
            out += self._classify(list(texts[start : start + CHUNK]),
                                  contexts[start : start + CHUNK])  # fmt: skip
        return out

    def _classify(self, texts: list[str], contexts: list[str]) -> list[Classification]:
        vectors = self._encode(texts)
        chosen: dict[str, list[tuple[LabelScore, ...]]] = {}
        scores: dict[str, list[dict[str, float]]] = {}
        for dimension in self.taxonomy.dimensions:
            features, rules, votes = self._features(dimension, texts, contexts, vectors, None)
            combiner = self.combiner(dimension.code)
            probabilities = combiner.probabilities(features)
            scores[dimension.code] = [
                {code: round(float(p), 4) for code, p in zip(dimension.codes, row, strict=True)}
                for row in probabilities
            ]
            chosen[dimension.code] = self._choose(
                dimension, probabilities, combiner.threshold, rules, votes
            )
        return [
            Classification(
                actors=chosen[ACTOR][i], sphere=chosen[SPHERE][i][0],
                situation=chosen[SITUATION][i][0], themes=chosen[THEME][i],
                risk_factors=chosen[RISK_FACTOR][i],
                scores={dimension: rows[i] for dimension, rows in scores.items()},
                method=self.method,
            )
            for i in range(len(texts))
        ]  # fmt: skip

    def _choose(
        self, dimension: Dimension, probabilities: Matrix, threshold: float,
        rules: list[RuleResult], votes: Matrix,
    ) -> list[tuple[LabelScore, ...]]:  # fmt: skip
        codes = dimension.codes
        if dimension.multi:
            picked = select(probabilities, threshold, dimension.code in AT_LEAST_ONE)
        else:
            picked = np.zeros_like(probabilities, dtype=bool)
            picked[np.arange(len(picked)), np.argmax(probabilities, axis=1)] = True
        out = []
        for i, row in enumerate(probabilities):
            share = row / row.sum() if row.sum() > 0 else row
            confidence = row if dimension.multi else share
            labels = [
                LabelScore(codes[j], round(float(confidence[j]), 3), rules[i].words(codes[j]),
                           round(float(votes[i, j]), 3))
                for j in np.flatnonzero(picked[i])
            ]  # fmt: skip
            out.append(tuple(sorted(labels, key=lambda s: (-s.confidence, s.code))))
        return out

    # ----------------------------------------------------------------------------- features

    def _features(
        self, dimension: Dimension, texts: Sequence[str], contexts: Sequence[str],
        vectors: Vectors, excluded: npt.NDArray[np.bool_] | None,
    ) -> tuple[Matrix, list[RuleResult], Matrix]:  # fmt: skip
        rules = apply_rules(self.rules, dimension, texts, contexts)
        prototypes = self._prototype(dimension)
        prototype = standardise_rows(prototype_similarity(vectors, prototypes))
        context_prototype = np.zeros_like(prototype)
        given = sorted({c for c in contexts if c.strip()})
        if given:
            found = standardise_rows(prototype_similarity(self._encode(given), prototypes))
            at = {c: i for i, c in enumerate(given)}
            for i, context in enumerate(contexts):
                if context in at:
                    context_prototype[i] = found[at[context]]
        bank = self._banks[dimension.code]
        features, votes = build_features(
            dimension, rules, prototype, context_prototype, vectors, bank, excluded,
            unrelated=self.encoder.unrelated,
        )  # fmt: skip
        return features, rules.results, votes

    def _prototype(self, dimension: Dimension) -> list[Vectors]:
        if not self._prototypes:  # every label of every dimension in one batch: one pass is cheap
            texts = [(d.code, [label.prototype, *label.examples])
                     for d in self.taxonomy.dimensions for label in d.labels]  # fmt: skip
            vectors = self._encode([t for _, group in texts for t in group])
            at = 0
            for code, group in texts:
                self._prototypes.setdefault(code, []).append(vectors[at : at + len(group)])
                at += len(group)
        return self._prototypes[dimension.code]

    def _encode(self, texts: list[str]) -> Vectors:
        try:
            return self.encoder(texts)
        except embeddings.EmbeddingsUnavailable:
            # the model failed to load: carry on with words, re-encoding what was stored
            log.warning("library classification: %s", embeddings.status())
            self.encoder = LexicalEncoder()
            self._prototypes = {}
            if self.examples and self._vectors is not None:
                known = [e.text for e in self.examples[: len(self._vectors)]]
                self._vectors = self.encoder(known)
                self._refit()
            return self.encoder(texts)


def classify(
    texts: Sequence[str], contexts: Sequence[str] | None = None,
    examples: Iterable[LabelledExample] = (),
) -> list[Classification]:  # fmt: skip
    """Classify with the built-in taxonomy and the given examples (analysts' corrections)."""
    return Classifier(examples).classify(texts, contexts)
