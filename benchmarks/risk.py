"""Statistical forecast (issue 6): EWP's rolling backtest of onsets 1994-2024 on EWP's own table,
Tocsin's model beside the Early Warning Project's own pseudo-out-of-sample forecasts.

Both sides are scored by the same code (``tocsin.risk.forecast.metrics``): ROC AUC of the higher
of the two forecasts over every scored country-year, the share of onsets whose country ranked in
the top 30 of either forecast (EWP's ``minrank2 <= 30``), the Brier score of that forecast
against the onset, and our training time. EWP's side comes from FOOSforecasts_3Sep2025.csv in
the same folder. A second Tocsin line, the ridge logit on EWP's 39 predictors alone ("logit"),
shows how much comes from the protocol and data handling rather than the chosen design.

The data are read from ../shared/data/ewp beside the repository (never copied into it).

    python benchmarks/risk.py                 # writes benchmarks/results/risk.json
    python benchmarks/risk.py --no-reference  # skip the logit reference line
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tocsin.risk.forecast import (
    DEFAULT_DESIGN,
    BacktestMetrics,
    BacktestResult,
    backtest,
    ewp_foos_metrics,
    rank_descending,
    read_table,
)

EWP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ewp" / "raw" / "sra2025"
TABLE = EWP / "prepared2024predictors-2025-09-03.csv"
FOOS = EWP / "FOOSforecasts_3Sep2025.csv"
RESULTS = Path(__file__).parent / "results" / "risk.json"
CONSOLE = Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def run(table: Any, design: str, start: int, end: int) -> BacktestResult:
    with Progress(
        TextColumn(f"backtest {design}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=CONSOLE, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("years", total=end - start + 1)
        return backtest(
            table, start, end, design=design,
            progress=lambda done, total, year: bar.update(task, completed=done, total=total),
        )  # fmt: skip


def foos_rank_agreement() -> float:
    """Share of FOOS forecasts whose rank_prev equals our ranking of its risk_prev in that year:
    the check that our rank is EWP's."""
    foos = pd.read_csv(FOOS).dropna(subset=["risk_prev"])
    same = 0
    for _, year in foos.groupby("year"):
        ours = rank_descending(year["risk_prev"].to_numpy())
        same += int((ours == year["rank_prev"].to_numpy()).sum())
    return same / len(foos)


def metrics_table(columns: dict[str, BacktestMetrics]) -> Table:
    table = Table(title="Onsets 1994-2024, EWP's protocol")
    table.add_column("")
    for name in columns:
        table.add_column(name, justify="right")
    rows = [
        ("ROC AUC", lambda m: f"{m.auc:.3f}"),
        ("onsets in top 30", lambda m: f"{m.onsets_in_top}/{m.onsets} = {m.top_share:.1%}"),
        ("Brier (max of 2 vs onset)", lambda m: f"{m.brier:.5f}"),
        ("Brier (2-year forecast)", lambda m: f"{m.brier_2y:.5f}"),
        ("scored country-years", lambda m: f"{m.scored:,}"),
        ("training time", lambda m: f"{m.train_s:.1f} s" if m.train_s else "-"),
    ]
    for label, show in rows:
        table.add_row(label, *(show(m) for m in columns.values()))
    return table


def onset_table(ours: BacktestResult) -> Table:
    foos = pd.read_csv(FOOS)
    ewp = foos[foos["mk_onset"] == 1].set_index(["ccode", "year"])["minrank2"]
    table = Table(title="Every onset: best rank of the two forecasts (top 30 in bold)")
    for column in ("year", "country", "Tocsin", "EWP"):
        table.add_column(column, justify="right" if column in ("Tocsin", "EWP") else "left")
    for onset in ours.onsets():
        theirs = ewp.get((onset.ccode, onset.year), np.nan)
        table.add_row(
            str(onset.year), onset.country, _rank(onset.min_rank), _rank(theirs),
        )  # fmt: skip
    return table


def _rank(value: float) -> str:
    if value != value:
        return "-"
    return f"[bold]{int(value)}[/bold]" if value <= 30 else str(int(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", type=int, default=1994)
    parser.add_argument("--to", dest="end", type=int, default=2024)
    parser.add_argument("--design", default=DEFAULT_DESIGN)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    if not TABLE.exists() or not FOOS.exists():
        raise SystemExit(f"EWP data not found under {EWP}: this benchmark needs ../shared")

    started = time.perf_counter()
    table = read_table(TABLE)
    ewp = ewp_foos_metrics(FOOS, args.start, args.end)
    agreement = foos_rank_agreement()
    ours = run(table, args.design, args.start, args.end)
    columns = {f"Tocsin ({ours.design})": ours.metrics}
    reference = None
    if not args.no_reference and args.design != "logit":
        reference = run(table, "logit", args.start, args.end)
        columns["Tocsin (logit, EWP's 39)"] = reference.metrics
    columns["EWP FOOS file"] = ewp

    CONSOLE.print(metrics_table(columns))
    CONSOLE.print(onset_table(ours))
    CONSOLE.print(
        f"Our rank reproduces FOOS rank_prev for {agreement:.1%} of its forecasts. "
        f"Calibration of our two-year forecasts: mean {ours.calibration.mean_probability:.4f} "
        f"against an onset rate of {ours.calibration.observed_rate:.4f}, expected calibration "
        f"error {ours.calibration.expected_calibration_error:.4f}."
    )
    for b in ours.calibration.bins:
        CONSOLE.print(
            f"  forecasts in [{b.low:.2f}, {b.high:.2f}): {b.count:5d}, mean "
            f"{b.mean_probability:.4f}, onset within two years {b.observed_rate:.4f}"
        )
    figures: dict[str, Any] = {
        "auc": round(ours.metrics.auc, 4),
        "top30_share": round(ours.metrics.top_share, 4),
        "brier": round(ours.metrics.brier, 5),
        "ewp_auc": round(ewp.auc, 4),
        "ewp_top30_share": round(ewp.top_share, 4),
        "ewp_brier": round(ewp.brier, 5),
        "train_s": round(ours.metrics.train_s, 1),
        "design": ours.design,
        "onsets": ours.metrics.onsets,
        "onsets_in_top30": ours.metrics.onsets_in_top,
        "ewp_onsets_in_top30": ewp.onsets_in_top,
        "scored_country_years": ours.metrics.scored,
        "ewp_scored_country_years": ewp.scored,
        "brier_2y": round(ours.metrics.brier_2y, 5),
        "ewp_brier_2y": round(ewp.brier_2y, 5),
        "calibration_mean_probability": round(ours.calibration.mean_probability, 5),
        "calibration_onset_rate": round(ours.calibration.observed_rate, 5),
        "expected_calibration_error": round(ours.calibration.expected_calibration_error, 5),
        "backtest_s": round(ours.seconds, 1),
        "foos_rank_agreement": round(agreement, 4),
    }
    if reference is not None:
        figures.update({
            "logit_auc": round(reference.metrics.auc, 4),
            "logit_top30_share": round(reference.metrics.top_share, 4),
            "logit_brier": round(reference.metrics.brier, 5),
            "logit_train_s": round(reference.metrics.train_s, 1),
        })  # fmt: skip
    figures["total_s"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    CONSOLE.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
