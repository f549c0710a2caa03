"""Importing a plan of action from a page: a text, PDF or HTML file, its slug, title and
sharing level; the answer is the import report (references added, changed, dropped, and the
lines the parser could not place). Parsed and stored as ``POST /api/v1/library/documents``
does, in one unit of work: a refused import stores nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tocsin.api.deps import SessionDep
from tocsin.core import auth
from tocsin.core.errors import Forbidden
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP_LABELS
from tocsin.library import DocumentUnreadable, parse_bytes
from tocsin.library.parse.source import MAX_BYTES
from tocsin.library.store import ImportResult, import_document
from tocsin.web.forms import FormState, attempt
from tocsin.web.i18n import N_
from tocsin.web.pages.library_words import FORMATS, terms
from tocsin.web.templating import render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)
FIELDS = ("slug", "title", "tlp", "format")
LIMITS = {"slug": 200, "title": 500, "tlp": 12, "format": 10}

CHOOSE_A_FILE = N_("Choose the file to import.")
CHOOSE_AGAIN = N_("Choose the file again: a browser cannot keep a chosen file in a refused form.")
TOO_LARGE = N_("The file is too large: a plan of action is far smaller.")
TOO_LONG = N_("Too long.")
NUL_REFUSED = N_("must not contain NUL characters")
UNKNOWN_FORMAT = N_("Choose one of the formats listed.")


@dataclass
class Upload:
    """A checked multipart post: the viewer (with ``.form``) and the file chosen, if any."""

    who: Viewer
    file: UploadFile | None


async def posted_import(request: Request, who: PageViewer) -> AsyncIterator[Upload]:
    """``PostedForm`` for the import form (that one takes no file). The permission is checked
    before the body is read, so a reader's post is not even spooled to disk."""
    who.require(Permission.CURATE_LIBRARY)
    form = await request.form(max_files=1, max_fields=20)
    try:
        given = form.get("csrf")
        if not auth.csrf_matches(who.csrf, given if isinstance(given, str) else None):
            raise Forbidden("the form expired or did not come from this site; reload and try again")
        who.form = {k: v for k, v in form.items() if isinstance(v, str)}
        chosen = form.get("file")
        # An empty file input still posts a part, with no name: that is no file.
        yield Upload(who, chosen if isinstance(chosen, UploadFile) and chosen.filename else None)
    finally:
        await form.close()


PostedImport = Annotated[Upload, Depends(posted_import)]


def _form(request: Request, who: Viewer, state: FormState, status: int = 200) -> HTMLResponse:
    return render(
        request,
        "library/import.html",
        who,
        status,
        form=state,
        tlp_choices=[(t, f"TLP:{t}") for t in TLP_LABELS],
        formats=[(code, who._(name)) for code, name in FORMATS.items()],
    )


def _checked(state: FormState) -> dict[str, str | None]:
    """The typed fields, blank ones as not given; problems put next to their field."""
    out: dict[str, str | None] = {}
    for name in FIELDS:
        value = str(state.value(name) or "").strip()
        if "\x00" in value:
            state.errors[name] = NUL_REFUSED
        elif len(value) > LIMITS[name]:
            state.errors[name] = TOO_LONG
        out[name] = value or None
    if out["format"] is not None and out["format"] not in FORMATS:
        state.errors["format"] = UNKNOWN_FORMAT
    return out


def _file_name(upload: UploadFile) -> str:
    # Some browsers send the whole path of the file; its name alone is the source name.
    return PurePath((upload.filename or "").replace("\\", "/")).name or "upload.txt"


def run_import(
    session: Session, who: Viewer, upload: UploadFile, given: dict[str, str | None],
    state: FormState,
) -> ImportResult | None:  # fmt: skip
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        state.errors["file"] = TOO_LARGE
        return None
    try:
        parsed = parse_bytes(data, _file_name(upload), title=given["title"], slug=given["slug"],
                             format=given["format"])  # fmt: skip
    except DocumentUnreadable as exc:
        state.errors["file"] = exc.detail
        return None
    return attempt(session, lambda: import_document(
        session, who.actor, parsed, given["slug"], tlp=given["tlp"], format=given["format"],
    ), state)  # fmt: skip


@router.get("/library/import", response_class=HTMLResponse)
def import_form(request: Request, who: PageViewer) -> Response:
    who.require(Permission.CURATE_LIBRARY)
    # A new edition is imported under its document's slug: the document page links here with it.
    slug = request.query_params.get("slug", "")[: LIMITS["slug"]]
    return _form(request, who, FormState({"slug": slug}))


@router.post("/library/import", response_class=HTMLResponse)
def receive(request: Request, session: SessionDep, upload: PostedImport) -> Response:
    who = upload.who
    state = FormState({k: v for k, v in who.form.items() if k in FIELDS})
    given = _checked(state)
    if upload.file is None:
        state.errors.setdefault("file", CHOOSE_A_FILE)
    result = None
    if state.ok and upload.file is not None:
        result = run_import(session, who, upload.file, given, state)
    if result is None:
        if upload.file is not None:
            state.errors.setdefault("file", CHOOSE_AGAIN)
        return _form(request, who, state, 422)
    return render(request, "library/import_report.html", who,
                  result=result, report=result.report, terms=terms(who.lang))  # fmt: skip
