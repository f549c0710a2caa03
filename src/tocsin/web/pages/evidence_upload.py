"""Adding evidence files to an event or a person from a page, one or many files at a time.

Every file chosen becomes its own record with the same collector's statement, through
``vault.evidence.add`` as the API does (files are read from the upload in chunks, never
whole). The form is checked with the API's ``EvidenceCreate`` before anything is stored, and
the whole post is one unit of work: a refusal stores no record at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tocsin.api.deps import BlobStoreDep, SessionDep
from tocsin.cases import events, persons
from tocsin.core import auth
from tocsin.core.errors import Forbidden
from tocsin.core.roles import Permission
from tocsin.vault import evidence
from tocsin.vault.blobs import BlobStore
from tocsin.vault.models import Evidence
from tocsin.vault.schemas import EvidenceCreate
from tocsin.web import i18n
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import N_
from tocsin.web.labels import Labels
from tocsin.web.pages.event_formdata import TLP_CHOICES, typed
from tocsin.web.pages.event_suggest import person_label
from tocsin.web.pages.evidence_formdata import EVIDENCE_FIELDS, evidence_input, nul_fields
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, Viewer

router = APIRouter(include_in_schema=False)
MAX_FILES = 100  # per post; a folder of more goes through `tocsin evidence add`
XHR = "XMLHttpRequest"  # what static/evidence.js says in X-Requested-With

CHOOSE_A_FILE = N_("Choose at least one file.")
CHOOSE_AGAIN = N_(
    "Choose the files again: a browser cannot keep chosen files in a form that was refused."
)
NUL_REFUSED = N_("must not contain NUL characters")


@dataclass(frozen=True)
class Target:
    """What the evidence is for: an event or a person, as its page names it."""

    event_id: str | None
    person_id: str | None
    title: str
    url: str

    @property
    def action(self) -> str:
        return f"{self.url}/evidence/new"


def event_target(session: Session, who: Viewer, event_id: str) -> Target:
    event = events.get(session, who.actor, event_id)  # 404 above the reader's clearance
    return Target(event.id, None, event.title, f"/events/{event.id}")


def person_target(session: Session, who: Viewer, person_id: str) -> Target:
    person = persons.get(session, who.actor, person_id)
    return Target(None, person.id, person_label(person), f"/persons/{person.id}")


@dataclass
class Upload:
    """A checked multipart post: the viewer (with ``.form``) and the files chosen."""

    who: Viewer
    files: list[UploadFile]


async def posted_upload(request: Request, who: PageViewer) -> AsyncIterator[Upload]:
    """``PostedForm`` for a form with files (that one takes none). The permission is checked
    before the body is read, so a reader's post is not even spooled to disk."""
    who.require(Permission.WRITE)
    form = await request.form(max_files=MAX_FILES, max_fields=100)
    try:
        given = form.get("csrf")
        if not auth.csrf_matches(who.csrf, given if isinstance(given, str) else None):
            raise Forbidden("the form expired or did not come from this site; reload and try again")
        who.form = {k: v for k, v in form.items() if isinstance(v, str)}
        # An empty file input still posts a part, with no name: that is no file.
        chosen = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
        yield Upload(who, chosen)
    finally:
        await form.close()


PostedUpload = Annotated[Upload, Depends(posted_upload)]


def _form(
    request: Request,
    session: Session,
    who: Viewer,
    target: Target,
    state: FormState,
    status: int = 200,
) -> HTMLResponse:
    labels = Labels.load(session, who.lang)
    return render(
        request,
        "evidence/upload.html",
        who,
        status,
        form=state,
        target=target,
        kinds=labels.choices("evidence_kind", state.value("kind") or None),
        tlp_choices=TLP_CHOICES,
        max_files=MAX_FILES,
    )


def _blank() -> FormState:
    # Who collected the file is left for the uploader to state: it is often someone else.
    return FormState({"tlp": "AMBER"})


def _file_name(upload: UploadFile) -> str:
    # Some browsers send the whole path of the file; only its name is the original name.
    return (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1] or "upload"


def _media_type(upload: UploadFile) -> str | None:
    given = (upload.content_type or "").split(";", 1)[0].strip()
    return None if given in ("", "application/octet-stream") else given


