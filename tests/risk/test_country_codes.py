"""The COW-to-ISO table behind the forecast's countries and the ranking map."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tocsin.core.countries import COUNTRY_CODES
from tocsin.risk.country_codes import COW_TO_ISO, iso_for_cow, numeric_for_iso

EWP_TABLE = (
    Path(__file__).resolve().parents[3]
    / "shared/data/ewp/raw/sra2025/prepared2024predictors-2025-09-03.csv"
)


def test_every_code_is_an_iso_code_and_states_that_ended_have_none() -> None:
    assert all(code in COUNTRY_CODES for code in COW_TO_ISO.values() if code)
    assert iso_for_cow(652) == "SY"
    assert iso_for_cow(265) is None  # East Germany
    assert iso_for_cow(99999) is None


def test_numeric_codes_are_the_world_map_ids() -> None:
    assert numeric_for_iso("SY") == "760"
    assert numeric_for_iso("CD") == "180"
    assert numeric_for_iso("XK") is None


@pytest.mark.skipif(not EWP_TABLE.exists(), reason="../shared/data/ewp is not beside the repo")
def test_every_country_forecast_in_the_latest_year_has_an_iso_code() -> None:
    with EWP_TABLE.open(newline="") as handle:
        latest = {int(row["ccode"]) for row in csv.DictReader(handle) if row["year"] == "2024"}
    assert len(latest) > 150
    assert all(iso_for_cow(ccode) for ccode in latest)
