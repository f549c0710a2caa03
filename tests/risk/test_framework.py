"""The risk framework as data: the shipped file's shape, idempotent loading, translations with an
English fallback, new versions beside old ones, and an organisation's own indicators."""

from __future__ import annotations

import dataclasses
import tomllib
from collections import Counter
from datetime import date
from importlib import resources

import pytest
from sqlalchemy import func, select
from tests.conftest import MakeActor
from tests.seeding import cheap_hashing

from tocsin.core.db import Database
from tocsin.core.errors import ConfigurationError, Forbidden, ValidationFailed
from tocsin.core.roles import Role
from tocsin.risk.assessments import create_assessment, get_assessment
from tocsin.risk.assessments.schemas import AssessmentCreate, RatingIn
from tocsin.risk.framework import (
    add_local_indicator,
    current_version,
    ensure_framework,
    get_framework,
    list_versions,
    load_spec,
)
from tocsin.risk.framework.schemas import LocalIndicatorCreate
from tocsin.risk.framework.spec import parse_spec
from tocsin.risk.models import FrameworkVersion, RiskFactor, RiskIndicator


@pytest.fixture(autouse=True)
def _cheap(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def test_the_file_has_the_fourteen_factors_of_the_framework() -> None:
    spec = load_spec()
    assert [f.code for f in spec.factors] == [f"RF{n}" for n in range(1, 15)]
    assert Counter(f.category for f in spec.factors) == {
        "common": 8, "genocide": 2, "crimes_against_humanity": 2, "war_crimes": 2}  # fmt: skip
    for factor in spec.factors:
        assert 6 <= len(factor.indicators) <= 12, factor.code
        assert [i.code for i in factor.indicators] == [
            f"{factor.code}.{n}" for n in range(1, len(factor.indicators) + 1)
        ]
        assert factor.names.keys() >= {"en", "fr", "ar"}, factor.code
        assert factor.descriptions["en"] and factor.descriptions["fr"] and factor.descriptions["ar"]
    texts = [i.texts["en"] for f in spec.factors for i in f.indicators]
    assert len(set(texts)) == len(texts)  # no indicator written twice


def test_a_malformed_framework_is_refused_naming_the_key() -> None:
    good = {"version": "x1", "factors": {"RF1": {"category": "common", "name": "A",
                                                 "indicators": {"RF1.1": "Something seen"}}}}
    assert parse_spec(good, {}).factors[0].indicators[0].code == "RF1.1"
    bad_category = {**good, "factors": {"RF1": {**good["factors"]["RF1"], "category": "x"}}}
    with pytest.raises(ValidationFailed) as err:
        parse_spec(bad_category, {})
    assert err.value.errors[0].field == "factors.RF1.category"
    stray = {"RF1": {**good["factors"]["RF1"], "indicators": {"RF2.1": "Elsewhere"}}}
    with pytest.raises(ValidationFailed) as err:
        parse_spec({**good, "factors": stray}, {})
    assert err.value.errors[0].field == "factors.RF1.indicators"
    with pytest.raises(ValidationFailed) as err:
        parse_spec({**good, "version": "has space"}, {})
    assert err.value.errors[0].field == "version"


def test_loading_is_idempotent(db: Database) -> None:
    with db.session() as s:
        assert ensure_framework(s) == load_spec().version
    with db.session() as s:
        ensure_framework(s)
        assert s.scalar(select(func.count()).select_from(FrameworkVersion)) == 1
        assert s.scalar(select(func.count()).select_from(RiskFactor)) == 14
        total = sum(len(f.indicators) for f in load_spec().factors)
        assert s.scalar(select(func.count()).select_from(RiskIndicator)) == total


def test_a_changed_file_needs_a_new_version(db: Database) -> None:
    spec = load_spec()
    first = spec.factors[0]
    reworded = dataclasses.replace(first, indicators=(
        dataclasses.replace(first.indicators[0], texts={"en": "Something else entirely"}),
        *first.indicators[1:]))  # fmt: skip
    changed = dataclasses.replace(spec, factors=(reworded, *spec.factors[1:]))
    with db.session() as s:
        ensure_framework(s)
    with db.session() as s, pytest.raises(ConfigurationError):
        ensure_framework(s, changed)
    # A translation alone may change under the same version.
    retitled = dataclasses.replace(first, names={**first.names, "fr": "Nouveau nom"})
    with db.session() as s:
        ensure_framework(s, dataclasses.replace(spec, factors=(retitled, *spec.factors[1:])))
    with db.session() as s:
        assert s.get(RiskFactor, (spec.version, "RF1")).names["fr"] == "Nouveau nom"


def test_texts_are_translated_with_english_fallback(db: Database, make_actor: MakeActor) -> None:
    reader = make_actor(Role.PARTNER_VIEWER)
    spec = load_spec()
    with db.session() as s:
        ensure_framework(s)
        fr = get_framework(s, reader, language="fr")
        ar = get_framework(s, reader, language="ar")
        other = get_framework(s, reader, language="sw")
    assert fr.factors[2].name == spec.factors[2].names["fr"] != spec.factors[2].names["en"]
    assert ar.factors[9].name == spec.factors[9].names["ar"]
    assert fr.factors[12].category_name == spec.categories["war_crimes"]["fr"]
    # A language without a translation falls back to English, indicators included.
    assert other.factors[0].indicators[0].text == spec.factors[0].indicators[0].texts["en"]
    assert [f.name for f in other.factors] == [f.names["en"] for f in spec.factors]


def test_every_indicator_has_a_french_and_an_arabic_text() -> None:
    spec = load_spec()
    ids = [i.code for f in spec.factors for i in f.indicators]
    for factor in spec.factors:
        for indicator in factor.indicators:
            fr, ar = indicator.texts.get("fr", ""), indicator.texts.get("ar", "")
            assert fr and fr != indicator.texts["en"], indicator.code
            assert ar and any("\u0600" <= c <= "\u06ff" for c in ar), indicator.code
    for language in ("fr", "ar"):
        translated = [i.texts[language] for f in spec.factors for i in f.indicators]
        assert len(set(translated)) == len(translated), language  # no text written twice
        # Every key names an indicator of foa.toml: a typo or an unquoted id would be ignored.
        folder = resources.files("tocsin.risk.framework")
        data = tomllib.loads(folder.joinpath(f"foa.{language}.toml").read_text("utf-8"))
        assert list(data["indicators"]) == ids, language


def test_indicators_come_in_the_language_asked_for(db: Database, make_actor: MakeActor) -> None:
    reader = make_actor(Role.PARTNER_VIEWER)
    spec = load_spec()
    with db.session() as s:
        ensure_framework(s)
        shown = {lang: get_framework(s, reader, language=lang) for lang in ("en", "fr", "ar")}
    for lang, framework in shown.items():
        assert framework.language == lang
        got = {i.code: i.text for f in framework.factors for i in f.indicators}
        want = {i.code: i.texts[lang] for f in spec.factors for i in f.indicators}
        assert got == want, lang
    assert shown["en"].factors[0].indicators[0].text.startswith("Fighting is under way")


def test_indicator_translations_reach_a_version_already_stored(
    db: Database, make_actor: MakeActor
) -> None:
    reader = make_actor(Role.PARTNER_VIEWER)
    spec = load_spec()
    english_only = dataclasses.replace(spec, factors=tuple(
        dataclasses.replace(f, indicators=tuple(
            dataclasses.replace(i, texts={"en": i.texts["en"]}) for i in f.indicators))
        for f in spec.factors))  # fmt: skip
    assert english_only.digest() == spec.digest()  # translations are not part of the version
    with db.session() as s:
        ensure_framework(s, english_only)
        first = spec.factors[0].indicators[0]
        before = get_framework(s, reader, language="fr").factors[0].indicators[0]
        assert before.text == first.texts["en"]
    with db.session() as s:
        assert ensure_framework(s) == spec.version
    with db.session() as s:
        row = s.get(RiskIndicator, (spec.version, first.code))
        assert row is not None and row.texts == first.texts
        assert row.texts.keys() == {"en", "fr", "ar"}
        fr = get_framework(s, reader, language="fr")
        assert fr.factors[0].indicators[0].text == first.texts["fr"]
        stored = s.scalars(select(RiskIndicator).where(RiskIndicator.version == spec.version))
        assert all(r.texts.keys() == {"en", "fr", "ar"} for r in stored)


def test_a_new_version_leaves_old_assessments_on_theirs(
    db: Database, make_actor: MakeActor
) -> None:
    analyst, coordinator = make_actor(Role.ANALYST), make_actor(Role.COORDINATOR)
    spec = load_spec()
    with db.session() as s:
        ensure_framework(s)
        local = add_local_indicator(s, coordinator, LocalIndicatorCreate(
            factor="RF3", text="Local police stations closed in the district for a month"))
        serious = RatingIn(indicator="RF1.11", rating="serious", confidence="high")
        old = create_assessment(
            s, analyst, AssessmentCreate(country="ML", as_of=date(2023, 6, 1), ratings=[serious])
        )
    # Version 2 drops RF1.11 and adds RF1.12.
    rf1 = spec.factors[0]
    added = dataclasses.replace(rf1.indicators[0], code="RF1.12", texts={"en": "A new sign"})
    new_rf1 = dataclasses.replace(rf1, indicators=(*rf1.indicators[:-1], added))
    v2 = dataclasses.replace(spec, version="2.0-test", factors=(new_rf1, *spec.factors[1:]))
    with db.session() as s:
        assert ensure_framework(s, v2) == "2.0-test" == current_version(s)
        versions = {v.version: v.current for v in list_versions(s, analyst)}
        assert versions == {spec.version: False, "2.0-test": True}
        kept = get_assessment(s, analyst, old.id)
        assert kept.framework_version == spec.version
        assert [r.indicator for r in kept.ratings] == ["RF1.11"]
        assert kept.factors[0].level == "high"
        new = create_assessment(s, analyst, AssessmentCreate(country="ML", as_of=date(2024, 6, 1)))
        assert new.framework_version == "2.0-test"
        with pytest.raises(ValidationFailed) as err:
            create_assessment(s, analyst, AssessmentCreate(
                country="ML", as_of=date(2024, 6, 1),
                ratings=[RatingIn(indicator="RF1.11", rating="absent")]))  # fmt: skip
        assert err.value.errors[0].field == "ratings[0].indicator"
        # The organisation's own indicator came along, under the same id.
        rf3 = get_framework(s, analyst).factors[2]
        assert rf3.indicators[-1].code == local.code and rf3.indicators[-1].local
        old_rf1 = get_framework(s, analyst, spec.version).factors[0]
        assert old_rf1.indicators[-1].code == "RF1.11"


def test_an_organisation_adds_its_own_indicators(db: Database, make_actor: MakeActor) -> None:
    coordinator, analyst = make_actor(Role.COORDINATOR), make_actor(Role.ANALYST)
    with db.session() as s:
        ensure_framework(s)
        first = add_local_indicator(s, coordinator, LocalIndicatorCreate(
            factor="rf8", text="  Curfew announced  in the market towns ",
            translations={"fr": "Couvre-feu annoncé dans les villes de marché"}))  # fmt: skip
        second = add_local_indicator(s, coordinator, LocalIndicatorCreate(
            factor="RF8", text="Fuel convoys stopped at the regional border"))
        assert (first.code, second.code) == ("RF8.L1", "RF8.L2")
        assert first.text == "Curfew announced in the market towns" and first.local
        rf8 = get_framework(s, analyst, language="fr").factors[7]
        assert [i.code for i in rf8.indicators[-2:]] == ["RF8.L1", "RF8.L2"]
        assert rf8.indicators[-2].text == "Couvre-feu annoncé dans les villes de marché"
        assert rf8.indicators[-1].text == "Fuel convoys stopped at the regional border"
        local = RatingIn(indicator="RF8.L1", rating="present", confidence="low")
        ok = create_assessment(
            s, analyst, AssessmentCreate(country="ML", as_of=date(2024, 1, 1), ratings=[local])
        )
        assert ok.ratings[0].factor == "RF8"

        with pytest.raises(Forbidden):
            add_local_indicator(s, analyst, LocalIndicatorCreate(factor="RF8", text="x" * 20))
        cases = [
            ({"factor": "RF15", "text": "A sign nobody knows"}, "factor"),
            ({"factor": "RF8", "text": "short"}, "text"),
            ({"factor": "RF8", "text": "curfew ANNOUNCED in the market towns"}, "text"),
            ({"factor": "RF8", "text": "A sign worth watching", "translations": {"de": "x"}},
             "translations"),
        ]
        for data, field in cases:
            with pytest.raises(ValidationFailed) as err:
                add_local_indicator(s, coordinator, LocalIndicatorCreate(**data))
            assert err.value.errors[0].field == field, data
