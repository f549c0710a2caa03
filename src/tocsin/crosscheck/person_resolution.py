"""Person resolution: which person records, across all sources and scripts, are one person.

Every person's names go through the name layer (any script to Latin, particles, phonetic keys),
so "محمد عبد الرحمن" and "Mohamed Abdel Rahman" meet in the same blocks and compare on equal
terms. The linkage engine scores the pairs without labelled data; those at or above the
threshold are proposed for review, never merged here. The proposals keep each field's level and
evidence, not the names or birth dates compared: those stay encrypted in the person records.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Person, PersonName
from tocsin.crosscheck import review
from tocsin.crosscheck.linkage import FieldSpec, LinkSpec, link
from tocsin.crosscheck.names import prepare
from tocsin.crosscheck.review import Proposal, ProposeReport

ENGINE = "splink-duckdb/persons-1"
COLUMNS = ("unique_id", "name_tokens", "name_key", "birth", "sex", "nationality")


def _name_columns(names: list[str]) -> dict[str, Any]:
    """The person's first name as the name layer sees it (the first given is the main one)."""
    for value in names:
        prepared = prepare(value)
        if prepared.tokens:
            return {"name_tokens": prepared.sorted_tokens, "name_key": prepared.key_string}
    return {"name_tokens": None, "name_key": None}


def person_frame(session: Session) -> pd.DataFrame:
    """One row per person with a name, ready for the engine (names decrypted in memory only)."""
    names: dict[str, list[str]] = defaultdict(list)
    for n in session.scalars(select(PersonName).order_by(PersonName.person_id,
                                                         PersonName.position)):  # fmt: skip
        names[n.person_id].append(n.value)
    rows = []
    for person in session.scalars(select(Person).order_by(Person.id)):
        if not names.get(person.id):
            continue
        birth = person.birth_date or None
        rows.append({"unique_id": person.id, **_name_columns(names[person.id]), "birth": birth,
                     "sex": person.sex, "nationality": person.nationality})  # fmt: skip
    return pd.DataFrame(rows, columns=list(COLUMNS))


def spec(threshold: float = 0.9) -> LinkSpec:
    return LinkSpec(
        fields=[
            FieldSpec("name_tokens", "name"),
            FieldSpec("name_key", "name", similarity=(0.95, 0.88)),
            FieldSpec("birth", "date"),
            FieldSpec("sex", "category"),
            FieldSpec("nationality", "category"),
        ],
        # The phonetic keys meet across scripts and renderings; a full birth date with the same
        # sex catches a name written too differently for its keys to agree.
        blocking=[["name_key"], ["birth", "sex"]],
        threshold=threshold,
    )


def resolve_persons(
    session: Session,
    threshold: float = 0.9,
    backend: str = "duckdb",
    backend_options: dict[str, Any] | None = None,
) -> ProposeReport:
    """Score every plausible pair of persons and propose those at or above ``threshold``.
    ``backend="spark"`` (with ``backend_options={"spark_session": ...}``) runs the linkage on
    Spark; see docs/scale.md."""
    frame = person_frame(session)
    if len(frame) < 2:
        return ProposeReport()
    result = link(frame, None, spec(threshold), backend=backend, backend_options=backend_options)
    proposals = []
    for i in range(len(result.pairs)):
        row = result.pairs.iloc[i]
        features = [
            {"field": f.field, "level": f.label, "bayes_factor": round(f.bayes_factor, 3),
             "weight": round(f.match_weight, 2), "rechecked": f.rechecked}
            for f in result.explain(i)
        ]  # fmt: skip
        proposals.append(Proposal(str(row["id_l"]), str(row["id_r"]),
                                  round(float(row["match_probability"]), 4), features))  # fmt: skip
    return review.propose(session, "person", proposals, ENGINE)
