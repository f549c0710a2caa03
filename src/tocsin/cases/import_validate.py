"""First pass of an import: what a line's shape cannot say (codes, date spans, refs, permissions).

Refs are resolved in two steps: while reading, against records declared earlier in the file;
at the end, everything else against the database by external id, in a few bulk queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tocsin.cases.dates import parse_span
from tocsin.cases.import_lines import (
    KINDS,
    ActLine,
    EventLine,
    OrganisationLine,
    PersonLine,
    SourceLine,
)
from tocsin.cases.import_read import Item, Problems
from tocsin.cases.models import Event, Organisation, Person, Source
from tocsin.cases.vocabulary import Vocabularies
from tocsin.cases.workflow import Status
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission

MODELS: dict[str, Any] = {
    "event": Event, "person": Person, "organisation": Organisation, "source": Source,
}  # fmt: skip
LOOKUP_CHUNK = 500

Found = list[tuple[str, str]]  # (field, message) for one item


@dataclass(frozen=True)
class Use:
    """A ref used before (or without) being declared in the file: resolved at the end."""

    line: int
    field: str
    kind: str
    ref: str


class Checker:
    def __init__(self, session: Session, actor: Actor, problems: Problems, unit: str) -> None:
        self.vocab = Vocabularies.load(session)
        self.actor = actor
        self.unit = unit
        self.problems = problems
        self.declared: dict[str, dict[str, tuple[int, str]]] = {k: {} for k in KINDS}
        self.pending: list[Use] = []
        self.records = 0
        # Incremental resolution: refs seen since the last look-up, and what is known so far.
        self._fresh: list[tuple[str, str]] = []
        self._pending_seen = 0
        self.known: dict[str, dict[str, str]] = {k: {} for k in KINDS}
        self._unresolved: list[Use] = []
        # Kinds with no imported record on file yet need no look-ups at all. It matters: inside
        # the import's own transaction PostgreSQL has no statistics for the rows it is adding,
        # and would scan the growing table for every chunk of refs.
        self._on_file = {
            kind
            for kind in KINDS
            if session.scalar(select(exists().where(MODELS[kind].external_id.is_not(None))))
        }
        self.statuses = {s.value for s in Status}

    def check(self, item: Item) -> None:
        self.records += 1
        found: Found = []
        record = item.record
        if isinstance(record, EventLine):
            self._event(item, record, found)
        elif isinstance(record, PersonLine):
            self._person(item, record, "", found)
        elif isinstance(record, OrganisationLine):
            self._organisation(item, record, "", found)
        else:
            self._source(item, record, "", found)
        for field_name, message in found:
            self.problems.add(*item.where(field_name), message)

    # ---- helpers -------------------------------------------------------------------------------

    def _code(self, vocabulary: str, code: str, field_name: str, found: Found) -> bool:
        if code in self.vocab.codes.get(vocabulary, ()):
            return True
        try:
            self.vocab.check(vocabulary, code, field_name)
        except ValidationFailed as exc:
            found.append((field_name, exc.errors[0].message))
        return False

    def _declare(self, item: Item, kind: str, ref: str | None, field_name: str,
                 found: Found) -> None:  # fmt: skip
        if ref is None:
            return
        earlier = self.declared[kind].get(ref)
        if earlier is not None:
            where = f"{self.unit} {earlier[0]}"
            found.append((field_name, f"{kind} ref {ref!r} is already declared on {where}"))
            return
        self.declared[kind][ref] = item.where(field_name)
        self._fresh.append((kind, ref))

    def _use(self, item: Item, kind: str, ref: str | None, field_name: str) -> None:
        if ref is not None and ref not in self.declared[kind]:
            self.pending.append(Use(*item.where(field_name), kind, ref))

    @staticmethod
    def _span(start: str, end: str | None, prefix: str, found: Found) -> None:
        try:
            parse_span(start, end, prefix)
        except ValidationFailed as exc:
            found.extend((e.field, e.message) for e in exc.errors)

    # ---- records -------------------------------------------------------------------------------

    def _event(self, item: Item, e: EventLine, found: Found) -> None:
        self._declare(item, "event", e.ref, "ref", found)
        if self._code("event_status", e.status, "status", found):
            self._status(e.status, found)
        self._span(e.start, e.end, "", found)
        for i, o in enumerate(e.organisations):
            self._organisation(item, o, f"organisations[{i}].", found)
        for i, p in enumerate(e.persons):
            self._person(item, p, f"persons[{i}].", found)
        for i, s in enumerate(e.sources):
            self._source(item, s, f"sources[{i}].", found)
        for i, act in enumerate(e.acts):
            self._act(item, e, act, f"acts[{i}].", found)
        for i, ref in enumerate(e.source_refs):
            self._use(item, "source", ref, f"source_refs[{i}]")
        for i, iv in enumerate(e.interventions):
            self._code("intervention_type", iv.type, f"interventions[{i}].type", found)
            self._code("intervention_status", iv.status, f"interventions[{i}].status", found)

    def _status(self, status: str, found: Found) -> None:
        if status not in self.statuses:  # a code an admin added, with no place in the workflow
            found.append(("status", f"{status!r} is not a workflow status"))
        elif status != Status.REPORTED and not self.actor.can(Permission.CHANGE_STATUS):
            # Importing a verified event must not bypass the verification workflow.
            found.append(("status", f"the {self.actor.role.value} role may only import events "
                                    f"as {Status.REPORTED.value}"))  # fmt: skip

    def _act(self, item: Item, e: EventLine, act: ActLine, at: str, found: Found) -> None:
        self._code("act_type", act.act_type, f"{at}act_type", found)
        if act.start or act.end:
            self._span(act.start or e.start, act.end, at, found)
        if act.victim is not None:
            self._use(item, "person", act.victim.person, f"{at}victim.person")
        for j, perp in enumerate(act.perpetrators):
            by = f"{at}perpetrators[{j}]."
            self._code("involvement", perp.involvement, f"{by}involvement", found)
            self._use(item, "organisation", perp.organisation, f"{by}organisation")
            self._use(item, "person", perp.person, f"{by}person")
        for j, ref in enumerate(act.sources):
            self._use(item, "source", ref, f"{at}sources[{j}]")

    def _person(self, item: Item, p: PersonLine, at: str, found: Found) -> None:
        if p.sex:
            self._code("sex", p.sex, f"{at}sex", found)
        for i, role in enumerate(p.roles):
            self._code("person_role", role, f"{at}roles[{i}]", found)
        for i, name in enumerate(p.names):
            self._code("name_kind", name.kind, f"{at}names[{i}].kind", found)
        for key in p.identities:
            self._code("identity_kind", key, f"{at}identities.{key}", found)
        if p.consent is not None:
            for i, code in enumerate(p.consent.share_with):
                self._code("consent_recipient", code, f"{at}consent.share_with[{i}]", found)
            self._code("consent_method", p.consent.recorded_how, f"{at}consent.recorded_how", found)
        self._declare(item, "person", p.ref, f"{at}ref", found)

    def _organisation(self, item: Item, o: OrganisationLine, at: str, found: Found) -> None:
        self._code("organisation_kind", o.kind, f"{at}kind", found)
        if o.parent is not None and o.parent == o.ref:
            found.append((f"{at}parent", "an organisation cannot be its own parent"))
        self._use(item, "organisation", o.parent, f"{at}parent")
        self._declare(item, "organisation", o.ref, f"{at}ref", found)

    def _source(self, item: Item, s: SourceLine, at: str, found: Found) -> None:
        self._code("source_type", s.source_type, f"{at}source_type", found)
        self._use(item, "person", s.person, f"{at}person")
        self._declare(item, "source", s.ref, f"{at}ref", found)

    # ---- the database --------------------------------------------------------------------------

    def resolve(self, session: Session) -> dict[str, dict[str, str]]:
        """Look up, in the database, the refs seen since the last call; return the newly known
        (ref -> id, for records the actor may see). Call :meth:`finish` after the last line."""
        fresh = self._fresh
        uses = self.pending[self._pending_seen :]
        self._fresh, self._pending_seen = [], len(self.pending)
        found: dict[str, dict[str, str]] = {}
        for kind in KINDS:
            wanted: set[str] = set()
            if kind in self._on_file:
                wanted = {ref for k, ref in fresh if k == kind}
                wanted |= {u.ref for u in uses if u.kind == kind and u.ref not in self.known[kind]}
            visible, hidden = _lookup(session, self.actor, MODELS[kind], wanted)
            found[kind] = visible
            self.known[kind].update(visible)
            for ref in hidden:
                if ref in self.declared[kind]:
                    line, field_name = self.declared[kind][ref]
                    self.problems.add(line, field_name, f"{kind} ref {ref!r} is already used "
                                                        "by a record you may not see")  # fmt: skip
        self._unresolved.extend(u for u in uses if u.ref not in self.known[u.kind])
        return found

    def finish(self) -> None:
        """Report refs never found; worded once the whole file is known (declared too late?)."""
        for use in self._unresolved:
            self.problems.add(use.line, use.field, self._unknown(use))
        self._unresolved = []

    def _unknown(self, use: Use) -> str:
        later = self.declared[use.kind].get(use.ref)
        if later is not None:
            return (f"{use.kind} {use.ref!r} is used before it is declared on {self.unit} "
                    f"{later[0]}; declare it first")  # fmt: skip
        return f"no {use.kind} with ref {use.ref!r} in this file or in the database"


def _lookup(session: Session, actor: Actor, model: Any,
            refs: Iterable[str]) -> tuple[dict[str, str], set[str]]:  # fmt: skip
    """Split the refs already stored into those the actor may see (ref -> id) and the others."""
    ordered = sorted(refs)
    visible: dict[str, str] = {}
    hidden: set[str] = set()
    for start in range(0, len(ordered), LOOKUP_CHUNK):
        chunk = ordered[start : start + LOOKUP_CHUNK]
        rows = session.execute(
            select(model.external_id, model.id, model.tlp, model.created_by).where(
                model.external_id.in_(chunk)
            )
        )
        for ref, rid, tlp, created_by in rows:
            if actor.may_see(tlp, created_by):
                visible[ref] = rid
            else:
                hidden.add(ref)
    return visible, hidden
