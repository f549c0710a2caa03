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
from typing import Any, NamedTuple

COUNTRY, COUNTRY_NAME, PREFIX = "XQ", "Republic of Qaranthia", "DEMO"
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2025, 12, 31)
ACT_TYPES = (
    "killing", "extrajudicial_execution", "attack_on_civilians", "indiscriminate_attack",
    "torture", "sexual_violence", "enforced_disappearance", "abduction", "arbitrary_detention",
    "forced_displacement", "destruction_of_property", "pillage", "confiscation_of_property",
    "attack_on_cultural_property", "looting_of_cultural_property", "persecution",
    "child_killing_maiming", "child_recruitment_use", "child_abduction",
    "attack_on_schools_hospitals", "denial_of_humanitarian_access", "threat_against_defender",
    "harassment_of_defender", "judicial_harassment", "incitement_to_violence", "hate_speech",
)  # fmt: skip
PERSON_ROLES = ("victim", "witness", "source", "defender", "perpetrator")
EVENT_STATUSES = ("reported", "under_verification", "verified", "unverified", "rejected")
INVOLVEMENTS = ("direct", "ordered", "assisted", "failed_to_prevent", "incited")
TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
ORGANISATION_KINDS = (
    "armed_force", "unit", "armed_group", "militia", "private_security", "ngo", "police",
    "intelligence",
)  # fmt: skip
SOURCE_TYPES = ("interview", "document", "open_source", "media", "official_report")
CONSENT_RECIPIENTS = ("un_mechanism", "national_prosecutor", "icc", "partner_ngo", "publication")
CONSENT_METHODS = ("written_signed", "oral_recorded", "oral_witnessed", "electronic")
INTERVENTION_TYPES = (
    "referral", "urgent_appeal", "relocation", "legal_aid", "medical_care",
    "psychosocial_support", "accompaniment",
)  # fmt: skip
INTERVENTION_STATUSES = ("planned", "under_way", "done")
SEXES = ("female", "male")

# Provinces, each with its towns and villages (name, latitude, longitude).
PROVINCES: tuple[tuple[str, tuple[tuple[str, float, float], ...]], ...] = (
    ("Ashtar Highlands", (("Tal Khazna", 36.41, 41.22), ("Ain Warda", 36.62, 42.05),
     ("Kefr Samir", 36.27, 42.71), ("Ostrel", 36.83, 43.38), ("Deir Mahal", 36.55, 43.91),
     ("Harbel", 36.35, 44.40))),
    ("Beldan Province", (("Beldan", 35.98, 44.86), ("Sarvan", 36.21, 45.31),
     ("Qalat Nuri", 35.72, 45.62), ("Miraz", 35.84, 44.35), ("Dostan", 36.12, 45.77))),
    ("Karst Valley", (("Wadi Sela", 35.22, 42.14), ("Marun", 35.48, 42.66),
     ("Bir Zaytun", 34.97, 43.02), ("Hesna", 35.31, 43.55), ("Kafr Dalia", 35.05, 43.88))),
    ("Capital District", (("Qaran", 34.71, 44.12), ("Nahr al-Qaran", 34.62, 44.41),
     ("New Qaran", 34.83, 44.35), ("Sahat Jadida", 34.55, 43.96))),
    ("Sahrin Plains", (("Sahrin", 33.88, 44.71), ("Bir Ghazal", 33.41, 45.22),
     ("Umm Rimal", 33.63, 43.92), ("Al-Hajar", 34.11, 45.58), ("Qasr al-Nour", 33.26, 44.33),
     ("Nakhla", 33.95, 45.84))),
    ("Lower Tessar", (("Tessar", 34.21, 41.35), ("Jisr Tessar", 33.97, 40.84),
     ("Marj Sahil", 33.52, 41.78), ("Ain Qadima", 33.24, 42.46), ("Dalwan", 34.48, 42.91),
     ("Zeyra", 33.71, 40.33))),
)  # fmt: skip
# Waves of violence: (province, first month, last month, extra weight per month).
WAVES = ((0, "2019-03", "2019-10", 7.0), (2, "2020-05", "2021-02", 6.0),
         (4, "2021-09", "2022-06", 8.0), (3, "2022-11", "2023-03", 5.0),
         (1, "2023-02", "2023-09", 6.0), (0, "2024-04", "2025-03", 5.0),
         (5, "2024-08", "2025-06", 6.0))  # fmt: skip
