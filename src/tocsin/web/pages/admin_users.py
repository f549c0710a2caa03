"""Administration: user accounts, their roles, and whether they may sign in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from tocsin.api.deps import SessionDep
from tocsin.api.routers.users import UserCreate
from tocsin.core import user_admin
from tocsin.core.auth import MIN_PASSWORD_LENGTH
from tocsin.core.models import User
from tocsin.core.roles import ROLE_RULES, Permission, Role
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(prefix="/admin/users", include_in_schema=False)

UserId = Annotated[str, Path(max_length=36)]
SECRET_FIELDS = ("password", "repeat_password")

ROLE_NAMES = {
    Role.ADMIN: N_("Administrator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.ANALYST: N_("Analyst"),
    Role.DOCUMENTER: N_("Documenter"),
    Role.PARTNER_VIEWER: N_("Partner viewer"),
}
PERMISSION_NAMES = {
    Permission.READ: N_("read records"),
    Permission.WRITE: N_("create and edit records"),
    Permission.CHANGE_STATUS: N_("verify events"),
    Permission.MANAGE_VOCABULARY: N_("manage vocabularies"),
    Permission.MANAGE_USERS: N_("manage users"),
    Permission.READ_AUDIT: N_("read the audit log"),
    Permission.IDENTIFY: N_("see protected identities"),
    Permission.RELEASE: N_("lower the sharing level of others' records"),
    Permission.IMPORT: N_("import"),
    Permission.EXPORT: N_("export"),
    Permission.RESOLVE: N_("decide whether records are the same"),
    Permission.CONFIGURE: N_("change run-time settings"),
    Permission.ASSESS: N_("write risk assessments"),
    Permission.APPROVE: N_("approve risk assessments"),
    Permission.FORECAST: N_("train and run the risk model"),
    Permission.ALERT: N_("raise and issue alerts"),
    Permission.MANAGE_SUBSCRIPTIONS: N_("manage everyone's alert subscriptions"),
    Permission.MANAGE_ALERTING: N_("edit alert rules and escalation chains"),
    Permission.CURATE_LIBRARY: N_("curate the action library"),
    Permission.RESPOND: N_("plan responses and track commitments"),
}


@dataclass(frozen=True)
class RoleNote:
    """A role as an admin chooses it: its name, how far it sees, and what it may do."""

    code: str
    name: str
    clearance: str
    permissions: list[str]


ROLE_NOTES = [
    RoleNote(
        role.value,
        ROLE_NAMES[role],
        ROLE_RULES[role].clearance.label,
        [PERMISSION_NAMES[p] for p in Permission if p in ROLE_RULES[role].permissions],
    )
    for role in Role
]


def _role_choices(who: Viewer) -> list[tuple[str, str]]:
    return [(n.code, f"{who._(n.name)} · TLP:{n.clearance}") for n in ROLE_NOTES]


def _show(request: Request, who: Viewer, user: User, form: FormState, status: int = 200
          ) -> Response:
    form.values.setdefault("role", user.role)
    return render(request, "admin/user.html", who, status, user=user, form=form,
                  roles=ROLE_NOTES, role_choices=_role_choices(who), role_names=ROLE_NAMES)


def _new_form(request: Request, who: Viewer, form: FormState, status: int = 200) -> Response:
    return render(request, "admin/user_new.html", who, status, form=form, roles=ROLE_NOTES,
                  role_choices=_role_choices(who), min_length=MIN_PASSWORD_LENGTH)


@router.get("", response_class=HTMLResponse)
def users(request: Request, session: SessionDep, who: PageViewer) -> Response:
    found = user_admin.list_users(session, who.actor)
    return render(request, "admin/users.html", who, users=found, role_names=ROLE_NAMES)


@router.get("/new", response_class=HTMLResponse)
def new_user(request: Request, who: PageViewer) -> Response:
    who.require(Permission.MANAGE_USERS)
    state = FormState(values={"role": Role.DOCUMENTER.value})
    return _new_form(request, who, state)


@router.post("/new", response_class=HTMLResponse)
def add_user(request: Request, session: SessionDep, who: PostedForm) -> Response:
    who.require(Permission.MANAGE_USERS)
    posted = {k: v for k, v in who.form.items() if k != "csrf"}
    # Passwords are never sent back into the page, even when the form is refused.
    state = FormState(values={k: v for k, v in posted.items() if k not in SECRET_FIELDS})
    data = validate(UserCreate, {k: v for k, v in posted.items() if k != "repeat_password"},
                    state)
    if data is not None and data.password != posted.get("repeat_password", ""):
        state.errors["repeat_password"] = N_("does not match the password")
    created = None
    if data is not None and state.ok:
        created = attempt(
            session,
            lambda: user_admin.add_user(
                session, who.actor, data.email, data.password, data.role, data.display_name
            ),
            state,
        )
    if created is None:
        return _new_form(request, who, state, 422)
    response = RedirectResponse(f"/admin/users/{created.id}", status_code=303)
    return flash(response, N_("User added. They can sign in now."))


@router.get("/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, session: SessionDep, who: PageViewer, user_id: UserId
              ) -> Response:
    user = user_admin.get_user(session, who.actor, user_id)
    return _show(request, who, user, FormState())


def _change(
    request: Request,
    session: Session,
    who: Viewer,
    user_id: str,
    change: Callable[[User], User],
    state: FormState,
    done: str,
) -> Response:
    """Apply one change to an account; a refusal shows the account as stored, with the reason
    next to the control that asked for it."""
    user = user_admin.get_user(session, who.actor, user_id)
    if attempt(session, lambda: change(user), state) is None:
        user = user_admin.get_user(session, who.actor, user_id)  # as stored, after the rollback
        return _show(request, who, user, state, 422)
    return flash(RedirectResponse(f"/admin/users/{user_id}", status_code=303), done)


@router.post("/{user_id}/role", response_class=HTMLResponse)
def change_role(request: Request, session: SessionDep, who: PostedForm, user_id: UserId
                ) -> Response:
    role = who.form.get("role", "")
    return _change(
        request, session, who, user_id,
        lambda user: user_admin.change_role(session, who.actor, user, role),
        FormState(values={"role": role}), N_("Role changed."),
    )


@router.post("/{user_id}/active", response_class=HTMLResponse)
def set_access(request: Request, session: SessionDep, who: PostedForm, user_id: UserId
               ) -> Response:
    active = who.form.get("active") == "true"
    return _change(
        request, session, who, user_id,
        lambda user: user_admin.set_access(session, who.actor, user, active),
        FormState(), N_("Account enabled.") if active
        else N_("Account disabled. Their sessions and API tokens have ended."),
    )
