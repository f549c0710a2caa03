"""Administration: the controlled vocabularies, their terms, and their translations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tocsin.api.deps import SessionDep
from tocsin.api.routers.vocabularies import TermCreate, TermUpdate
from tocsin.cases import vocabulary, vocabulary_admin
from tocsin.cases.models import VocabularyTerm
from tocsin.core.roles import Permission
from tocsin.web.forms import FormState, attempt, validate
from tocsin.web.i18n import LANGUAGES as UI_LANGUAGES
from tocsin.web.i18n import N_
from tocsin.web.templating import flash, render
from tocsin.web.viewer import PageViewer, PostedForm, Viewer

router = APIRouter(prefix="/admin/vocabularies", include_in_schema=False)

# The same shape the API accepts for a vocabulary name and a term code.
VocabName = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
TermCode = Annotated[str, Path(max_length=80)]
LANGS = vocabulary_admin.LANGUAGES


def _by_language(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    """`labels.en`, `labels.fr`... as {"en": ..., "fr": ...}; a blank field is "not given"."""
    out: dict[str, str] = {}
    for lang in LANGS:
        text = form.get(f"{prefix}.{lang}", "").strip()
        if text:
            out[lang] = text
    return out


def _as_fields(term: VocabularyTerm) -> dict[str, Any]:
    values: dict[str, Any] = {"code": term.code, "parent": term.parent or ""}
    for lang in LANGS:
        values[f"labels.{lang}"] = (term.labels or {}).get(lang, "")
        values[f"descriptions.{lang}"] = (term.descriptions or {}).get(lang, "")
    return values


def _page(
    request: Request,
    session: SessionDep,
    who: Viewer,
    name: str,
    form: FormState,
    editing: VocabularyTerm | None = None,
    status: int = 200,
) -> Response:
    terms = vocabulary_admin.terms_of(session, who.actor, name)
    only_missing = request.query_params.get("missing") == "1"
    missing = {t.code: vocabulary_admin.missing_languages(t) for t in terms}
    shown = [t for t in terms if missing[t.code]] if only_missing else terms
    return render(
        request,
        "admin/vocabulary.html",
        who,
        status,
        name=name,
        terms=shown,
        total=len(terms),
        missing=missing,
        only_missing=only_missing,
        langs=[UI_LANGUAGES[lang] for lang in LANGS],
        parents=[(t.code, vocabulary.label(t, who.lang)) for t in terms],
        form=form,
        editing=editing,
    )


@router.get("", response_class=HTMLResponse)
def vocabularies(request: Request, session: SessionDep, who: PageViewer) -> Response:
    found = vocabulary_admin.summaries(session, who.actor)
    return render(request, "admin/vocabularies.html", who, vocabularies=found)


@router.get("/{name}", response_class=HTMLResponse)
def terms(
    request: Request, session: SessionDep, who: PageViewer, name: VocabName,
    edit: str | None = None,
) -> Response:
    if edit:
        who.require(Permission.MANAGE_VOCABULARY)
        term = vocabulary.get_term(session, name, edit)
        return _page(request, session, who, name, FormState(_as_fields(term)), term)
    return _page(request, session, who, name, FormState())


@router.post("/{name}/terms", response_class=HTMLResponse)
def add_term(request: Request, session: SessionDep, who: PostedForm, name: VocabName
             ) -> Response:
    posted = {k: v for k, v in who.form.items() if k != "csrf"}
    state = FormState(values=posted)
    code = posted.get("code", "").strip()
    data = validate(
        TermCreate,
        {
            "code": code,
            "labels": _by_language(posted, "labels"),
            "parent": posted.get("parent", "").strip() or None,
            "descriptions": _by_language(posted, "descriptions"),
        },
        state,
    )
    if data is not None:
        attempt(
            session,
            lambda: vocabulary_admin.create_term(
                session, who.actor, name, data.code, data.labels, data.parent, data.descriptions
            ),
            state,
        )
    if data is None or not state.ok:
        return _page(request, session, who, name, state, status=422)
    response = RedirectResponse(f"/admin/vocabularies/{name}#term-{code}", status_code=303)
    return flash(response, N_("Term added."))


@router.post("/{name}/terms/{code}", response_class=HTMLResponse)
def edit_term(
    request: Request, session: SessionDep, who: PostedForm, name: VocabName, code: TermCode
) -> Response:
    posted = {k: v for k, v in who.form.items() if k != "csrf"}
    state = FormState(values={**posted, "code": code})
    data = validate(
        TermUpdate,
        {"labels": _by_language(posted, "labels"),
         "descriptions": _by_language(posted, "descriptions")},
        state,
    )
    if data is not None:
        attempt(
            session,
            lambda: vocabulary_admin.edit_term(
                session, who.actor, name, code, data.labels, data.descriptions
            ),
            state,
        )
    if data is None or not state.ok:
        term = vocabulary.get_term(session, name, code)
        return _page(request, session, who, name, state, term, status=422)
    response = RedirectResponse(f"/admin/vocabularies/{name}#term-{code}", status_code=303)
    return flash(response, N_("Term saved."))


@router.post("/{name}/terms/{code}/active", response_class=HTMLResponse)
def set_active(
    request: Request, session: SessionDep, who: PostedForm, name: VocabName, code: TermCode
) -> Response:
    active = who.form.get("active") == "true"
    vocabulary_admin.edit_term(session, who.actor, name, code, active=active)
    response = RedirectResponse(f"/admin/vocabularies/{name}#term-{code}", status_code=303)
    return flash(response, N_("Term in use again.") if active else
                 N_("Term retired: it is no longer offered, and records keep it."))
