"""Alert rules: the list, a rule's editor with a dry run over a chosen period, enable and
disable. Everyone who handles alerts (the ALERT permission) sees the rules and may dry-run them;
only those who manage alerting edit them, others see the editor read-only. The dry run answers
htmx with the editor alone (the page shows a progress bar while it runs), and a plain post with
the whole page, so it works without scripts too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.alerts.rules import choices, dry_runs, service
from tocsin.alerts.rules.schemas import DryRunIn, DryRunPublic, RuleCreate, RulePublic, RuleUpdate
from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.errors import TocsinError
from tocsin.core.roles import Permission
from tocsin.risk.events.store import default_path
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.listing import wants_fragment
from tocsin.web.pages import alert_rules_form as rule_form
from tocsin.web.pages import alert_words
from tocsin.web.pages.events import country_choices
from tocsin.web.pages.person_form import Lists
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(prefix="/alerts/rules", include_in_schema=False)
RuleId = Annotated[str, Path(max_length=36)]
LIST = "/alerts/rules"
FIRINGS_SHOWN = 20
GROUP_BY = {"admin_area": N_("Admin area (province, district)"), "country": N_("Country")}
MEASURES = {"acts": N_("Acts"), "victims": N_("Victims")}
EVENT_LEVELS = {"admin1": N_("First admin level"), "admin2": N_("Second admin level"),
                "country": N_("Country")}  # fmt: skip
EVENT_WINDOWS = {"week": N_("Week (Monday to Sunday)"), "month": N_("Calendar month")}
LEVELS = {"moderate": N_("moderate"), "high": N_("high"), "very_high": N_("very high")}
LEVEL_SOURCES = {"forecast": N_("The statistical forecast"),
                 "assessment": N_("Approved risk assessments")}  # fmt: skip


def _pairs(words: dict[str, str], who: Viewer) -> list[tuple[str, str]]:
    return [(code, who._(text)) for code, text in words.items()]


def _editor(
    request: Request,
    session: Session,
    who: Viewer,
    state: FormState,
    rule: RulePublic | None,
    report: DryRunPublic | None = None,
    status: int = 200,
) -> Response:
    editable = who.can(Permission.MANAGE_ALERTING)
    labels = Labels.load(session, who.lang)
    firings = service.list_firings(session, who.actor, rule.id, 1, FIRINGS_SHOWN) if rule else None
    fragment = wants_fragment(request) and request.method == "POST"
    values: dict[str, Any] = {
        **alert_words.words(), "form": state, "rule": rule, "editable": editable,
        "report": report, "firings": firings, "kind_words": rule_form.KINDS,
        "kinds": _pairs(rule_form.KINDS, who),
        "categories": alert_words.choices(alert_words.CATEGORIES, who._),
        "severities": alert_words.choices(alert_words.SEVERITIES, who._),
        "urgencies": alert_words.choices(alert_words.URGENCIES, who._),
        "certainties": alert_words.choices(alert_words.CERTAINTIES, who._),
        "tlps": alert_words.TLP_CHOICES,
        "countries": country_choices(who.lang, state.value("params.country") or None),
        "act_types": labels.choices("act_type"), "sexes": labels.choices("sex"),
        "group_by": _pairs(GROUP_BY, who), "measures": _pairs(MEASURES, who),
        "event_levels": _pairs(EVENT_LEVELS, who), "event_windows": _pairs(EVENT_WINDOWS, who),
        "levels": _pairs(LEVELS, who), "level_sources": _pairs(LEVEL_SOURCES, who),
        "owners": choices.owners(session, who.actor), "chains": choices.chains(session, who.actor),
    }  # fmt: skip
    if fragment:  # htmx swaps in the editor; a 422 would not be swapped, so problems say 200
        return render(request, "alerts/rules_editor.html", who, 200, **values)
    return render(request, "alerts/rules_edit.html", who, status, **values)


@router.get("", response_class=HTMLResponse)
def rule_list(request: Request, session: SessionDep, who: PageViewer) -> Response:
    rules = service.list_rules(session, who.actor)
    can_edit = who.can(Permission.MANAGE_ALERTING)
    return render(request, "alerts/rules_list.html", who, rules=rules,
                  kind_words=rule_form.KINDS, can_edit=can_edit)  # fmt: skip


@router.get("/new", response_class=HTMLResponse)
def new_rule(request: Request, session: SessionDep, who: PageViewer) -> Response:
    who.require(Permission.MANAGE_ALERTING)
    state = FormState(values=rule_form.blank(utcnow().date()))
    return _editor(request, session, who, state, None)


def _read(who: Viewer, lists: dict[str, list[str]]) -> tuple[FormState, RuleCreate | None]:
    state = FormState(values=rule_form.posted(who.form, lists))
    data = validate(RuleCreate, rule_form.payload(state.values), state)
    return state, data


def _refused(state: FormState, exc: TocsinError) -> None:
    if exc.status >= 500 or exc.status in (401, 403, 404):
        raise exc
    state.refuse(exc)
    rule_form.settle(state)


@router.post("/new", response_class=HTMLResponse)
def create(request: Request, session: SessionDep, who: PostedForm, lists: Lists) -> Response:
    who.require(Permission.MANAGE_ALERTING)
    state, data = _read(who, lists)
    made = None
    if data is not None:
        made = attempt(session, lambda: service.create_rule(session, who.actor, data), state)
    if made is None:
        rule_form.settle(state)
        return _editor(request, session, who, state, None, status=422)
    return flash(RedirectResponse(f"{LIST}/{made.id}", 303), N_("Rule saved."))


def _period(state: FormState) -> DryRunIn | None:
    return validate(DryRunIn, {"from": state.value("from"), "to": state.value("to")}, state)


def _dry_run(request: Request, session: Session, who: Viewer, state: FormState,
             rule_or_spec: str | RuleCreate) -> DryRunPublic | None:  # fmt: skip
    period = _period(state)
    if period is None:
        return None
    try:
        return dry_runs.dry_run_report(
            session, who.actor, rule_or_spec, period.start, period.end,
            events_path=default_path(request.app.state.settings),
        )  # fmt: skip
    except TocsinError as exc:
        _refused(state, exc)
        return None


@router.post("/dry-run", response_class=HTMLResponse)
def try_unsaved(request: Request, session: SessionDep, who: PostedForm, lists: Lists) -> Response:
    """The editor's values as they stand, saved or not, replayed over the chosen period."""
    who.require(Permission.ALERT)
    state, data = _read(who, lists)
    rule_id = who.form.get("rule_id", "")[:36]
    rule = service.get_rule(session, who.actor, rule_id) if rule_id else None
    report = _dry_run(request, session, who, state, data) if data is not None else None
    rule_form.settle(state)
    return _editor(request, session, who, state, rule, report, 200 if state.ok else 422)


