"""The authorisation matrix: every endpoint, every role and anonymous, every sharing level.

One row per endpoint: the permission it needs, a body factory and the status a permitted call
gets. The expected outcome of each call is derived from ``ROLE_RULES`` alone:

* anonymous -> 401, except the public endpoints;
* a role without the permission -> 403;
* a record above the role's clearance, filed by someone else -> 404, and the reply never
  contains the record's title or name;
* otherwise the row's success status.

A new route with no row here fails ``test_every_route_has_a_row``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.risk.test_events import acled, acled_csv

from tocsin.core.access import Actor
from tocsin.core.roles import Permission, Role, allows, clearance
from tocsin.core.tlp import TLP

TLPS = [t.label for t in TLP]
ROLES: list[Role | None] = [None, *Role]  # None is anonymous
PUBLIC = "public"
SIGNED_IN = "signed in"
PASSWORD = "api test passphrase"  # what tests/api/conftest.py gives every user
NEW_PASSWORD = "a brand new passphrase"
PARAM_KIND = {
    "event_id": "event", "act_id": "act", "person_id": "person", "org_id": "organisation",
    "source_id": "source", "consent_id": "consent", "item_id": "intervention",
    "evidence_id": "evidence", "match_id": "match", "record_id": "person",
    "assessment_id": "assessment", "watch_id": "watch", "run_id": "forecast_run",
    "model_id": "risk_model", "alert_id": "alert",
    "subscription_id": "subscription", "chain_id": "escalation_chain",
    "rule_id": "alert_rule",
    "slug": "library_document", "node_id": "library_node", "link_id": "library_link",
    "commitment_id": "commitment",
    "plan_id": "response_plan", "plan_item_id": "response_plan_item",
}  # fmt: skip


@dataclass
class Ctx:
    """What a body factory may use: the seeder, the record owner and a counter."""

    seed: Any
    owner: Actor
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    cache: dict[str, str] = field(default_factory=dict)

    def n(self) -> int:
        return next(self.counter)

    def clear(self, kind: str) -> str:
        """A CLEAR record every role may refer to."""
        if kind not in self.cache:
            self.cache[kind] = self.seed.make(kind, "CLEAR").id
        return self.cache[kind]


Body = Callable[[Ctx], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    need: Permission | str
    body: Body | None = None
    ok: int = 200
    target: str | None = None  # record kind named in the query string rather than the path
    query: str = ""
    form: bool = False
    upload: bool = False  # multipart: the body's fields and a small new file
    upload_bytes: bytes | None = None  # the file to send instead, when it must parse
    shows: bool = False  # a permitted reply contains the target's secret text
    fresh: bool = False  # the call changes its target for good: a new target for every call
    any_level: bool = False  # allowed whatever the target's level, but must not reveal it


def _const(body: dict[str, Any]) -> Body:
    return lambda _ctx: body


R, W = Permission.READ, Permission.WRITE
ACLED_FILE = acled_csv([acled(1, "2024-05-02")])
CAP_FILE = b"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>partner-17</identifier>
<sender>ews@partner.example</sender><sent>2025-03-01T08:00:00+03:00</sent><status>Actual</status>
<msgType>Alert</msgType><scope>Public</scope><info><category>Security</category>
<event>Threat to a community</event><urgency>Immediate</urgency><severity>Severe</severity>
<certainty>Likely</certainty><headline>Militia gathering near the river camp</headline>
<area><areaDesc>River camp</areaDesc></area></info></alert>"""
A = Permission.ALERT
NEW_ALERT = {"title": "Armed men near the school", "severity": "severe", "urgency": "immediate",
             "certainty": "likely", "category": "school_or_hospital_attack", "tlp": "GREEN"}
NEW_RULE = {"name": "Killings this week", "kind": "act_threshold", "tlp": "GREEN",
            "params": {"country": "XQ", "threshold": 3}, "category": "community_threat",
            "severity": "severe", "urgency": "immediate", "certainty": "likely"}  # fmt: skip
EDIT = _const({"description": "edited"})
EMPTY = _const({})
V = "/api/v1"
L = Permission.CURATE_LIBRARY
PLAN_FILE = b"Plan of action\n\n1. States should protect defenders.\n2. Courts should act.\n"

