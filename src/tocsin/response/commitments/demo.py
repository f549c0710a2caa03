"""Demo commitments: the 20 numbered items of the Paris Commitments (when the library demo has
imported them, slug ``paris-commitments-2007``) as commitments of a fictional State, with
judgements from 2019 to 2026 from several kinds of source. Loaded once, through the service."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.response.commitments.models import Commitment
from tocsin.response.commitments.schemas import CommitmentCreate, JudgementCreate
from tocsin.response.commitments.store import create_commitment, record_judgement
from tocsin.response.commitments.vocabulary import CommitmentStatus as S
from tocsin.response.commitments.vocabulary import SourceKind as K

SLUG = "paris-commitments-2007"
STATE = "Republic of Demoland"  # fictional: no real country is judged in the demo
SELF = "Republic of Demoland, national report to the Universal Periodic Review"
SHADOW = "Demoland Coalition for Children, shadow report"
OWN = "Tocsin demo team, own monitoring"
UN = "UN country task force on children and armed conflict, annual report"

# Per item: due date, then (status, as-of, source, kind) judgements, oldest first.
_PLAN: dict[int, tuple[date | None, list[tuple[S, date, str, K]]]] = {
    1: (date(2022, 12, 31), [(S.IN_PROGRESS, date(2019, 9, 1), SELF, K.SELF_REPORT),
                             (S.IMPLEMENTED, date(2023, 5, 2), UN, K.INDEPENDENT)]),
    2: (date(2021, 12, 31), [(S.IN_PROGRESS, date(2020, 3, 1), SELF, K.SELF_REPORT)]),
    3: (date(2020, 12, 31), [(S.IMPLEMENTED, date(2021, 2, 15), SELF, K.SELF_REPORT),
                             (S.IN_PROGRESS, date(2021, 6, 30), SHADOW, K.INDEPENDENT)]),
    4: (date(2023, 6, 30), [(S.NOT_STARTED, date(2019, 11, 20), OWN, K.OWN_MONITORING),
                            (S.NOT_IMPLEMENTED, date(2024, 1, 10), SHADOW, K.INDEPENDENT)]),
    5: (date(2024, 12, 31), [(S.IN_PROGRESS, date(2022, 4, 5), UN, K.INDEPENDENT),
                             (S.IMPLEMENTED, date(2025, 3, 3), SELF, K.SELF_REPORT)]),
    6: (date(2025, 6, 30), [(S.IN_PROGRESS, date(2023, 10, 1), OWN, K.OWN_MONITORING)]),
    7: (date(2022, 6, 30), [(S.IMPLEMENTED, date(2022, 8, 1), UN, K.INDEPENDENT)]),
    8: (None, [(S.IN_PROGRESS, date(2024, 2, 1), SELF, K.SELF_REPORT)]),
    9: (date(2026, 12, 31), [(S.NOT_STARTED, date(2025, 11, 4), OWN, K.OWN_MONITORING)]),
    10: (date(2023, 12, 31), [(S.IN_PROGRESS, date(2021, 5, 5), SELF, K.SELF_REPORT),
                              (S.NOT_IMPLEMENTED, date(2024, 6, 1), SHADOW, K.INDEPENDENT)]),
    11: (date(2024, 12, 31), []),
    12: (date(2027, 6, 30), [(S.IN_PROGRESS, date(2026, 1, 15), UN, K.INDEPENDENT)]),
    13: (date(2021, 6, 30), [(S.IMPLEMENTED, date(2020, 12, 1), SELF, K.SELF_REPORT)]),
    14: (date(2025, 12, 31), [(S.IN_PROGRESS, date(2024, 9, 9), OWN, K.OWN_MONITORING)]),
    15: (None, []),
    16: (date(2026, 6, 30), [(S.NOT_STARTED, date(2023, 3, 3), SHADOW, K.INDEPENDENT)]),
    17: (date(2022, 12, 31), [(S.IN_PROGRESS, date(2021, 1, 20), SELF, K.SELF_REPORT),
                              (S.IMPLEMENTED, date(2023, 2, 2), OWN, K.OWN_MONITORING)]),
    18: (date(2024, 6, 30), [(S.NOT_IMPLEMENTED, date(2025, 1, 30), UN, K.INDEPENDENT)]),
    19: (date(2025, 12, 31), [(S.IN_PROGRESS, date(2022, 7, 7), SELF, K.SELF_REPORT)]),
    20: (None, [(S.IMPLEMENTED, date(2019, 5, 5), SELF, K.SELF_REPORT)]),
}  # fmt: skip
_INDICATORS = {
    1: ["Optional Protocol ratified", "Annual report on recruitment published"],
    3: ["Minimum age of 18 in the conscription law", "Age checks at every recruitment office"],
    6: ["Cases investigated", "Cases brought to trial"],
    10: ["Children detained on charges of desertion released"],
    17: ["Code of conduct adopted by every funded programme"],
}


def load_demo_commitments(session: Session, actor: Actor) -> int:
    """The demo's commitments, once: none when the document is absent or Demoland already has
    commitments. Returns how many were recorded."""
    doc = session.scalar(select(LibraryDocument).where(LibraryDocument.slug == SLUG))
    if doc is None or session.scalar(
        select(func.count()).select_from(Commitment).where(Commitment.actor_name == STATE)
    ):
        return 0
    items = {
        n.key: n
        for n in session.scalars(select(LibraryNode).where(
            LibraryNode.document_id == doc.id, LibraryNode.kind == "item",
            LibraryNode.current.is_(True)))
    }  # fmt: skip
    made = 0
    for number, (due, judgements) in _PLAN.items():
        node = items.get(str(number))
        if node is None:
            continue
        c = create_commitment(session, actor, CommitmentCreate(
            actor_name=STATE, actor_kind="state", node_id=node.id, made_on=date(2019, 2, 6),
            due_on=due, indicators=_INDICATORS.get(number, []), tlp="GREEN",
        ))  # fmt: skip
        for status, as_of, source, kind in judgements:
            record_judgement(session, actor, c.id, JudgementCreate(
                status=status.value, as_of=as_of, source=source, source_kind=kind.value,
                indicators=_INDICATORS.get(number, [])[:1] if status is S.IMPLEMENTED else [],
                note="Demo judgement.",
            ))  # fmt: skip
        made += 1
    return made
