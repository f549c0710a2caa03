"""The words of response plans, defined once: plan and item states, what the history records,
and the name the audit log files plans under."""

from __future__ import annotations

from enum import StrEnum


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class ChangeKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    ITEM_ADDED = "item_added"
    ITEM_UPDATED = "item_updated"
    ITEM_REMOVED = "item_removed"


KIND = "response_plan"  # the audit log's name for a plan