MATRIX: dict[tuple[str, str], Row] = {
    ("GET", f"{V}/health"): Row(PUBLIC),
    ("POST", f"{V}/auth/token"): Row(
        PUBLIC,
        form=True,
        body=lambda c: {"username": c.owner.email, "password": PASSWORD},
    ),
    ("GET", f"{V}/auth/me"): Row(SIGNED_IN),
    ("POST", f"{V}/auth/revoke"): Row(SIGNED_IN, ok=204),
    ("POST", f"{V}/auth/password"): Row(
        SIGNED_IN,
        ok=204,
        body=_const({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    ),
    ("GET", f"{V}/users"): Row(Permission.MANAGE_USERS),
    ("POST", f"{V}/users"): Row(
        Permission.MANAGE_USERS,
        ok=201,
        body=lambda c: {
            "email": f"new{c.n()}@example.org",
            "password": NEW_PASSWORD,
            "role": "analyst",
        },
    ),
    ("PATCH", f"{V}/users/{{user_id}}"): Row(
        Permission.MANAGE_USERS, body=_const({"display_name": "Renamed"})
    ),
    ("GET", f"{V}/events"): Row(R),
    ("POST", f"{V}/events"): Row(
        W, ok=201, body=_const({"title": "New event", "start": "2021-05", "tlp": "GREEN"})
    ),
    ("GET", f"{V}/events/{{event_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/events/{{event_id}}"): Row(W, body=EDIT),
    ("POST", f"{V}/events/{{event_id}}/status"): Row(
        Permission.CHANGE_STATUS,
        fresh=True,
        body=_const({"status": "under_verification", "reason": "a second source came in"}),
    ),
    ("POST", f"{V}/events/{{event_id}}/acts"): Row(W, ok=201, body=_const({"act_type": "torture"})),
    ("GET", f"{V}/events/{{event_id}}/acts"): Row(R),
    ("GET", f"{V}/acts"): Row(R),
    ("GET", f"{V}/acts/{{act_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/acts/{{act_id}}"): Row(W, body=EDIT),
    ("GET", f"{V}/persons"): Row(R),
    ("POST", f"{V}/persons"): Row(W, ok=201, body=_const({"names": [{"value": "Nadia K"}]})),
    ("GET", f"{V}/persons/{{person_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/persons/{{person_id}}"): Row(W, body=_const({"notes": "edited"})),
    ("GET", f"{V}/organisations"): Row(R),
    ("POST", f"{V}/organisations"): Row(
        W, ok=201, body=_const({"name": "Northern Brigade", "kind": "unit"})
    ),
    ("GET", f"{V}/organisations/{{org_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/organisations/{{org_id}}"): Row(W, body=EDIT),
    ("GET", f"{V}/sources"): Row(R),
    ("POST", f"{V}/sources"): Row(
        W, ok=201, body=_const({"title": "Interview 12", "source_type": "interview"})
    ),
    ("GET", f"{V}/sources/{{source_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/sources/{{source_id}}"): Row(W, body=EDIT),
    ("POST", f"{V}/sources/{{source_id}}/links"): Row(
        W,
        ok=201,
        fresh=True,
        body=lambda c: {"target_type": "event", "target_id": c.clear("event")},
    ),
    ("GET", f"{V}/consents"): Row(R, target="person", query="person_id={id}"),
    ("POST", f"{V}/consents"): Row(
        W,
        ok=201,
        body=lambda c: {
            "person_id": c.clear("person"),
            "given_on": "2024-02-01",
            "recorded_how": "oral_recorded",
        },
    ),
    ("GET", f"{V}/consents/{{consent_id}}"): Row(R, shows=True),
    # Withdrawing consent never waits for a cleared colleague (cases/consent.py).
    ("POST", f"{V}/consents/{{consent_id}}/withdraw"): Row(
        W, fresh=True, any_level=True, body=_const({"reason": "asked"})
    ),
    ("GET", f"{V}/interventions"): Row(R),
    ("POST", f"{V}/interventions"): Row(
        W, ok=201, body=lambda c: {"event_id": c.clear("event"), "intervention_type": "referral"}
    ),
    ("GET", f"{V}/interventions/{{item_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/interventions/{{item_id}}"): Row(W, body=_const({"outcome": "done"})),
    ("POST", f"{V}/evidence"): Row(
        W, ok=201, upload=True, body=lambda c: {"event_id": c.clear("event"), "kind": "document"}
    ),
    ("GET", f"{V}/evidence"): Row(R, target="event", query="event_id={id}"),
    ("GET", f"{V}/evidence/{{evidence_id}}"): Row(R, shows=True),
    ("GET", f"{V}/evidence/{{evidence_id}}/content"): Row(R, shows=True),
    ("GET", f"{V}/evidence/{{evidence_id}}/custody"): Row(R),
    ("POST", f"{V}/evidence/{{evidence_id}}/working-copy"): Row(
        W, ok=201, target="photo", fresh=True
    ),
    ("GET", f"{V}/evidence/{{evidence_id}}/statement"): Row(R, target="statement", shows=True),
    ("POST", f"{V}/evidence/statements"): Row(
        W,
        ok=201,
        body=lambda c: {
            "event_id": c.clear("event"),
            "witness_id": c.clear("person"),
            "taken_at": "2024-03-02T09:00:00Z",
            "interviewer": "Interviewer",
            "language": "fr",
            "informed_consent": True,
            "text": "I saw it.",
            "agreement": "signed",
        },
    ),
    ("POST", f"{V}/evidence/bundles"): Row(
        Permission.EXPORT,
        body=lambda c: {"event_id": c.clear("bundle_event"), "recipient": "icc"},
    ),
    ("GET", f"{V}/matches"): Row(R),
    ("POST", f"{V}/matches/incidents"): Row(Permission.RESOLVE, body=_const({"max_km": 5})),
    ("POST", f"{V}/matches/persons"): Row(Permission.RESOLVE, body=_const({"threshold": 0.95})),
    ("POST", f"{V}/matches/organisations"): Row(Permission.RESOLVE, body=_const({})),
    ("GET", f"{V}/events/{{event_id}}/corroboration"): Row(R),
    ("GET", f"{V}/acts/{{act_id}}/corroboration"): Row(R),
    ("PUT", f"{V}/matches/settings/{{kind}}"): Row(
        Permission.CONFIGURE, ok=204, body=_const({"auto_accept": None})
    ),
    ("GET", f"{V}/matches/{{match_id}}"): Row(R),
    ("POST", f"{V}/matches/{{match_id}}/accept"): Row(
        Permission.RESOLVE, fresh=True, body=_const({"reason": "same village and birth year"})
    ),
    ("POST", f"{V}/matches/{{match_id}}/reject"): Row(Permission.RESOLVE, fresh=True, body=EMPTY),
    ("GET", f"{V}/clusters/{{kind}}/{{record_id}}"): Row(R),
    ("POST", f"{V}/clusters/{{kind}}/{{record_id}}/split"): Row(
        Permission.RESOLVE, target="merged_person", fresh=True, body=EMPTY
    ),
    ("POST", f"{V}/match"): Row(R, body=_const({"name": "Jamal Tarek Hadad"})),
    ("GET", f"{V}/watchlists"): Row(R),
    ("POST", f"{V}/watchlists/{{list_name}}"): Row(
        Permission.IMPORT, upload=True, body=_const({"format": "csv"}),
        upload_bytes=b"id,name\nm1,Jamal Tarek Hadad\n",
    ),
    ("GET", f"{V}/risk/framework"): Row(R),
    ("GET", f"{V}/risk/framework/versions"): Row(R),
    ("POST", f"{V}/risk/framework/indicators"): Row(
        Permission.MANAGE_VOCABULARY, ok=201,
        body=lambda c: {"factor": "RF1", "text": f"Roadblocks multiply on road {c.n()}"},
    ),
    ("GET", f"{V}/risk/assessments"): Row(R),
    ("POST", f"{V}/risk/assessments"): Row(
        Permission.ASSESS, ok=201, body=_const({"country": "SD", "as_of": "2025-01-31"})
    ),
    ("GET", f"{V}/risk/assessments/history"): Row(R, query="country=SD"),
    ("GET", f"{V}/risk/assessments/compare"): Row(
        R, target="assessment", query="old={id}&new={id}", shows=True
    ),
    ("GET", f"{V}/risk/assessments/{{assessment_id}}"): Row(R, shows=True),
    ("GET", f"{V}/risk/assessments/{{assessment_id}}/suggestions"): Row(R),
    ("PATCH", f"{V}/risk/assessments/{{assessment_id}}"): Row(
        Permission.ASSESS, body=_const({"summary": "Reviewed with the field team"})
    ),
    ("POST", f"{V}/risk/assessments/{{assessment_id}}/submit"): Row(Permission.ASSESS, fresh=True),
    ("POST", f"{V}/risk/assessments/{{assessment_id}}/approve"): Row(
        Permission.APPROVE, target="assessment_in_review", fresh=True, body=EMPTY
    ),
    ("POST", f"{V}/risk/assessments/{{assessment_id}}/return"): Row(
        Permission.APPROVE, target="assessment_in_review", fresh=True,
        body=_const({"reason": "cite the sources for RF1.1"}),
    ),
    ("POST", f"{V}/risk/assessments/{{assessment_id}}/revise"): Row(
        Permission.ASSESS, ok=201, body=_const({"as_of": "2025-12-31"})
    ),
    ("GET", f"{V}/risk/assessments/{{assessment_id}}/pdf"): Row(Permission.EXPORT),
    ("GET", f"{V}/risk/watchlist"): Row(R),
    ("POST", f"{V}/risk/watchlist"): Row(
        Permission.ASSESS, ok=201, body=lambda c: {"country": "SD", "area": f"Area {c.n()}"}
    ),
    ("DELETE", f"{V}/risk/watchlist/{{watch_id}}"): Row(
        Permission.ASSESS, ok=204, fresh=True, any_level=True
    ),
    ("GET", f"{V}/risk/models"): Row(R),
    ("GET", f"{V}/risk/models/{{model_id}}"): Row(R, any_level=True),
    ("GET", f"{V}/risk/forecasts"): Row(R),
    ("POST", f"{V}/risk/forecasts"): Row(
        Permission.FORECAST, ok=201,
        body=lambda c: {"year": 1995, "model_id": c.clear("risk_model")},
    ),
    ("GET", f"{V}/risk/forecasts/latest"): Row(R, target="forecast_run", any_level=True),
    ("GET", f"{V}/risk/forecasts/{{run_id}}"): Row(R, shows=True),
    ("GET", f"{V}/risk/countries/{{country}}/trend"): Row(R),
    ("GET", f"{V}/risk/events/indicators"): Row(R),
    ("GET", f"{V}/risk/events/spikes"): Row(R),
    ("GET", f"{V}/risk/events/series"): Row(R, query="country=SD"),
    ("POST", f"{V}/risk/events/import"): Row(
        Permission.ASSESS, upload=True, body=_const({"layout": "acled"}),
        upload_bytes=ACLED_FILE,
    ),
    ("POST", f"{V}/risk/events/sync"): Row(Permission.ASSESS),
    # Anyone signed in manages their own subscriptions; the seeded ones are someone else's.
    ("GET", f"{V}/alert-subscriptions"): Row(R),
    ("POST", f"{V}/alert-subscriptions"): Row(
        R, ok=201,
        body=lambda c: {"name": f"Mine {c.n()}", "channel": "email", "address": "me@example.org"},
    ),
    ("PATCH", f"{V}/alert-subscriptions/{{subscription_id}}"): Row(
        Permission.MANAGE_SUBSCRIPTIONS, body=_const({"name": "Renamed desk"})
    ),
    ("DELETE", f"{V}/alert-subscriptions/{{subscription_id}}"): Row(
        Permission.MANAGE_SUBSCRIPTIONS, ok=204, fresh=True
    ),
    ("POST", f"{V}/alert-subscriptions/{{subscription_id}}/test"): Row(
        Permission.MANAGE_SUBSCRIPTIONS
    ),
    ("GET", f"{V}/alerts"): Row(R),
    ("POST", f"{V}/alerts"): Row(A, ok=201, body=_const(NEW_ALERT)),
    ("POST", f"{V}/alerts/cap"): Row(A, ok=201, upload=True, upload_bytes=CAP_FILE),
    ("GET", f"{V}/alerts/feed.atom"): Row(R),
    ("GET", f"{V}/alerts/{{alert_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/alerts/{{alert_id}}"): Row(A, body=_const({"instruction": "Stay indoors"})),
    ("POST", f"{V}/alerts/{{alert_id}}/issue"): Row(A, fresh=True, body=EMPTY),
    ("POST", f"{V}/alerts/{{alert_id}}/update"): Row(
        A, target="issued_alert", fresh=True, body=_const({"instruction": "Leave by the north"})
    ),
    ("POST", f"{V}/alerts/{{alert_id}}/cancel"): Row(
        A, target="issued_alert", fresh=True, body=_const({"reason": "a false report"})
    ),
    ("POST", f"{V}/alerts/{{alert_id}}/close"): Row(
        A, target="issued_alert", fresh=True, body=EMPTY
    ),
    # Its escalation chain names every user, so any role on it may acknowledge.
    ("POST", f"{V}/alerts/{{alert_id}}/acknowledge"): Row(R, target="issued_alert", fresh=True),
    ("POST", f"{V}/alerts/{{alert_id}}/actions"): Row(
        A, ok=201, target="issued_alert", body=_const({"kind": "urgent_appeal"})
    ),
    ("GET", f"{V}/alerts/{{alert_id}}/cap.xml"): Row(R, target="issued_alert", shows=True),
    ("GET", f"{V}/alerts/{{alert_id}}/cap.json"): Row(R, target="issued_alert", shows=True),
    ("GET", f"{V}/alerts/{{alert_id}}/escalations"): Row(R, target="issued_alert"),
    # Chains have no sharing level: readable by anyone who handles alerts, whatever their level.
    ("GET", f"{V}/escalation-chains"): Row(A),
    ("POST", f"{V}/escalation-chains"): Row(
        Permission.MANAGE_ALERTING, ok=201,
        body=lambda c: {"name": f"Matrix chain {c.n()}",
                        "steps": [{"after_minutes": 20, "user_ids": [c.owner.user_id]}]},
    ),
    ("GET", f"{V}/escalation-chains/{{chain_id}}"): Row(A, any_level=True),
    ("PATCH", f"{V}/escalation-chains/{{chain_id}}"): Row(
        Permission.MANAGE_ALERTING, any_level=True,
        body=lambda c: {"name": f"Renamed chain {c.n()}"},
    ),
    ("DELETE", f"{V}/escalation-chains/{{chain_id}}"): Row(
        Permission.MANAGE_ALERTING, ok=204, fresh=True, any_level=True
    ),
    # Rules carry a sharing level: seen by alert staff cleared to it, written by coordinators.
    ("GET", f"{V}/alert-rules"): Row(A),
    ("POST", f"{V}/alert-rules"): Row(Permission.MANAGE_ALERTING, ok=201, body=_const(NEW_RULE)),
    ("POST", f"{V}/alert-rules/dry-run"): Row(
        A, body=_const({"rule": NEW_RULE, "from": "2024-01-01", "to": "2024-03-31"})
    ),
    ("GET", f"{V}/alert-rules/{{rule_id}}"): Row(A, shows=True),
    ("PATCH", f"{V}/alert-rules/{{rule_id}}"): Row(
        Permission.MANAGE_ALERTING, body=_const({"params": {"threshold": 5}})
    ),
    ("DELETE", f"{V}/alert-rules/{{rule_id}}"): Row(Permission.MANAGE_ALERTING, ok=204),
    ("POST", f"{V}/alert-rules/{{rule_id}}/dry-run"): Row(
        A, body=_const({"from": "2024-01-01", "to": "2024-03-31"})
    ),
    ("GET", f"{V}/alert-rules/{{rule_id}}/firings"): Row(A),
    # The action library: documents and paragraphs are as visible as their sharing level.
    ("GET", f"{V}/library/documents"): Row(R),
    ("POST", f"{V}/library/documents"): Row(L, ok=201, upload=True, upload_bytes=PLAN_FILE),
    ("GET", f"{V}/library/documents/{{slug}}"): Row(R, shows=True),
    ("GET", f"{V}/library/nodes"): Row(
        R, target="library_node", query="reference={id}", shows=True
    ),
    ("GET", f"{V}/library/nodes/{{node_id}}"): Row(R, shows=True),
    ("PUT", f"{V}/library/nodes/{{node_id}}/labels/{{dimension}}"): Row(
        L, body=_const({"labels": ["state", "civil_society"], "note": "both are addressed"})
    ),
    ("GET", f"{V}/library/search"): Row(R, query="q=defenders&actor=state"),
    ("GET", f"{V}/library/nodes/{{node_id}}/links"): Row(R),
    ("POST", f"{V}/library/nodes/{{node_id}}/links"): Row(
        L, ok=201, body=lambda c: {"to_node": c.clear("library_node"), "kind": "implements"}
    ),
    ("POST", f"{V}/library/links/{{link_id}}/reject"): Row(L, body=EMPTY),
    ("POST", f"{V}/library/nodes/{{node_id}}/suggestions"): Row(L, body=EMPTY),
    # Commitments and their judgements: read by anyone cleared to them, written with RESPOND.
    ("GET", f"{V}/response/commitments"): Row(R),
    ("POST", f"{V}/response/commitments"): Row(
        Permission.RESPOND, ok=201,
        body=_const({"actor_name": "Republic of Matrixland", "action": "Free the children.",
                     "document_title": "Matrix pledge"}),
    ),
    ("GET", f"{V}/response/commitments/{{commitment_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/response/commitments/{{commitment_id}}"): Row(
        Permission.RESPOND, body=_const({"due_on": "2030-01-01"})
    ),
    ("GET", f"{V}/response/commitments/{{commitment_id}}/statuses"): Row(R),
    ("POST", f"{V}/response/commitments/{{commitment_id}}/statuses"): Row(
        Permission.RESPOND, ok=201,
        body=_const({"status": "in_progress", "as_of": "2024-01-01", "source": "UPR report",
                     "source_kind": "self_report"}),
    ),
    # Response plans: proposals read the library and the situation within clearance; plans are
    # read by anyone cleared to them and written with RESPOND.
    ("POST", f"{V}/response/proposals"): Row(
        R, body=_const({"situation": {"factors": [{"code": "RF7"}]}, "actor": "state"})
    ),
    ("GET", f"{V}/response/plans"): Row(R),
    ("POST", f"{V}/response/plans"): Row(
        Permission.RESPOND, ok=201,
        body=_const({"title": "Matrix plan", "situation": {"themes": ["children"]},
                     "actor": "state", "tlp": "GREEN"}),
    ),
    ("GET", f"{V}/response/plans/{{plan_id}}"): Row(R, shows=True),
    ("PATCH", f"{V}/response/plans/{{plan_id}}"): Row(
        Permission.RESPOND, body=_const({"summary": "edited"})
    ),
    ("POST", f"{V}/response/plans/{{plan_id}}/items"): Row(
        Permission.RESPOND, ok=201, fresh=True,
        body=lambda c: {"node": c.clear("library_node")},
    ),
    ("PATCH", f"{V}/response/plans/items/{{plan_item_id}}"): Row(
        Permission.RESPOND, body=_const({"status": "in_progress"})
    ),
    ("DELETE", f"{V}/response/plans/items/{{plan_item_id}}"): Row(Permission.RESPOND, fresh=True),
    ("GET", f"{V}/response/dashboard"): Row(R),
    ("GET", f"{V}/response/report.csv"): Row(Permission.EXPORT),
    ("GET", f"{V}/response/report.pdf"): Row(Permission.EXPORT),
    ("GET", f"{V}/vocabularies"): Row(R),
    ("GET", f"{V}/vocabularies/{{name}}"): Row(R),
    ("POST", f"{V}/vocabularies/{{name}}/terms"): Row(
        Permission.MANAGE_VOCABULARY,
        ok=201,
        body=lambda c: {"code": f"new_term_{c.n()}", "labels": {"en": "New term"}},
    ),
    ("PATCH", f"{V}/vocabularies/{{name}}/terms/{{code}}"): Row(
        Permission.MANAGE_VOCABULARY, body=_const({"labels": {"fr": "Meurtre"}})
    ),
    ("GET", f"{V}/audit"): Row(Permission.READ_AUDIT),
    ("GET", f"{V}/audit/export.csv"): Row(Permission.READ_AUDIT),
}

# Routes outside the API: the OpenAPI description and the server-rendered pages.
# Public pages and the API's own description (tests/web covers the reference page's assets).
# Pages (everything outside /api/v1) have their own role tests in tests/web.
NOT_API_PREFIX_FREE = {("GET", "/api/openapi.json"), ("GET", "/api/docs")}


def not_api(served: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {r for r in served if not r[1].startswith(V + "/")} | NOT_API_PREFIX_FREE


def routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves, whichever way FastAPI nests routers."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before nested-router contexts: routes are flat
        found: list[Any] = list(app.routes)
    else:
        found = list(iter_route_contexts(app.routes))
    return {
        (method, route.path)
        for route in found
        for method in (getattr(route, "methods", None) or ())
        if method != "HEAD"
    }


def expected(row: Row, role: Role | None, tlp: str | None) -> int:
    if row.need == PUBLIC:
        return row.ok
    if role is None:
        return 401
    if row.need != SIGNED_IN and not allows(role, Permission(row.need)):
        return 403
    if tlp is not None and TLP.parse(tlp) > clearance(role) and not row.any_level:
        return 404
    return row.ok


def url_for(path: str, row: Row, ctx: Ctx, target: Any) -> str:
    fixed = {"user_id": ctx.owner.user_id, "name": "act_type", "code": "killing",
             "kind": "person", "list_name": "matrix-list", "country": "SD",
             "dimension": "actor"}  # fmt: skip

    def fill(m: re.Match[str]) -> str:
        param = m.group(1)
        return target.id if param in PARAM_KIND else fixed[param]

    url = re.sub(r"{(\w+)}", fill, path)
    query = row.query.format(id=target.id) if target else row.query
    return url + ("?" + query if query else "")


def target_kind(path: str, row: Row) -> str | None:
    if row.target:
        return row.target
    kinds = [PARAM_KIND[p] for p in re.findall(r"{(\w+)}", path) if p in PARAM_KIND]
    return kinds[0] if kinds else None


def test_every_route_has_a_row(app: FastAPI) -> None:
    served = routes(app)
    api = served - not_api(served)
    assert api - set(MATRIX) == set(), "routes with no row in the matrix"
    assert set(MATRIX) - served == set(), "rows for routes that no longer exist"
    assert {p for _, p in api} == {p for _, p in MATRIX}
    assert all(p.startswith(V + "/") for _, p in MATRIX)


def test_expected_outcomes_follow_role_rules() -> None:
    """The oracle itself, pinned on a few cells so a broken oracle cannot pass everything."""
    status_row = MATRIX[("POST", f"{V}/events/{{event_id}}/status")]
    read_row = MATRIX[("GET", f"{V}/events/{{event_id}}")]
    assert expected(read_row, None, "CLEAR") == 401
    assert expected(read_row, Role.PARTNER_VIEWER, "GREEN") == 200
    assert expected(read_row, Role.PARTNER_VIEWER, "AMBER") == 404
    assert expected(read_row, Role.ANALYST, "AMBER+STRICT") == 200
    assert expected(read_row, Role.DOCUMENTER, "RED") == 404
    assert expected(read_row, Role.COORDINATOR, "RED") == 200
    assert expected(status_row, Role.DOCUMENTER, "CLEAR") == 403
    assert expected(MATRIX[("GET", f"{V}/audit")], Role.COORDINATOR, None) == 403
    assert expected(MATRIX[("GET", f"{V}/health")], None, None) == 200


@pytest.mark.parametrize(
    ("method", "path"), sorted(MATRIX), ids=[f"{m} {p}" for m, p in sorted(MATRIX)]
)
def test_matrix(
    method: str, path: str, client: TestClient, team: Any, seed: Any, owner: Actor
) -> None:
    row = MATRIX[(method, path)]
    ctx = Ctx(seed, owner)
    kind = target_kind(path, row)
    failures: list[str] = []
    shared = {tlp: seed.make(kind, tlp) for tlp in TLPS} if kind and not row.fresh else {}
    for role in ROLES:
        headers = team(role) if role else {}
        for tlp in TLPS if kind else [None]:
            target = (shared.get(tlp) or seed.make(kind, tlp)) if kind and tlp else None
            body = row.body(ctx) if row.body else None
            url = url_for(path, row, ctx, target)
            if row.upload:
                n = ctx.n()
                content = row.upload_bytes or f"upload {n}".encode()
                files = {"file": (f"upload{n}.txt", content, "text/plain")}
                r = client.request(method, url, data=body, files=files, headers=headers)
            elif row.form:
                r = client.request(method, url, data=body, headers=headers)
            else:
                r = client.request(method, url, json=body, headers=headers)
            want = expected(row, role, tlp)
            cell = f"{role.value if role else 'anonymous'} {tlp or ''}: {method} {url}"
            if r.status_code != want:
                failures.append(f"{cell} -> {r.status_code}, expected {want}: {r.text[:300]}")
                continue
            if want in (401, 403, 404):
                assert r.headers["content-type"].startswith("application/problem+json")
                assert r.json()["status"] == want
            if want == 401:
                assert r.headers.get("www-authenticate") == "Bearer"
            if target is not None and want in (401, 403, 404) and target.secret in r.text:
                failures.append(f"{cell} -> {want} but the reply names the record")
            above = role is not None and tlp is not None and TLP.parse(tlp) > clearance(role)
            if target is not None and row.any_level and above and target.secret in r.text:
                failures.append(f"{cell} -> {want} and the reply shows a record above clearance")
            if target is not None and row.shows and want == row.ok and target.secret not in r.text:
                failures.append(f"{cell} -> {want} but the record is not in the reply")
    assert not failures, "\n".join(failures)


# ---- lists: never a record above clearance, always one's own records ------------------------

# name: (list url, kind of item, kind of the record the items hang off or None)
LISTS = {
    "events": (f"{V}/events", "event", None),
    "acts": (f"{V}/acts", "act", None),
    "event-acts": (f"{V}/events/{{id}}/acts", "act", "event"),
    "persons": (f"{V}/persons", "person", None),
    "organisations": (f"{V}/organisations", "organisation", None),
    "sources": (f"{V}/sources", "source", None),
    "consents": (f"{V}/consents?person_id={{id}}", "consent", "person"),
    "interventions": (f"{V}/interventions", "intervention", None),
    "evidence": (f"{V}/evidence?event_id={{id}}", "evidence", "event"),
    "alerts": (f"{V}/alerts", "alert", None),
    "response-plans": (f"{V}/response/plans", "response_plan", None),
}
ONE = {
    "event": "events",
    "act": "acts",
    "person": "persons",
    "organisation": "organisations",
    "source": "sources",
    "consent": "consents",
    "intervention": "interventions",
    "evidence": "evidence",
    "alert": "alerts",
    "response_plan": "response/plans",
}


@pytest.mark.parametrize("name", list(LISTS))
def test_lists_hold_only_what_each_role_may_see(
    name: str, client: TestClient, team: Any, seed: Any
) -> None:
    url, kind, container = LISTS[name]
    link: dict[str, str] = {}
    if container:
        box = seed.make(container, "CLEAR")
        url = url.format(id=box.id)
        link = {f"{container}_id": box.id}
    analyst = team[Role.ANALYST]
    filed = {tlp: getattr(seed, kind)(tlp, **link) for tlp in TLPS}
    own = getattr(seed.as_(analyst.actor), kind)("RED", **link)  # above the analyst's clearance
    everything = [*filed.values(), own]
    for role in Role:
        visible = {r.id for tlp, r in filed.items() if TLP.parse(tlp) <= clearance(role)}
        if clearance(role) >= TLP.RED or role is Role.ANALYST:
            visible.add(own.id)
        hidden = {r.id for r in everything} - visible
        params = None if "?" in url else {"page_size": 500}
        r = client.get(url, params=params, headers=team(role))
        assert r.status_code == 200, r.text
        body = r.json()
        items = body if isinstance(body, list) else body["items"]
        ids = {item["id"] for item in items}
        assert visible <= ids, f"{role.value} misses records within clearance"
        assert not ids & hidden, f"{role.value} sees records above clearance"
        if isinstance(body, dict):
            assert body["total"] == len(items), f"{role.value}: total counts hidden records"
        leaked = [rec.secret for rec in everything if rec.id in hidden and rec.secret in r.text]
        assert not leaked, f"{role.value} reads {leaked}"
    # A user always sees what they filed themselves, in a single read too.
    one = f"{V}/{ONE[kind]}/{own.id}"
    assert client.get(one, headers=team(Role.ANALYST)).status_code == 200
    mine = client.get(one, headers=team(Role.DOCUMENTER))
    assert mine.status_code == 404 and own.secret not in mine.text
