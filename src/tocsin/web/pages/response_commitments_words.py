"""The words the commitment pages use for the service's codes (statuses, kinds of source, actor
kinds), marked for translation once, here; and the filters every response page reads."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from tocsin.core.errors import FieldProblem, TocsinError, ValidationFailed
from tocsin.library.classify.taxonomy import ACTOR
from tocsin.response.commitments import CommitmentFilters, CommitmentStatus, SourceKind
from tocsin.web.forms import FormState, validate
from tocsin.web.i18n import N_
from tocsin.web.pages.library_words import terms
from tocsin.web.viewer import Viewer

STATUSES: dict[str, str] = {
    CommitmentStatus.NOT_STARTED.value: N_("not started"),
    CommitmentStatus.IN_PROGRESS.value: N_("in progress"),
    CommitmentStatus.IMPLEMENTED.value: N_("implemented"),
    CommitmentStatus.NOT_IMPLEMENTED.value: N_("not implemented"),
    "none": N_("no judgement yet"),
    "overdue": N_("overdue"),
}
SOURCE_KINDS: dict[str, str] = {
    SourceKind.SELF_REPORT.value: N_("the actor's own report"),
    SourceKind.INDEPENDENT.value: N_("independent report"),
    SourceKind.OWN_MONITORING.value: N_("our own monitoring"),
    SourceKind.MEDIA.value: N_("media"),
    SourceKind.OTHER.value: N_("other"),
}
FILTER_NAMES = ("actor", "actor_kind", "document", "country", "status", "q")


def actor_kinds(lang: str) -> dict[str, str]:
    """Actor codes and their names in ``lang`` (the library taxonomy's words)."""
    return dict(terms(lang).choices(ACTOR))


def read_filters(request: Request) -> tuple[FormState, CommitmentFilters | None]:
    """The filters as typed and, when they are valid, as the service takes them (None: the
    problems are in the form, next to their field)."""
    given = {k: request.query_params.get(k, "").strip() for k in FILTER_NAMES}
    typed = {k: v for k, v in given.items() if v}
    state = FormState(values=dict(typed))
    return state, validate(CommitmentFilters, typed, state)


def refused(state: FormState, exc: TocsinError) -> None:
    """A filter the service refuses (an unknown status) lands next to its field; a refusal
    that is no filter's fault goes on to the error page."""
    if exc.status >= 500 or exc.status in (401, 403, 404):
        raise exc
    state.refuse(exc)


def filters_of(request: Request) -> CommitmentFilters:
    """The filters of a download, where there is no form to show: a bad one is refused (422)
    naming the filter."""
    state, f = read_filters(request)
    if f is None:
        problems = [FieldProblem(k, v) for k, v in state.errors.items()]
        raise ValidationFailed(f"{problems[0].field}: {problems[0].message}", problems)
    return f


def words(who: Viewer) -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "source_kinds": SOURCE_KINDS,
        "actor_kinds": actor_kinds(who.lang),
        "status_choices": [(k, who._(v)) for k, v in STATUSES.items()],
        "source_kind_choices": [(k, who._(v)) for k, v in SOURCE_KINDS.items()],
        "actor_kind_choices": list(actor_kinds(who.lang).items()),
        "lang": who.lang,
    }
