"""Small builders for horizon-scan tests: forecast runs written as rows (the model itself is
tested elsewhere), approved assessments made through the workflow, an ACLED-layout event file."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update
from tests.risk.test_events import ACLED_HEADER, acled, write
from tests.seeding import Seeder

from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.db import Database
from tocsin.core.tlp import TLP
from tocsin.risk.assessments import approve
from tocsin.risk.country_codes import COW_TO_ISO
from tocsin.risk.events import import_events
from tocsin.risk.forecast_tables import CountryForecast, ForecastRun, RiskModel
from tocsin.risk.models import RiskAssessment

CCODE: dict[str, int] = {}
for _ccode, _alpha2 in COW_TO_ISO.items():
    if _alpha2 is not None:
        CCODE.setdefault(_alpha2, _ccode)
# Forty real countries in a fixed order; tests give them probabilities.
COUNTRIES = sorted(CCODE)[:40]

CARD: dict[str, Any] = {
    "model": "test-design",
    "description": "a design written for tests",
    "target": "onset of a mass killing in year t+1 or t+2",
    "data": {"file": "country-years.csv", "sha256": "ab" * 32, "years": [1960, 2024],
             "rows": 9000, "countries": 170},
    "period": {"forecasts_from": 2024, "training_years": [1960, 2022], "training_rows": 8800,
               "training_onsets": 120},
    "predictors": ["battledeaths.log2"],
    "derived_features": {},
    "missing_values": "Gaps take the country's last earlier value.",
    "components": [{"learner": "logit", "weight": 1.0, "params": {}}],
    "calibration": {"method": "platt"},
    "protocol": "Fit on years up to t-2, forecast from t.",
    "design_choice": "Chosen on a development backtest of 1975-1993.",
    "training_seconds": 1.5,
    "trained_at": "2025-01-01T00:00:00+00:00",
    "library_versions": {"numpy": "2"},
    "backtest": {"design": "test-design", "onsets": [1994, 2024],
                 "metrics": {"auc": 0.88, "top_share": 0.86, "top": 30, "onsets": 50,
                             "onsets_in_top": 43, "brier": 0.02, "scored": 5000,
                             "brier_2y": 0.03, "forecasts_2y": 5000, "train_s": 2.0},
                 "expected_calibration_error": 0.01, "seconds": 30.0,
                 "baseline": {"auc": 0.825, "top_share": 0.69}},
}  # fmt: skip

UP = {"feature": "battledeaths.log2", "description": "battle deaths in armed conflict, log2",
      "value": 9.0, "filled": False, "log_odds": 1.2, "probability_effect": 0.03,
      "direction": "up"}  # fmt: skip
DOWN = {"feature": "popsize.log2", "description": "population, log2", "value": 20.0,
        "filled": True, "log_odds": -0.4, "probability_effect": -0.01,
        "direction": "down"}  # fmt: skip


def forecast_run(
    db: Database,
    probabilities: dict[str, float],
    days_ago: int,
    tlp: TLP = TLP.CLEAR,
    year: int = 2024,
    created_by: str | None = None,
) -> str:
    """A stored run of these countries' probabilities, made ``days_ago`` days ago; its id."""
    ordered = sorted(probabilities.items(), key=lambda kv: (-kv[1], kv[0]))
    with db.session() as s:
        model = RiskModel(trained_until=year, data_name="country-years.csv",
                          data_path="/nowhere/country-years.csv", data_sha256="ab" * 32,
                          parameters={}, card=CARD, train_seconds=1.5)  # fmt: skip
        s.add(model)
        s.flush()
        run = ForecastRun(model_id=model.id, year=year, countries=len(ordered), tlp=int(tlp),
                          created_by=created_by,
                          created_at=utcnow() - timedelta(days=days_ago))  # fmt: skip
        s.add(run)
        s.flush()
        s.add_all(
            CountryForecast(run_id=run.id, ccode=CCODE[code], country=code, name=f"Name {code}",
                            probability=p, rank=rank, explanation=[UP, DOWN])
            for rank, (code, p) in enumerate(ordered, start=1)
        )  # fmt: skip
        return run.id


def approved(
    db: Database,
    author: Actor,
    approver: Actor,
    country: str,
    ratings: list[dict[str, Any]],
    as_of: str = "2025-06-30",
    approved_days_ago: int = 0,
    **kw: Any,
) -> str:
    """An assessment written by ``author`` and approved by ``approver``; its id."""
    rec = Seeder(db, author).assessment_in_review(country=country, as_of=as_of, ratings=ratings,
                                                  **kw)  # fmt: skip
    with db.session() as s:
        approve(s, approver, rec.id)
    if approved_days_ago:
        when = utcnow() - timedelta(days=approved_days_ago)
        with db.session() as s:
            s.execute(update(RiskAssessment).where(RiskAssessment.id == rec.id)
                      .values(approved_at=when))  # fmt: skip
    return rec.id


LOW = [{"indicator": "RF1.1", "rating": "present", "confidence": "medium"}]
HIGH = [{"indicator": "RF9.1", "rating": "serious", "confidence": "high"}]


def event_file(path: Path, actor: Actor, latest: date | None = None) -> Path:
    """Killings of civilians in Sudan: North Darfur quiet for a year then six in the last
    month (a spike), South Darfur one a month throughout (no spike)."""
    latest = latest or (utcnow() - timedelta(days=3)).date()
    rows = []
    for n in range(6):
        rows.append(acled(n, latest.isoformat(), admin1="North Darfur"))
    for month in range(12):
        day = latest - timedelta(days=30 * month + 1)
        rows.append(acled(100 + month, day.isoformat(), admin1="South Darfur", admin2="Nyala"))
    csv_file = write(path.parent / "acled.csv", ACLED_HEADER, rows)
    import_events(actor, csv_file, path)
    return path

