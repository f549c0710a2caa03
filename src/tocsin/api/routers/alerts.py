"""Early-warning alerts: drafts, their lifecycle, and CAP 1.2 and Atom for other systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from tocsin.alerts import lifecycle, service
from tocsin.alerts.atom import feed_alerts, to_atom
from tocsin.alerts.cap import to_cap_json_bytes, to_cap_xml
from tocsin.alerts.cap_input import MAX_BYTES
from tocsin.alerts.cap_map import CapSite
from tocsin.alerts.schemas import (
    ActionIn,
    AlertCreate,
    AlertPublic,
    AlertRevise,
    AlertSummary,
    AlertUpdate,
    IssueIn,
    ReasonIn,
)
from tocsin.alerts.service import AlertFilters
from tocsin.api.deps import CurrentActor, PagingDep, SessionDep, SettingsDep
from tocsin.cases.schemas import Page
from tocsin.core.errors import ValidationFailed

router = APIRouter(tags=["alerts"])
Filter = Annotated[str | None, Query(max_length=40)]
CAP_XML = "application/cap+xml"


def site(settings: SettingsDep) -> CapSite:
    """CAP and the feed name the server by its public address (TOCSIN_PUBLIC_URL), the same
    one deliveries carry, so a sender and its references never differ between channels."""
    return CapSite(settings.public_url)


SiteDep = Annotated[CapSite, Depends(site)]


async def cap_document(request: Request) -> bytes:
    """The CAP document: the request body (application/cap+xml or XML), or the ``file`` of a
    multipart form."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ValidationFailed.on("file", "send the CAP document as the file field")
        data = await upload.read(MAX_BYTES + 1)
    else:
        data = await request.body()
    return data


@router.get("/alerts", response_model=Page[AlertSummary])
def list_alerts(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    state: Filter = None,
    country: Filter = None,
    category: Filter = None,
    severity: Filter = None,
) -> Page[AlertSummary]:
    """Alerts you may see, newest first."""
    f = AlertFilters(state=state, country=country, category=category, severity=severity)
    return service.list_alerts(session, actor, f, paging.page, paging.page_size)


@router.post("/alerts", response_model=AlertPublic, status_code=201)
def create_alert(data: AlertCreate, session: SessionDep, actor: CurrentActor) -> AlertPublic:
    """Draft an alert (ALERT permission)."""
    return service.create_draft(session, actor, data)


@router.post("/alerts/cap", response_model=AlertPublic, status_code=201,
             openapi_extra={"requestBody": {"content": {CAP_XML: {}}}})  # fmt: skip
def import_cap(
    document: Annotated[bytes, Depends(cap_document)], session: SessionDep, actor: CurrentActor
) -> AlertPublic:
    """Draft an alert from a CAP 1.2 document sent by another early-warning system."""
    return service.import_cap(session, actor, document)


@router.get("/alerts/feed.atom", response_class=Response,
            responses={200: {"content": {"application/atom+xml": {}}}})  # fmt: skip
def feed(session: SessionDep, actor: CurrentActor, where: SiteDep) -> Response:
    """Issued alerts you may see, newest first, each linking to its CAP XML."""
    body = to_atom(feed_alerts(session, actor), where)
    return Response(body, media_type="application/atom+xml")


@router.get("/alerts/{alert_id}", response_model=AlertPublic)
def get_alert(alert_id: str, session: SessionDep, actor: CurrentActor) -> AlertPublic:
    return service.get_alert(session, actor, alert_id)


@router.patch("/alerts/{alert_id}", response_model=AlertPublic)
def edit_alert(
    alert_id: str, data: AlertUpdate, session: SessionDep, actor: CurrentActor
) -> AlertPublic:
    """Change a draft."""
    return service.edit_draft(session, actor, alert_id, data)


@router.post("/alerts/{alert_id}/issue", response_model=AlertPublic)
def issue(alert_id: str, data: IssueIn, session: SessionDep, actor: CurrentActor) -> AlertPublic:
    return lifecycle.issue(session, actor, alert_id, data)


@router.post("/alerts/{alert_id}/update", response_model=AlertPublic)
def update(
    alert_id: str, data: AlertRevise, session: SessionDep, actor: CurrentActor
) -> AlertPublic:
    """Send a new version of an issued alert."""
    return lifecycle.update(session, actor, alert_id, data)


@router.post("/alerts/{alert_id}/cancel", response_model=AlertPublic)
def cancel(alert_id: str, data: ReasonIn, session: SessionDep, actor: CurrentActor) -> AlertPublic:
    return lifecycle.cancel(session, actor, alert_id, data.reason)


@router.post("/alerts/{alert_id}/close", response_model=AlertPublic)
def close(alert_id: str, data: ReasonIn, session: SessionDep, actor: CurrentActor) -> AlertPublic:
    return lifecycle.close(session, actor, alert_id, data.reason)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertPublic)
def acknowledge(alert_id: str, session: SessionDep, actor: CurrentActor) -> AlertPublic:
    return lifecycle.acknowledge(session, actor, alert_id)


@router.post("/alerts/{alert_id}/actions", response_model=AlertPublic, status_code=201)
def record_action(
    alert_id: str, data: ActionIn, session: SessionDep, actor: CurrentActor
) -> AlertPublic:
    return lifecycle.record_action(session, actor, alert_id, data)


@router.get("/alerts/{alert_id}/cap.xml", response_class=Response,
            responses={200: {"content": {CAP_XML: {}}}})  # fmt: skip
def cap_xml(alert_id: str, session: SessionDep, actor: CurrentActor, where: SiteDep) -> Response:
    """The alert's newest version as CAP 1.2 XML (the address never changes)."""
    alert = service.get_alert(session, actor, alert_id)
    return Response(to_cap_xml(alert, where), media_type=CAP_XML)


@router.get("/alerts/{alert_id}/cap.json", response_class=Response,
            responses={200: {"content": {"application/json": {}}}})  # fmt: skip
def cap_json(alert_id: str, session: SessionDep, actor: CurrentActor, where: SiteDep) -> Response:
    """The same content as JSON (docs/alerts.md)."""
    alert = service.get_alert(session, actor, alert_id)
    return Response(to_cap_json_bytes(alert, where), media_type="application/json")
