"""What each kind of rule watches, as data: the ``params`` of a rule, checked per kind.

Every kind shares two fields: ``issue`` (false: each firing makes a draft for a person to
review; true: the alert is issued at once) and ``owner_id`` (who answers for the alerts; the
rule's author by default). The rest is the kind's own (docs/alerts-rules.md). A problem is
reported on ``params.<field>``, so a form can show it next to the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, ValidationError

from tocsin.alerts.vocab import RuleKind
from tocsin.cases.schemas import Code, CountryCode, Strict
from tocsin.core.errors import FieldProblem, ValidationFailed

AreaName = Annotated[str | None, Field(min_length=1, max_length=200)]
Levels = Literal["moderate", "high", "very_high"]


class Common(Strict):
    issue: bool = False
    owner_id: Annotated[str | None, Field(min_length=1, max_length=36)] = None


class ActFilters(Common):
    """Which documented acts count, and how they are grouped and windowed."""

    country: CountryCode = None
    admin_area: AreaName = None  # e.g. a province; matched ignoring case
    act_types: Annotated[list[Code], Field(max_length=50)] = []  # with their narrower terms
    children: bool = False  # child victims: an MRM grave violation, or a victim under 18
    sex: Code | None = None  # of the victim person (a group of victims has none)
    victim_group: AreaName = None  # words in the victims' group description, e.g. "Varuk"
    group_by: Literal["country", "admin_area"] = "admin_area"
    window_days: Annotated[int, Field(ge=1, le=366)] = 7


class SpikeTest(Strict):
    """A window well above the area's own baseline (docs/alerts-rules.md, "The spike test")."""

    baseline_windows: Annotated[int, Field(ge=1, le=104)] = 8
    min_count: Annotated[int, Field(ge=1, le=1_000_000)] = 5
    factor: Annotated[float, Field(ge=1.0, le=1000.0)] = 3.0
    max_p: Annotated[float, Field(gt=0.0, le=1.0)] = 0.01


class ActThreshold(ActFilters):
    threshold: Annotated[int, Field(ge=1, le=1_000_000)]
    measure: Literal["acts", "victims"] = "acts"


class ActSpike(ActFilters, SpikeTest):
    pass


class EventSpike(Common, SpikeTest):
    """Spikes in the event data (ACLED, UCDP and our own events), as risk.events finds them."""

    country: CountryCode = None
    admin1: AreaName = None
    level: Literal["country", "admin1", "admin2"] = "admin1"
    window: Literal["week", "month"] = "week"
    baseline_windows: Annotated[int, Field(ge=1, le=104)] = 12


class RiskLevel(Common):
    """A country's (or an area's) level of risk rising to ``min_level`` or above."""

    country: CountryCode = None
    min_level: Levels = "high"
    sources: Annotated[
        list[Literal["forecast", "assessment"]], Field(min_length=1, max_length=2)
    ] = ["forecast", "assessment"]
    lookback_days: Annotated[int, Field(ge=1, le=90)] = 7


PARAMS: dict[RuleKind, type[Common]] = {
    RuleKind.ACT_THRESHOLD: ActThreshold,
    RuleKind.ACT_SPIKE: ActSpike,
    RuleKind.EVENT_SPIKE: EventSpike,
    RuleKind.RISK_LEVEL: RiskLevel,
}


def _where(loc: tuple[Any, ...]) -> str:
    out = "params"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def problems_of(exc: ValidationError, prefix: tuple[Any, ...] = ()) -> list[FieldProblem]:
    return [
        FieldProblem(_where((*prefix, *e.get("loc", ()))),
                     str(e.get("msg", "is not valid")).removeprefix("Value error, "))
        for e in exc.errors()
    ]  # fmt: skip


def parse_kind(kind: str, field: str = "kind") -> RuleKind:
    try:
        return RuleKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in RuleKind)
        raise ValidationFailed.on(field, f"unknown kind {kind!r}; use one of {choices}") from None


def parse_params(kind: RuleKind, params: dict[str, Any]) -> Common:
    """The params of ``kind``, with every problem named ``params.<field>``."""
    try:
        return PARAMS[kind].model_validate(params)
    except ValidationError as exc:
        found = problems_of(exc)
        raise ValidationFailed("; ".join(f"{p.field}: {p.message}" for p in found), found) from None


def stored(params: BaseModel) -> dict[str, Any]:
    """Params as kept in the rule: every field, defaults filled in, so readers see them all."""
    return params.model_dump(mode="json")