MAJORITY = ("Varuk", "Beldani", "Qaranthi", "Qaranthi", "Sahrin", "Qaranthi")
LANGUAGES = {"Qaranthi": "Qaranthi Arabic", "Beldani": "Beldani", "Sahrin": "Sahrin Arabic",
             "Varuk": "Varuki"}  # fmt: skip
RELIGIONS = ("Haliri", "Tessarine Orthodox", "Mundi", "none declared")

MALE = (("Karim", "كريم"), ("Samir", "سمير"), ("Yusuf", "يوسف"), ("Omar", "عمر"),
        ("Khalil", "خليل"), ("Tariq", "طارق"), ("Nabil", "نبيل"), ("Hassan", "حسن"),
        ("Rami", "رامي"), ("Walid", "وليد"), ("Fadi", "فادي"), ("Ziad", "زياد"),
        ("Bassam", "بسام"), ("Jamal", "جمال"), ("Adel", "عادل"), ("Munir", "منير"),
        ("Hadi", "هادي"), ("Salim", "سليم"), ("Anwar", "أنور"), ("Idris", "إدريس"),
        ("Aram", "آرام"), ("Baran", "باران"))  # fmt: skip
FEMALE = (("Layla", "ليلى"), ("Mariam", "مريم"), ("Nour", "نور"), ("Huda", "هدى"),
          ("Rania", "رانيا"), ("Salma", "سلمى"), ("Dalia", "داليا"), ("Amal", "أمل"),
          ("Samira", "سميرة"), ("Yasmin", "ياسمين"), ("Hiba", "هبة"), ("Lina", "لينا"),
          ("Zeinab", "زينب"), ("Rasha", "رشا"), ("Farah", "فرح"), ("Suha", "سهى"),
          ("Ghada", "غادة"), ("Nadia", "نادية"), ("Roza", "روزا"), ("Sevin", "سيفين"))  # fmt: skip
FAMILY = (("Haddad", "حداد"), ("Najjar", "نجار"), ("Khatib", "خطيب"), ("Sabbagh", "صباغ"),
          ("Darwish", "درويش"), ("Qassem", "قاسم"), ("Mansour", "منصور"), ("Rahhal", "رحال"),
          ("Kanaan", "كنعان"), ("Saleh", "صالح"), ("Bakri", "بكري"), ("Obeid", "عبيد"),
          ("Jaber", "جابر"), ("Nassar", "نصار"), ("Hamdan", "حمدان"), ("Zaidan", "زيدان"),
          ("Attar", "عطار"), ("Farhat", "فرحات"), ("Kavari", "كافاري"), ("Belani", "بيلاني"),
          ("Tessari", "تيساري"), ("Varukzade", "واروكزاده"))  # fmt: skip

