"""Labels of items at import: the classifier's, taught by every analyst's correction so far.

Three rules, in order, per item and dimension:
1. a dimension an analyst corrected on this very node keeps the analyst's labels (never
   overwritten by a re-import, even when the text changes);
2. a text an analyst corrected elsewhere (same words, spaces folded) gets that analyst's labels,
   with confidence 1 and method ``correction``: the classifier learns from corrections as
   neighbours, but one example alone does not always outweigh the keywords of the same text;
3. otherwise the classifier's labels and confidences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tocsin.core.clock import utcnow
from tocsin.library.classify import (
    ACTOR,
    DIMENSIONS,
    RISK_FACTOR,
    SITUATION,
    SPHERE,
    THEME,
    Classification,
    Classifier,
    LabelledExample,
    LabelScore,
    load_taxonomy,
)
from tocsin.library.store.models import LibraryLabel, LibraryLabelCorrection, LibraryNode
from tocsin.library.store.vocabulary import FROM_CORRECTION, LabelSource

CHUNK = 500


def latest_corrections(
    session: Session, node_ids: Iterable[str] | None = None, shas: Iterable[str] | None = None
) -> list[LibraryLabelCorrection]:
    """The correction in force per node and dimension (the latest), for the nodes or texts
    given, or all of them."""
    query = select(LibraryLabelCorrection).order_by(LibraryLabelCorrection.at,
                                                    LibraryLabelCorrection.id)  # fmt: skip
    rows: list[LibraryLabelCorrection] = []
    if node_ids is None and shas is None:
        rows = list(session.scalars(query))
    for column, values in ((LibraryLabelCorrection.node_id, node_ids),
                           (LibraryLabelCorrection.text_sha, shas)):  # fmt: skip
        wanted = sorted(set(values or ()))
        for start in range(0, len(wanted), CHUNK):
            rows.extend(session.scalars(query.where(column.in_(wanted[start : start + CHUNK]))))
    latest: dict[tuple[str, str], LibraryLabelCorrection] = {}
    for row in sorted({r.id: r for r in rows}.values(), key=lambda r: (r.at, r.id)):
        latest[(row.node_id, row.dimension)] = row
    return sorted(latest.values(), key=lambda r: (r.at, r.id))


def correction_examples(session: Session) -> list[LabelledExample]:
    """Every paragraph analysts corrected, as the classifier's examples: one per node and text,
    with the dimensions corrected (the others left unknown). Codes the taxonomy no longer has
    are left out rather than failing every later import."""
    taxonomy = load_taxonomy()
    known = {d.code: set(d.codes) for d in taxonomy.dimensions}
    grouped: dict[tuple[str, str], list[LibraryLabelCorrection]] = defaultdict(list)
    for row in latest_corrections(session):
        grouped[(row.node_id, row.text_sha)].append(row)
    examples = []
    for (_, _), rows in sorted(grouped.items()):
        labels = {r.dimension: [c for c in r.labels if c in known.get(r.dimension, ())]
                  for r in rows if r.dimension in known}  # fmt: skip
        single = {d: (v[0] if v else None) for d, v in labels.items()}
        examples.append(LabelledExample(
            text=rows[-1].text, context=rows[-1].context,
            actors=_tuple(labels.get(ACTOR)), sphere=single.get(SPHERE),
            situation=single.get(SITUATION), themes=_tuple(labels.get(THEME)),
            risk_factors=_tuple(labels.get(RISK_FACTOR)), source=rows[-1].node_id,
        ))  # fmt: skip
    return examples


def classify_items(
    session: Session, items: Sequence[tuple[LibraryNode, str]], classifier: Classifier | None
) -> int:
    """(Re)label items whose text is new or changed; returns how many were classified.
    ``classifier`` defaults to one taught by every stored correction."""
    if not items:
        return 0
    nodes = [n for n, _ in items]
    ids = [n.id for n in nodes]
    kept = {(c.node_id, c.dimension) for c in latest_corrections(session, node_ids=ids)}
    shas = {n.text_sha for n in nodes}
    remembered = {(c.text_sha, c.dimension): c.labels
                  for c in latest_corrections(session, shas=shas)}  # fmt: skip
    clf = classifier or Classifier(correction_examples(session))
    results = clf.classify([n.text for n in nodes], [h for _, h in items])
    for start in range(0, len(ids), CHUNK):
        session.execute(delete(LibraryLabel).where(
            LibraryLabel.node_id.in_(ids[start : start + CHUNK]),
            LibraryLabel.source == LabelSource.AUTO.value))  # fmt: skip
    now = utcnow()
    for node, result in zip(nodes, results, strict=True):
        for dimension in DIMENSIONS:
            if (node.id, dimension) in kept:
                continue
            known = remembered.get((node.text_sha, dimension))
            if known is not None:
                session.add_all(
                    LibraryLabel(node_id=node.id, dimension=dimension, label=code,
                                 confidence=1.0, source=LabelSource.AUTO.value,
                                 method=FROM_CORRECTION, keywords=[], at=now)
                    for code in known
                )  # fmt: skip
                continue
            session.add_all(
                LibraryLabel(node_id=node.id, dimension=dimension, label=s.code,
                             confidence=s.confidence, source=LabelSource.AUTO.value,
                             method=result.method[:40], keywords=list(s.keywords), at=now)
                for s in _scores(result, dimension)
            )  # fmt: skip
    session.flush()
    return len(nodes)


def headings_of(session: Session, node: LibraryNode) -> str:
    """The headings above an item as the classifier saw them at import (see specs)."""
    above: list[str] = []
    reference = node.parent_reference
    while reference is not None:
        parent = session.scalar(select(LibraryNode).where(LibraryNode.reference == reference))
        if parent is None:
            break
        above.insert(0, parent.heading)
        reference = parent.parent_reference
    return " / ".join(h for h in (*above, *node.context, node.heading) if h)


def _scores(result: Classification, dimension: str) -> tuple[LabelScore, ...]:
    return {
        ACTOR: result.actors, SPHERE: (result.sphere,), SITUATION: (result.situation,),
        THEME: result.themes, RISK_FACTOR: result.risk_factors,
    }[dimension]  # fmt: skip


def _tuple(codes: list[str] | None) -> tuple[str, ...] | None:
    return tuple(codes) if codes is not None else None
