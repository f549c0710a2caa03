"""Roles and what each may do. One table, read everywhere; never string literals elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tocsin.core.tlp import TLP


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    DOCUMENTER = "documenter"
    PARTNER_VIEWER = "partner_viewer"


class Permission(StrEnum):
    READ = "read"
    WRITE = "write"  # create and edit case records
    CHANGE_STATUS = "change_status"  # move an event through verification
    MANAGE_VOCABULARY = "manage_vocabulary"
    MANAGE_USERS = "manage_users"
    READ_AUDIT = "read_audit"
    IDENTIFY = "identify"  # see or export protected identities in clear
    RELEASE = "release"  # lower the sharing level of a colleague's record (show it to more people)
    IMPORT = "import"
    EXPORT = "export"
    RESOLVE = "resolve"  # decide whether two records are the same (merge, reject, split)
    CONFIGURE = "configure"  # change run-time settings, e.g. the match auto-accept threshold
    ASSESS = "assess"  # write risk assessments and import event data
    APPROVE = "approve"  # approve or return a colleague's risk assessment
    FORECAST = "forecast"  # train and run the statistical risk model
    ALERT = "alert"  # raise, edit, issue, update, cancel and close early-warning alerts
    MANAGE_SUBSCRIPTIONS = "manage_subscriptions"  # everyone's alert subscriptions, not one's own
    MANAGE_ALERTING = "manage_alerting"  # alert rules and escalation chains
    CURATE_LIBRARY = "curate_library"  # import action plans, correct their labels, link paragraphs
    RESPOND = "respond"  # draw up response plans, record commitments and judge their progress


@dataclass(frozen=True)
class RoleRule:
    clearance: TLP
    permissions: frozenset[Permission]


_ALL = frozenset(Permission)

ROLE_RULES: dict[Role, RoleRule] = {
    Role.ADMIN: RoleRule(TLP.RED, _ALL),
    Role.COORDINATOR: RoleRule(
        TLP.RED,
        _ALL - {Permission.MANAGE_USERS, Permission.READ_AUDIT, Permission.CONFIGURE},
    ),
    Role.ANALYST: RoleRule(
        TLP.AMBER_STRICT,
        frozenset({Permission.READ, Permission.WRITE, Permission.CHANGE_STATUS, Permission.EXPORT,
                   Permission.RESOLVE, Permission.ASSESS, Permission.ALERT,
                   Permission.CURATE_LIBRARY, Permission.RESPOND}),
    ),
    Role.DOCUMENTER: RoleRule(
        TLP.AMBER_STRICT,
        frozenset({Permission.READ, Permission.WRITE, Permission.IMPORT}),
    ),
    Role.PARTNER_VIEWER: RoleRule(TLP.GREEN, frozenset({Permission.READ})),
}


def clearance(role: Role) -> TLP:
    return ROLE_RULES[role].clearance


def allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_RULES[role].permissions
