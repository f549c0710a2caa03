"""Alert subscriptions: one's own (everyone's for those who manage them), deleting one, and a
test message sent at once. Making and changing them is in alert_subscription_form."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tocsin.alerts import subscriptions
from tocsin.alerts.sending import SendConfig
from tocsin.alerts.subscription_ping import send_test
from tocsin.api.deps import SessionDep, SettingsDep
from tocsin.core.roles import Permission
from tocsin.crosscheck.review_views import deciders
from tocsin.web.i18n import N_
from tocsin.web.pages import alert_subscription_form
from tocsin.web.pages.alert_words import words
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
LIST = "/alerts/subscriptions"


@router.get(LIST, response_class=HTMLResponse)
def subscription_list(
    request: Request, session: SessionDep, who: PageViewer,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:  # fmt: skip
    found = subscriptions.list_subscriptions(session, who.actor, page, PAGE_SIZE)
    manager = who.can(Permission.MANAGE_SUBSCRIPTIONS)
    owners = deciders(session, who.actor, [s.user_id for s in found.items]) if manager else {}
    return render(request, "alerts/subscriptions.html", who, **words(), found=found,
                  manager=manager, owners=owners)  # fmt: skip


@router.post(LIST + "/{subscription_id:uuid}/delete", response_class=HTMLResponse)
def delete_subscription(subscription_id: UUID, session: SessionDep, who: PostedForm) -> Response:
    subscriptions.remove(session, who.actor, str(subscription_id))
    return flash(RedirectResponse(LIST, 303), N_("Subscription deleted."))


@router.post(LIST + "/{subscription_id:uuid}/test", response_class=HTMLResponse)
def test_subscription(
    subscription_id: UUID, session: SessionDep, who: PostedForm, settings: SettingsDep
) -> Response:
    cfg = SendConfig.from_settings(settings)
    sent = send_test(session, who.actor, str(subscription_id), cfg, settings.public_url)
    # Translated here: the receiver's answer is filled in, and a flash is looked up whole.
    message = (
        who._(N_("Test message delivered: the receiver accepted it.")) if sent.delivered
        else who._(N_("The test message was not delivered: %(detail)s")) % {"detail": sent.detail}
    )  # fmt: skip
    return flash(RedirectResponse(LIST, 303), message)


router.include_router(alert_subscription_form.router)
