"""Import 2,000,000 ACLED-layout events and compute the area indicators, beside pandas.read_csv.

The events are generated here (seeded; every column of the public ACLED export, notes with
commas and quotes, zero-inflated fatalities) and cached as a CSV in the temp directory, so a
rerun skips the generation; the file is never committed. Each side runs in its own process and
reports its own wall time and peak resident memory (getrusage ru_maxrss):

- baseline: ``pandas.read_csv(file)``, default options: the bare read, nothing derived;
- Tocsin: ``import_events`` into a fresh DuckDB file, then ``indicators`` by admin1 and month
  (every area's latest window, perpetrator split and baseline trend).

Target (issue 6): import + indicators within 1.5x of the bare read, under 2 GB.
Figures go to benchmarks/results/events.json.

    python benchmarks/events.py [--events N] [--cache DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "events.json"
SEED = 7
HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
# (ISO3, ISO numeric, name, region, lat, lon, weight): countries where ACLED records much.
COUNTRIES = [
    ("SDN", 729, "Sudan", "Northern Africa", 15.0, 30.0, 8), ("UKR", 804, "Ukraine", "Europe",
    49.0, 32.0, 14), ("SYR", 760, "Syria", "Middle East", 35.0, 38.0, 12), ("MMR", 104, "Myanmar",
    "Southeast Asia", 21.0, 96.0, 9), ("COD", 180, "Democratic Republic of Congo",
    "Middle Africa", -2.0, 24.0, 7), ("NGA", 566, "Nigeria", "Western Africa", 9.0, 8.0, 7),
    ("MLI", 466, "Mali", "Western Africa", 17.0, -4.0, 3), ("BFA", 854, "Burkina Faso",
    "Western Africa", 12.0, -1.5, 4), ("SOM", 706, "Somalia", "Eastern Africa", 5.0, 46.0, 5),
    ("ETH", 231, "Ethiopia", "Eastern Africa", 9.0, 39.0, 4), ("YEM", 887, "Yemen",
    "Middle East", 15.5, 47.5, 8), ("AFG", 4, "Afghanistan", "Caspian", 34.0, 66.0, 4),
    ("PAK", 586, "Pakistan", "Southern Asia", 30.0, 70.0, 5), ("IND", 356, "India",
    "Southern Asia", 22.0, 79.0, 10), ("MEX", 484, "Mexico", "Central America", 23.0, -102.0,
    6), ("BRA", 76, "Brazil", "South America", -10.0, -52.0, 7), ("COL", 170, "Colombia",
    "South America", 4.0, -73.0, 4), ("IRQ", 368, "Iraq", "Middle East", 33.0, 44.0, 4),
    ("CMR", 120, "Cameroon", "Middle Africa", 6.0, 12.0, 3), ("CAF", 140,
    "Central African Republic", "Middle Africa", 7.0, 21.0, 2), ("SSD", 728, "South Sudan",
    "Eastern Africa", 7.0, 30.0, 2), ("HTI", 332, "Haiti", "Caribbean", 19.0, -72.5, 2),
    ("PSE", 275, "Palestine", "Middle East", 31.7, 35.0, 6), ("LBN", 422, "Lebanon",
    "Middle East", 33.9, 35.8, 2), ("MOZ", 508, "Mozambique", "Eastern Africa", -18.0, 35.0, 2),
    ("PHL", 608, "Philippines", "Southeast Asia", 12.0, 122.0, 4), ("BGD", 50, "Bangladesh",
    "Southern Asia", 24.0, 90.0, 4), ("NER", 562, "Niger", "Western Africa", 16.0, 8.0, 2),
]  # fmt: skip
TYPES: list[tuple[str, str, list[str], float]] = [
    ("Battles", "Political violence", ["Armed clash", "Government regains territory",
                                        "Non-state actor overtakes territory"], 0.22),
    ("Explosions/Remote violence", "Political violence", ["Shelling/artillery/missile attack",
     "Air/drone strike", "Remote explosive/landmine/IED", "Grenade"], 0.20),
    ("Violence against civilians", "Political violence", ["Attack", "Abduction/forced "
     "disappearance", "Sexual violence"], 0.18),
    ("Protests", "Demonstrations", ["Peaceful protest", "Protest with intervention",
                                     "Excessive force against protesters"], 0.26),
    ("Riots", "Demonstrations", ["Violent demonstration", "Mob violence"], 0.08),
    ("Strategic developments", "Strategic developments", ["Looting/property destruction",
     "Arrests", "Disrupted weapons use", "Agreement"], 0.06),
]  # fmt: skip
WORDS = [
    "reportedly", "village", "market", "forces", "convoy", "checkpoint", "residents", "displaced",
    "killed", "wounded", "attack", "armed", "men", "police", "arrested", "home", "district", "road",
    "clashes", "local", "sources", "said", "at", "least", "several", "unknown", "number", "women",
    "children", "elder", "detained", "near", "town",
]


def _actors(iso3: str, name: str) -> list[tuple[str, str]]:
    return [(f"Military Forces of {name} (2019-)", "1"), (f"Police Forces of {name} (2019-)",
            "1"), (f"{name} Liberation Front", "2"), (f"Unidentified Armed Group ({name})", "3"),
            (f"{iso3} Communal Militia", "4"), (f"Protesters ({name})", "6"),
            (f"Rioters ({name})", "5"), (f"Civilians ({name})", "7")]  # fmt: skip


def generate(path: Path, n: int, seed: int = SEED) -> None:
    rng = random.Random(seed)
    weights = [c[6] for c in COUNTRIES]
    areas = {c[0]: [(f"{c[2]} Region {a:02d}", [f"District {a:02d}-{b:02d}"
             for b in range(rng.randrange(4, 13))]) for a in range(rng.randrange(8, 30))]
             for c in COUNTRIES}  # fmt: skip
    actors = {c[0]: _actors(c[0], c[2]) for c in COUNTRIES}
    type_weights = [t[3] for t in TYPES]
    first, span = date(2018, 1, 1), (date(2024, 12, 31) - date(2018, 1, 1)).days
    serial: dict[str, int] = {}
    tmp = path.with_suffix(".part")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for _ in range(n):
            iso3, num, name, region, lat, lon, _w = rng.choices(COUNTRIES, weights)[0]
            event_type, disorder, subs, _tw = rng.choices(TYPES, type_weights)[0]
            admin1, districts = rng.choice(areas[iso3])
            admin2 = rng.choice(districts)
            day = first + timedelta(days=min(span, int(span * rng.random() ** 0.8)))
            pool = actors[iso3]
            if event_type == "Violence against civilians":
                a1, i1 = pool[rng.choice((0, 1, 2, 3, 3, 4))]
                a2, i2 = pool[7]
            elif event_type in ("Protests", "Riots"):
                a1, i1 = pool[5 if event_type == "Protests" else 6]
                a2, i2 = (pool[1] if rng.random() < 0.3 else ("", "0"))
            else:
                a1, i1 = pool[rng.randrange(0, 5)]
                a2, i2 = pool[rng.randrange(0, 5)]
            targeted = event_type == "Violence against civilians" or (
                event_type == "Explosions/Remote violence" and rng.random() < 0.2)
            if event_type in ("Protests", "Strategic developments"):
                dead = 0
            else:
                dead = 0 if rng.random() < 0.55 else int(rng.expovariate(1 / 4)) + 1
            serial[iso3] = serial.get(iso3, 0) + 1
            words = " ".join(rng.choices(WORDS, k=rng.randrange(12, 50)))
            notes = (f"On {day.day} {day:%B %Y}, {a1} {words}, in {admin2} ({admin1})."
                     + (f' Reported as "{rng.choice(WORDS)}".' if rng.random() < 0.2 else "")
                     + f" [fatalities={dead}]")  # fmt: skip
            out.writerow([
                f"{iso3}{serial[iso3]}", day.isoformat(), day.year, rng.choice("1112"),
                disorder, event_type, rng.choice(subs), a1, "", i1, a2, "", i2,
                f"{i1}{i2}" if i2 != "0" else f"{i1}0",
                "Civilian targeting" if targeted else "", num, region, name, admin1, admin2,
                "", f"{admin2} town", round(lat + rng.uniform(-4, 4), 4),
                round(lon + rng.uniform(-4, 4), 4), rng.choice("1112"),
                rng.choice(("Local media", "Reuters; Local media", "Radio station", "Twitter")),
                rng.choice(("National", "Subnational", "Local partner-National", "Other")),
                notes, dead, "crowd size=no report" if event_type == "Protests" else "",
                1_600_000_000 + rng.randrange(100_000_000),
            ])  # fmt: skip
    tmp.replace(path)


PANDAS = """
import json, resource, sys, time
import pandas as pd
started = time.perf_counter()
frame = pd.read_csv(sys.argv[1])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rows": len(frame),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

