"""Alert rules: thresholds and spikes over the data, changes of risk level, their firings and
dry runs over history. docs/alerts-rules.md."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tocsin.alerts.rules import dry_runs, service
from tocsin.alerts.rules.schemas import (
    DryRunIn,
    DryRunPublic,
    FiringPublic,
    RuleCreate,
    RulePublic,
    RuleUpdate,
    SpecDryRunIn,
)
from tocsin.api.deps import CurrentActor, PagingDep, SessionDep, SettingsDep
from tocsin.cases.schemas import Page
from tocsin.risk.events.store import default_path

router = APIRouter(tags=["alert rules"])
BASE = "/alert-rules"


@router.get(BASE, response_model=list[RulePublic])
def list_rules(session: SessionDep, actor: CurrentActor) -> list[RulePublic]:
    """The rules you may see (ALERT permission), by name, with how often each fired."""
    return service.list_rules(session, actor)


@router.post(BASE, response_model=RulePublic, status_code=201)
def create_rule(data: RuleCreate, session: SessionDep, actor: CurrentActor) -> RulePublic:
    """Make a rule (MANAGE_ALERTING); ``params`` are checked for its kind."""
    return service.create_rule(session, actor, data)


@router.post(f"{BASE}/dry-run", response_model=DryRunPublic)
def dry_run_unsaved(
    data: SpecDryRunIn, session: SessionDep, actor: CurrentActor, settings: SettingsDep
) -> DryRunPublic:
    """What an unsaved rule would have raised from ``from`` to ``to``; nothing is written."""
    return dry_runs.dry_run_report(session, actor, data.rule, data.start, data.end,
                                  events_path=default_path(settings))  # fmt: skip


@router.get(BASE + "/{rule_id}", response_model=RulePublic)
def get_rule(rule_id: str, session: SessionDep, actor: CurrentActor) -> RulePublic:
    return service.get_rule(session, actor, rule_id)


@router.patch(BASE + "/{rule_id}", response_model=RulePublic)
def update_rule(
    rule_id: str, data: RuleUpdate, session: SessionDep, actor: CurrentActor
) -> RulePublic:
    """Change a rule (MANAGE_ALERTING); ``params`` replaces the whole set."""
    return service.update_rule(session, actor, rule_id, data)


@router.delete(BASE + "/{rule_id}", status_code=204)
def delete_rule(rule_id: str, session: SessionDep, actor: CurrentActor) -> Response:
    """Disable a rule (MANAGE_ALERTING); its firings and alerts stay."""
    service.delete_rule(session, actor, rule_id)
    return Response(status_code=204)


@router.post(BASE + "/{rule_id}/dry-run", response_model=DryRunPublic)
def dry_run(
    rule_id: str, data: DryRunIn, session: SessionDep, actor: CurrentActor,
    settings: SettingsDep,
) -> DryRunPublic:  # fmt: skip
    """What the rule would have raised from ``from`` to ``to``; nothing is written."""
    return dry_runs.dry_run_report(session, actor, rule_id, data.start, data.end,
                                  events_path=default_path(settings))  # fmt: skip


@router.get(BASE + "/{rule_id}/firings", response_model=Page[FiringPublic])
def list_firings(
    rule_id: str, session: SessionDep, actor: CurrentActor, paging: PagingDep
) -> Page[FiringPublic]:
    """What the rule fired, newest first."""
    return service.list_firings(session, actor, rule_id, paging.page, paging.page_size)
