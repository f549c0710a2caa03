"""Vectors for the similarity layer, and the two similarities the classifier uses: to each
label's own description (prototype) and to labelled examples (nearest neighbours).

Sentence embeddings when they are available; otherwise hashed bags of words, so that analysts'
corrections still steer later classifications (on shared wording only) without torch."""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from tocsin.library import embeddings

Vectors = npt.NDArray[np.float32]
Matrix = npt.NDArray[np.float64]

NEIGHBOURS = 8
PSEUDO = 0.25


class Encoder(Protocol):
    name: str
    unrelated: float  # the similarity two unrelated texts typically have

    def __call__(self, texts: Sequence[str]) -> Vectors: ...


class EmbeddingEncoder:
    name = "embeddings"
    unrelated = 0.2  # all-MiniLM-L6-v2: texts on different subjects of one field

    def __call__(self, texts: Sequence[str]) -> Vectors:
        return embeddings.encode(texts)


STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "has", "have", "in",
    "into", "is", "it", "its", "of", "on", "or", "such", "that", "the", "their", "them", "these",
    "they", "this", "those", "to", "under", "was", "were", "which", "who", "will", "with",
    "within", "where", "when", "all", "any", "other", "should", "must", "may", "also",
    "including", "include", "particular", "ensure", "support",
))  # fmt: skip
TOKEN = re.compile(r"[a-z][a-z'-]+")


def _stem(word: str) -> str:
    for ending in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


class LexicalEncoder:
    """Hashed word and word-pair counts (log-scaled, L2-normalised): a plain lexical stand-in."""

    name = "lexical"
    unrelated = 0.0

    def __init__(self, size: int = 4096) -> None:
        self.size = size

    def __call__(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.size), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [_stem(w) for w in TOKEN.findall(text.lower()) if w not in STOPWORDS]
            grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
            for gram in grams:
                out[row, zlib.crc32(gram.encode()) % self.size] += 1.0
        np.log1p(out, out=out)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def default_encoder(use_embeddings: bool | None = None) -> Encoder:
    """Embeddings when asked for or, by default, when available; else the lexical stand-in."""
    if use_embeddings is None:
        use_embeddings = embeddings.available()
    return EmbeddingEncoder() if use_embeddings else LexicalEncoder()


def prototype_similarity(texts: Vectors, prototypes: Sequence[Vectors]) -> Matrix:
    """(texts x labels) cosine similarity of each text to the closest text of each label."""
    if not prototypes:
        return np.zeros((len(texts), 0))
    columns = [(texts @ proto.T).max(axis=1) for proto in prototypes]
    return np.stack(columns, axis=1).astype(np.float64)


SPREAD_FLOOR = 0.05  # below this the labels are all about equally (dis)similar
Z_LIMIT = 3.0


def standardise_rows(values: Matrix) -> Matrix:
    """How much closer a text is to one label than to the others: the raw similarity level
    differs from text to text (short texts match everything weakly). The floor and the limit
    keep a single faint overlap among near-zero similarities (bags of words) from looking like
    a strong match."""
    mean = values.mean(axis=1, keepdims=True)
    spread = np.maximum(values.std(axis=1, keepdims=True), SPREAD_FLOOR)
    out: Matrix = np.clip((values - mean) / spread, -Z_LIMIT, Z_LIMIT)
    return out


def neighbour_votes(
    queries: Vectors, bank: Vectors, labels: Matrix, excluded: npt.NDArray[np.bool_] | None = None,
    k: int = NEIGHBOURS, unrelated: float = 0.0,
) -> tuple[Matrix, Matrix]:  # fmt: skip
    """What the k nearest examples say about each label, and how much they can say.

    ``labels`` is (examples x labels) of 0/1; ``excluded`` (queries x examples) marks examples a
    query may not see (its own document while the combiner is being fitted). A neighbour weighs
    how far its similarity rises above ``unrelated`` (what two unrelated texts score), and a
    silent pseudo-neighbour of weight PSEUDO stands beside them: one distant example cannot
    vote a label in. Returns the votes (queries x labels) and the strength (queries x 1), both
    in [0, 1]."""
    if len(bank) == 0 or len(queries) == 0:
        return np.zeros((len(queries), labels.shape[1])), np.zeros((len(queries), 1))
    sims = (queries @ bank.T).astype(np.float64)
    if excluded is not None:
        sims = np.where(excluded, -np.inf, sims)
    k = min(k, len(bank))
    # a stable sort on (-similarity, index): ties always resolve the same way
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(sims, order, axis=1)
    closeness = np.clip((top - unrelated) / (1.0 - unrelated), 0.0, 1.0)
    weights = np.where(np.isfinite(top), closeness, 0.0)
    total = weights.sum(axis=1, keepdims=True)
    votes = np.einsum("qk,qkl->ql", weights, labels[order]) / (total + PSEUDO)
    return votes, total / (total + PSEUDO)
