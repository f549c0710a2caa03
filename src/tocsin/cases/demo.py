"""A deterministic demo dataset: one fictional country, its armed actors and their victims.

Everything here is invented by the Tocsin project: the Republic of Qaranthia (code ``XQ``, an
ISO 3166-1 user-assigned code that no real country uses), its provinces, towns, people,
organisations and events. Records follow the JSON Lines import format of ``docs/formats.md``.
Standard library only, so the generator runs without the rest of Tocsin.
"""

from __future__ import annotations

import calendar
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tocsin.cases.demo_data import (
    CLOSERS,
    CONSENT_METHODS,
    CONSENT_RECIPIENTS,
    COUNTRY,
    EVENT_STATUSES,
    FACILITIES,
    FAMILY,
    FEMALE,
    FIRST_DAY,
    GROUPS,
    INTERVENTION_STATUSES,
    INTERVENTION_TYPES,
    INTERVENTIONS,
    LANGUAGES,
    LAST_DAY,
    MAJORITY,
    MALE,
    ORGS,
    PREFIX,
    PROVINCES,
    RELIGIONS,
    SCENARIOS,
    SEXES,
    SOURCE_TYPES,
    SOURCES,
    TLP_LEVELS,
    WAVES,
)


def _fmt(day: date, precision: str = "day", approx: bool = False) -> str:
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}
    return ("~" if approx else "") + text[precision]


def _month(text: str) -> int:
    return (int(text[:4]) - FIRST_DAY.year) * 12 + int(text[5:7]) - 1


