"""`tocsin response plans ...`: recommended actions proposed for a situation, ranked and
explained, and response plans kept from them (docs/response.md, "Response plans"). Thin
commands over ``tocsin.response.plans``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tocsin.cli_checks import checked
from tocsin.core.errors import FieldProblem, ValidationFailed

if TYPE_CHECKING:
    from tocsin.core.access import Actor
    from tocsin.core.db import Database
    from tocsin.response.plans import Explanation, PlanPublic, ProposalsPublic, SituationIn

plans_app = typer.Typer(help="Response plans: library actions proposed for a situation.",
                        no_args_is_help=True)  # fmt: skip

UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="TOCSIN_USER", help="Email of the account acting."),
]
Country = Annotated[str | None, typer.Option(help="ISO 3166-1 code of the country.")]
Area = Annotated[str | None, typer.Option(help="An area within the country.")]
AlertOpt = Annotated[str | None, typer.Option("--alert", help="An alert's id.")]
AssessmentOpt = Annotated[str | None, typer.Option("--assessment", help="An assessment's id.")]
Factors = Annotated[str | None, typer.Option(
    help="Risk factors by hand, each with an optional level: RF1,RF7:very_high.")]  # fmt: skip
Themes = Annotated[str | None, typer.Option(help="Library themes, comma-separated.")]
PhaseOpt = Annotated[str | None, typer.Option(
    "--phase", help="prevention, imminent_risk, ongoing, aftermath; default derived")]  # fmt: skip
ActorOpt = Annotated[str, typer.Option("--actor", help="A library actor code (state, un_body...).")]
Sphere = Annotated[str | None, typer.Option(help="domestic, bilateral, regional or multilateral.")]


def _acting(user: str | None) -> tuple[Database, Actor]:
    from tocsin.cli import _actor, _store

    _, db = _store()
    return db, _actor(db, user)


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _situation(country: str | None, area: str | None, alert: str | None,
               assessment: str | None, factors: str | None, themes: str | None,
               phase: str | None) -> SituationIn:  # fmt: skip
    from tocsin.response.plans import SituationIn

    given = [{"code": c.partition(":")[0], "level": c.partition(":")[2] or "high"}
             for c in _codes(factors)]  # fmt: skip
    try:
        return checked(SituationIn, country=country, admin_area=area, alert_id=alert,
                       assessment_id=assessment, factors=given, themes=_codes(themes),
                       phase=phase)  # fmt: skip
    except ValidationFailed as exc:
        raise _as_options(exc) from None


# The option that carries each field, where its name differs from the field's.
OPTIONS = {"--admin-area": "--area", "--alert-id": "--alert", "--assessment-id": "--assessment",
           "--items": "--node"}  # fmt: skip


def _as_options(exc: ValidationFailed) -> ValidationFailed:
    """A problem with the situation, named after the option the user typed."""
    problems = [FieldProblem(OPTIONS.get(p.field, p.field), p.message) for p in exc.errors]
    return ValidationFailed(f"{problems[0].field}: {problems[0].message}", problems)


def describe(why: Explanation) -> str:
    """An explanation in one line: "RF7 (high), RF9 (moderate); hate_speech; for state..."."""
    parts = [", ".join(f"{f.code} ({f.level.replace('_', ' ')})" for f in why.factors)]
    parts.append(", ".join(t.code for t in why.themes))
    parts += [f"for {m.code}" if m.dimension == "actor" else m.code
              for m in (why.actor, why.sphere, why.phase) if m is not None]  # fmt: skip
    return "; ".join(p for p in parts if p)


def _print_proposals(found: ProposalsPublic) -> None:
    from rich.table import Table

    from tocsin.cli import console

    sit = found.situation
    worked = ", ".join(f"{f.code} {f.level}" for f in sit.worked) or "none"
    console.print(f"Situation: {sit.country or '-'} {sit.admin_area or ''} basis {sit.basis}; "
                  f"factors {worked}; themes {', '.join(sit.themes) or 'none'}; phase "
                  f"{sit.phase} ({sit.phase_reason}); TLP:{sit.tlp}")  # fmt: skip
    table = Table(title=f"Proposed actions for {found.actor} ({found.sphere or 'any sphere'})")
    for name in ("#", "reference", "score", "why", "text"):
        table.add_column(name, overflow="fold")
    for p in found.proposals:
        table.add_row(str(p.rank), p.reference, f"{p.score:g}", describe(p.explanation),
                      p.text[:160])  # fmt: skip
    console.print(table)
    console.print(f"{len(found.proposals)} of {found.considered} paragraphs addressing the "
                  "situation")  # fmt: skip


def _print_plan(plan: PlanPublic) -> None:
    from rich.table import Table

    from tocsin.cli import console

    console.print(f"[bold]{plan.title}[/bold]  {plan.id}  {plan.status}  TLP:{plan.tlp}")
    console.print(f"{plan.country or '-'} {plan.admin_area or ''}; for {plan.actor}, "
                  f"{plan.sphere or 'any sphere'}, {plan.phase}")  # fmt: skip
    table = Table()
    for name in ("#", "reference", "status", "responsible", "due", "why"):
        table.add_column(name, overflow="fold")
    for i in plan.items:
        table.add_row(str(i.position), i.reference or "(withheld)", i.status, i.responsible,
                      str(i.due_date or ""), describe(i.explanation))  # fmt: skip
    console.print(table)


@plans_app.command("propose")
def propose_command(
    actor: ActorOpt, country: Country = None, area: Area = None, alert: AlertOpt = None,
    assessment: AssessmentOpt = None, factors: Factors = None, themes: Themes = None,
    phase: PhaseOpt = None, sphere: Sphere = None,
    limit: Annotated[int, typer.Option(help="Most actions shown (1 to 200).")] = 20,
    user: UserOpt = None,
) -> None:  # fmt: skip
    """Recommended actions for the situation, ranked, each with why it is proposed."""
    from tocsin.cli import _errors
    from tocsin.response.plans import ProposalRequest, propose

    with _errors():
        situation = _situation(country, area, alert, assessment, factors, themes, phase)
        ask = checked(ProposalRequest, situation=situation, actor=actor, sphere=sphere,
                      limit=limit)  # fmt: skip
        db, who = _acting(user)
        with db.session() as s:
            found = propose(s, who, ask)
        db.dispose()
    _print_proposals(found)


@plans_app.command("create")
def create_command(
    title: Annotated[str, typer.Option(help="The plan's title.")],
    actor: ActorOpt, country: Country = None, area: Area = None, alert: AlertOpt = None,
    assessment: AssessmentOpt = None, factors: Factors = None, themes: Themes = None,
    phase: PhaseOpt = None, sphere: Sphere = None,
    top: Annotated[int, typer.Option(help="Keep this many of the best proposals.")] = 0,
    node: Annotated[list[str] | None, typer.Option(
        help="A paragraph to add by reference or id (repeatable).")] = None,
    tlp: Annotated[str, typer.Option(help="Sharing level of the plan.")] = "AMBER",
    user: UserOpt = None,
) -> None:  # fmt: skip
    """Keep a plan of the situation: the best ``--top`` proposals and any ``--node``."""
    from tocsin.cli import _errors
    from tocsin.response.plans import PlanCreate, ProposalRequest, create_plan, propose

    with _errors():
        situation = _situation(country, area, alert, assessment, factors, themes, phase)
        # Checked before anything is read: a bad option is named before the library is asked.
        try:
            checked(PlanCreate, title=title, situation=situation, actor=actor, sphere=sphere,
                    tlp=tlp, items=[{"node": n} for n in node or []])  # fmt: skip
        except ValidationFailed as exc:
            raise _as_options(exc) from None
        ask = checked(ProposalRequest, situation=situation, actor=actor, sphere=sphere,
                      limit=min(max(top, 1), 200))  # fmt: skip
        db, who = _acting(user)
        with db.session() as s:
            chosen = [p.reference for p in propose(s, who, ask).proposals] if top > 0 else []
            chosen += [n for n in node or [] if n not in chosen]
            data = checked(PlanCreate, title=title, situation=situation, actor=actor,
                           sphere=sphere, tlp=tlp, items=[{"node": n} for n in chosen])  # fmt: skip
            plan = create_plan(s, who, data)
        db.dispose()
    _print_plan(plan)


@plans_app.command("list")
def list_command(
    status: Annotated[str | None, typer.Option(help="draft, active or closed.")] = None,
    country: Country = None, user: UserOpt = None,
) -> None:  # fmt: skip
    """The plans you may see, most recently changed first."""
    from rich.table import Table

    from tocsin.cli import _errors, console
    from tocsin.response.plans import list_plans

    with _errors():
        db, who = _acting(user)
        with db.session() as s:
            found = list_plans(s, who, status=status, country=country, page_size=500)
        db.dispose()
    table = Table(title=f"{found.total} response plans")
    for name in ("id", "title", "place", "actor", "phase", "status", "done", "TLP"):
        table.add_column(name, overflow="fold")
    for p in found.items:
        table.add_row(p.id, p.title, f"{p.country or '-'} {p.admin_area or ''}", p.actor, p.phase,
                      p.status, f"{p.items_done}/{p.items_total}", p.tlp)  # fmt: skip
    console.print(table)


@plans_app.command("show")
def show_command(
    plan_id: Annotated[str, typer.Argument(help="The plan's id.")], user: UserOpt = None
) -> None:
    """One plan: its situation, its items with why each is there, who and when."""
    from tocsin.cli import _errors
    from tocsin.response.plans import get_plan

    with _errors():
        db, who = _acting(user)
        with db.session() as s:
            plan = get_plan(s, who, plan_id)
        db.dispose()
    _print_plan(plan)
