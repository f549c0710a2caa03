"""Making and changing an alert subscription: channel and address, the filters (countries,
categories, least severity, languages, highest sharing level), paused or active; for those who
manage everyone's, whose it is. A webhook's signing secret is shown once, on the page that
answers its creation or rotation, and never again."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.alerts import page_views, subscriptions
from tocsin.alerts.delivery_models import AlertSubscription
from tocsin.alerts.subscription_schemas import SubscriptionCreate, SubscriptionUpdate
from tocsin.alerts.vocab import Severity
from tocsin.api.deps import SessionDep
from tocsin.core.errors import Forbidden
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.alert_words import CATEGORIES, CHANNELS, SEVERITIES, TLP_CHOICES, choices
from tocsin.web.pages.person_form import Lists
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(include_in_schema=False)
LIST = "/alerts/subscriptions"
TEXT = ("name", "channel", "address", "organisation", "countries", "languages", "min_severity",
        "max_tlp", "user_id")  # fmt: skip
GROUPED = ("countries", "categories", "languages")  # "countries[2]" is the countries box
_SEPARATORS = re.compile(r"[\s,;]+")
ANY_SEVERITY = N_("Any severity")


def _codes(text: str) -> list[str]:
    return [c for c in _SEPARATORS.split(text.strip()) if c]


def typed(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in TEXT}
    values["categories"] = list(dict.fromkeys(lists.get("categories", [])))
    values["active"] = form.get("active") == "true"
    values["rotate_secret"] = form.get("rotate_secret") == "true"
    return values


def from_subscription(sub: AlertSubscription) -> dict[str, Any]:
    shown = subscriptions.public(sub)
    kept = {"name", "channel", "address", "organisation", "min_severity", "max_tlp", "active",
            "categories"}  # fmt: skip
    values: dict[str, Any] = shown.model_dump(include=kept)
    values["countries"] = ", ".join(shown.countries)
    values["languages"] = ", ".join(shown.languages)
    values["user_id"] = shown.user_id or ""
    return values


def _filters(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": values["name"], "address": values["address"],
            "organisation": values["organisation"], "countries": _codes(values["countries"]),
            "categories": values["categories"], "min_severity": values["min_severity"],
            "languages": _codes(values["languages"]), "max_tlp": values["max_tlp"],
            "active": values["active"]}  # fmt: skip


def _fold(state: FormState) -> None:
    for key in list(state.errors):
        base = key.split("[", 1)[0]
        if base in GROUPED and base != key:
            state.errors.setdefault(base, state.errors.pop(key))


def _form(request: Request, session: Session, who: Viewer, state: FormState,
          sub: AlertSubscription | None = None, status: int = 200) -> Response:  # fmt: skip
    manager = who.can(Permission.MANAGE_SUBSCRIPTIONS)
    severities = [(c, who._(ANY_SEVERITY if c == Severity.UNKNOWN else t))
                  for c, t in SEVERITIES.items()]  # fmt: skip
    people = (page_views.people_choices(session, who.actor, Permission.MANAGE_SUBSCRIPTIONS)
              if manager else [])  # fmt: skip
    return render(
        request, "alerts/subscription_form.html", who, status,
        form=state, sub=sub, manager=manager,
        people=people,
        channel_choices=choices(CHANNELS, who._), severity_choices=list(reversed(severities)),
        tlp_choices=TLP_CHOICES, category_choices=choices(CATEGORIES, who._),
    )  # fmt: skip


def _secret_page(request: Request, who: Viewer, sub: AlertSubscription, secret: str) -> Response:
    response = render(request, "alerts/subscription_secret.html", who, sub=sub, secret=secret)
    response.headers["Cache-Control"] = "no-store"  # the secret must not sit in a cache
    return response


@router.get(LIST + "/new", response_class=HTMLResponse)
def new_subscription(request: Request, session: SessionDep, who: PageViewer) -> Response:
    values = {"name": who._(N_("My alerts")), "channel": "email", "address": who.user.email,
              "min_severity": Severity.UNKNOWN.value, "max_tlp": "GREEN", "languages": who.lang,
              "active": True, "categories": [], "user_id": who.actor.user_id}  # fmt: skip
    return _form(request, session, who, FormState(values=values))


@router.post(LIST + "/new", response_class=HTMLResponse)
def create_subscription(
    request: Request, session: SessionDep, who: PostedForm, lists: Lists
) -> Response:
    values = typed(who.form, lists)
    given = {**_filters(values), "channel": values["channel"]}
    if "user_id" in who.form:
        if not who.can(Permission.MANAGE_SUBSCRIPTIONS) and values["user_id"] != who.actor.user_id:
            raise Forbidden("you may make subscriptions only for yourself")
        given["user_id"] = values["user_id"] or None  # none: an organisation's desk
    state = FormState(values=values)
    data = validate(SubscriptionCreate, given, state)
    made = None
    if data is not None:
        made = attempt(session, lambda: subscriptions.create(session, who.actor, data), state)
    _fold(state)
    if made is None:
        return _form(request, session, who, state, status=422)
    sub, secret = made
    if secret:
        return _secret_page(request, who, sub, secret)
    return flash(RedirectResponse(LIST, 303), N_("Subscription saved."))


@router.get(LIST + "/{subscription_id:uuid}/edit", response_class=HTMLResponse)
def edit_subscription(
    request: Request, subscription_id: UUID, session: SessionDep, who: PageViewer
) -> Response:
    sub = subscriptions.owned(session, who.actor, str(subscription_id))
    return _form(request, session, who, FormState(values=from_subscription(sub)), sub)


@router.post(LIST + "/{subscription_id:uuid}/edit", response_class=HTMLResponse)
def save_subscription(
    request: Request, subscription_id: UUID, session: SessionDep, who: PostedForm, lists: Lists
) -> Response:
    sub = subscriptions.owned(session, who.actor, str(subscription_id))
    values = {**typed(who.form, lists), "channel": sub.channel}
    state = FormState(values=values)
    given = {**_filters(values), "rotate_secret": values["rotate_secret"]}
    if "organisation" not in who.form:
        del given["organisation"]  # not on this reader's form: stays as it is
    data = validate(SubscriptionUpdate, given, state)
    saved = None
    if data is not None:
        saved = attempt(session, lambda: subscriptions.update(session, who.actor, sub.id, data),
                        state)  # fmt: skip
    _fold(state)
    if saved is None:
        return _form(request, session, who, state, sub, 422)
    changed, secret = saved
    if secret:
        return _secret_page(request, who, changed, secret)
    return flash(RedirectResponse(LIST, 303), N_("Subscription saved."))