class _Demo:
    def __init__(self, seed: int, events: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (demo data, not security)
        self.n_events = max(0, events)
        self.orgs: list[dict[str, Any]] = []
        self.meta: dict[str, tuple[str, str, str, str]] = {}  # ref: provinces, tag, parent, text
        self.commanders: dict[str, list[str]] = {}
        self.persons: list[dict[str, Any]] = []
        self.pools: dict[str, dict[int, list[str]]] = {}  # pool: province: person refs
        self.first_seen: dict[str, date] = {}
        self.wants_consent: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.sources: list[dict[str, Any]] = []
        self.reports: list[tuple[date, date, str]] = []

    def later(self, day: date, low: int, high: int) -> date:
        return min(day + timedelta(days=self.rng.randint(low, high)), LAST_DAY)

    def build(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        self._organisations()
        scale = max(self.n_events, 60)
        for pool, share in (
            ("victim", 3),
            ("child", 15),
            ("witness", 10),
            ("source", 20),
            ("defender", 24),
        ):
            for _ in range(scale // share):
                self._person(pool, rng.randrange(len(PROVINCES)))
        self._reports()
        events = [
            self._event(n, province, day) for n, (province, day) in enumerate(self._calendar(), 1)
        ]
        for person in self.wants_consent:
            seen = self.first_seen.get(person["ref"])
            given = self.later(seen, 2, 90) if seen else self.later(FIRST_DAY, 0, 2555)
            share_with = rng.sample(CONSENT_RECIPIENTS, rng.randint(1, 4))
            person["consent"] = {
                "use_in_case_file": True,
                "share_with": [c for c in CONSENT_RECIPIENTS if c in share_with],
                "given_on": given.isoformat(),
                "recorded_how": rng.choices(CONSENT_METHODS, (40, 30, 20, 10))[0],
            }
            if person.get("age", person.get("age_max", 99)) < 18:  # a parent or guardian signs
                person["consent"]["recorded_how"] = "guardian_written"
        yield from self.orgs
        yield from self.persons
        yield from self.sources
        yield from events

    def _organisations(self) -> None:
        refs: dict[str, str] = {}
        for key, name, kind, parent, provinces, tag, aliases, text, bosses in ORGS:
            ref = refs[key] = f"{PREFIX}-O-{len(self.orgs) + 1:03d}"
            org: dict[str, Any] = {"type": "organisation", "ref": ref, "name": name, "kind": kind}
            if parent:
                org["parent"] = refs[parent]
            org.update(
                country=COUNTRY,
                aliases=aliases.split(";") if aliases else [],
                description=text,
                tlp="CLEAR" if kind == "ngo" else "GREEN",
            )
            self.orgs.append(org)
            article = "" if name in ("Liwa al-Fajr", "Ostrel Perimeter Services") else "the "
            self.meta[ref] = (provinces, tag, refs.get(parent, ""), article + name)
            for _ in range(int(bosses)):
                boss = self._person("perpetrator", None, f"Reported commander in {name}.")
                self.commanders.setdefault(ref, []).append(boss["ref"])

    def _person(self, pool: str, province: int | None, note: str = "") -> dict[str, Any]:
        rng = self.rng
        sex = rng.choice(SEXES)
        if rng.random() < {"perpetrator": 0.9, "child": 0.3}.get(pool, 0.0):
            sex = "male"
        while True:
            parts = (
                rng.choice(FEMALE if sex == "female" else MALE),
                rng.choice(MALE),
                rng.choice(FAMILY),
            )
            latin = " ".join(p[0] for p in parts)
            if latin not in self.names and parts[0] != parts[1]:
                break
        self.names.add(latin)
        ref = f"{PREFIX}-P-{len(self.persons) + 1:04d}"
        person: dict[str, Any] = {
            "type": "person",
            "ref": ref,
            "names": [
                {"value": latin, "script": "Latn", "kind": "full"},
                {"value": " ".join(p[1] for p in parts), "script": "Arab", "kind": "full"},
            ],
            "sex": sex,
        }
        age = {"child": rng.randint(5, 17), "perpetrator": rng.randint(34, 63)}.get(
            pool, rng.randint(18, 78)
        )
        shape = rng.random()
        if shape < 0.65 or pool == "perpetrator":
            person["age"] = age
            if rng.random() < 0.3:
                birth = date(2024 - age, rng.randint(1, 12), rng.randint(1, 28))
                person["birth_date"] = _fmt(birth, rng.choice(("day", "day", "month", "year")))
        elif shape < 0.9 or pool == "child":
            low = age - age % (5 if pool == "child" else 10)
            person.update(age_min=low, age_max=min(low + 4, 17) if pool == "child" else low + 9)
        person["nationality"] = COUNTRY
        if province is not None:
            group = MAJORITY[province] if rng.random() < 0.7 else rng.choice(MAJORITY)
            person["identities"] = {
                "ethnicity": group,
                "language": LANGUAGES[group],
                "religion": rng.choices(RELIGIONS, (50, 20, 20, 10))[0],
            }
        roles = ["victim" if pool == "child" else pool]
        extra = {"victim": "witness", "witness": "source", "defender": "source"}.get(pool)
        if extra and rng.random() < 0.2:
            roles.append(extra)
        person["roles"] = roles
        if pool == "perpetrator":
            person["tlp"] = rng.choices(("AMBER", "GREEN"), (70, 30))[0]
        else:
            person["tlp"] = rng.choices(("RED", "AMBER+STRICT", "AMBER"), (55, 40, 5))[0]
        if pool == "defender" and rng.random() < 0.5:
            person["contact"] = {"email": f"{ref.lower()}@example.org"}
        if note:
            person["notes"] = note
        if pool in ("victim", "child", "witness") and rng.random() < 0.87:
            self.wants_consent.append(person)
        self.persons.append(person)
        if province is not None:
            for name in [pool] + (["witness"] if "witness" in roles[1:] else []):
                self.pools.setdefault(name, {}).setdefault(province, []).append(ref)
        return person

    def _pick(self, pool: str, province: int) -> str | None:
        by_province = self.pools.get(pool, {})
        refs = by_province.get(province) or [r for rs in by_province.values() for r in rs]
        fresh = [r for r in refs if r not in self.first_seen]
        if not refs:
            return None
        return self.rng.choice(fresh if fresh and self.rng.random() < 0.9 else refs)

    def _reports(self) -> None:
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
            for start, end in (
                (date(year, 1, 1), date(year, 6, 30)),
                (date(year, 7, 1), date(year, 12, 31)),
            ):
                published = end + timedelta(days=45)
                if published <= LAST_DAY:
                    half = "first" if start.month == 1 else "second"
                    number = len(self.reports) + 1
                    title = f"{SOURCES['official'][1]} {number}, {half} half of {year}"
                    ref = self._source("official", title, published, None)
                    self.reports.append((start, end, ref))

    def _source(self, kind: str, title: str, day: date, person: str | None) -> str:
        rng = self.rng
        ref = f"{PREFIX}-S-{len(self.sources) + 1:04d}"
        _, _, host, reliability, credibility, tlp, text = SOURCES[kind]
        source: dict[str, Any] = {
            "type": "source",
            "ref": ref,
            "title": title,
            "source_type": kind,
            "reliability": rng.choices("ABCDEF", reliability)[0],
            "credibility": rng.choices(range(1, 7), credibility)[0],
            "obtained_on": day.isoformat(),
        }
        if host:
            source["url"] = f"https://{host}/item/{rng.randrange(10**6):06d}"
        if person:
            source["person"] = person
            self.first_seen.setdefault(person, day)
        source["description"] = text
        source["tlp"] = rng.choices(TLP_LEVELS, tlp)[0]
        self.sources.append(source)
        return ref

    def _calendar(self) -> list[tuple[int, date]]:
        months = _month(f"{LAST_DAY:%Y-%m}") + 1
        cells = [(p, m) for p in range(len(PROVINCES)) for m in range(months)]
        weights = [0.5 if p == 3 else 1.0 for p, _ in cells]
        for province, first, last, extra in WAVES:
            for m in range(_month(first), _month(last) + 1):
                weights[province * months + m] += extra
        days = []
        for province, m in self.rng.choices(cells, weights, k=self.n_events):
            year, month = FIRST_DAY.year + m // 12, m % 12 + 1
            last_day = calendar.monthrange(year, month)[1]
            days.append((province, date(year, month, self.rng.randint(1, last_day))))
        return sorted(days, key=lambda item: (item[1], item[0]))

    def _event(self, number: int, province: int, day: date) -> dict[str, Any]:
        rng = self.rng
        boost = {"defender": 5.0, "speech": 3.0} if province == 3 else {}
        key = rng.choices(
            list(SCENARIOS), [float(s[0]) * boost.get(k, 1.0) for k, s in SCENARIOS.items()]
        )[0]
        _, tags, titles, descriptions, acts_spec = SCENARIOS[key]
        pname, towns = PROVINCES[province]
        town, lat, lon = rng.choice(towns)
        perps = self._perpetrators(tags, province)
        fill = {
            "town": town,
            "province": pname,
            "actor": self.meta[perps[0]["organisation"]][3],
            "facility": rng.choice(FACILITIES),
        }
        precision, approx = rng.choices(
            (("day", False), ("month", False), ("day", True), ("month", True), ("year", False)),
            (70, 12, 8, 6, 4),
        )[0]
        event: dict[str, Any] = {
            "type": "event",
            "ref": f"{PREFIX}-EV-{number:04d}",
            "title": rng.choice(titles.split("|")).format(**fill),
            "description": "",
            "start": _fmt(day, precision, approx),
        }
        if precision == "day" and rng.random() < 0.25:
            event["end"] = _fmt(self.later(day, 1, 12), "day", approx)
        event["place"] = {
            "name": town,
            "country": COUNTRY,
            "admin_area": pname,
            "lat": lat,
            "lon": lon,
        }
        recent = day >= date(2025, 7, 1)
        weights = (35, 45, 10, 7, 3) if recent else (12, 30, 38, 13, 7)
        event["status"] = rng.choices(EVENT_STATUSES, weights)[0]
        event["tlp"] = rng.choices(TLP_LEVELS, (9, 13, 72, 0, 6))[0]
        sources = self._event_sources(province, town, pname, day)
        acts: list[dict[str, Any]] = []
        for spec in acts_spec.split():
            act_type, chance, mode = spec.split(":")
            if len(acts) < 4 and (not acts or rng.random() < float(chance)):
                acts.append(self._act(act_type, mode, province, town, day, perps, sources))
        event["acts"] = acts
        killed = sum(a["victim"].get("count", 0) for a in acts if a["act_type"] == "killing")
        text = [rng.choice(descriptions.split("|")).format(**fill)]
        if killed:
            text.append(f"At least {killed} civilians were reported killed.")
        event["description"] = " ".join([*text, rng.choice(CLOSERS)])
        if sources:
            event["source_refs"] = sources
        if rng.random() < 0.28:
            event["interventions"] = [
                self._intervention(key, day) for _ in range(rng.choice((1, 1, 2)))
            ]
        return event

    def _perpetrators(self, tags: str, province: int) -> list[dict[str, Any]]:
        rng = self.rng
        matching = [r for r, m in self.meta.items() if m[1] in tags.split()]
        local = [r for r in matching if self.meta[r][0] == "*" or str(province) in self.meta[r][0]]
        main = rng.choice(local or matching)
        perps: list[dict[str, Any]] = [{"organisation": main, "involvement": "direct"}]
        helpers = [
            r
            for r, (provinces, tag, _, _) in self.meta.items()
            if tag in ("militia", "psc") and str(province) in provinces and r != main
        ]
        if helpers and rng.random() < 0.15:
            perps.append({"organisation": rng.choice(helpers), "involvement": "assisted"})
        if self.meta[main][2] and rng.random() < 0.08:
            perps.append({"organisation": self.meta[main][2], "involvement": "failed_to_prevent"})
        if helpers and rng.random() < 0.05:
            perps.append({"organisation": rng.choice(helpers), "involvement": "incited"})
        if main in self.commanders and rng.random() < 0.3:
            perps.append({"person": rng.choice(self.commanders[main]), "involvement": "ordered"})
        return perps

    def _act(
        self,
        act_type: str,
        mode: str,
        province: int,
        town: str,
        day: date,
        perps: list[dict[str, Any]],
        sources: list[str],
    ) -> dict[str, Any]:
        rng = self.rng
        victim: dict[str, Any] | None = None
        if mode != "group" and rng.random() < {"person": 0.7, "child": 0.5}.get(mode, 0.9):
            ref = self._pick("victim" if mode == "person" else mode, province)
            if ref:
                victim = {"person": ref}
                self.first_seen.setdefault(ref, day)
        if victim is None:
            label, low, high = GROUPS.get(act_type, ("Residents of {town}", 1, 20))
            if act_type in ("persecution", "hate_speech", "incitement_to_violence"):
                minority = rng.choice([g for g in LANGUAGES if g != MAJORITY[province]])
                label, low, high = minority + " residents of {town}", 50, 4000
            victim = {"group": label.format(town=town), "count": rng.randint(low, high)}
        act: dict[str, Any] = {
            "act_type": act_type,
            "victim": victim,
            "perpetrators": [dict(p) for p in perps],
        }
        if sources and rng.random() < 0.5:
            act["sources"] = [rng.choice(sources)]
        return act

    def _event_sources(self, province: int, town: str, pname: str, day: date) -> list[str]:
        rng = self.rng
        refs: list[str] = []
        for _ in range(rng.choices((0, 1, 2, 3), (15, 40, 30, 15))[0]):
            kind = rng.choices(SOURCE_TYPES, [float(spec[0]) for spec in SOURCES.values()])[0]
            if kind == "official":
                ref = next((r for start, end, r in self.reports if start <= day <= end), None)
            else:
                person = None
                if kind == "interview":
                    person = self._pick(rng.choice(("witness", "witness", "source")), province)
                    if person is None:
                        continue
                title = rng.choice(SOURCES[kind][1].split("|"))
                ref = self._source(
                    kind, title.format(town=town, province=pname), self.later(day, 1, 120), person
                )
            if ref and ref not in refs:
                refs.append(ref)
        return refs

    def _intervention(self, scenario: str, day: date) -> dict[str, Any]:
        rng = self.rng
        appeal = scenario == "defender"
        weights = [5 if (kind == "urgent_appeal") == appeal else 2 for kind in INTERVENTIONS]
        kind = rng.choices(INTERVENTION_TYPES, weights)[0]
        on = self.later(day, 1, 60)
        old = (LAST_DAY - on).days > 180
        status = rng.choices(INTERVENTION_STATUSES, (3, 12, 85) if old else (45, 45, 10))[0]
        actor, text = INTERVENTIONS[kind]
        return {
            "type": kind,
            "on": on.isoformat(),
            "status": status,
            "actor": actor,
            "description": text,
        }


def generate_demo(seed: int = 7, events: int = 600) -> Iterator[dict[str, Any]]:
    """Organisations first, then persons and sources, then events, all by ref."""
    return _Demo(seed, events).build()


def write_demo(path: Path, seed: int = 7, events: int = 600) -> int:
    """Write the demo dataset as JSON Lines (UTF-8) and return the number of lines written."""
    lines = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for record in generate_demo(seed, events):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            lines += 1
    return lines