@router.get("/{rule_id}", response_class=HTMLResponse)
def show(request: Request, session: SessionDep, who: PageViewer, rule_id: RuleId) -> Response:
    rule = service.get_rule(session, who.actor, rule_id)
    state = FormState(values=rule_form.values_of(rule, utcnow().date()))
    return _editor(request, session, who, state, rule)


@router.post("/{rule_id}", response_class=HTMLResponse)
def save(
    request: Request, session: SessionDep, who: PostedForm, lists: Lists, rule_id: RuleId
) -> Response:
    who.require(Permission.MANAGE_ALERTING)
    rule = service.get_rule(session, who.actor, rule_id)
    state, data = _read(who, lists)
    done = None
    if data is not None:
        change = RuleUpdate.model_validate(data.model_dump())
        done = attempt(session, lambda: service.update_rule(session, who.actor, rule.id, change),
                       state)  # fmt: skip
    if done is None:
        rule_form.settle(state)
        rule = service.get_rule(session, who.actor, rule_id)
        return _editor(request, session, who, state, rule, status=422)
    return flash(RedirectResponse(f"{LIST}/{rule.id}", 303), N_("Rule saved."))


@router.post("/{rule_id}/enabled", response_class=HTMLResponse)
def switch(request: Request, session: SessionDep, who: PostedForm, rule_id: RuleId) -> Response:
    """Turn a rule on or off (``enabled`` = "1" or "0")."""
    who.require(Permission.MANAGE_ALERTING)
    on = who.form.get("enabled") == "1"
    if on:
        service.update_rule(session, who.actor, rule_id, RuleUpdate(enabled=True))
    else:
        service.delete_rule(session, who.actor, rule_id)
    words = N_("Rule enabled.") if on else N_("Rule disabled: it raises nothing until enabled.")
    back = who.form.get("back") == "list"
    return flash(RedirectResponse(LIST if back else f"{LIST}/{rule_id}", 303), words)


@router.post("/{rule_id}/dry-run", response_class=HTMLResponse)
def try_saved(
    request: Request, session: SessionDep, who: PostedForm, rule_id: RuleId
) -> Response:
    """The saved rule replayed over the chosen period (for those who may not edit it)."""
    rule = service.get_rule(session, who.actor, rule_id)
    state = FormState(values={**rule_form.values_of(rule, utcnow().date()),
                              "from": who.form.get("from", "").strip(),
                              "to": who.form.get("to", "").strip()})  # fmt: skip
    report = _dry_run(request, session, who, state, rule.id)
    return _editor(request, session, who, state, rule, report, 200 if state.ok else 422)