# Organisations: key, name, kind, parent key, provinces ("*" = all), perpetrator tag,
# aliases, description, number of commanders on record.
ORGS: tuple[tuple[str, str, str, str, str, str, tuple[str, ...], str, int], ...] = (
    ("army", "Qaranthian Armed Forces", "armed_force", "", "*", "", ("QAF",),
     "National army of the Republic of Qaranthia.", 0),
    ("air", "Qaranthian Air Wing", "unit", "army", "*", "air", (), "Fixed-wing and helicopter squadrons.", 1),
    ("div1", "1st Infantry Division", "unit", "army", "01", "army", (), "Northern command.", 1),
    ("b11", "11th Mechanised Brigade", "unit", "div1", "0", "army", (), "Based in the highlands.", 1),
    ("b12", "12th Mountain Brigade", "unit", "div1", "01", "army", (), "Mountain infantry.", 1),
    ("div2", "2nd Armoured Division", "unit", "army", "23", "army", (), "Central command.", 1),
    ("b21", "21st Armoured Brigade", "unit", "div2", "2", "army", (), "Tank brigade.", 1),
    ("b22", "22nd Presidential Guard Brigade", "unit", "div2", "3", "army", ("The Guard",),
     "Protects the capital.", 1),
    ("div3", "3rd Desert Division", "unit", "army", "45", "army", (), "Southern command.", 0),
    ("b31", "31st Desert Brigade", "unit", "div3", "4", "army", (), "Motorised infantry.", 1),
    ("b32", "32nd River Brigade", "unit", "div3", "5", "army", (), "Holds the river crossings.", 1),
    ("police", "Qaranthian National Police", "police", "", "*", "security", (), "Civil police.", 0),
    ("riot", "Public Order Directorate", "unit", "police", "23", "security", (),
     "Riot police.", 1),
    ("gsd", "General Security Directorate", "intelligence", "", "*", "security", ("GSD",),
     "Civilian intelligence service.", 1),
    ("mi9", "Military Intelligence Branch 9", "intelligence", "army", "*", "security", (),
     "Runs detention sites for the army.", 1),
    ("slf", "Sahrin Liberation Front", "armed_group", "", "45", "armed",
     ("SLF", "Jabhat Tahrir Sahrin"), "Armed opposition group in the south.", 1),
    ("slf_s", "SLF Southern Sector", "unit", "slf", "4", "armed", (), "Desert units.", 1),
    ("slf_t", "SLF Tessar Battalion", "unit", "slf", "5", "armed", (), "River units.", 1),
    ("hdc", "Highland Defence Companies", "armed_group", "", "01", "armed", ("HDC",),
     "Armed group of highland villages.", 1),
    ("fajr", "Liwa al-Fajr", "armed_group", "", "25", "armed", ("Dawn Brigade",),
     "Armed group of the central valleys.", 1),
    ("bpr", "Beldani People's Resistance", "armed_group", "", "1", "armed", ("BPR",),
     "Beldani armed movement.", 1),
    ("vg", "Valley Guardians", "militia", "", "23", "militia", ("Hurras al-Wadi",),
     "Pro-government militia.", 2),
    ("ops", "Ostrel Perimeter Services", "private_security", "", "04", "psc", (),
     "Private security company guarding mines and pipelines.", 1),
    ("obs", "Qaranthia Human Rights Observatory", "ngo", "", "*", "", (),
     "Documentation network.", 0),
    ("afm", "Association of Families of the Missing", "ngo", "", "*", "", (),
     "Families searching for relatives.", 0),
    ("mla", "Mountain Legal Aid Centre", "ngo", "", "*", "", (), "Lawyers' collective.", 0),
    ("hmr", "Hearth Medical Relief", "ngo", "", "*", "", (), "Mobile clinics.", 0),
)  # fmt: skip


class _Scenario(NamedTuple):
    weight: float
    tags: str
    titles: tuple[str, ...]
    descriptions: tuple[str, ...]
    acts: tuple[tuple[str, float, str], ...]  # act type, probability, victim mode


