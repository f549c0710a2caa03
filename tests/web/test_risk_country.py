"""A country's risk page: the forecast trend and its explanation, assessments within the
reader's clearance, violence against civilians by area with a monthly chart, the watch button,
and the empty states."""

from __future__ import annotations

from collections.abc import Callable

from tests.risk.horizon_seed import DOWN, HIGH, UP, approved, event_file, forecast_run

from page_client import Browser
from seeding import Seeder, add_user
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.roles import Role
from tocsin.core.settings import Settings
from tocsin.risk import watch
from tocsin.risk.events import default_path

Make = Callable[..., Browser]


def test_the_country_page_shows_trend_explanation_assessments_and_events(
    browser: Make, db: Database, owner: Actor, seed: Seeder, settings: Settings
) -> None:
    first = forecast_run(db, {"SD": 0.05, "MM": 0.2}, days_ago=40, year=2023)
    latest = forecast_run(db, {"SD": 0.2, "MM": 0.05}, days_ago=3)
    coordinator = add_user(db, Role.COORDINATOR, "approver@pages.example.org")
    done = approved(db, owner, coordinator, "SD", HIGH, title="Sudan overall")
    secret = seed.assessment("RED", country="SD", admin_area="Kassala")
    event_file(default_path(settings), owner)

    page = browser(Role.ANALYST).get("/risk/countries/SD")
    assert page.status_code == 200 and "<h1>Sudan" in page.text
    assert '<svg class="trend"' in page.text and page.text.count("<circle ") == 2
    assert f'href="/risk?run={first}"' in page.text and f'href="/risk?run={latest}"' in page.text
    assert "up 1 place" in page.text and "20.0%" in page.text
    assert UP["description"] in page.text and DOWN["description"] in page.text
    assert "3.0 percentage points lower" in page.text  # UP's probability effect, in words
    assert f'href="/risk/assessments/{done}"' in page.text and "Sudan overall" in page.text
    assert secret.id not in page.text and secret.secret not in page.text  # RED: above clearance
    assert 'href="/risk/countries/SD?area=North%20Darfur"' in page.text and "spike" in page.text
    assert '<svg class="columns"' in page.text and "Events per month: Sudan<" in page.text

    area = browser(Role.ANALYST).get("/risk/countries/SD?area=North%20Darfur")
    assert 'class="chosen"' in area.text and "Events per month: Sudan, North Darfur" in area.text
    admin = browser(Role.ADMIN).get("/risk/countries/SD")
    assert f'href="/risk/assessments/{secret.id}"' in admin.text


def test_a_country_is_watched_and_unwatched_from_its_page(browser: Make, db: Database) -> None:
    analyst = browser(Role.ANALYST)
    page = analyst.get("/risk/countries/ML").text
    assert "Watch this country" in page and 'name="country" value="ML"' in page
    added = analyst.submit("/risk/horizon/watch", {
        "country": "ML", "area": "", "reason": "elections due",
        "back": "/risk/countries/ML"})  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == "/risk/countries/ML"
    page = analyst.get("/risk/countries/ML").text
    assert "On the watchlist" in page and "elections due" in page
    with db.session() as s:
        (item,) = watch.watched(s)
    assert f'action="/risk/horizon/watch/{item.id}/remove"' in page
    documenter = browser(Role.DOCUMENTER).get("/risk/countries/ML").text
    assert "On the watchlist" in documenter and "/remove" not in documenter
    assert "Watch this country" not in documenter
    gone = analyst.submit(f"/risk/horizon/watch/{item.id}/remove", {"back": "/risk/countries/ML"})
    assert gone.headers["location"] == "/risk/countries/ML"
    assert "Watch this country" in analyst.get("/risk/countries/ML").text


def test_without_forecast_or_event_data_the_page_says_so(browser: Make) -> None:
    client = browser(Role.PARTNER_VIEWER)
    page = client.get("/risk/countries/SD")
    assert page.status_code == 200
    assert "No forecast has been made yet" in page.text
    assert "No event data has been imported yet" in page.text
    assert "No assessment of this country yet." in page.text
    assert client.get("/risk/countries/YY").status_code == 404
    assert client.get("/risk/countries/Sudan").status_code == 404
    moved = client.get("/risk/countries/sd?area=X", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/risk/countries/SD?area=X"
