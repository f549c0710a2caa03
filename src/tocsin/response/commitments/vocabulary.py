"""The codes of commitments: where an implementation stands, and who says so. Defined once,
here; actor kinds are the action library's actor codes (library/taxonomy.toml)."""

from __future__ import annotations

from enum import StrEnum

from tocsin.core.errors import ValidationFailed
from tocsin.library.classify.taxonomy import ACTOR, load_taxonomy

KIND = "commitment"  # the audit log's entity type


class CommitmentStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    NOT_IMPLEMENTED = "not_implemented"


class SourceKind(StrEnum):
    """Whose word a judgement is: the committed actor's own account is weighed differently
    from an independent one."""

    SELF_REPORT = "self_report"  # the actor's own report (a State's UPR national report)
    INDEPENDENT = "independent"  # a shadow report, a UN or NHRI finding, an academic study
    OWN_MONITORING = "own_monitoring"  # what our team observed
    MEDIA = "media"
    OTHER = "other"


NO_JUDGEMENT = "none"  # the dashboard's column for commitments nobody has judged yet


def actor_kind_names() -> dict[str, str]:
    return {label.code: label.name for label in load_taxonomy().dimension(ACTOR).labels}


def parse_actor_kind(value: str, field: str = "actor_kind") -> str:
    return load_taxonomy().require(ACTOR, value.strip().lower(), field, "actor kind")


def parse_status(value: str, field: str = "status") -> CommitmentStatus:
    try:
        return CommitmentStatus(value.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in CommitmentStatus)
        message = f"unknown status {value!r}; use one of {choices}"
        raise ValidationFailed.on(field, message) from None


def parse_source_kind(value: str, field: str = "source_kind") -> SourceKind:
    try:
        return SourceKind(value.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in SourceKind)
        raise ValidationFailed.on(field, f"unknown kind {value!r}; use one of {choices}") from None
