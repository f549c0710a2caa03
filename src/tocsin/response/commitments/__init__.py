"""Commitments made by actors (States, UN bodies, organisations) and the judgements of their
implementation over time, the implementation dashboard and the report (CSV, PDF).

Every function takes a SQLAlchemy ``Session`` and the acting ``Actor``, checks permissions
(READ to read, RESPOND to write) and sharing levels itself, writes the audit log, and returns
API shapes (``schemas``), never storage rows. The caller commits.
"""

from tocsin.response.commitments.dashboard import dashboard
from tocsin.response.commitments.report import Report, build_report, export_csv, export_pdf
from tocsin.response.commitments.schemas import (
    CommitmentCreate,
    CommitmentFilters,
    CommitmentPublic,
    CommitmentSummary,
    CommitmentUpdate,
    Dashboard,
    JudgementCreate,
    JudgementPublic,
    StatusCounts,
)
from tocsin.response.commitments.store import (
    create_commitment,
    record_judgement,
    update_commitment,
)
from tocsin.response.commitments.views import get_commitment, judgements, list_commitments
from tocsin.response.commitments.vocabulary import CommitmentStatus, SourceKind

__all__ = [
    "CommitmentCreate",
    "CommitmentFilters",
    "CommitmentPublic",
    "CommitmentStatus",
    "CommitmentSummary",
    "CommitmentUpdate",
    "Dashboard",
    "JudgementCreate",
    "JudgementPublic",
    "Report",
    "SourceKind",
    "StatusCounts",
    "build_report",
    "create_commitment",
    "dashboard",
    "export_csv",
    "export_pdf",
    "get_commitment",
    "judgements",
    "list_commitments",
    "record_judgement",
    "update_commitment",
]