SCENARIOS: dict[str, _Scenario] = {
    "shelling": _Scenario(14, "army armed", (
        "Shelling of the market in {town}", "Artillery fire on residential streets of {town}",
        "Mortar strikes on {town}"), (
        "Several rounds struck crowded streets of {town} ({province}). Residents attribute the "
        "fire to positions held by {actor}.",
        "Shells landed on homes and shops in {town} over several hours; no military target "
        "was reported nearby. The fire came from the direction of {actor}."), (
        ("indiscriminate_attack", 1, "group"), ("killing", 0.7, "group"),
        ("child_killing_maiming", 0.35, "group"), ("destruction_of_property", 0.5, "group"))),
    "airstrike": _Scenario(7, "air", (
        "Airstrike on {facility} in {town}", "Air raid hits {facility} in {town}"), (
        "Aircraft struck {facility} in {town} ({province}). Staff say the site was marked and "
        "known to the parties; the strike is attributed to {actor}.",), (
        ("attack_on_schools_hospitals", 1, "group"), ("killing", 0.6, "group"),
        ("child_killing_maiming", 0.4, "group"))),
    "raid": _Scenario(13, "security army", (
        "Night raid and arrests in {town}", "House searches and detentions in {town}",
        "Arrests by {actor} in {town}"), (
        "Armed men identified as {actor} searched houses in {town} and took several people away. "
        "Families were given no information on where they were held.",
        "After a search operation in {town} ({province}), detainees were taken to an unknown "
        "site; released detainees describe beatings during questioning."), (
        ("arbitrary_detention", 1, "person"), ("torture", 0.5, "person"),
        ("enforced_disappearance", 0.35, "person"), ("pillage", 0.2, "group"))),
    "execution": _Scenario(7, "army security armed militia", (
        "Killings at a checkpoint near {town}", "Bodies found on the road outside {town}",
        "Summary executions in {town}"), (
        "Men stopped at a checkpoint near {town} were later found dead with their hands "
        "bound. Witnesses saw fighters of {actor} at the checkpoint that day.",), (
        ("extrajudicial_execution", 1, "person"), ("extrajudicial_execution", 0.6, "person"),
        ("killing", 0.3, "person"))),
    "village": _Scenario(10, "armed militia", (
        "Attack on {town} and burning of homes", "Raid on the outskirts of {town}"), (
        "Fighters of {actor} entered {town} ({province}) at dawn, set houses on fire and "
        "fired on people trying to flee.",), (
        ("attack_on_civilians", 1, "group"), ("killing", 0.5, "person"),
        ("forced_displacement", 0.7, "group"), ("pillage", 0.4, "group"))),
    "eviction": _Scenario(7, "army militia psc", (
        "Forced evictions in {town}", "Residents of {town} ordered to leave"), (
        "Residents of {town} were given hours to leave their homes; their land was then "
        "fenced off by {actor}.",), (
        ("forced_displacement", 1, "group"), ("confiscation_of_property", 0.6, "group"),
        ("persecution", 0.4, "group"), ("destruction_of_property", 0.3, "group"))),
    "abduction": _Scenario(8, "armed militia psc", (
        "Abductions on the road from {town}", "Disappearance of travellers near {town}"), (
        "Travellers leaving {town} were stopped by armed men and taken away. Survivors later "
        "identified the captors as members of {actor}.",), (
        ("abduction", 1, "person"), ("sexual_violence", 0.3, "person"),
        ("torture", 0.3, "person"), ("child_abduction", 0.25, "child"))),
    "recruitment": _Scenario(5, "armed militia", (
        "Recruitment of children in {town}", "Boys taken to training camps near {town}"), (
        "Boys under eighteen from {town} were taken to a training camp run by {actor}; some "
        "were later seen carrying weapons at checkpoints.",), (
        ("child_recruitment_use", 1, "child"), ("child_abduction", 0.5, "child"))),
    "heritage": _Scenario(4, "armed militia army", (
        "Damage to the old shrine of {town}", "Looting of the archaeological mound near {town}"), (
        "The historic site at {town} ({province}) was damaged and objects were removed; "
        "local guardians name {actor} as responsible.",), (
        ("attack_on_cultural_property", 1, "group"),
        ("looting_of_cultural_property", 0.6, "group"))),
    "siege": _Scenario(5, "army armed", (
        "Aid convoy blocked outside {town}", "Siege of {town} and denial of aid"), (
        "A humanitarian convoy carrying food and medicine was turned back outside {town} by "
        "{actor}; residents report shortages of flour and insulin.",), (
        ("denial_of_humanitarian_access", 1, "group"), ("killing", 0.3, "group"),
        ("pillage", 0.3, "group"))),
    "defender": _Scenario(7, "security militia", (
        "Threats against a human rights lawyer in {town}", "Harassment of a monitor in {town}",
        "Prosecution of a rights defender in {town}"), (
        "A defender working on cases in {province} received repeated threats and was "
        "summoned for questioning by {actor}.",), (
        ("threat_against_defender", 1, "defender"), ("harassment_of_defender", 0.6, "defender"),
        ("judicial_harassment", 0.4, "defender"), ("arbitrary_detention", 0.2, "defender"))),
    "speech": _Scenario(5, "militia armed", (
        "Broadcast calling for violence in {province}", "Hate speech at a rally in {town}"), (
        "Speakers linked to {actor} described a local community in {town} as traitors and "
        "called on listeners to drive them out.",), (
        ("hate_speech", 1, "group"), ("incitement_to_violence", 0.6, "group"),
        ("persecution", 0.3, "group"))),
}  # fmt: skip
FACILITIES = ("the district hospital", "a primary school", "a health centre", "a bakery")
GROUPS = {"killing": ("Civilians in {town}", 1, 30), "child_killing_maiming": (
    "Children in {town}", 1, 12), "destruction_of_property": ("Households in {town}", 2, 80),
    "forced_displacement": ("Residents of {town}", 40, 3000), "pillage": (
    "Shopkeepers of {town}", 2, 40), "confiscation_of_property": ("Landholders of {town}", 3, 60),
    "attack_on_cultural_property": ("Community of {town}", 100, 5000),
    "looting_of_cultural_property": ("Community of {town}", 100, 5000),
    "denial_of_humanitarian_access": ("Besieged residents of {town}", 500, 20000),
    "child_recruitment_use": ("Boys from {town}", 2, 25), "child_abduction": (
    "Children from {town}", 1, 8)}  # fmt: skip
