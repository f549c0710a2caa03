"""One module per area of the application, each with its own router."""

from __future__ import annotations

from fastapi import APIRouter

from tocsin.web.pages import (
    account,
    admin_audit,
    admin_home,
    admin_users,
    admin_vocabularies,
    alert_chains,
    alert_forms,
    alert_inbox,
    alert_page,
    alert_rules,
    alert_steps,
    alert_subscriptions_page,
    api_reference,
    dashboard,
    event_forms,
    event_page,
    events,
    evidence_pages,
    organisations,
    persons,
    review_pages,
    risk_assessments,
    risk_country,
    risk_framework,
    risk_horizon,
    risk_horizon_export,
    risk_ranking,
    sources,
)

ROUTERS: list[APIRouter] = [
    account.router,
    api_reference.router,
    dashboard.router,
    events.router,
    event_page.router,
    event_forms.router,
    evidence_pages.router,
    persons.router,
    organisations.router,
    sources.router,
    admin_home.router,
    admin_users.router,
    admin_vocabularies.router,
    admin_audit.router,
    review_pages.router,
    risk_assessments.router,
    risk_framework.router,
    risk_ranking.router,
    risk_horizon.router,
    risk_horizon_export.router,
    risk_country.router,
    # Fixed addresses under /alerts (subscriptions, new) before the alert's own pages.
    alert_chains.router,  # /alerts/chains...
    alert_rules.router,  # /alerts/rules...
    alert_subscriptions_page.router,
    alert_inbox.router,
    alert_forms.router,
    alert_page.router,
    alert_steps.router,
]