def _per_file(data: dict[str, Any], upload: UploadFile, state: FormState) -> EvidenceCreate | None:
    """The statement for one file. A type the browser made up that the schema refuses is
    dropped (the vault guesses one); a bad name is named in the file field's message."""
    name = _file_name(upload)
    for media_type in dict.fromkeys((_media_type(upload), None)):
        try:
            return EvidenceCreate.model_validate(
                {**data, "original_name": name, "media_type": media_type}
            )
        except ValidationError as exc:
            fields = {str(e.get("loc", ("",))[0]) for e in exc.errors()}
            if fields != {"media_type"}:
                message = str(exc.errors()[0].get("msg", "is not valid"))
                state.errors.setdefault("file", f"{name}: {message}")
                return None
    return None


def check(
    who: Viewer, target: Target, files: list[UploadFile]
) -> tuple[FormState, list[tuple[UploadFile, EvidenceCreate]]]:
    """The form as typed, and each file with its checked statement (none when refused)."""
    state = FormState(typed(who.form, EVIDENCE_FIELDS))
    for name in nul_fields(state.values):
        state.errors[name] = NUL_REFUSED
    data = evidence_input(state.values, target.event_id, target.person_id)
    first = _file_name(files[0]) if files else "upload"
    validate(EvidenceCreate, {**data, "original_name": first}, state)
    if not files:
        state.errors.setdefault("file", CHOOSE_A_FILE)
    if not state.ok:
        return state, []
    checked = [(f, _per_file(data, f, state)) for f in files]
    ready = [(f, meta) for f, meta in checked if meta is not None]
    return state, ready if state.ok else []


def store_all(
    session: Session,
    who: Viewer,
    store: BlobStore,
    ready: list[tuple[UploadFile, EvidenceCreate]],
) -> list[Evidence]:
    return [evidence.add(session, who.actor, store, f.file, meta) for f, meta in ready]


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """Named so the catalogue extractor finds both forms (see docs/translating.md)."""
    return i18n.ngettext_for(lang, singular, plural, n)


def done_message(who: Viewer, records: list[Evidence]) -> str:
    """How many files were stored and how many were on file already, in the reader's words
    (translated here: the message carries numbers)."""
    again = sum(1 for r in records if r.duplicate)
    new = len(records) - again
    text = ngettext("%(n)s file stored.", "%(n)s files stored.", new, who.lang) % {"n": new}
    if again:
        text += " " + ngettext(
            "%(n)s was already on file and was not stored again.",
            "%(n)s were already on file and were not stored again.",
            again,
            who.lang,
        ) % {"n": again}
    return text


def receive(
    request: Request,
    session: Session,
    upload: Upload,
    store: BlobStore,
    target: Target,
) -> Response:
    who = upload.who
    state, ready = check(who, target, upload.files)
    records = None
    if ready:
        records = attempt(session, lambda: store_all(session, who, store, ready), state)
    if records is None:
        if upload.files:
            state.errors.setdefault("file", CHOOSE_AGAIN)
        return _form(request, session, who, target, state, 422)
    message = done_message(who, records)
    if request.headers.get("X-Requested-With") == XHR:
        # A script following a redirect would spend the one-time notice on a page it never
        # shows; it is told where to go, and goes there itself.
        answer = JSONResponse({"location": target.url, "message": message})
        return flash(answer, message)
    return flash(RedirectResponse(target.url, status_code=303), message)


@router.get("/events/{event_id}/evidence/new", response_class=HTMLResponse)
def new_event_evidence(
    request: Request, event_id: str, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.WRITE)
    target = event_target(session, who, event_id)
    return _form(request, session, who, target, _blank())


@router.post("/events/{event_id}/evidence/new", response_class=HTMLResponse)
def add_event_evidence(
    request: Request,
    event_id: str,
    session: SessionDep,
    upload: PostedUpload,
    store: BlobStoreDep,
) -> Response:
    target = event_target(session, upload.who, event_id)
    return receive(request, session, upload, store, target)


@router.get("/persons/{person_id}/evidence/new", response_class=HTMLResponse)
def new_person_evidence(
    request: Request, person_id: str, session: SessionDep, who: PageViewer
) -> Response:
    who.require(Permission.WRITE)
    target = person_target(session, who, person_id)
    return _form(request, session, who, target, _blank())


@router.post("/persons/{person_id}/evidence/new", response_class=HTMLResponse)
def add_person_evidence(
    request: Request,
    person_id: str,
    session: SessionDep,
    upload: PostedUpload,
    store: BlobStoreDep,
) -> Response:
    target = person_target(session, upload.who, person_id)
    return receive(request, session, upload, store, target)
