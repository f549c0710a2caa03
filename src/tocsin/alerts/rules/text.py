"""A finding in plain words: the title and description of the alert it raises.

Only figures, dates, the place, vocabulary words and the rule's own filters go in: never the
title or description of an event, never anything read from a person record. The text leaves the
system (CAP, email, webhooks), so it says what was counted and at what sharing level, and
nothing a recipient could trace to one victim or source.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.alerts.cap_map import country_name
from tocsin.alerts.rules.params import ActFilters, ActThreshold, EventSpike, RiskLevel
from tocsin.alerts.rules.spec import Hit, Reading, RuleSpec
from tocsin.alerts.rules.windows import Span
from tocsin.cases.models import VocabularyTerm
from tocsin.core.tlp import TLP

SEX_WORDS = {
    "female": "women and girls",
    "male": "men and boys",
    "other": "people of another sex",
    "unknown": "people whose sex is not recorded",
}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
SOURCE_WORDS = {"forecast": "the statistical forecast", "assessment": "an approved assessment"}


def day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def period(span: Span) -> str:
    a, b = span.start, span.end
    if a == b:
        return day(a)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day} to {day(b)}"
    if a.year == b.year:
        return f"{a.day} {MONTHS[a.month - 1]} to {day(b)}"
    return f"{day(a)} to {day(b)}"


def place(hit: Hit, by_area: bool = True) -> str:
    country = country_name(hit.country) if hit.country else "an unnamed country"
    if hit.admin_area:
        return f"{hit.admin_area}, {country}"
    if by_area:
        return f"{country} (area not recorded)"
    return country


def act_labels(session: Session, codes: list[str]) -> list[str]:
    rows: dict[str, dict[str, str]] = dict(session.execute(
        select(VocabularyTerm.code, VocabularyTerm.labels).where(
            VocabularyTerm.vocabulary == "act_type", VocabularyTerm.code.in_(codes))
    ).all())  # fmt: skip
    return [str((rows.get(c) or {}).get("en") or c.replace("_", " ")).lower() for c in codes]


def _or(words: list[str]) -> str:
    if len(words) < 3:
        return " or ".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]


def _acts(reading: Reading, p: ActFilters, n: int, victims: bool) -> str:
    types = _or(act_labels(reading.session, list(p.act_types))) if p.act_types else ""
    if victims:
        return f"{n} {'victim' if n == 1 else 'victims'} of {types or 'documented acts'}"
    return f"{n} documented {'act' if n == 1 else 'acts'}" + (f" of {types}" if types else "")


def _who(p: ActFilters) -> str:
    parts = []
    if p.children:
        parts.append("children")
    if p.sex:
        parts.append(SEX_WORDS.get(p.sex, p.sex))
    if p.victim_group:
        parts.append(f"victims described as \u201c{p.victim_group}\u201d")
    return (" against " + " and ".join(parts)) if parts else ""


def _counted(reading: Reading) -> str:
    return (f"Counted: records shared at TLP:{TLP(reading.ceiling).label} or below, dated to "
            "the day, in events not rejected.")  # fmt: skip


def _usual(hit: Hit, per: str, windows: str) -> str:
    """The baseline in words: its mean, and the floor the test takes when the mean is lower."""
    n, mean = hit.baseline_windows or 0, hit.baseline_mean or 0.0
    text = f"{mean:.2f} per {per} on average over the {n} {windows} before"
    if (hit.expected or 0.0) > mean:
        text += f", taken as at least one in {n}"
    return text


def _chance(p: float) -> str:
    if p < 0.001:
        return "less than 1 in 1,000"
    return f"about {p:.3f}"


def words(reading: Reading, spec: RuleSpec, hit: Hit) -> tuple[str, str]:
    p = spec.params
    if isinstance(p, ActFilters):
        return _act_words(reading, p, hit)
    if isinstance(p, EventSpike):
        return _event_words(hit, p)
    assert isinstance(p, RiskLevel)
    return _risk_words(hit)


def _act_words(reading: Reading, p: ActFilters, hit: Hit) -> tuple[str, str]:
    where = place(hit, p.group_by == "admin_area")
    victims = isinstance(p, ActThreshold) and p.measure == "victims"
    what = _acts(reading, p, hit.count, victims) + _who(p)
    when = period(hit.span)
    if hit.threshold is not None:
        title = f"{what[0].upper()}{what[1:]} in {where}, {when}"
        body = (
            f"From {day(hit.span.start)} to {day(hit.span.end)}, {what} in {where}: at or "
            f"above the alert rule's threshold of {hit.threshold} in {hit.span.days} days."
        )
    else:
        title = f"Sharp rise: {what} in {where}, {when}"
        body = (
            f"From {day(hit.span.start)} to {day(hit.span.end)}, {what} in {where}: "
            f"{hit.ratio or 0:.1f} times the area's usual rate "
            f"({_usual(hit, f'{hit.span.days} days', 'windows')}). A count this high would "
            f"happen by chance with a probability of {_chance(hit.p_value or 0)} (Poisson)."
        )
    return title[:300], f"{body} {_counted(reading)}"


def _event_words(hit: Hit, p: EventSpike) -> tuple[str, str]:
    where = place(hit, by_area=p.level != "country")
    unit = p.window
    title = f"Sharp rise in violence against civilians in {where}, {period(hit.span)}"
    deaths = f" with {hit.fatalities} reported deaths" if hit.fatalities else ""
    body = (
        f"The event data record {hit.count} events of violence against civilians in "
        f"{where} in the {unit} of {period(hit.span)}{deaths}: {hit.ratio or 0:.1f} times "
        f"the area's usual rate ({_usual(hit, unit, unit + 's')}). A count this high would "
        f"happen by chance with a probability of {_chance(hit.p_value or 0)} (Poisson)."
    )
    return title[:300], body


def _risk_words(hit: Hit) -> tuple[str, str]:
    where = place(hit, by_area=False)
    after = (hit.level_after or "").replace("_", " ")
    before = (hit.level_before or "").replace("_", " ")
    title = f"Risk of atrocity crimes raised to {after} in {where}"
    when = day(hit.changed_at) if hit.changed_at else ""
    if hit.source == "forecast":
        now, was = hit.extra.get("probability"), hit.extra.get("previous_probability")
        figures = (
            (f" (probability of a mass-killing onset within two years {now:.1%}, before {was:.1%})")
            if now is not None and was is not None
            else ""
        )
        body = (
            f"The statistical forecast made on {when} puts {where} at {after} risk"
            f"{figures}, up from {before}."
        )
    else:
        body = (
            f"A risk assessment of {where} approved on {when} rates the overall risk "
            f"{after}, up from {before} in the previous approved assessment."
        )
    return title[:300], body
