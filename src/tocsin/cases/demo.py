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


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((pair.split("=")[0], pair.split("=")[1]) for pair in text.split())


# fmt: off
COUNTRY, COUNTRY_NAME, PREFIX = "XQ", "Republic of Qaranthia", "DEMO"
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2025, 12, 31)
EVENT_STATUSES = ("reported", "under_verification", "verified", "unverified", "rejected")
TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
CONSENT_RECIPIENTS = ("un_mechanism", "national_prosecutor", "icc", "partner_ngo", "publication")
CONSENT_METHODS = ("written_signed", "oral_recorded", "oral_witnessed", "electronic")
INTERVENTION_STATUSES = ("planned", "under_way", "done")
SEXES = ("female", "male")
INTERVENTIONS = {  # intervention type: (actor, description)
    "referral": ("Documentation team", "Case file referred to a UN monitoring mechanism."),
    "urgent_appeal": ("Documentation team", "Urgent appeal sent to the authorities."),
    "relocation": ("Protection desk", "Temporary relocation arranged for people at risk."),
    "legal_aid": ("Mountain Legal Aid Centre", "Lawyer assigned to follow the case in court."),
    "medical_care": ("Hearth Medical Relief", "Treatment arranged for the injured."),
    "psychosocial_support": ("Hearth Medical Relief", "Counselling offered to families."),
    "accompaniment": ("Field office", "Families accompanied when reporting the missing."),
}
INTERVENTION_TYPES = tuple(INTERVENTIONS)

# Provinces with their towns and villages: "name:latitude:longitude", comma-separated.
PROVINCES = tuple((name, tuple((t, float(la), float(lo)) for t, la, lo in
                               (town.strip().split(":") for town in towns.split(","))))
                  for name, towns in (
    ("Ashtar Highlands", "Tal Khazna:36.41:41.22, Ain Warda:36.62:42.05, Kefr Samir:36.27:42.71,"
     "Ostrel:36.83:43.38, Deir Mahal:36.55:43.91, Harbel:36.35:44.40"),
    ("Beldan Province", "Beldan:35.98:44.86, Sarvan:36.21:45.31, Qalat Nuri:35.72:45.62,"
     "Miraz:35.84:44.35, Dostan:36.12:45.77"),
    ("Karst Valley", "Wadi Sela:35.22:42.14, Marun:35.48:42.66, Bir Zaytun:34.97:43.02,"
     "Hesna:35.31:43.55, Kafr Dalia:35.05:43.88"),
    ("Capital District", "Qaran:34.71:44.12, Nahr al-Qaran:34.62:44.41, New Qaran:34.83:44.35,"
     "Sahat Jadida:34.55:43.96"),
    ("Sahrin Plains", "Sahrin:33.88:44.71, Bir Ghazal:33.41:45.22, Umm Rimal:33.63:43.92,"
     "Al-Hajar:34.11:45.58, Qasr al-Nour:33.26:44.33, Nakhla:33.95:45.84"),
    ("Lower Tessar", "Tessar:34.21:41.35, Jisr Tessar:33.97:40.84, Marj Sahil:33.52:41.78,"
     "Ain Qadima:33.24:42.46, Dalwan:34.48:42.91, Zeyra:33.71:40.33")))
# Waves of violence: (province, first month, last month, extra weight per month).
WAVES = ((0, "2019-03", "2019-10", 7.0), (2, "2020-05", "2021-02", 6.0),
         (4, "2021-09", "2022-06", 8.0), (3, "2022-11", "2023-03", 5.0),
         (1, "2023-02", "2023-09", 6.0), (0, "2024-04", "2025-03", 5.0),
         (5, "2024-08", "2025-06", 6.0))
MAJORITY = ("Varuk", "Beldani", "Qaranthi", "Qaranthi", "Sahrin", "Qaranthi")  # per province
LANGUAGES = {"Qaranthi": "Qaranthi Arabic", "Beldani": "Beldani", "Sahrin": "Sahrin Arabic",
             "Varuk": "Varuki"}
RELIGIONS = ("Haliri", "Tessarine Orthodox", "Mundi", "none declared")

