"""API shapes of escalation chains and of the escalation clock's record.

A chain is an ordered list of steps. Each step names the people it calls and ``after_minutes``:
how long they have to acknowledge before the next step is called. The minutes are per step, not
counted from the issue: a step of 30 then a step of 60 calls the second step 30 minutes after the
first if nobody acknowledged, and the third (or the chain's end) 60 minutes after that.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from tocsin.cases.schemas import Strict

MAX_STEPS = 10
MAX_PEOPLE = 50  # per step
MAX_MINUTES = 7 * 24 * 60  # a week: a longer wait is no escalation

Name = Annotated[str, Field(min_length=1, max_length=200)]
UserId = Annotated[str, Field(min_length=1, max_length=36)]
Minutes = Annotated[int, Field(ge=1, le=MAX_MINUTES)]


class StepIn(Strict):
    after_minutes: Minutes
    user_ids: Annotated[list[UserId], Field(min_length=1, max_length=MAX_PEOPLE)]


Steps = Annotated[list[StepIn], Field(min_length=1, max_length=MAX_STEPS)]


class ChainCreate(Strict):
    name: Name
    steps: Steps


class ChainUpdate(Strict):
    """Fields left out stay as they are; ``steps`` replaces the whole list."""

    name: Name | None = None
    steps: Steps | None = None


class ChainMember(BaseModel):
    id: str
    email: str
    display_name: str
    active: bool
    may_alert: bool  # still holds the ALERT permission: one who lost it is not called


class StepPublic(BaseModel):
    after_minutes: int
    user_ids: list[str]
    people: list[ChainMember]  # the same people, in order, as far as they are on file


class ChainPublic(BaseModel):
    id: str
    name: str
    steps: list[StepPublic]
    live_alerts: int  # issued or updated alerts using the chain: while any, it cannot be deleted
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class SkippedPublic(BaseModel):
    user_id: str
    why: str  # unknown_user, inactive, no_alert_permission, not_cleared


class EscalationPublic(BaseModel):
    """One move of the escalation clock: the step called (``escalated``) or the chain's end
    (``exhausted``, one level past the last step, nobody called)."""

    level: int
    kind: str
    at: datetime
    chain_id: str | None
    notified: list[str]  # user ids, each sent one notice by email
    skipped: list[SkippedPublic]  # on the step, but not told (and why)
    missed_deadline: datetime  # the deadline to acknowledge that passed
    next_deadline: datetime | None  # the new one; None at the chain's end
    reason: str  # "not acknowledged by <deadline>"


class EscalationStatus(BaseModel):
    """Where an alert stands on its response clock, for the pages."""

    alert_id: str
    chain_id: str | None
    level: int  # 0: only the owner has been asked
    steps: int  # in its chain now (0 without one)
    exhausted_at: datetime | None  # its chain ran out with nobody acknowledging
    ack_deadline: datetime | None
    act_deadline: datetime | None
    overdue_ack: bool  # live, not acknowledged, past the deadline to acknowledge
    overdue_act: bool  # live, nothing done, past the deadline to act


class OverdueAlert(EscalationStatus):
    title: str
    severity: str
    state: str
    owner_id: str | None
