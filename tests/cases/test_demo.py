"""The demo dataset: deterministic, well-formed for the JSON Lines importer, and safe to show."""

from __future__ import annotations

import calendar
import json
import re
import tomllib
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import tocsin.cases
from tocsin.cases.demo import generate_demo, write_demo

# Codes the brief and docs/formats.md allow, written out here rather than read from the module.
ACT_TYPES = {
    "killing", "extrajudicial_execution", "attack_on_civilians", "indiscriminate_attack",
    "torture", "sexual_violence", "enforced_disappearance", "abduction", "arbitrary_detention",
    "forced_displacement", "destruction_of_property", "pillage", "confiscation_of_property",
    "attack_on_cultural_property", "looting_of_cultural_property", "persecution",
    "child_killing_maiming", "child_recruitment_use", "child_abduction",
    "attack_on_schools_hospitals", "denial_of_humanitarian_access", "threat_against_defender",
    "harassment_of_defender", "judicial_harassment", "incitement_to_violence", "hate_speech",
}  # fmt: skip
ROLES = {"victim", "witness", "source", "defender", "perpetrator"}
INVOLVEMENTS = {"direct", "ordered", "assisted", "failed_to_prevent", "incited"}
STATUSES = {"reported", "under_verification", "verified", "unverified", "rejected"}
TLP = {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}
RECIPIENTS = {"un_mechanism", "national_prosecutor", "icc", "partner_ngo", "publication"}
INTERVENTIONS = {"referral", "urgent_appeal", "relocation", "legal_aid", "medical_care",
                 "psychosocial_support", "accompaniment"}  # fmt: skip
