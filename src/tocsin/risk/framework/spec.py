"""The risk framework as shipped: a TOML file in this package and its translations, read and
checked before anything is stored.

``foa.toml`` holds the version, the categories and, per factor (RF1..RF14), its category, name,
description and indicators with stable ids (RF1.1, RF1.2, ...). ``foa.<lang>.toml`` beside it
holds the same texts in another language: category names under ``[categories]``, factor names and
descriptions under ``[factors.RFn]``, and indicator texts under ``[indicators]`` keyed by the
quoted id (``"RF1.3" = "..."``). Anything it lacks falls back to English.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from tocsin.core.errors import ValidationFailed

ENGLISH = "en"
LANGUAGES = (ENGLISH, "fr", "ar")
COMMON = "common"
CATEGORIES = (COMMON, "genocide", "crimes_against_humanity", "war_crimes")
FACTOR_CODE = re.compile(r"^RF[1-9][0-9]?$")
INDICATOR_CODE = re.compile(r"^(RF[1-9][0-9]?)\.([1-9][0-9]?)$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
PACKAGED = "foa.toml"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    texts: dict[str, str]  # {language: text}; English always present


@dataclass(frozen=True)
class FactorSpec:
    code: str
    category: str
    names: dict[str, str]
    descriptions: dict[str, str]
    indicators: tuple[IndicatorSpec, ...]


@dataclass(frozen=True)
class FrameworkSpec:
    version: str
    title: str
    categories: dict[str, dict[str, str]]  # {category: {language: name}}
    factors: tuple[FactorSpec, ...]

    def digest(self) -> str:
        """SHA-256 of what the version means: ids, categories and English wording. Translations
        are left out, so improving one needs no new version."""
        meaning = [
            [f.code, f.category, f.names[ENGLISH], f.descriptions.get(ENGLISH, ""),
             [[i.code, i.texts[ENGLISH]] for i in f.indicators]]
            for f in self.factors
        ]  # fmt: skip
        text = json.dumps([self.version, meaning], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def load_spec(path: Path | None = None) -> FrameworkSpec:
    """Read a framework file (the packaged one by default) and its ``<stem>.<lang>.toml``
    translations from the same folder."""
    if path is None:
        folder = resources.files("tocsin.risk.framework")
        main = _read(folder.joinpath(PACKAGED).read_bytes(), PACKAGED)
        found = {
            lang: _read(folder.joinpath(f"foa.{lang}.toml").read_bytes(), f"foa.{lang}.toml")
            for lang in LANGUAGES[1:]
            if folder.joinpath(f"foa.{lang}.toml").is_file()
        }
    else:
        main = _read(path.read_bytes(), path.name)
        found = {
            lang: _read(p.read_bytes(), p.name)
            for lang in LANGUAGES[1:]
            if (p := path.with_name(f"{path.stem}.{lang}.toml")).is_file()
        }
    return parse_spec(main, found)


def _read(content: bytes, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValidationFailed.on(name, f"not a readable TOML file: {exc}") from None


def parse_spec(data: dict[str, Any], translations: dict[str, dict[str, Any]]) -> FrameworkSpec:
    """Check a framework's structure and build it; every problem names the key at fault."""
    version = data.get("version")
    if not isinstance(version, str) or not VERSION.match(version):
        raise ValidationFailed.on("version", "a short text of letters, digits, '.', '-' or '_'")
    factors_in = data.get("factors")
    if not isinstance(factors_in, dict) or not factors_in:
        raise ValidationFailed.on("factors", "the framework has no factors")
    factors = tuple(
        _factor(code, body, translations) for code, body in factors_in.items()
    )
    seen: set[str] = set()
    for factor in factors:
        for indicator in factor.indicators:
            if indicator.code in seen:
                raise ValidationFailed.on(f"factors.{factor.code}", f"{indicator.code} twice")
            seen.add(indicator.code)
    return FrameworkSpec(
        version=version,
        title=_text(data.get("title", ""), "title", allow_empty=True),
        categories=_categories(data.get("categories", {}), translations),
        factors=factors,
    )


def _factor(code: str, body: Any, translations: dict[str, dict[str, Any]]) -> FactorSpec:
    where = f"factors.{code}"
    if not FACTOR_CODE.match(code):
        raise ValidationFailed.on(where, "a factor id is RF followed by a number")
    if not isinstance(body, dict):
        raise ValidationFailed.on(where, "must be a table")
    category = body.get("category")
    if category not in CATEGORIES:
        raise ValidationFailed.on(f"{where}.category", f"use one of {', '.join(CATEGORIES)}")
    indicators_in = body.get("indicators")
    if not isinstance(indicators_in, dict) or not indicators_in:
        raise ValidationFailed.on(f"{where}.indicators", "a factor needs at least one indicator")
    indicators = []
    for icode, text in indicators_in.items():
        match = INDICATOR_CODE.match(icode)
        if match is None or match.group(1) != code:
            raise ValidationFailed.on(f"{where}.indicators", f"{icode!r} is not an id of {code}")
        texts = {ENGLISH: _text(text, f"{where}.indicators.{icode}")}
        texts.update(_translated(translations, "indicators", icode, None))
        indicators.append(IndicatorSpec(icode, texts))
    names = {ENGLISH: _text(body.get("name"), f"{where}.name")}
    names.update(_translated(translations, "factors", code, "name"))
    descriptions = {ENGLISH: _text(body.get("description", ""), f"{where}.description", True)}
    descriptions.update(_translated(translations, "factors", code, "description"))
    return FactorSpec(code, category, names, descriptions, tuple(indicators))


def _categories(
    data: Any, translations: dict[str, dict[str, Any]]
) -> dict[str, dict[str, str]]:
    if not isinstance(data, dict):
        raise ValidationFailed.on("categories", "must be a table")
    out: dict[str, dict[str, str]] = {}
    for category in CATEGORIES:
        names = {ENGLISH: _text(data.get(category, category), f"categories.{category}")}
        names.update(_translated(translations, "categories", category, None))
        out[category] = names
    return out


def _translated(
    translations: dict[str, dict[str, Any]], table: str, key: str, field: str | None
) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang, data in translations.items():
        entry = data.get(table, {}).get(key)
        value = entry.get(field) if field is not None and isinstance(entry, dict) else entry
        if isinstance(value, str) and value.strip():
            out[lang] = value.strip()
    return out


def _text(value: Any, where: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or not (value.strip() or allow_empty):
        raise ValidationFailed.on(where, "must be a non-empty text")
    return value.strip()
