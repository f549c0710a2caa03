"""The words the commitment pages use for the service's codes (statuses, kinds of source, actor
kinds), marked for translation once, here; and the filters every response page reads."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from tocsin.library.classify.taxonomy import ACTOR
from tocsin.response.commitments import CommitmentFilters, CommitmentStatus, SourceKind
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


def filters_of(request: Request) -> CommitmentFilters:
    given = {k: request.query_params.get(k, "").strip() for k in FILTER_NAMES}
    return CommitmentFilters.model_validate({k: v[:300] for k, v in given.items() if v})


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
