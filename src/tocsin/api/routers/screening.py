"""Screening (the match API) and the watchlists it screens against."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from tocsin.api.deps import CurrentActor, SessionDep
from tocsin.crosscheck.watchlists import Hit, ScreenQuery, import_list, list_watchlists, screen
from tocsin.crosscheck.watchlists.schemas import (
    FeaturePublic,
    HitPublic,
    ImportReportPublic,
    MatchQueryIn,
    MatchResultPublic,
    WatchlistPublic,
)

router = APIRouter(tags=["screening"])


def _hit(hit: Hit) -> HitPublic:
    return HitPublic(
        source=hit.source, collection=hit.collection, record_id=hit.record_id,
        external_id=hit.external_id, schema_=hit.schema, caption=hit.caption, score=hit.score,
        explanation=hit.explain(),
        features=[FeaturePublic(**f.as_dict()) for f in hit.features],
    )  # fmt: skip


@router.post("/match", response_model=MatchResultPublic)
def match(data: MatchQueryIn, session: SessionDep, actor: CurrentActor) -> MatchResultPublic:
    """Scored candidates for a person or organisation from the imported lists and the project's
    perpetrator records you may see, each feature explained."""
    query = ScreenQuery.make(
        data.schema_, data.name, data.aliases, data.birth_date, data.nationality,
        [(i.type, i.number) for i in data.identifiers],
    )  # fmt: skip
    hits = screen(session, actor, query, data.limit, data.threshold)
    return MatchResultPublic(query=query.as_dict(), results=[_hit(h) for h in hits])


@router.get("/watchlists", response_model=list[WatchlistPublic])
def watchlists(session: SessionDep, actor: CurrentActor) -> list[WatchlistPublic]:
    return [WatchlistPublic.model_validate(x, from_attributes=True)
            for x in list_watchlists(session, actor)]  # fmt: skip


@router.post("/watchlists/{list_name}", response_model=ImportReportPublic)
def upload_watchlist(
    list_name: str,
    session: SessionDep,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="The list: JSON lines, XML or CSV.")],
    format: Annotated[str, Form(description="ftm, un or csv")],
) -> ImportReportPublic:
    """Replace the list's entries with the file's, all or nothing."""
    report = import_list(session, actor, list_name, format.strip(), file.file)
    return ImportReportPublic.model_validate(report, from_attributes=True)
