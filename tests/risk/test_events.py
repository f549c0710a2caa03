"""Event data: ACLED and UCDP GED imports into DuckDB, and the area indicators drawn from them.

Every file here is written by the test in the datasets' real column layouts; no real data.
"""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.core.access import Actor
from tocsin.core.errors import Forbidden, ValidationFailed
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.risk.events import (
    Level,
    Perpetrator,
    Scope,
    Window,
    import_events,
    indicators,
    series,
    spikes,
)
from tocsin.risk.events.baseline import poisson_tail, trend

ACLED_HEADER = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
UCDP_HEADER = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
]

ANALYST = Actor("u-analyst", "analyst@example.org", Role.ANALYST)
VAC = "Violence against civilians"


def acled(n: int, day: str, **kw: Any) -> dict[str, Any]:
    """One ACLED row: a killing of civilians by state forces in Sudan unless told otherwise."""
    row = {c: "" for c in ACLED_HEADER}
    row.update(event_id_cnty=f"SDN{n}", event_date=day, year=day[:4], time_precision="1",
               disorder_type="Political violence", event_type=VAC, sub_event_type="Attack",
               actor1="Military Forces of Sudan", inter1="1", actor2="Civilians (Sudan)",
               inter2="7", iso="729", region="Northern Africa", country="Sudan",
               admin1="North Darfur", admin2="El Fasher", location="El Fasher",
               latitude="13.6", longitude="25.3", source="Local press",
               notes='Soldiers fired on a market, "several" killed, 3 dead', fatalities="3",
               timestamp="1704800000")  # fmt: skip
    row.update(kw)
    return row


