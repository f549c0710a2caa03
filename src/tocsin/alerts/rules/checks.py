"""Checks of a rule that need the store: vocabulary codes in its filters, and the person it acts
for. Each problem names its field (``params.act_types[1]``, ``params.owner_id``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.alerts.rules.firing import owner_of
from tocsin.alerts.rules.params import ActFilters
from tocsin.alerts.rules.spec import RuleSpec
from tocsin.cases.vocabulary import Vocabularies


def check_spec(session: Session, spec: RuleSpec, with_owner: bool = True) -> None:
    p = spec.params
    if isinstance(p, ActFilters):
        vocab = Vocabularies.load(session)
        for i, code in enumerate(p.act_types):
            vocab.check("act_type", code, f"params.act_types[{i}]")
        if p.sex:
            vocab.check("sex", p.sex, "params.sex")
    if with_owner:
        owner_of(session, spec)