DATE = re.compile(r"~?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
ARABIC = re.compile(r"[\u0600-\u06FF]")


@cache
def vocabulary(name: str) -> set[str]:
    """Codes of one built-in vocabulary, the ones the importer accepts."""
    path = Path(tocsin.cases.__file__).with_name("vocabularies.toml")
    return {term["code"] for term in tomllib.loads(path.read_text("utf-8"))[name]["terms"]}


@cache
def records(seed: int = 7, events: int = 600) -> tuple[dict[str, Any], ...]:
    return tuple(generate_demo(seed=seed, events=events))


def of_type(kind: str, seed: int = 7) -> list[dict[str, Any]]:
    return [r for r in records(seed) if r["type"] == kind]


def span(text: str) -> tuple[date, date]:
    """First and last day a formats.md date string covers."""
    match = DATE.fullmatch(text)
    assert match, text
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if day is not None and month is not None:
        return date(year, month, day), date(year, month, day)
    if month is not None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(year, 1, 1), date(year, 12, 31)


def test_same_seed_gives_identical_output_and_other_seeds_differ() -> None:
    first = [json.dumps(r, ensure_ascii=False) for r in generate_demo(seed=3, events=80)]
    again = [json.dumps(r, ensure_ascii=False) for r in generate_demo(seed=3, events=80)]
    other = [json.dumps(r, ensure_ascii=False) for r in generate_demo(seed=4, events=80)]
    assert first == again
    assert first != other


@pytest.mark.parametrize("events", [0, 1, 37, 600])
def test_event_lines_match_the_requested_count(events: int) -> None:
    kinds = Counter(r["type"] for r in records(events=events))
    assert kinds["event"] == events
    assert kinds["organisation"] >= 15 and kinds["person"] >= 50 and kinds["source"] >= 1


def test_records_come_in_import_order_with_unique_refs() -> None:
    order = {"organisation": 0, "person": 1, "source": 2, "event": 3}
    ranks = [order[r["type"]] for r in records()]
    assert ranks == sorted(ranks)
    for kind in order:
        refs = [r["ref"] for r in of_type(kind)]
        assert len(refs) == len(set(refs)), kind


def test_every_ref_is_declared_before_it_is_used() -> None:
    declared: dict[str, set[str]] = {k: set() for k in ("organisation", "person", "source")}
    for record in records():
        kind = record["type"]
        if kind == "organisation" and "parent" in record:
            assert record["parent"] in declared["organisation"]
        if kind == "source" and "person" in record:
            assert record["person"] in declared["person"]
        if kind == "event":
            assert set(record.get("source_refs", [])) <= declared["source"]
            for act in record["acts"]:
                if "person" in act["victim"]:
                    assert act["victim"]["person"] in declared["person"]
                assert set(act.get("sources", [])) <= declared["source"]
                assert act["perpetrators"]
                for perpetrator in act["perpetrators"]:
                    key = "organisation" if "organisation" in perpetrator else "person"
                    assert perpetrator[key] in declared[key]
        if kind in declared:
            declared[kind].add(record["ref"])


def test_codes_come_only_from_the_vocabularies() -> None:
    for org in of_type("organisation"):
        assert org["kind"] in vocabulary("organisation_kind") and org["tlp"] in TLP
    for person in of_type("person"):
        assert person["roles"] and set(person["roles"]) <= ROLES & vocabulary("person_role")
        assert person["sex"] in vocabulary("sex") and person["nationality"] == "XQ"
        assert person["tlp"] in TLP and set(person.get("identities", {})) <= vocabulary(
            "identity_kind")
        assert {n["kind"] for n in person["names"]} <= vocabulary("name_kind")
        if "consent" in person:
            consent = person["consent"]
            assert consent["use_in_case_file"] is True
            assert consent["share_with"] and set(consent["share_with"]) <= RECIPIENTS
            assert consent["recorded_how"] in vocabulary("consent_method")
            if person.get("age", person.get("age_max", 99)) < 18:
                assert consent["recorded_how"] == "guardian_written"
            date.fromisoformat(consent["given_on"])
    for source in of_type("source"):
        assert source["source_type"] in vocabulary("source_type") and source["tlp"] in TLP
        assert source["reliability"] in "ABCDEF" and 1 <= source["credibility"] <= 6
        assert (source["source_type"] == "interview") == ("person" in source)
    for event in of_type("event"):
        assert event["status"] in STATUSES & vocabulary("event_status")
        assert event["tlp"] in TLP and 1 <= len(event["acts"]) <= 4
        for act in event["acts"]:
            assert act["act_type"] in ACT_TYPES & vocabulary("act_type")
            involvement = {p["involvement"] for p in act["perpetrators"]}
            assert involvement <= INVOLVEMENTS & vocabulary("involvement")
            if "group" in act["victim"]:
                assert act["victim"]["count"] >= 1 and len(act["victim"]["group"]) <= 200
        for intervention in event.get("interventions", []):
            assert intervention["type"] in INTERVENTIONS & vocabulary("intervention_type")
            assert intervention["status"] in {"planned", "under_way", "done"}
            date.fromisoformat(intervention["on"])


def test_event_dates_parse_and_fall_between_2019_and_2025() -> None:
    approximate = 0
    for event in of_type("event"):
        start, _ = span(event["start"])
        _, end = span(event.get("end", event["start"]))
        assert date(2019, 1, 1) <= start <= end <= date(2025, 12, 31)
        approximate += event["start"].startswith("~")
    assert approximate > 0


def test_places_are_in_the_fictional_country() -> None:
    provinces = set()
    for event in of_type("event"):
        place = event["place"]
        assert place["country"] == "XQ" and place["name"] and place["admin_area"]
        assert 33.0 <= place["lat"] <= 37.0 and 40.0 <= place["lon"] <= 46.0
        provinces.add(place["admin_area"])
    assert 5 <= len(provinces) <= 7


def test_every_person_has_a_latin_and_an_arabic_name_spelt_consistently() -> None:
    spelling: dict[str, str] = {}
    for person in of_type("person"):
        names = {n["script"]: n["value"] for n in person["names"]}
        assert set(names) == {"Latn", "Arab"}
        assert names["Latn"].isascii() and not ARABIC.search(names["Latn"])
        assert ARABIC.search(names["Arab"]) and not re.search("[A-Za-z]", names["Arab"])
        latin, arabic = names["Latn"].split(), names["Arab"].split()
        assert len(latin) == len(arabic) == 3
        for part, written in zip(latin, arabic, strict=True):
            assert spelling.setdefault(part, written) == written, part


def test_no_person_name_appears_in_event_or_source_text() -> None:
    names = {n["value"] for p in of_type("person") for n in p["names"]}
    texts = [s["title"] for s in of_type("source")]
    for event in of_type("event"):
        texts += [event["title"], event["description"]]
        texts += [a["victim"].get("group", "") for a in event["acts"]]
        texts += [i["description"] for i in event.get("interventions", [])]
    for text in texts:
        assert not [name for name in names if name in text], text


def test_the_dataset_looks_like_casework() -> None:
    events, persons = of_type("event"), of_type("person")
    statuses = Counter(e["status"] for e in events)
    assert statuses["verified"] + statuses["under_verification"] > len(events) / 2
    assert Counter(e["tlp"] for e in events).most_common(1)[0][0] == "AMBER"
    # Waves of violence: the busiest province-year holds far more than an average one.
    cells = Counter((e["place"]["admin_area"], e["start"].lstrip("~")[:4]) for e in events)
    assert max(cells.values()) > 2.5 * len(events) / len(cells)
    protected = [p for p in persons if {"victim", "witness", "source"} & set(p["roles"])
                 and "perpetrator" not in p["roles"]]  # fmt: skip
    strict = sum(p["tlp"] in {"RED", "AMBER+STRICT"} for p in protected)
    assert strict > 0.85 * len(protected)
    assert all(p["tlp"] in {"AMBER", "GREEN"} for p in persons if "perpetrator" in p["roles"])
    consenting = [p for p in persons if {"victim", "witness"} & set(p["roles"])]
    assert sum("consent" in p for p in consenting) > 0.7 * len(consenting)
    orgs = of_type("organisation")
    kinds = Counter(o["kind"] for o in orgs)
    assert kinds["armed_force"] >= 1 and kinds["unit"] >= 6 and kinds["armed_group"] >= 4
    assert kinds["authority"] >= 2 and kinds["company"] >= 1 and kinds["ngo"] >= 2
    parents = {o["parent"] for o in orgs if "parent" in o}
    assert any(o["kind"] == "armed_group" and o["ref"] in parents for o in orgs)
    commanders = {p["person"] for e in events for a in e["acts"] for p in a["perpetrators"]
                  if "person" in p}  # fmt: skip
    assert commanders and all(
        "perpetrator" in p["roles"] for p in persons if p["ref"] in commanders)


def test_write_demo_writes_utf8_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "demo.jsonl"
    count = write_demo(path, seed=5, events=40)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert count == len(lines) == len(list(generate_demo(seed=5, events=40)))
    assert [json.loads(line) for line in lines] == list(generate_demo(seed=5, events=40))
    assert ARABIC.search(text) and "\\u06" not in text
    assert write_demo(tmp_path / "default.jsonl") == len(records())