TOCSIN = """
import json, resource, sys, time
from pathlib import Path
from tocsin.core.access import Actor
from tocsin.core.roles import Role
from tocsin.risk.events import Level, Window, import_events, indicators
from tocsin.risk.events.area_indicators import spikes
actor = Actor("bench", "bench@example.org", Role.ADMIN)
started = time.perf_counter()
report = import_events(actor, Path(sys.argv[1]), Path(sys.argv[2]))
imported = time.perf_counter()
areas = indicators(Path(sys.argv[2]), level=Level.ADMIN1, window=Window.MONTH)
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import_s": imported - started, "indicators_s": done - imported,
                  "rows": report.added, "areas": len(areas), "peak_mb": peak,
                  "spikes": len(spikes(Path(sys.argv[2])))}))
"""


def child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"child failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "tocsin-bench")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    source = args.cache / f"acled-{args.events}-seed{SEED}.csv"
    if not source.exists():
        started = time.perf_counter()
        print(f"generating {args.events:,} events into {source} ...", flush=True)
        generate(source, args.events)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)
    size_mb = source.stat().st_size / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        pandas = child(PANDAS, str(source))
        ours = child(TOCSIN, str(source), str(Path(tmp) / "events.duckdb"))
    assert pandas["rows"] == ours["rows"] == args.events, (pandas, ours)
    total = ours["import_s"] + ours["indicators_s"]
    print(f"\n{args.events:,} ACLED-layout events, {size_mb:,.0f} MB CSV")
    print(f"{'':38}{'seconds':>10}{'peak MB':>10}")
    print(f"{'pandas.read_csv (bare read)':38}{pandas['seconds']:>10.2f}{pandas['peak_mb']:>10.0f}")
    print(f"{'Tocsin import':38}{ours['import_s']:>10.2f}")
    print(f"{'Tocsin indicators (admin1, monthly)':38}{ours['indicators_s']:>10.2f}")
    print(f"{'Tocsin import + indicators':38}{total:>10.2f}{ours['peak_mb']:>10.0f}")
    print(f"ratio to the bare read: {total / pandas['seconds']:.2f}x (target <= 1.5x); "
          f"{ours['areas']:,} areas, {ours['spikes']} spikes")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    figures = {
        "events": args.events,
        "import_s": round(ours["import_s"], 2),
        "pandas_read_s": round(pandas["seconds"], 2),
        "peak_mb": round(ours["peak_mb"]),
        "indicators_s": round(ours["indicators_s"], 2),
        "import_indicators_s": round(total, 2),
        "ratio_to_pandas": round(total / pandas["seconds"], 2),
        "pandas_peak_mb": round(pandas["peak_mb"]),
        "csv_mb": round(size_mb),
        "areas": ours["areas"],
    }
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
