"""Administration: the landing page, listing only the areas the viewer may use."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tocsin.core.errors import Forbidden
from tocsin.core.roles import Permission
from tocsin.web.i18n import N_
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Area:
    permission: Permission
    href: str
    title: str
    about: str


AREAS = [
    Area(Permission.MANAGE_USERS, "/admin/users", N_("Users"),
         N_("Add accounts, change roles, disable and enable sign-in.")),
    Area(Permission.MANAGE_VOCABULARY, "/admin/vocabularies", N_("Vocabularies"),
         N_("Add terms and translate them into French and Arabic.")),
    Area(Permission.READ_AUDIT, "/admin/audit", N_("Audit log"),
         N_("Who did and saw what, when, from where; filter and export as CSV.")),
]


def areas_for(who: Viewer) -> list[Area]:
    return [a for a in AREAS if who.can(a.permission)]


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, who: PageViewer) -> Response:
    mine = areas_for(who)
    if not mine:
        raise Forbidden(f"the {who.actor.role.value} role has no administration rights")
    return render(request, "admin/home.html", who, areas=mine)
