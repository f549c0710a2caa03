"""The classification vocabulary, read from ``library/taxonomy.toml`` and, for risk factors, from
the risk framework (tocsin.risk.framework) so that the 14 factors are defined once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from tocsin.core.errors import ValidationFailed
from tocsin.risk.framework import load_spec
from tocsin.risk.framework.spec import FactorSpec

ACTOR = "actor"
SPHERE = "sphere"
SITUATION = "situation"
THEME = "theme"
RISK_FACTOR = "risk_factor"
DIMENSIONS = (ACTOR, SPHERE, SITUATION, THEME, RISK_FACTOR)


@dataclass(frozen=True)
class Label:
    code: str
    name: str
    description: str
    keywords: tuple[str, ...] = ()
    strong: tuple[str, ...] = ()  # phrases that count double
    examples: tuple[str, ...] = ()  # more texts of the label's own (a factor's indicators)
    translations: tuple[tuple[str, str], ...] = ()  # (language, name) besides English

    def name_in(self, lang: str) -> str:
        """The label's name in ``lang``; English when it has none in that language."""
        return dict(self.translations).get(lang, self.name)

    @property
    def prototype(self) -> str:
        """The text the embedding layer compares paragraphs with."""
        return f"{self.name}. {self.description}"


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    multi: bool
    default: str | None
    labels: tuple[Label, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(label.code for label in self.labels)

    def label(self, code: str) -> Label:
        for label in self.labels:
            if label.code == code:
                return label
        raise KeyError(code)


@dataclass(frozen=True)
class Taxonomy:
    version: str
    dimensions: tuple[Dimension, ...]

    def dimension(self, code: str) -> Dimension:
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    def require(self, dimension: str, code: str, field: str, what: str) -> str:
        """``code`` when the dimension has it; otherwise a problem on ``field`` naming the
        choices (an actor, a sphere, a phase given to the response services)."""
        codes = self.dimension(dimension).codes
        if code not in codes:
            raise ValidationFailed.on(field, f"unknown {what} {code!r}; one of {', '.join(codes)}")
        return code

    def check(self, dimension: str, codes: tuple[str, ...]) -> None:
        """Refuse codes the taxonomy does not know (a typo in a correction must not be stored)."""
        known = set(self.dimension(dimension).codes)
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValidationFailed.on(dimension, f"unknown code(s): {', '.join(unknown)}")


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    raw = resources.files("tocsin.library").joinpath("taxonomy.toml").read_bytes()
    return parse_taxonomy(tomllib.loads(raw.decode("utf-8")))


def parse_taxonomy(data: dict[str, Any]) -> Taxonomy:
    framework = load_spec()
    factors = {factor.code: factor for factor in framework.factors}
    dimensions = []
    for code in DIMENSIONS:
        head = data.get("dimensions", {}).get(code)
        if not isinstance(head, dict):
            raise ValidationFailed.on(f"dimensions.{code}", "missing")
        body = data.get(code, {})
        if code == RISK_FACTOR:
            unknown = sorted(set(body) - set(factors))
            if unknown:
                raise ValidationFailed.on(code, f"not in the risk framework: {unknown}")
            labels = tuple(_factor(f, body.get(f.code, {}), code) for f in framework.factors)
        else:
            labels = tuple(_label(code, label, entry) for label, entry in body.items())
        if not labels:
            raise ValidationFailed.on(code, "has no labels")
        default = head.get("default")
        if default is not None and default not in {label.code for label in labels}:
            raise ValidationFailed.on(f"dimensions.{code}.default", f"unknown label {default}")
        dimensions.append(
            Dimension(code, str(head.get("name", code)), bool(head.get("multi")), default, labels)
        )
    return Taxonomy(version=str(data.get("version", "1")), dimensions=tuple(dimensions))


def _factor(factor: FactorSpec, spec: dict[str, Any], dimension: str) -> Label:
    where = f"{dimension}.{factor.code}"
    indicators = [i.texts["en"] for i in factor.indicators]
    return Label(
        code=factor.code,
        name=factor.names["en"],
        description=factor.descriptions.get("en", ""),
        translations=tuple((lang, name) for lang, name in factor.names.items() if lang != "en"),
        keywords=_words(spec, "keywords", where),
        strong=_words(spec, "strong", where),
        # one text for all indicators, not one each: 14 encodings instead of 140 at start-up
        examples=(" ".join([f"{factor.names['en']}:", *indicators]),),
    )


def _label(dimension: str, code: str, spec: Any) -> Label:
    where = f"{dimension}.{code}"
    if not isinstance(spec, dict) or not spec.get("name") or not spec.get("description"):
        raise ValidationFailed.on(where, "needs a name and a description")
    return Label(
        code=code,
        name=str(spec["name"]),
        description=str(spec["description"]),
        translations=_translations(spec, where),
        keywords=_words(spec, "keywords", where),
        strong=_words(spec, "strong", where),
    )


def _words(spec: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    words = spec.get(key, [])
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValidationFailed.on(f"{where}.{key}", "a list of non-empty texts")
    return tuple(w.strip() for w in words)


def _translations(spec: dict[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    names = spec.get("names", {})
    if not isinstance(names, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in names.items()
    ):
        raise ValidationFailed.on(f"{where}.names", "must map languages to non-empty names")
    return tuple(sorted(names.items()))
