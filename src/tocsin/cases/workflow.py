"""The verification workflow of an event: which status may follow which."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    REPORTED = "reported"
    UNDER_VERIFICATION = "under_verification"
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    REJECTED = "rejected"


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset({Status.UNDER_VERIFICATION, Status.REJECTED}),
    Status.UNDER_VERIFICATION: frozenset({Status.VERIFIED, Status.UNVERIFIED, Status.REJECTED}),
    # Verified facts can be reopened when new information contradicts them.
    Status.VERIFIED: frozenset({Status.UNDER_VERIFICATION}),
    Status.UNVERIFIED: frozenset({Status.UNDER_VERIFICATION, Status.REJECTED}),
    Status.REJECTED: frozenset({Status.UNDER_VERIFICATION}),
}


def allowed_next(current: str) -> frozenset[Status]:
    return TRANSITIONS.get(Status(current), frozenset())