# Names as "Latin=Arabic" pairs; a full name is given name, father's name and family name.
MALE = _pairs("""Karim=كريم Samir=سمير Yusuf=يوسف Omar=عمر Khalil=خليل Tariq=طارق Nabil=نبيل
    Hassan=حسن Rami=رامي Walid=وليد Fadi=فادي Ziad=زياد Bassam=بسام Jamal=جمال Adel=عادل
    Munir=منير Hadi=هادي Salim=سليم Anwar=أنور Idris=إدريس Aram=آرام Baran=باران""")
FEMALE = _pairs("""Layla=ليلى Mariam=مريم Nour=نور Huda=هدى Rania=رانيا Salma=سلمى Dalia=داليا
    Amal=أمل Samira=سميرة Yasmin=ياسمين Hiba=هبة Lina=لينا Zeinab=زينب Rasha=رشا Farah=فرح
    Suha=سهى Ghada=غادة Nadia=نادية Roza=روزا Sevin=سيفين""")
FAMILY = _pairs("""Haddad=حداد Najjar=نجار Khatib=خطيب Sabbagh=صباغ Darwish=درويش Qassem=قاسم
    Mansour=منصور Rahhal=رحال Kanaan=كنعان Saleh=صالح Bakri=بكري Obeid=عبيد Jaber=جابر
    Nassar=نصار Hamdan=حمدان Zaidan=زيدان Attar=عطار Farhat=فرحات Kavari=كافاري Belani=بيلاني
    Tessari=تيساري Varukzade=واروكزاده""")

# Organisations: key|name|kind|parent key|provinces (* = all)|perpetrator tag|aliases (;)|
# description|commanders on record. Parents come before their units.
ORGS = tuple(tuple(line.strip().split("|")) for line in """
    army|Qaranthian Armed Forces|armed_force||*||QAF|National army of Qaranthia.|0
    air|Qaranthian Air Wing|unit|army|*|air||Fixed-wing and helicopter squadrons.|1
    div1|1st Infantry Division|unit|army|01|army||Northern command.|1
    b11|11th Mechanised Brigade|unit|div1|0|army||Based in the highlands.|1
    b12|12th Mountain Brigade|unit|div1|01|army||Mountain infantry.|1
    div2|2nd Armoured Division|unit|army|23|army||Central command.|1
    b21|21st Armoured Brigade|unit|div2|2|army||Tank brigade.|1
    b22|22nd Presidential Guard Brigade|unit|div2|3|army|The Guard|Guards the capital.|1
    div3|3rd Desert Division|unit|army|45|army||Southern command.|0
    b31|31st Desert Brigade|unit|div3|4|army||Motorised infantry.|1
    b32|32nd River Brigade|unit|div3|5|army||Holds the river crossings.|1
    police|Qaranthian National Police|authority||*|security||Civil police.|0
    riot|Public Order Directorate|unit|police|23|security||Riot police.|1
    gsd|General Security Directorate|authority||*|security|GSD|Civilian intelligence.|1
    mi9|Military Intelligence Branch 9|unit|army|*|security||Runs army detention sites.|1
    slf|Sahrin Liberation Front|armed_group||45|armed|SLF;Jabhat Tahrir Sahrin|Southern rebels.|1
    slf_s|SLF Southern Sector|unit|slf|4|armed||Desert units.|1
    slf_t|SLF Tessar Battalion|unit|slf|5|armed||River units.|1
    hdc|Highland Defence Companies|armed_group||01|armed|HDC|Armed highland villagers.|1
    fajr|Liwa al-Fajr|armed_group||25|armed|Dawn Brigade|Armed group of the valleys.|1
    bpr|Beldani People's Resistance|armed_group||1|armed|BPR|Beldani armed movement.|1
    vg|Valley Guardians|armed_group||23|militia|Hurras al-Wadi|Pro-government militia.|2
    ops|Ostrel Perimeter Services|company||04|psc||Guards mines and pipelines.|1
    obs|Qaranthia Human Rights Observatory|ngo||*|||Documentation network.|0
    afm|Association of Families of the Missing|ngo||*|||Families searching for relatives.|0
    mla|Mountain Legal Aid Centre|ngo||*|||Lawyers' collective.|0
    hmr|Hearth Medical Relief|ngo||*|||Mobile clinics.|0""".strip().splitlines())