COMMUNITY_ACTS = ("persecution", "hate_speech", "incitement_to_violence")
CLOSERS = ("Accounts were collected from people who fled the area.",
           "The team cross-checked the reports against photographs and medical records.",
           "Several families left the area in the following days.",
           "Details remain incomplete and are still being checked.",
           "Local monitors visited the site some days later.")  # fmt: skip
SOURCE_TITLES = {
    "interview": ("Interview with a witness from {town}", "Interview with a survivor, {province}",
                  "Interview with a relative of a victim, {town}",
                  "Interview with a health worker in {province}"),
    "document": ("Medical report, {town}", "Copy of a detention order, {province}",
                 "Death certificates issued in {town}", "Local council damage list, {town}"),
    "open_source": ("Video posted online from {town}", "Satellite imagery of {town}",
                    "Social media posts from {town}"),
    "media": ("Local radio report on {town}", "Newspaper article on events in {town}",
              "Television report from {province}"),
}  # fmt: skip
SOURCE_GRADES = {  # weights of reliability A-F and credibility 1-6
    "interview": ((4, 30, 35, 12, 3, 16), (6, 34, 32, 10, 4, 14)),
    "document": ((15, 40, 25, 8, 2, 10), (15, 40, 25, 8, 2, 10)),
    "open_source": ((2, 15, 38, 20, 5, 20), (3, 20, 35, 22, 6, 14)),
    "media": ((2, 18, 40, 22, 6, 12), (2, 20, 38, 25, 6, 9)),
    "official_report": ((35, 50, 10, 2, 1, 2), (30, 50, 15, 3, 1, 1)),
}
INTERVENTIONS = {
    "referral": ("Documentation team", "Case file referred to a UN monitoring mechanism."),
    "urgent_appeal": ("Documentation team", "Urgent appeal sent to the authorities and to UN "
                      "special procedures."),
    "relocation": ("Protection desk", "Temporary relocation arranged for people at risk."),
    "legal_aid": ("Mountain Legal Aid Centre", "Lawyer assigned to follow the case in court."),
    "medical_care": ("Hearth Medical Relief", "Treatment arranged for the injured."),
    "psychosocial_support": ("Hearth Medical Relief", "Counselling offered to survivors and "
                             "families."),
    "accompaniment": ("Field office", "Families accompanied when reporting the missing."),
}  # fmt: skip


def _fmt(day: date, precision: str = "day", approx: bool = False) -> str:
    text = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}
    return ("~" if approx else "") + text[precision]


def _later(day: date, lo: int, hi: int, rng: random.Random) -> date:
    return min(day + timedelta(days=rng.randint(lo, hi)), LAST_DAY)


def _month_index(text: str) -> int:
    return (int(text[:4]) - 2019) * 12 + int(text[5:7]) - 1