def acled_csv(rows: Iterable[dict[str, Any]]) -> bytes:
    """An ACLED export's bytes, as an upload would carry them."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def write(path: Path, header: list[str], rows: Iterable[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.DictWriter(f, fieldnames=header)
        out.writeheader()
        out.writerows(rows)
    return path


def rows_of(db: Path, sql: str = "SELECT * FROM events ORDER BY source_id") -> list[Any]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def count(db: Path) -> int:
    return int(rows_of(db, "SELECT count(*) FROM events")[0][0])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "events.duckdb"


# ---- import --------------------------------------------------------------------------------


def test_acled_rows_land_in_the_common_table_with_the_documented_rules(
    tmp_path: Path, db: Path
) -> None:
    rows = [
        acled(1, "2024-01-05"),
        # Newer exports spell the inter codes out; the date style of the export tool.
        acled(2, "15 January 2024", event_type="Battles", inter1="Rebel group", actor1="RSF",
              fatalities="10"),
        # Civilian targeting inside another event type counts too; identity militia.
        acled(3, "2024-01-20", event_type="Explosions/Remote violence", inter1="4",
              civilian_targeting="Civilian targeting", fatalities="0"),
        # Kosovo: no ISO numeric code, resolved by name.
        acled(4, "2024-02-01", iso="0", country="Kosovo", inter1="External/Other forces",
              time_precision="3", admin2="", notes="line one\nline two"),
    ]  # fmt: skip
    report = import_events(ANALYST, write(tmp_path / "a.csv", ACLED_HEADER, rows), db)
    assert (report.dataset, report.rows, report.added, report.replaced) == ("acled", 4, 4, 0)
    got = {r[1]: r for r in rows_of(db)}
    cols = [r[0] for r in rows_of(db, "DESCRIBE events")]
    one, two, three, four = (dict(zip(cols, got[f"SDN{i}"], strict=True)) for i in range(1, 5))
    assert one["country"] == "SDN" and one["country_alpha2"] == "SD" and one["tlp"] == TLP.CLEAR
    assert one["event_date"] == date(2024, 1, 5) and one["date_precision"] == "day"
    assert (one["against_civilians"], one["perpetrator"], one["fatalities"]) == (
        True, Perpetrator.STATE_FORCES, 3)  # fmt: skip
    assert (two["event_date"], two["against_civilians"], two["perpetrator"]) == (
        date(2024, 1, 15), False, Perpetrator.REBELS)  # fmt: skip
    assert (three["against_civilians"], three["perpetrator"]) == (True, Perpetrator.MILITIAS)
    assert (four["country"], four["perpetrator"], four["date_precision"]) == (
        "XKX", Perpetrator.OTHER, "month")  # fmt: skip
    assert four["admin2"] is None


def test_ucdp_one_sided_violence_is_violence_against_civilians(tmp_path: Path, db: Path) -> None:
    def ucdp(n: int, kind: str, side_a: str, best: str, **kw: str) -> dict[str, str]:
        row = {c: "" for c in UCDP_HEADER}
        row.update(id=str(n), type_of_violence=kind, side_a=side_a, side_b="Civilians",
                   country="DR Congo (Zaire)", country_id="490", adm_1="Ituri province",
                   adm_2="Djugu territory", date_start="2023-05-02 00:00:00.000", date_prec="1",
                   best=best, latitude="1.9", longitude="30.5")  # fmt: skip
        row.update(kw)
        return row

    rows = [
        ucdp(101, "3", "CODECO", "12"),
        ucdp(102, "3", "Government of DR Congo (Zaire)", "4", date_prec="4"),
        ucdp(103, "1", "Government of DR Congo (Zaire)", "30", date_start="2023-05-09"),
        ucdp(104, "3", "ADF", "5", country_id="", country="Myanmar (Burma)"),
    ]
    report = import_events(ANALYST, write(tmp_path / "ged.csv", UCDP_HEADER, rows), db, "auto")
    assert (report.dataset, report.added) == ("ucdp", 4)
    got = {r[1]: r for r in rows_of(db)}
    assert got["101"][4] == "COD" and got["101"][7:9] == ("Ituri province", "Djugu territory")
    assert [got[i][13] for i in ("101", "102", "103")] == [True, True, False]
    assert [got[i][14] for i in ("101", "102", "103")] == [
        Perpetrator.NON_STATE, Perpetrator.STATE_FORCES, Perpetrator.STATE_FORCES]  # fmt: skip
    assert [got[i][16] for i in ("101", "102", "103")] == [12, 4, 30]
    assert got["102"][3] == "month" and got["103"][2] == date(2023, 5, 9)
    assert got["104"][4] == "MMR"  # by name when the state number is missing


def test_reimport_replaces_and_never_duplicates(tmp_path: Path, db: Path) -> None:
    first = [acled(i, "2024-03-01") for i in range(1, 6)]
    path = write(tmp_path / "a.csv", ACLED_HEADER, first)
    import_events(ANALYST, path, db)
    again = import_events(ANALYST, path, db)
    assert (again.added, again.replaced, count(db)) == (0, 5, 5)
    # An updated export: event 2 revised (later timestamp), event 6 new, a stale copy of 3.
    updated = [
        acled(2, "2024-03-01", fatalities="9", timestamp="1704900000"),
        acled(6, "2024-03-02"),
        acled(3, "2024-03-01", fatalities="99", timestamp="1704000000"),
    ]
    report = import_events(ANALYST, write(tmp_path / "b.csv", ACLED_HEADER, updated), db)
    assert (report.added, report.replaced, report.kept_newer) == (1, 1, 1)
    fatalities = dict(rows_of(db, "SELECT source_id, fatalities FROM events"))
    assert count(db) == 6 and fatalities["SDN2"] == 9 and fatalities["SDN3"] == 3
    # Two rows with one id in a file: one row kept, the later one.
    twice = [acled(7, "2024-03-03", fatalities="1"), acled(7, "2024-03-03", fatalities="2")]
    report = import_events(ANALYST, write(tmp_path / "c.csv", ACLED_HEADER, twice), db)
    assert report.duplicates_in_file == 1 and count(db) == 7
    assert dict(rows_of(db, "SELECT source_id, fatalities FROM events"))["SDN7"] == 2


def test_a_bad_file_is_refused_whole_with_the_column_and_line(tmp_path: Path, db: Path) -> None:
    good = write(tmp_path / "good.csv", ACLED_HEADER, [acled(1, "2024-01-01")])
    import_events(ANALYST, good, db)
    before = rows_of(db)
    bad_date = [acled(1, "2024-01-01", fatalities="40"), acled(2, "2024-01-02"),
                acled(3, "2024-13-45"), acled(4, "2024-01-04", fatalities="many")]  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        import_events(ANALYST, write(tmp_path / "bad.csv", ACLED_HEADER, bad_date), db)
    problems = {(p.field, p.message) for p in caught.value.errors}
    assert ("event_date", "line 4: cannot read '2024-13-45' as a date "
            "(expected YYYY-MM-DD or '15 January 2024')") in problems  # fmt: skip
    assert any(f == "fatalities" and m.startswith("line 5: 'many'") for f, m in problems)
    assert rows_of(db) == before  # the good row of the bad file changed nothing either

    header = [c for c in ACLED_HEADER if c != "fatalities"]
    missing = [{k: v for k, v in acled(9, "2024-01-01").items() if k != "fatalities"}]
    with pytest.raises(ValidationFailed) as caught:
        import_events(ANALYST, write(tmp_path / "cols.csv", header, missing), db, "acled")
    assert [p.field for p in caught.value.errors] == ["fatalities"]
    with pytest.raises(ValidationFailed) as caught:
        import_events(ANALYST, write(tmp_path / "x.csv", ["a", "b"], [{"a": 1, "b": 2}]), db)
    assert caught.value.errors[0].field == "layout"
    broken = tmp_path / "broken.csv"
    broken.write_text(",".join(ACLED_HEADER) + '\nSDN5,"2024-01-01,unterminated\n')
    with pytest.raises(ValidationFailed) as caught:
        import_events(ANALYST, broken, db)
    assert caught.value.errors[0].field == "file"
    assert "line 2" in caught.value.errors[0].message and "quote" in caught.value.errors[0].message
    assert rows_of(db) == before


def test_semicolons_a_byte_order_mark_and_gzip_are_read(tmp_path: Path, db: Path) -> None:
    path = tmp_path / "export.csv.gz"
    with gzip.open(path, "wt", newline="", encoding="utf-8-sig") as f:
        out = csv.DictWriter(f, fieldnames=ACLED_HEADER, delimiter=";")
        out.writeheader()
        out.writerows([acled(1, "2024-01-01", notes="a; b, c"), acled(2, "2024-01-02")])
    report = import_events(ANALYST, path, db)
    assert (report.dataset, report.added) == ("acled", 2)
    assert rows_of(db, "SELECT source_id, country FROM events ORDER BY 1") == [
        ("SDN1", "SDN"), ("SDN2", "SDN")]  # fmt: skip


def test_only_assessors_import(tmp_path: Path, db: Path) -> None:
    documenter = Actor("u-doc", "doc@example.org", Role.DOCUMENTER)
    with pytest.raises(Forbidden):
        import_events(documenter, write(tmp_path / "a.csv", ACLED_HEADER, [acled(1, "2024-01-01")]),
                      db)  # fmt: skip
    assert not db.exists() or count(db) == 0


def test_progress_is_reported_by_stage(tmp_path: Path, db: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    path = write(tmp_path / "a.csv", ACLED_HEADER, [acled(1, "2024-01-01")])
    import_events(ANALYST, path, db, progress=lambda *a: seen.append(a))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "reading" and stages[-1] == "writing" and "checking" in stages
    assert seen[-1] == ("writing", 100, 100)


# ---- indicators ----------------------------------------------------------------------------


def months(last: date, n: int) -> list[date]:
    out = [last.replace(day=1)]
    while len(out) < n:
        out.append((out[-1] - timedelta(days=1)).replace(day=1))
    return out[::-1]


@pytest.fixture
def two_areas(tmp_path: Path, db: Path) -> Path:
    """North Darfur: one killing a month for a year, then 8 in June 2024 (a spike).
    Khartoum: three a month throughout, one of them by a rebel group (no spike)."""
    rows, n = [], 0
    for m in months(date(2024, 6, 1), 13):
        darfur = 8 if m == date(2024, 6, 1) else 1
        for _ in range(darfur):
            n += 1
            rows.append(acled(n, (m + timedelta(days=9)).isoformat(), fatalities="2"))
        for k in range(3):
            n += 1
            rows.append(acled(n, (m + timedelta(days=3)).isoformat(), admin1="Khartoum",
                              inter1="2" if k == 0 else "1", fatalities="1"))  # fmt: skip
    n += 1  # a battle: not violence against civilians, never counted
    rows.append(acled(n, "2024-06-20", event_type="Battles", fatalities="50"))
    import_events(ANALYST, write(tmp_path / "areas.csv", ACLED_HEADER, rows), db)
    return db


def test_indicators_count_by_area_perpetrator_and_baseline(two_areas: Path) -> None:
    found = {i.area.admin1: i for i in indicators(two_areas, level=Level.ADMIN1)}
    darfur, khartoum = found["North Darfur"], found["Khartoum"]
    assert darfur.latest_start == date(2024, 6, 1) and darfur.period_end == date(2024, 6, 20)
    assert (darfur.latest.total.events, darfur.latest.total.fatalities) == (8, 16)
    assert darfur.trend.baseline_windows == 12 and darfur.trend.baseline_mean == 1.0
    assert darfur.trend.ratio == 8.0
    assert darfur.period.total.events == 12 + 8 and darfur.period_start == date(2023, 6, 1)
    assert khartoum.latest.by_perpetrator[Perpetrator.REBELS].events == 1
    assert khartoum.latest.by_perpetrator[Perpetrator.STATE_FORCES].events == 2
    assert khartoum.trend.ratio == 1.0 and khartoum.trend.p_value > 0.3
    country = indicators(two_areas, level=Level.COUNTRY)
    assert [(i.area.country, i.latest.total.events) for i in country] == [("SDN", 11)]
    assert country[0].area.country_alpha2 == "SD"


def test_spikes_pick_the_area_above_its_own_baseline(two_areas: Path) -> None:
    found = spikes(two_areas)
    assert [s.area.admin1 for s in found] == ["North Darfur"]
    assert found[0].trend.p_value < 1e-4
    assert spikes(two_areas, min_events=9) == []
    assert spikes(two_areas, min_ratio=9) == []
    # A month earlier the same area was at its baseline.
    assert spikes(two_areas, end=date(2024, 5, 31)) == []
    assert spikes(two_areas, scope=Scope(country="SD"))[0].area.admin1 == "North Darfur"
    assert spikes(two_areas, scope=Scope(country="TCD")) == []
    assert spikes(two_areas, scope=Scope(datasets=["ucdp"])) == []


def test_series_are_dense_and_weeks_start_on_monday(two_areas: Path) -> None:
    lines = series(two_areas, level=Level.ADMIN1, window=Window.MONTH, windows=13,
                   scope=Scope(admin1="North Darfur"))  # fmt: skip
    assert len(lines) == 1
    points = lines[0].points
    assert [p.start for p in points] == months(date(2024, 6, 1), 13)
    assert [p.total.events for p in points] == [1] * 12 + [8]
    weekly = series(two_areas, window=Window.WEEK, start=date(2024, 5, 1), end=date(2024, 6, 30),
                    scope=Scope(admin1="North Darfur"))[0].points  # fmt: skip
    assert all(p.start.weekday() == 0 for p in weekly)
    assert sum(p.total.events for p in weekly) == 9 and min(p.total.events for p in weekly) == 0


def test_rows_above_the_readers_clearance_are_not_counted(tmp_path: Path, db: Path) -> None:
    public = write(tmp_path / "p.csv", ACLED_HEADER, [acled(1, "2024-01-02")])
    licensed = write(tmp_path / "l.csv", ACLED_HEADER,
                     [acled(2, "2024-01-03", fatalities="7")])  # fmt: skip
    import_events(ANALYST, public, db)
    import_events(ANALYST, licensed, db, tlp=TLP.AMBER)
    seen = {t: indicators(db, level=Level.COUNTRY, scope=Scope(max_tlp=t))[0].latest.total
            for t in (TLP.CLEAR, TLP.GREEN, TLP.AMBER)}  # fmt: skip
    assert [(s.events, s.fatalities) for s in seen.values()] == [(1, 3), (1, 3), (2, 10)]


def test_empty_store_answers_with_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    assert indicators(missing) == [] and spikes(missing) == [] and series(missing) == []
    assert not missing.exists()


# ---- the rule against plain references ----------------------------------------------------


@pytest.mark.parametrize(
    "x,rate", [(0, 1.0), (1, 0.5), (3, 1.0), (8, 1.0), (20, 6.5), (40, 0.25), (900, 1000.0)]
)
def test_poisson_tail_matches_the_sum_of_the_mass_function(x: int, rate: float) -> None:
    # The plain reference: the mass function summed term by term in 60-digit decimals.
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        term, upper, lam = (-Decimal(rate)).exp(), Decimal(0), Decimal(rate)
        for k in range(x + 2000):
            if k >= x:
                upper += term
            term = term * lam / (k + 1)
    assert poisson_tail(x, rate) == pytest.approx(float(upper), rel=1e-9, abs=0)


def test_an_area_with_no_history_is_floored_at_one_event_per_baseline() -> None:
    quiet = trend(2, [0] * 12)
    assert quiet.expected == pytest.approx(1 / 12) and quiet.ratio == pytest.approx(24)
    assert trend(0, [0] * 12).p_value == 1.0


# Generated ACLED rows: counts and fatalities by area must equal a plain count in Python.
_row = st.tuples(
    st.sampled_from(["North Darfur", "Khartoum", ""]),
    st.dates(date(2024, 1, 1), date(2024, 3, 31)),
    st.sampled_from(["1", "2", "3", "4", "7", "State forces", "Rebel group", "Identity militia"]),
    st.sampled_from([VAC, "Battles", "Protests"]),
    st.integers(0, 500),
)


@settings(max_examples=15, deadline=None)
@given(st.lists(_row, min_size=1, max_size=40))
def test_indicators_match_a_plain_count(generated: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "events.duckdb"
        rows = [acled(i, d.isoformat(), admin1=a, inter1=inter, event_type=kind, fatalities=str(f))
                for i, (a, d, inter, kind, f) in enumerate(generated)]  # fmt: skip
        import_events(ANALYST, write(Path(tmp) / "h.csv", ACLED_HEADER, rows), db)
        found = indicators(db, level=Level.ADMIN1, start=date(2024, 1, 1), end=date(2024, 3, 31))
    got = {i.area.admin1: i.period.total for i in found}
    expected: dict[str | None, tuple[int, int]] = {}
    for a, _, _, kind, f in generated:
        if kind == VAC:
            n, dead = expected.get(a or None, (0, 0))
            expected[a or None] = (n + 1, dead + f)
    assert {k: (t.events, t.fatalities) for k, t in got.items()} == expected


def test_public_names_load_and_the_rules_are_documented() -> None:
    import tocsin.risk.events as package
    from tocsin.cli_risk_events import events_app
    from tocsin.risk.events import LAYOUTS

    assert all(getattr(package, name) is not None for name in package.__all__)
    doc = (Path(__file__).parents[2] / "docs" / "risk-events.md").read_text()
    for perpetrator in Perpetrator:
        assert f"`{perpetrator.value}`" in doc
    for layout in LAYOUTS.values():
        assert f"`{layout.name}`" in doc
        assert all(f"`{column}`" in doc for column in (*layout.required, *layout.optional))
    for command in events_app.registered_commands:
        assert f"tocsin risk events {command.name}" in doc
