"""The risk ranking page: countries in order with their changes since the previous run, the map's
data, runs above the reader's clearance refused, the empty state, and the model card."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

from tests.risk.horizon_seed import CARD, COUNTRIES, DOWN, UP, forecast_run
from tests.risk.test_forecast import synthetic_frame

from page_client import Browser
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.risk.country_codes import numeric_for_iso
from tocsin.risk.forecasting import run_forecast, train_and_keep

Make = Callable[..., Browser]
ROW = re.compile(
    r'<tr(?: class="in-top")?>\s*<td class="num">(\d+)</td>\s*'
    r'<th scope="row"><a href="/risk/countries/([A-Z]{2})">(.*?)</tr>',
    re.S,
)


def rows(page: str) -> list[tuple[int, str, str]]:
    """(rank, country, rest of the row) of the ranking table, in page order."""
    return [(int(rank), code, rest) for rank, code, rest in ROW.findall(page)]


def ranks(probabilities: dict[str, float]) -> dict[str, int]:
    ordered = sorted(probabilities, key=lambda code: -probabilities[code])
    return {code: n for n, code in enumerate(ordered, start=1)}


def figures(page: str) -> dict[str, dict[str, object]]:
    found = re.search(r'data-figures="([^"]*)"', page)
    assert found, "the map carries its figures"
    data: dict[str, dict[str, object]] = json.loads(html.unescape(found.group(1)))
    return data


def test_the_ranking_shows_countries_in_order_with_their_changes(
    browser: Make, db: Database
) -> None:
    old = {code: 0.3 - i * 0.007 for i, code in enumerate(COUNTRIES)}
    riser, faller = COUNTRIES[36], COUNTRIES[10]
    new = {**old, riser: 0.29, faller: old[COUNTRIES[17]] - 0.0001}
    old[riser] = 0.002
    forecast_run(db, old, days_ago=200, year=2023)
    forecast_run(db, new, days_ago=10)

    page = browser(Role.ANALYST).get("/risk")
    assert page.status_code == 200
    shown = rows(page.text)
    assert [code for _, code, _ in shown] == sorted(new, key=lambda c: -new[c])
    assert [rank for rank, _, _ in shown] == list(range(1, 41))
    by_code = {code: rest for _, code, rest in shown}
    before, after = ranks(old), ranks(new)
    gained = before[riser] - after[riser]
    assert f"up {gained} places" in by_code[riser] and "new in the top 30" in by_code[riser]
    lost = after[faller] - before[faller]
    assert lost >= 5 and f"down {lost} places" in by_code[faller]
    assert "new in the top 30" not in by_code[faller]
    assert "+28.8 percentage points" in by_code[riser]
    # Reasons in words, both ways; the map's data keyed by the world map's ids.
    assert UP["description"] in by_code[riser] and DOWN["description"] in by_code[riser]
    assert "value carried from an earlier year" in by_code[riser]  # DOWN was filled
    mapped = figures(page.text)[str(numeric_for_iso(riser))]
    assert (mapped["rank"], mapped["band"], mapped["href"]) == (
        after[riser],
        "very_high",
        f"/risk/countries/{riser}",
    )
    assert "Forecast run" in page.text  # two runs: the picker is offered
    assert 'href="/risk/model"' in page.text and CARD["model"] in page.text
    assert 'href="/risk/horizon"' in page.text and 'href="/risk/assessments"' in page.text


def test_an_earlier_run_is_shown_when_chosen(browser: Make, db: Database) -> None:
    first = forecast_run(db, {"SD": 0.2, "MM": 0.1}, days_ago=30, year=2023)
    forecast_run(db, {"SD": 0.1, "MM": 0.2}, days_ago=1)
    client = browser(Role.ANALYST)
    assert [c for _, c, _ in rows(client.get("/risk").text)] == ["MM", "SD"]
    earlier = client.get(f"/risk?run={first}")
    assert [c for _, c, _ in rows(earlier.text)] == ["SD", "MM"]
    assert "not in the previous run" in earlier.text
    assert client.get("/risk?run=no-such-run").status_code == 404


def test_a_partner_viewer_cannot_see_an_amber_run(browser: Make, db: Database) -> None:
    hidden = forecast_run(db, {"SD": 0.2, "MM": 0.1}, days_ago=1, tlp=TLP.AMBER)
    partner = browser(Role.PARTNER_VIEWER)
    refused = partner.get(f"/risk?run={hidden}")
    assert refused.status_code == 404 and "Sudan" not in refused.text
    assert partner.get(f"/risk/model?run={hidden}").status_code == 404
    latest = partner.get("/risk")
    assert latest.status_code == 200 and rows(latest.text) == []
    assert "No forecast has been made yet" in latest.text
    analyst = browser(Role.ANALYST).get(f"/risk?run={hidden}")
    assert [c for _, c, _ in rows(analyst.text)] == ["SD", "MM"] and "TLP:AMBER" in analyst.text


def test_without_a_forecast_the_page_says_how_to_make_one(browser: Make) -> None:
    coordinator = browser(Role.COORDINATOR).get("/risk")
    assert coordinator.status_code == 200
    assert "tocsin risk train --data FILE --until YEAR" in coordinator.text
    assert "tocsin risk forecast --year YEAR" in coordinator.text
    assert "Your role may run both commands" in coordinator.text
    analyst = browser(Role.ANALYST).get("/risk")
    assert "ask one of them" in analyst.text and "Your role may" not in analyst.text
    assert 'id="risk-map"' not in analyst.text  # no empty map without figures
    assert "No forecast has been made yet" in browser(Role.ANALYST).get("/risk/model").text


def test_a_trained_model_shows_its_card_and_explanations(
    browser: Make, owner: Actor, db: Database, tmp_path: Path
) -> None:
    table = tmp_path / "country-years.csv"
    synthetic_frame(countries=30, first=1975, last=1995).to_csv(table, index=False)
    with db.session() as s:
        model = train_and_keep(s, owner, table, until=1994)
        run_forecast(s, owner, 1994)
        card = model.card
    client = browser(Role.DOCUMENTER)
    ranking = client.get("/risk")
    assert ranking.status_code == 200
    assert rows(ranking.text), "countries with an ISO code link to their page"
    assert "Country " in ranking.text  # states the code table does not know, by their name
    page = client.get("/risk/model")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for part in (card["data"]["file"], card["data"]["sha256"], card["protocol"],
                 card["design_choice"], card["missing_values"]):  # fmt: skip
        assert part in text
    assert "No backtest was run with this model" in text