class _Demo:
    def __init__(self, seed: int, events: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311  (demo data, not security)
        self.n_events = events
        self.orgs: list[dict[str, Any]] = []
        self.org_by_key: dict[str, dict[str, Any]] = {}
        self.org_meta: dict[str, tuple[str, str, str]] = {}  # ref -> provinces, tag, parent ref
        self.commanders: dict[str, list[str]] = {}
        self.persons: list[dict[str, Any]] = []
        self.pools: dict[str, dict[int, list[str]]] = {}  # pool -> province -> person refs
        self.home: dict[str, int] = {}
        self.first_seen: dict[str, date] = {}
        self.wants_consent: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.sources: list[dict[str, Any]] = []
        self.reports: list[tuple[date, date, str]] = []

    def build(self) -> Iterator[dict[str, Any]]:
        self._organisations()
        scale = max(self.n_events, 60)
        for pool, count in (("victim", scale // 3), ("child", scale // 15), ("witness", scale // 10),
                            ("source", scale // 20), ("defender", scale // 24)):  # fmt: skip
            for _ in range(count):
                self._person(pool, self.rng.randrange(len(PROVINCES)))
        self._reports()
        events = [self._event(n, province, day) for n, (province, day)
                  in enumerate(self._calendar(), 1)]  # fmt: skip
        for person in self.wants_consent:
            seen = self.first_seen.get(person["ref"])
            given = _later(seen, 2, 90, self.rng) if seen else self._random_day()
            share = self.rng.sample(CONSENT_RECIPIENTS, self.rng.randint(1, 4))
            person["consent"] = {
                "use_in_case_file": True,
                "share_with": [c for c in CONSENT_RECIPIENTS if c in share],
                "given_on": given.isoformat(),
                "recorded_how": self.rng.choices(CONSENT_METHODS, (40, 30, 20, 10))[0]}
        yield from self.orgs
        yield from self.persons
        yield from self.sources
        yield from events

    def _random_day(self) -> date:
        return FIRST_DAY + timedelta(days=self.rng.randrange((LAST_DAY - FIRST_DAY).days + 1))

    def _organisations(self) -> None:
        for key, name, kind, parent, provinces, tag, aliases, text, bosses in ORGS:
            ref = f"{PREFIX}-O-{len(self.orgs) + 1:03d}"
            org: dict[str, Any] = {"type": "organisation", "ref": ref, "name": name, "kind": kind}
            parent_ref = self.org_by_key[parent]["ref"] if parent else ""
            if parent_ref:
                org["parent"] = parent_ref
            org.update(country=COUNTRY, aliases=list(aliases), description=text,
                       tlp="CLEAR" if kind == "ngo" else "GREEN")  # fmt: skip
            self.orgs.append(org)
            self.org_by_key[key] = org
            self.org_meta[ref] = (provinces, tag, parent_ref)
            for _ in range(bosses):
                boss = self._person("perpetrator", None, note=f"Reported commander in {name}.")
                self.commanders.setdefault(ref, []).append(boss["ref"])

    def _person(self, pool: str, province: int | None, note: str = "") -> dict[str, Any]:
        rng = self.rng
        sex = "male" if pool == "perpetrator" and rng.random() < 0.95 else rng.choice(SEXES)
        if pool == "child" and rng.random() < 0.3:
            sex = "male"
        while True:
            parts = (rng.choice(FEMALE if sex == "female" else MALE), rng.choice(MALE),
                     rng.choice(FAMILY))  # fmt: skip
            latin = " ".join(p[0] for p in parts)
            if latin not in self.names and parts[0] != parts[1]:
                break
        self.names.add(latin)
        ref = f"{PREFIX}-P-{len(self.persons) + 1:04d}"
        person: dict[str, Any] = {"type": "person", "ref": ref, "names": [
            {"value": latin, "script": "Latn", "kind": "full"},
            {"value": " ".join(p[1] for p in parts), "script": "Arab", "kind": "full"}],
            "sex": sex}  # fmt: skip
        age = {"child": rng.randint(5, 17), "perpetrator": rng.randint(34, 63)}.get(
            pool, rng.randint(18, 78))
        shape = rng.random()
        if shape < 0.65 or pool == "perpetrator":
            person["age"] = age
            if rng.random() < 0.3:
                birth = date(2024 - age, rng.randint(1, 12), rng.randint(1, 28))
                person["birth_date"] = _fmt(birth, rng.choice(("day", "day", "month", "year")))
        elif shape < 0.9:
            low = age - age % (5 if pool == "child" else 10)
            person.update(age_min=low, age_max=min(low + 4, 17) if pool == "child" else low + 9)
        person["nationality"] = COUNTRY
        if province is not None:
            group = MAJORITY[province] if rng.random() < 0.7 else rng.choice(MAJORITY)
            person["identities"] = {"ethnicity": group, "language": LANGUAGES[group],
                                    "religion": rng.choices(RELIGIONS, (50, 20, 20, 10))[0]}
            self.home[ref] = province
        roles = {"victim": ["victim"], "child": ["victim"], "witness": ["witness"],
                 "source": ["source"], "defender": ["defender"]}.get(pool, ["perpetrator"])
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
            pools = [pool] + (["witness"] if "witness" in roles and pool != "witness" else [])
            for name in pools:
                self.pools.setdefault(name, {}).setdefault(province, []).append(ref)
        return person

    def _pick(self, pool: str, province: int) -> str | None:
        by_province = self.pools.get(pool, {})
        local = by_province.get(province) or [r for refs in by_province.values() for r in refs]
        if not local:
            return None
        fresh = [r for r in local if r not in self.first_seen]
        return self.rng.choice(fresh if fresh and self.rng.random() < 0.9 else local)

    def _reports(self) -> None:
        for year in range(2019, 2026):
            for half, (first, last) in enumerate(((1, 6), (7, 12)), 1):
                start, end = date(year, first, 1), date(year, last, 30 if last == 6 else 31)
                published = end + timedelta(days=45)
                if published <= LAST_DAY:
                    title = (f"Independent Monitoring Commission on {COUNTRY_NAME}: periodic "
                             f"report {len(self.reports) + 1} ({'first' if half == 1 else 'second'}"
                             f" half of {year})")  # fmt: skip
                    ref = self._source("official_report", title, published, None)
                    self.reports.append((start, end, ref))

    def _source(self, kind: str, title: str, day: date, person: str | None) -> str:
        rng = self.rng
        ref = f"{PREFIX}-S-{len(self.sources) + 1:04d}"
        rel, cred = SOURCE_GRADES[kind]
        source: dict[str, Any] = {"type": "source", "ref": ref, "title": title,
                                  "source_type": kind,
                                  "reliability": rng.choices("ABCDEF", rel)[0],
                                  "credibility": rng.choices(range(1, 7), cred)[0],
                                  "obtained_on": day.isoformat()}  # fmt: skip
        if kind in ("media", "open_source"):
            host = "news.example.org" if kind == "media" else "archive.example.net"
            source["url"] = f"https://{host}/item/{rng.randrange(10**6):06d}"
        if person:
            source["person"] = person
            self.first_seen.setdefault(person, day)
        source["description"] = {
            "interview": "Interview conducted by the documentation team; notes kept in the vault.",
            "document": "Copy received from a trusted contact.",
            "official_report": "Public report of an independent monitoring body.",
        }.get(kind, "Public material archived by the team.")
        source["tlp"] = {"interview": rng.choice(("RED", "AMBER+STRICT")), "document": "AMBER",
                         "official_report": "CLEAR"}.get(kind, rng.choice(("CLEAR", "GREEN")))
        self.sources.append(source)
        return ref

    def _calendar(self) -> list[tuple[int, date]]:
        months = _month_index("2025-12") + 1
        cells = [(p, m) for p in range(len(PROVINCES)) for m in range(months)]
        weights = [0.5 if p == 3 else 1.0 for p, _ in cells]
        for province, first, last, extra in WAVES:
            for m in range(_month_index(first), _month_index(last) + 1):
                weights[province * months + m] += extra
        picked = self.rng.choices(cells, weights, k=self.n_events)
        days = []
        for province, m in picked:
            year, month = 2019 + m // 12, m % 12 + 1
            day = date(year, month, self.rng.randint(1, calendar.monthrange(year, month)[1]))
            days.append((province, day))
        return sorted(days, key=lambda item: (item[1], item[0]))

    def _event(self, number: int, province: int, day: date) -> dict[str, Any]:
        rng = self.rng
        keys = list(SCENARIOS)
        boost = {"defender": 5.0, "speech": 3.0} if province == 3 else {}
        key = rng.choices(keys, [SCENARIOS[k].weight * boost.get(k, 1.0) for k in keys])[0]
        scenario = SCENARIOS[key]
        pname, towns = PROVINCES[province]
        town, lat, lon = rng.choice(towns)
        perps = self._perpetrators(scenario.tags, province)
        actor = next(o["name"] for o in self.orgs if o["ref"] == perps[0]["organisation"])
        fill = {"town": town, "province": pname, "actor": actor,
                "facility": rng.choice(FACILITIES)}
        precision, approx = rng.choices((("day", False), ("month", False), ("day", True),
                                         ("month", True), ("year", False)),
                                        (70, 12, 8, 6, 4))[0]  # fmt: skip
        event: dict[str, Any] = {"type": "event", "ref": f"{PREFIX}-EV-{number:04d}",
                                 "title": rng.choice(scenario.titles).format(**fill),
                                 "description": "", "start": _fmt(day, precision, approx)}
        if precision == "day" and rng.random() < 0.25:
            event["end"] = _fmt(_later(day, 1, 12, rng), "day", approx)
        event["place"] = {"name": town, "country": COUNTRY, "admin_area": pname,
                          "lat": lat, "lon": lon}
        late = day >= date(2025, 7, 1)
        event["status"] = rng.choices(EVENT_STATUSES, (35, 45, 10, 7, 3) if late
                                      else (12, 30, 38, 13, 7))[0]  # fmt: skip
        event["tlp"] = rng.choices(TLP_LEVELS, (9, 13, 72, 0, 6))[0]
        sources = self._event_sources(province, town, pname, day)
        acts: list[dict[str, Any]] = []
        for act_type, chance, mode in scenario.acts:
            if len(acts) < 4 and (not acts or rng.random() < chance):
                acts.append(self._act(act_type, mode, province, town, day, perps, sources))
        event["acts"] = acts
        killed = sum(a["victim"].get("count", 0) for a in acts if a["act_type"] == "killing")
        text = [rng.choice(scenario.descriptions).format(**fill)]
        if killed:
            text.append(f"At least {killed} civilians were reported killed.")
        text.append(rng.choice(CLOSERS))
        event["description"] = " ".join(text)
        if sources:
            event["source_refs"] = sources
        if rng.random() < 0.28:
            event["interventions"] = [self._intervention(key, day) for _ in
                                      range(rng.choice((1, 1, 2)))]  # fmt: skip
        return event

    def _perpetrators(self, tags: str, province: int) -> list[dict[str, Any]]:
        rng = self.rng
        wanted = tags.split()
        matching = [r for r, (_, tag, _) in self.org_meta.items() if tag in wanted]
        local = [r for r in matching if self.org_meta[r][0] in ("*",)
                 or str(province) in self.org_meta[r][0]]  # fmt: skip
        main = rng.choice(local or matching)
        perps: list[dict[str, Any]] = [{"organisation": main, "involvement": "direct"}]
        helpers = [r for r, (provs, tag, _) in self.org_meta.items()
                   if tag in ("militia", "psc") and str(province) in provs and r != main]
        if helpers and rng.random() < 0.15:
            perps.append({"organisation": rng.choice(helpers), "involvement": "assisted"})
        parent = self.org_meta[main][2]
        if parent and rng.random() < 0.08:
            perps.append({"organisation": parent, "involvement": "failed_to_prevent"})
        if helpers and rng.random() < 0.05:
            perps.append({"organisation": rng.choice(helpers), "involvement": "incited"})
        if main in self.commanders and rng.random() < 0.3:
            perps.append({"person": rng.choice(self.commanders[main]), "involvement": "ordered"})
        return perps

    def _act(self, act_type: str, mode: str, province: int, town: str, day: date,
             perps: list[dict[str, Any]], sources: list[str]) -> dict[str, Any]:  # fmt: skip
        rng = self.rng
        victim: dict[str, Any] | None = None
        if mode != "group" and rng.random() < {"person": 0.7, "child": 0.5}.get(mode, 0.9):
            ref = self._pick("victim" if mode == "person" else mode, province)
            if ref:
                victim = {"person": ref}
                self.first_seen.setdefault(ref, day)
        if victim is None:
            label, low, high = GROUPS.get(act_type, ("Residents of {town}", 1, 20))
            if act_type in COMMUNITY_ACTS:
                label = rng.choice([g for g in LANGUAGES if g != MAJORITY[province]]) + \
                    " residents of {town}"
            victim = {"group": label.format(town=town), "count": rng.randint(low, high)}
        act: dict[str, Any] = {"act_type": act_type, "victim": victim,
                               "perpetrators": [dict(p) for p in perps]}
        if sources and rng.random() < 0.5:
            act["sources"] = [rng.choice(sources)]
        return act

    def _event_sources(self, province: int, town: str, pname: str, day: date) -> list[str]:
        rng = self.rng
        refs: list[str] = []
        for _ in range(rng.choices((0, 1, 2, 3), (15, 40, 30, 15))[0]):
            kind = rng.choices(SOURCE_TYPES, (40, 15, 15, 20, 10))[0]
            if kind == "official_report":
                ref = next((r for s, e, r in self.reports if s <= day <= e), None)
            else:
                pool = rng.choice(("witness", "witness", "source"))
                person = self._pick(pool, province) if kind == "interview" else None
                if kind == "interview" and person is None:
                    continue
                title = rng.choice(SOURCE_TITLES[kind]).format(town=town, province=pname)
                ref = self._source(kind, title, _later(day, 1, 120, rng), person)
            if ref and ref not in refs:
                refs.append(ref)
        return refs

    def _intervention(self, scenario: str, day: date) -> dict[str, Any]:
        rng = self.rng
        weights = [5 if (t == "urgent_appeal") == (scenario == "defender") else 2
                   for t in INTERVENTION_TYPES]  # fmt: skip
        kind = rng.choices(INTERVENTION_TYPES, weights)[0]
        on = _later(day, 1, 60, rng)
        if (LAST_DAY - on).days > 180:
            status = rng.choices(INTERVENTION_STATUSES, (3, 12, 85))[0]
        else:
            status = rng.choices(INTERVENTION_STATUSES, (45, 45, 10))[0]
        actor, text = INTERVENTIONS[kind]
        return {"type": kind, "on": on.isoformat(), "status": status, "actor": actor,
                "description": text}


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
