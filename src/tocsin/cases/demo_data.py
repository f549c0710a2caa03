"""The invented world of the demo dataset: places, names, organisations and event templates.

Tables only, standard library only; ``tocsin.cases.demo`` turns them into records. Everything
here is invented (see that module). The tables are laid out by hand to stay readable, so the
formatter is switched off for them.
"""

from __future__ import annotations

from datetime import date


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