# Kinds of event: weight, perpetrator tags, titles (|), description (|), acts as
# act_type:chance:victim (victim is a person, child, defender or group).
SCENARIOS = {
    "shelling": (14, "army armed", "Shelling of the market in {town}|Artillery fire on "
        "residential streets of {town}|Mortar strikes on {town}", "Several rounds struck crowded "
        "streets of {town} ({province}); residents attribute the fire to {actor}.|Shells landed "
        "on homes and shops in {town} over several hours, far from any military position.",
        "indiscriminate_attack:1:group killing:.7:group child_killing_maiming:.35:group "
        "destruction_of_property:.5:group"),
    "airstrike": (7, "air", "Airstrike on {facility} in {town}|Air raid hits {facility} in {town}",
        "Aircraft struck {facility} in {town} ({province}); the site was marked and known to "
        "the parties. The strike is attributed to {actor}.", "attack_on_schools_hospitals:1:group "
        "killing:.6:group child_killing_maiming:.4:group"),
    "raid": (13, "security army", "Night raid and arrests in {town}|House searches and "
        "detentions in {town}|Arrests by {actor} in {town}", "Armed men identified as {actor} "
        "searched houses in {town} and took several people away; families were told nothing.|"
        "After a search operation in {town} ({province}) detainees were taken to an unknown "
        "site; those released describe beatings during questioning.", "arbitrary_detention:1:"
        "person torture:.5:person enforced_disappearance:.35:person pillage:.2:group"),
    "execution": (7, "army security armed militia", "Killings at a checkpoint near {town}|Bodies "
        "found on the road outside {town}|Summary executions in {town}", "People stopped at a "
        "checkpoint near {town} were later found dead with their hands bound; witnesses saw "
        "members of {actor} there that day.", "extrajudicial_execution:1:person "
        "extrajudicial_execution:.6:person killing:.3:person"),
    "village": (10, "armed militia", "Attack on {town} and burning of homes|Raid on the outskirts"
        " of {town}", "Fighters of {actor} entered {town} ({province}) at dawn, set houses on "
        "fire and fired on people trying to flee.", "attack_on_civilians:1:group killing:.5:"
        "person forced_displacement:.7:group pillage:.4:group"),
    "eviction": (7, "army militia psc", "Forced evictions in {town}|Residents of {town} ordered "
        "to leave", "Residents of {town} were given hours to leave their homes; the land was then"
        " fenced off by {actor}.", "forced_displacement:1:group confiscation_of_property:.6:group"
        " persecution:.4:group destruction_of_property:.3:group"),
    "abduction": (8, "armed militia psc", "Abductions on the road from {town}|Disappearance of "
        "travellers near {town}", "Travellers leaving {town} were stopped by armed men and taken "
        "away; survivors later named {actor} as the captors.", "abduction:1:person "
        "sexual_violence:.3:person torture:.3:person child_abduction:.25:child"),
    "recruitment": (5, "armed militia", "Recruitment of children in {town}|Boys taken to "
        "training camps near {town}", "Children from {town} were taken to a training camp run by"
        " {actor}; some were later seen armed at checkpoints.", "child_recruitment_use:1:child "
        "child_abduction:.5:child"),
    "heritage": (4, "armed militia army", "Damage to the old shrine of {town}|Looting of the "
        "archaeological mound near {town}", "The historic site at {town} ({province}) was "
        "damaged and objects were carried off; local guardians name {actor}.",
        "attack_on_cultural_property:1:group looting_of_cultural_property:.6:group"),
    "siege": (5, "army armed", "Aid convoy blocked outside {town}|Siege of {town} and denial of "
        "aid", "A convoy carrying food and medicine was turned back outside {town} by {actor}; "
        "residents report shortages of flour and insulin.", "denial_of_humanitarian_access:1:"
        "group killing:.3:group pillage:.3:group"),
    "defender": (7, "security militia", "Threats against a human rights lawyer in {town}|"
        "Harassment of a monitor in {town}|Prosecution of a rights defender in {town}", "A "
        "defender working on cases in {province} was threatened and summoned for questioning by "
        "{actor}.", "threat_against_defender:1:defender harassment_of_defender:.6:defender "
        "judicial_harassment:.4:defender arbitrary_detention:.2:defender"),
    "speech": (5, "militia armed", "Broadcast calling for violence in {province}|Hate speech at a "
        "rally in {town}", "Speakers linked to {actor} called a community of {town} traitors and "
        "urged listeners to drive them out.", "hate_speech:1:group incitement_to_violence:.6:"
        "group persecution:.3:group"),
}
FACILITIES = ("the district hospital", "a primary school", "a health centre", "a bakery")
GROUPS = {  # victim groups: label, smallest and largest count
    "killing": ("Civilians in {town}", 1, 30), "pillage": ("Shopkeepers of {town}", 2, 40),
    "child_killing_maiming": ("Children in {town}", 1, 12),
    "destruction_of_property": ("Households in {town}", 2, 80),
    "forced_displacement": ("Residents of {town}", 40, 3000),
    "confiscation_of_property": ("Landholders of {town}", 3, 60),
    "attack_on_cultural_property": ("Community of {town}", 100, 5000),
    "looting_of_cultural_property": ("Community of {town}", 100, 5000),
    "denial_of_humanitarian_access": ("Besieged residents of {town}", 500, 20000),
    "child_recruitment_use": ("Boys from {town}", 2, 25),
    "child_abduction": ("Children from {town}", 1, 8)}
