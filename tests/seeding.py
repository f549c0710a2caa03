"""Shared test helpers: users with cheap hashing, and records made through the services.

Passwords here are hashed with argon2id at the lowest cost argon2 allows, so a test can sign in
five roles in a few milliseconds. The production parameters are checked in tests/core/test_auth.py.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from PIL import Image
from PIL.ExifTags import GPS, IFD
from PIL.ExifTags import Base as ExifBase
from sqlalchemy import select

from tocsin.alerts import lifecycle
from tocsin.alerts import service as alerts_service
from tocsin.alerts.models import EscalationChain
from tocsin.alerts.schemas import AlertCreate, IssueIn
from tocsin.cases import acts as acts_service
from tocsin.cases import consent, events, interventions, organisations, persons, sources
from tocsin.cases.schemas import (
    ActCreate,
    ConsentCreate,
    EventCreate,
    InterventionCreate,
    NameIn,
    OrganisationCreate,
    PersonCreate,
    SourceCreate,
)
from tocsin.core import auth
from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.models import User
from tocsin.core.roles import Role
from tocsin.core.tlp import TLP
from tocsin.crosscheck import review
from tocsin.crosscheck.models import MatchCandidate
from tocsin.library.store.models import LibraryDocument
from tocsin.risk import assessments, watch
from tocsin.risk.assessments.schemas import AssessmentCreate
from tocsin.risk.forecast_tables import CountryForecast, ForecastRun, RiskModel
from tocsin.vault import evidence as evidence_service
from tocsin.vault import statements
from tocsin.vault.blobs import BlobStore
from tocsin.vault.schemas import EvidenceCreate, StatementCreate

PASSWORD = "api test passphrase"


def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # still argon2id
    monkeypatch.setattr(auth, "_hasher", cheap, raising=False)


def add_user(db: Database, role: Role, email: str, password: str = PASSWORD) -> Actor:
    with db.session() as s:
        return auth.actor_for(auth.create_user(s, email, password, role))


@dataclass(frozen=True)
class Rec:
    """A seeded record: its id and a text that must never reach anyone who may not see it."""

    id: str
    secret: str


_serial = itertools.count(1)


@dataclass
class Seeder:
    """Creates records straight through the services, as ``actor`` (no HTTP, no hashing)."""

    db: Database
    actor: Actor
    store: BlobStore | None = None  # needed for evidence only

    def _secret(self, kind: str, tlp: str) -> str:
        return f"Secret{kind.title()}{tlp.replace('+', '')}N{next(_serial)}"

    def as_(self, actor: Actor) -> Seeder:
        return Seeder(self.db, actor, self.store)

    def event(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("event", tlp)
        data = {"title": secret, "start": "2020-01-01", "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(events.create(s, self.actor, EventCreate(**data)).id, secret)

    def act(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        event_id = event_id or self.event(tlp).id
        secret = self._secret("act", tlp)
        data = {"act_type": "killing", "description": secret, "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(acts_service.create(s, self.actor, event_id, ActCreate(**data)).id, secret)

    def person(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("person", tlp)
        data = {"names": [NameIn(value=secret)], "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(persons.create(s, self.actor, PersonCreate(**data)).id, secret)

    def organisation(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("organisation", tlp)
        data = {"name": secret, "kind": "armed_group", "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(organisations.create(s, self.actor, OrganisationCreate(**data)).id, secret)

    def source(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        secret = self._secret("source", tlp)
        data = {"title": secret, "source_type": "interview", "tlp": tlp, **kw}
        with self.db.session() as s:
            return Rec(sources.create(s, self.actor, SourceCreate(**data)).id, secret)

    def consent(self, tlp: str = "CLEAR", person_id: str | None = None, **kw: Any) -> Rec:
        person_id = person_id or self.person(tlp).id
        secret = self._secret("consent", tlp)
        data = {
            "person_id": person_id,
            "given_on": "2024-01-01",
            "recorded_how": "written_signed",
            "notes": secret,
            "tlp": tlp,
            **kw,
        }
        with self.db.session() as s:
            return Rec(consent.create(s, self.actor, ConsentCreate(**data)).id, secret)

    def intervention(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        event_id = event_id or self.event(tlp).id
        secret = self._secret("intervention", tlp)
        data = {
            "event_id": event_id,
            "intervention_type": "referral",
            "description": secret,
            "tlp": tlp,
            **kw,
        }
        with self.db.session() as s:
            return Rec(interventions.create(s, self.actor, InterventionCreate(**data)).id, secret)

    def evidence(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        """A small file whose name and content both carry the secret."""
        assert self.store is not None, "Seeder(..., store=...) is needed for evidence"
        event_id = event_id or self.event(tlp).id
        secret = self._secret("evidence", tlp)
        data = {"event_id": event_id, "kind": "document", "original_name": f"{secret}.txt",
                "tlp": tlp, **kw}  # fmt: skip
        content = io.BytesIO(f"content of {secret}".encode())
        with self.db.session() as s:
            made = evidence_service.add(s, self.actor, self.store, content, EvidenceCreate(**data))
            return Rec(made.id, secret)

    def statement(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        """A witness statement whose text carries the secret; the witness is a new person."""
        assert self.store is not None, "Seeder(..., store=...) is needed for statements"
        event_id = event_id or self.event(tlp).id
        secret = self._secret("statement", tlp)
        data = {"event_id": event_id, "witness_id": kw.pop("witness_id", None)
                or self.person(tlp).id, "taken_at": "2024-03-02T09:00:00+03:00",
                "interviewer": "Interviewer One", "language": "ar", "informed_consent": True,
                "text": f"I saw {secret} at the market.", "agreement": "read_back",
                "tlp": tlp, **kw}  # fmt: skip
        with self.db.session() as s:
            made = statements.record(s, self.actor, self.store, StatementCreate(**data))
            return Rec(made.id, secret)

    def photo(self, tlp: str = "CLEAR", event_id: str | None = None, **kw: Any) -> Rec:
        """A JPEG whose EXIF names the camera and where it was: one that can be made shareable."""
        assert self.store is not None, "Seeder(..., store=...) is needed for evidence"
        event_id = event_id or self.event(tlp).id
        secret = self._secret("photo", tlp)
        exif = Image.Exif()
        exif[ExifBase.Make], exif[ExifBase.Model] = "Acme", secret
        gps = exif.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef], gps[GPS.GPSLatitude] = "N", (15.0, 30.0, 0.0)
        gps[GPS.GPSLongitudeRef], gps[GPS.GPSLongitude] = "E", (32.0, 32.0, 0.0)
        out = io.BytesIO()
        Image.new("RGB", (16, 12), (200, 30, 30)).save(out, "JPEG", exif=exif)
        out.seek(0)
        data = {"event_id": event_id, "kind": "photo", "original_name": f"{secret}.jpg",
                "tlp": tlp, **kw}  # fmt: skip
        with self.db.session() as s:
            made = evidence_service.add(s, self.actor, self.store, out, EvidenceCreate(**data))
            return Rec(made.id, secret)

    def bundle_event(self, tlp: str = "CLEAR") -> Rec:
        """An event with one file that concerns no person: it may go to any recipient."""
        event = self.event(tlp)
        self.evidence(tlp, event_id=event.id)
        return event

    def match(self, tlp: str = "CLEAR") -> Rec:
        """Two persons an engine proposed as the same, awaiting review."""
        left, right = self.person(tlp), self.person(tlp)
        with self.db.session() as s:
            review.propose(s, "person", [review.Proposal(left.id, right.id, 0.9)], "seed")
            found = s.scalars(select(MatchCandidate.id).where(
                MatchCandidate.left_id == min(left.id, right.id),
                MatchCandidate.right_id == max(left.id, right.id))).one()  # fmt: skip
            return Rec(found, left.secret)

    def merged_person(self, tlp: str = "CLEAR") -> Rec:
        """A person already merged with another (by an automatic decision)."""
        left, right = self.person(tlp), self.person(tlp)
        with self.db.session() as s:
            row = MatchCandidate(kind="person", left_id=min(left.id, right.id),
                                 right_id=max(left.id, right.id), score=1.0, engine="seed",
                                 status="proposed")  # fmt: skip
            s.add(row)
            s.flush()
            review._accept(s, None, row, "seeded")
        return left

    def subscription(self, tlp: str = "CLEAR") -> Rec:
        """A webhook subscription of the seeder's own, for alerts up to ``tlp``, named with the
        secret; its receiver (port 9 on this machine) answers nothing."""
        from tocsin.alerts import subscriptions as alert_subscriptions
        from tocsin.alerts.subscription_schemas import SubscriptionCreate

        secret = self._secret("subscription", tlp)
        data = SubscriptionCreate(name=secret, channel="webhook", max_tlp=tlp,
                                  address="http://127.0.0.1:9/hook")  # fmt: skip
        with self.db.session() as s:
            made, _ = alert_subscriptions.create(s, self.actor, data)
            return Rec(made.id, secret)

    def make(self, kind: str, tlp: str) -> Rec:
        maker = getattr(self, kind)
        rec: Rec = maker(tlp)
        return rec

    def assessment(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        """A draft risk assessment whose title carries the secret, with one indicator rated."""
        secret = self._secret("assessment", tlp)
        data = {"country": "SD", "as_of": "2025-06-30", "title": f"Outlook {secret}",
                "tlp": tlp, "ratings": [{"indicator": "RF1.1", "rating": "present",
                                         "confidence": "medium"}], **kw}  # fmt: skip
        with self.db.session() as s:
            made = assessments.create_assessment(s, self.actor, AssessmentCreate(**data))
            return Rec(made.id, secret)

    def assessment_in_review(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        """An assessment its author has sent for review."""
        rec = self.assessment(tlp, **kw)
        with self.db.session() as s:
            assessments.submit_for_review(s, self.actor, rec.id)
        return rec

    def watch(self, tlp: str = "CLEAR") -> Rec:
        """A watched place. Watchlist entries have no sharing level of their own."""
        secret = self._secret("watch", tlp)
        with self.db.session() as s:
            item = watch.watch(s, self.actor, "SD", f"Area {next(_serial)}", secret)
            return Rec(item.id, secret)

    def forecast_run(self, tlp: str = "CLEAR") -> Rec:
        """A forecast run of two countries, the first named with the secret (rows written
        directly: no model is trained)."""
        secret = self._secret("forecast", tlp)
        with self.db.session() as s:
            model = RiskModel(trained_until=2024, data_name="seed.csv", data_path="/nonexistent",
                              data_sha256="0" * 64, parameters={}, card={}, train_seconds=0.0)
            s.add(model)
            s.flush()
            run = ForecastRun(model_id=model.id, year=2024, countries=2,
                              tlp=int(TLP.parse(tlp)), created_by=self.actor.user_id)
            s.add(run)
            s.flush()
            s.add_all([
                CountryForecast(run_id=run.id, ccode=625, country="SD", name=secret,
                                probability=0.2, rank=1, explanation=[]),
                CountryForecast(run_id=run.id, ccode=652, country="SY", name="Syria",
                                probability=0.1, rank=2, explanation=[]),
            ])  # fmt: skip
            return Rec(run.id, secret)

    def alert(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        """A draft alert whose title carries the secret (a RED one names its author)."""
        secret = self._secret("alert", tlp)
        red = TLP.parse(tlp) is TLP.RED
        data = {"title": f"Armed men near {secret}", "severity": "severe",
                "urgency": "immediate", "certainty": "likely", "category": "community_threat",
                "country": "SD", "tlp": tlp,
                "recipients": [self.actor.user_id] if red else [], **kw}  # fmt: skip
        with self.db.session() as s:
            made = alerts_service.create_draft(s, self.actor, AlertCreate(**data))
            return Rec(made.id, secret)

    def issued_alert(self, tlp: str = "CLEAR", **kw: Any) -> Rec:
        """An issued alert whose escalation chain names every user on file, so any of them
        may acknowledge it."""
        rec = self.alert(tlp, **kw)
        with self.db.session() as s:
            everyone = list(s.scalars(select(User.id)))
            chain = EscalationChain(name=f"Everyone {next(_serial)}",
                                    steps=[{"after_minutes": 30, "user_ids": everyone}])
            s.add(chain)
            s.flush()
            lifecycle.issue(s, self.actor, rec.id, IssueIn(escalation_chain_id=chain.id))
        return rec

    def escalation_chain(self, tlp: str = "CLEAR") -> Rec:
        """A one-step chain calling the seeder. Chains have no sharing level and name only
        staff accounts: the secret is stored nowhere, so no reply can show it."""
        from tocsin.alerts import chains
        from tocsin.alerts.escalation_schemas import ChainCreate, StepIn

        step = StepIn(after_minutes=30, user_ids=[self.actor.user_id])
        data = ChainCreate(name=f"Chain {next(_serial)}", steps=[step])
        with self.db.session() as s:
            made = chains.create_chain(s, self.actor, data)
            return Rec(made.id, self._secret("chain", tlp))

    def alert_rule(self, tlp: str = "CLEAR") -> Rec:
        """A weekly killings threshold for Qaranthia, named with the secret."""
        from tocsin.alerts.rules import service as rules_service
        from tocsin.alerts.rules.schemas import RuleCreate

        secret = self._secret("rule", tlp)
        data = RuleCreate.model_validate({
            "name": f"Killings {secret}", "kind": "act_threshold", "tlp": tlp,
            "params": {"country": "XQ", "act_types": ["killing"], "threshold": 3},
            "category": "community_threat", "severity": "severe", "urgency": "immediate",
            "certainty": "likely"})  # fmt: skip
        with self.db.session() as s:
            return Rec(rules_service.create_rule(s, self.actor, data).id, secret)

    def risk_model(self, tlp: str = "CLEAR") -> Rec:
        """A trained model on a small synthetic table (models have no sharing level)."""
        import tempfile
        from pathlib import Path

        from tests.risk.test_forecast import synthetic_frame

        from tocsin.risk.forecasting import train_and_keep

        path = Path(tempfile.mkdtemp(prefix="tocsin-seed-")) / "country-years.csv"
        synthetic_frame(countries=30, first=1980, last=1995).to_csv(path, index=False)
        with self.db.session() as s:
            made = train_and_keep(s, self.actor, path, until=1994)
            return Rec(made.id, self._secret("model", tlp))  # a model names nobody

    def library_document(self, tlp: str = "CLEAR") -> Rec:
        """A two-paragraph plan of action at this sharing level, titled with the secret (its
        first paragraph carries the secret too). No embeddings: the rule layer is enough."""
        from tocsin.library import parse_text
        from tocsin.library.store import import_document

        secret = self._secret("plan", tlp)
        n = next(_serial)
        text = (f"{secret}\n\n1. States should protect defenders named in {secret}.\n"
                "2. Courts should try those accused of atrocity crimes.\n")  # fmt: skip
        parsed = parse_text(text, f"plan-{n}.txt", slug=f"seeded-plan-{n}")
        with self.db.session() as s:
            made = import_document(s, self.actor, parsed, tlp=tlp, embed=False)
            return Rec(made.document.id, secret)

    def library_node(self, tlp: str = "CLEAR") -> Rec:
        """The first paragraph of a new seeded plan (its text carries the secret)."""
        from tocsin.library.store import get_node

        doc = self.library_document(tlp)
        with self.db.session() as s:
            slug = s.scalar(select(LibraryDocument.slug).where(LibraryDocument.id == doc.id))
            return Rec(get_node(s, self.actor, f"{slug}/-/-/1").id, doc.secret)

    def library_link(self, tlp: str = "CLEAR") -> Rec:
        """A confirmed link between the two paragraphs of a new seeded plan, noted with the
        secret."""
        from tocsin.library.store import link

        doc = self.library_document(tlp)
        with self.db.session() as s:
            slug = s.scalar(select(LibraryDocument.slug).where(LibraryDocument.id == doc.id))
            made = link(s, self.actor, f"{slug}/-/-/2", f"{slug}/-/-/1", "implements",
                        note=f"follows {doc.secret}")  # fmt: skip
            return Rec(made.id, doc.secret)

    def commitment(self, tlp: str = "CLEAR") -> Rec:
        """A commitment whose action carries the secret, made on 2020-01-01."""
        from datetime import date

        from tocsin.response.commitments import CommitmentCreate, create_commitment

        secret = self._secret("commitment", tlp)
        data = CommitmentCreate(actor_name="Republic of Seedland", action=f"Protect {secret}.",
                                document_title="Seed pledge", made_on=date(2020, 1, 1), tlp=tlp)
        with self.db.session() as s:
            return Rec(create_commitment(s, self.actor, data).id, secret)

    def response_plan(self, tlp: str = "CLEAR") -> Rec:
        """A response plan titled with the secret, of a situation given by hand (RF7), with one
        paragraph of a new seeded plan of action."""
        from tocsin.response.plans import PlanCreate, PlanItemIn, SituationIn, create_plan

        secret = self._secret("response plan", tlp)
        node = self.library_node("CLEAR")
        data = PlanCreate(title=f"Plan for {secret}", situation=SituationIn(
            factors=[{"code": "RF7"}]), actor="state", tlp=tlp, items=[PlanItemIn(node=node.id)])
        with self.db.session() as s:
            return Rec(create_plan(s, self.actor, data).id, secret)

    def response_plan_item(self, tlp: str = "CLEAR") -> Rec:
        """The one item of a new response plan at this level (the plan's title has the secret)."""
        from tocsin.response.plans import get_plan

        plan = self.response_plan(tlp)
        with self.db.session() as s:
            return Rec(get_plan(s, self.actor, plan.id).items[0].id, plan.secret)
