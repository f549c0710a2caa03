"""The horizon scan as a report: a PDF made by WeasyPrint from a page template (in the reader's
language, fetching nothing), and a CSV of every place with its figures. Both need the export
right and are audited."""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tocsin.api.deps import SessionDep
from tocsin.core.clock import utcnow
from tocsin.core.tlp import TLP
from tocsin.risk.horizon import HorizonScan, horizon_scan
from tocsin.risk.horizon_export import csv_rows, may_export, record_export, scan_tlp
from tocsin.risk.pdf import html_to_pdf
from tocsin.risk.ranking import TOP
from tocsin.web.forms import FormState
from tocsin.web.pages.risk_figures import page_words
from tocsin.web.pages.risk_horizon import read_since
from tocsin.web.templating import env
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)


def _scan(request: Request, session: SessionDep, who: Viewer) -> HorizonScan:
    may_export(who.actor)
    since = read_since(request.query_params.get("since"), FormState())
    return horizon_scan(session, who.actor, request.app.state.settings, since)


def report_html(scan: HorizonScan, who: Viewer) -> str:
    return env.get_template("risk/horizon_report.html").render(
        lang=who.lang, scan=scan, top=TOP, tlp=TLP(scan_tlp(scan)).label,
        printed_at=utcnow(), **page_words(who.lang),
    )  # fmt: skip


def _download(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/risk/horizon.pdf")
def horizon_pdf(request: Request, session: SessionDep, who: PageViewer) -> Response:
    scan = _scan(request, session, who)
    pdf = html_to_pdf(report_html(scan, who))
    record_export(session, who.actor, scan, "pdf")
    name = f"horizon-scan-{utcnow().date().isoformat()}.pdf"
    return Response(pdf, media_type="application/pdf", headers=_download(name))


@router.get("/risk/horizon.csv")
def horizon_csv(request: Request, session: SessionDep, who: PageViewer) -> Response:
    scan = _scan(request, session, who)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(scan))
    record_export(session, who.actor, scan, "csv")
    name = f"horizon-scan-{utcnow().date().isoformat()}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=_download(name))