CLOSERS = ("Accounts were collected from people who fled the area.",
           "The team cross-checked the reports against photographs and medical records.",
           "Several families left the area in the following days.",
           "Details remain incomplete and are still being checked.",
           "Local monitors visited the site some days later.")
# Sources by type: weight, titles (|), URL host or "", weights of reliability A-F, of
# credibility 1-6 and of each TLP level, and a description.
SOURCES = {
    "interview": (38, "Interview with a witness from {town}|Interview with a survivor, {province}"
                  "|Interview with a relative of a victim, {town}|Interview with a health worker",
                  "", (4, 30, 35, 12, 3, 16), (6, 34, 32, 10, 4, 14), (0, 0, 0, 40, 60),
                  "Interview by the documentation team; notes are kept in the vault."),
    "document": (10, "Copy of a detention order, {province}|Death certificates issued in {town}|"
                 "Local council damage list, {town}", "", (15, 40, 25, 8, 2, 10),
                 (15, 40, 25, 8, 2, 10), (0, 0, 70, 20, 10), "Copy from a trusted contact."),
    "medical_record": (6, "Medical report, {town}|Hospital admission records, {province}", "",
                       (20, 45, 20, 5, 2, 8), (20, 45, 20, 5, 2, 8), (0, 0, 40, 40, 20),
                       "Copy shared by clinicians with the patients' agreement."),
    "photo_video": (8, "Photographs of the site in {town}|Video filmed in {town}", "",
                    (3, 25, 40, 12, 4, 16), (5, 30, 35, 14, 4, 12), (0, 10, 70, 20, 0),
                    "Files received from a contact; originals kept in the vault."),
    "satellite_imagery": (4, "Satellite imagery of {town}", "imagery.example.net",
                          (10, 50, 25, 5, 0, 10), (10, 45, 30, 10, 0, 5), (40, 60, 0, 0, 0),
                          "Commercial imagery compared with earlier captures."),
    "social_media": (6, "Social media posts from {town}|Messages shared in local groups, {town}",
                     "social.example.com", (1, 8, 30, 30, 11, 20), (1, 10, 30, 30, 14, 15),
                     (40, 60, 0, 0, 0), "Public posts archived by the team."),
    "open_source": (4, "Archived web pages about {town}", "archive.example.net",
                    (2, 15, 38, 20, 5, 20), (3, 20, 35, 22, 6, 14), (50, 50, 0, 0, 0),
                    "Public material archived by the team."),
    "media": (14, "Local radio report on {town}|Newspaper article on events in {town}|Television"
              " report from {province}", "news.example.org", (2, 18, 40, 22, 6, 12),
              (2, 20, 38, 25, 6, 9), (70, 30, 0, 0, 0), "Press coverage archived by the team."),
    "official": (8, f"Independent Monitoring Commission on {COUNTRY_NAME}: periodic report", "",
                 (35, 50, 10, 2, 1, 2), (30, 50, 15, 3, 1, 1), (1, 0, 0, 0, 0),
                 "Public report of an independent monitoring body."),
}
SOURCE_TYPES = tuple(SOURCES)
# fmt: on


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
