"""The implementation report, for a Universal Periodic Review submission or a partner: the
commitments the filters select, each with its source reference, action, due date, status at the
end of the period and the judgements of the period with their sources and evidence, and a
summary table of statuses. As CSV (one row per commitment) and PDF (WeasyPrint, loaded only
when asked for). Every export is audited.

Records cited as evidence are named only when the reader may see them, and protected ones
(TLP:AMBER and above) by id and sharing level only; evidence files never by name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.exporter import defuse
from tocsin.cases.models import Event
from tocsin.core import audit
from tocsin.core.access import Actor, is_protected
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.response.commitments.dashboard import counts, grouped
from tocsin.response.commitments.schemas import (
    CommitmentFilters,
    CommitmentPublic,
    CommitmentSummary,
    JudgementPublic,
    StatusCounts,
)
from tocsin.response.commitments.sources import WITHHELD
from tocsin.response.commitments.views import audit_shown, is_overdue_on, matching
from tocsin.response.commitments.vocabulary import KIND, actor_kind_names
from tocsin.vault.models import Evidence

CSV_COLUMNS = (
    "document", "reference", "actor", "actor_kind", "country", "action", "made_on", "due_on",
    "status", "status_as_of", "overdue", "indicators", "judgements", "latest_source",
    "latest_source_kind", "history", "tlp", "id",
)  # fmt: skip


@dataclass
class ReportItem:
    commitment: CommitmentPublic
    status: str | None  # as of the end of the period
    status_as_of: date | None
    overdue: bool
    judgements: list[JudgementPublic]  # of the period, oldest first


@dataclass
class Report:
    title: str
    since: date | None
    until: date
    filters: CommitmentFilters
    items: list[ReportItem]
    summary: StatusCounts
    by_document: list[StatusCounts]
    by_actor: list[StatusCounts]
    tlp: str
    cited: dict[str, str] = field(default_factory=dict)  # record id -> how the report names it


def build_report(
    session: Session, actor: Actor, filters: CommitmentFilters, since: date | None = None,
    until: date | None = None, title: str = "",
) -> Report:  # fmt: skip
    # Like the assessment PDF and the horizon report: what leaves the system needs EXPORT.
    actor.require(Permission.EXPORT)
    until = until or utcnow().date()
    if since is not None and since > until:
        raise ValidationFailed.on("since", "is after the end of the period")
    shapes = matching(session, actor, filters)
    audit_shown(session, actor, shapes)
    items = []
    for c, row in shapes:
        known = [j for j in c.judgements if j.as_of <= until]
        status = known[0] if known else None
        period = [j for j in reversed(known) if since is None or j.as_of >= since]
        items.append(ReportItem(c, status.status if status else None,
                                status.as_of if status else None,
                                is_overdue_on(row, status.status if status else None, until),
                                period))  # fmt: skip
    items.sort(key=lambda i: (i.commitment.document_title.lower(),
                              i.commitment.actor_name.lower(), _natural(i.commitment)))  # fmt: skip
    as_at = [_as_at(i) for i in items]
    level = max((TLP.parse(i.commitment.tlp) for i in items), default=TLP.CLEAR)
    return Report(
        title=title.strip() or _default_title(filters),
        since=since, until=until, filters=filters, items=items,
        summary=counts("", "", as_at), tlp=level.label,
        by_document=grouped(as_at, lambda c: (c.document_key, c.document_title or "-")),
        by_actor=grouped(as_at, lambda c: (c.actor_name, c.actor_name)),
        cited=_cited(session, actor, items),
    )  # fmt: skip


def _as_at(item: ReportItem) -> CommitmentSummary:
    """The commitment as it stood at the end of the period, for the summary counts."""
    shape = item.commitment.model_copy(
        update={"status": item.status, "status_as_of": item.status_as_of,
                "overdue": item.overdue})  # fmt: skip
    return shape


def _default_title(f: CommitmentFilters) -> str:
    who = f.actor or "all actors"
    return f"Implementation of commitments: {who}" + (f" ({f.document})" if f.document else "")


_NUMBER = re.compile(r"(\d+)")


def _natural(c: CommitmentPublic) -> tuple[object, ...]:
    text = c.reference or c.action
    return tuple(int(p) if p.isdigit() else p for p in _NUMBER.split(text))


def _cited(session: Session, actor: Actor, items: list[ReportItem]) -> dict[str, str]:
    event_ids = sorted({i for it in items for j in it.judgements for i in j.event_ids})
    evidence_ids = sorted({i for it in items for j in it.judgements for i in j.evidence_ids})
    names: dict[str, str] = {}
    for e in session.scalars(select(Event).where(Event.id.in_(event_ids))):
        if is_protected(e.tlp):
            names[e.id] = f"Event {e.id} (TLP:{TLP(e.tlp).label})"
        else:
            when = e.start_date.isoformat() if e.start_date else "date unknown"
            names[e.id] = f"Event: {e.title} ({when}, {e.country or '-'}) [{e.id}]"
    found = session.execute(select(Evidence.id, Evidence.kind).where(Evidence.id.in_(evidence_ids)))
    names.update((r.id, f"Evidence {r.id} ({r.kind})") for r in found)
    return names


def _history(j: JudgementPublic, cited: dict[str, str]) -> str:
    parts = [f"{j.as_of.isoformat()} {j.status} ({j.source_kind}: {j.source})"]
    evidence = [cited.get(i, i) for i in (*j.event_ids, *j.evidence_ids)] + j.urls
    if evidence:
        parts.append("evidence: " + "; ".join(evidence))
    if j.indicators:
        parts.append("indicators: " + "; ".join(j.indicators))
    if j.note:
        parts.append(f"note: {j.note}")
    return " - ".join(parts)


def csv_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for it in report.items:
        c = it.commitment
        latest = it.judgements[-1] if it.judgements else None
        writer.writerow([defuse(v) for v in (
            c.document_title, c.reference or "", c.actor_name, c.actor_kind, c.country or "",
            WITHHELD if c.action_withheld else c.action, c.made_on.isoformat() if c.made_on else "",
            c.due_on.isoformat() if c.due_on else "", it.status or "",
            it.status_as_of.isoformat() if it.status_as_of else "",
            "yes" if it.overdue else "no", " | ".join(c.indicators), len(it.judgements),
            latest.source if latest else "", latest.source_kind if latest else "",
            " | ".join(_history(j, report.cited) for j in it.judgements), c.tlp, c.id,
        )])  # fmt: skip
    return out.getvalue()


def export_csv(
    session: Session, actor: Actor, filters: CommitmentFilters, since: date | None = None,
    until: date | None = None,
) -> str:  # fmt: skip
    report = build_report(session, actor, filters, since, until)
    _audit_export(session, actor, report, "csv")
    return csv_text(report)


def render_html(report: Report) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("tocsin.response.commitments", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)  # fmt: skip
    return env.get_template("report.html").render(
        r=report,
        kinds=actor_kind_names(),
        withheld=WITHHELD,
        history=_history,
        printed_at=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
    )


def export_pdf(
    session: Session, actor: Actor, filters: CommitmentFilters, since: date | None = None,
    until: date | None = None, title: str = "",
) -> bytes:  # fmt: skip
    from tocsin.risk.pdf import html_to_pdf

    report = build_report(session, actor, filters, since, until, title)
    pdf = html_to_pdf(render_html(report))
    _audit_export(session, actor, report, "pdf")
    return pdf


def _audit_export(session: Session, actor: Actor, report: Report, fmt: str) -> None:
    audit.record(session, actor, audit.Action.EXPORT, KIND, "", {
        "format": fmt, "commitments": len(report.items),
        "filters": report.filters.model_dump(exclude_none=True),
        "since": report.since.isoformat() if report.since else None,
        "until": report.until.isoformat(),
    })  # fmt: skip
