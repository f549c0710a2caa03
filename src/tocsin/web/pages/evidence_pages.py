"""The evidence pages, mounted as one area: adding files, a file's own page, and the witness
statement form (each in its own module)."""

from __future__ import annotations

from fastapi import APIRouter

from tocsin.web.pages import evidence_page, evidence_share, evidence_upload, statement_form

router = APIRouter(include_in_schema=False)
for part in (evidence_upload, evidence_page, statement_form, evidence_share):
    router.include_router(part.router)
