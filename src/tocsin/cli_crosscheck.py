"""`tocsin crosscheck ...`: run the cross-check engine from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

crosscheck_app = typer.Typer(help="Cross-check records.", no_args_is_help=True)


@crosscheck_app.command("incidents")
def incidents(
    max_km: Annotated[float, typer.Option(help="How far apart two reports may be.")] = 10.0,
    min_score: Annotated[float, typer.Option(help="Lowest score proposed for review.")] = 0.5,
) -> None:
    """Propose, for review, the pairs of events that may report one incident."""
    from tocsin.cli import _errors, _store, console
    from tocsin.core.errors import ValidationFailed
    from tocsin.crosscheck.incidents import link_incidents

    with _errors():
        if not 0 < max_km <= 500:
            raise ValidationFailed.on("--max-km", "must be more than 0 and at most 500")
        if not 0 <= min_score <= 1:
            raise ValidationFailed.on("--min-score", "must be between 0 and 1")
        _, db = _store()
        with console.status("comparing events"), db.session() as session:
            report = link_incidents(session, max_km, min_score)
    console.print(
        f"{report.new} new pairs proposed, {report.updated} updated, "
        f"{report.already_decided} already decided, {report.auto_accepted} merged automatically"
    )


@crosscheck_app.command("persons")
def persons(
    threshold: Annotated[float, typer.Option(help="Lowest match probability proposed.")] = 0.9,
    spark: Annotated[
        bool, typer.Option(help="Run the linkage on Spark in local mode (docs/scale.md).")
    ] = False,
) -> None:
    """Propose, for review, the pairs of person records that may be one person."""
    from tocsin.cli import _errors, _store, console
    from tocsin.core.errors import ValidationFailed
    from tocsin.crosscheck.person_resolution import resolve_persons

    with _errors():
        if not 0.5 < threshold < 1:
            raise ValidationFailed.on("--threshold", "must be more than 0.5 and less than 1")
        _, db = _store()
        options: dict[str, object] | None = None
        if spark:
            from tocsin.crosscheck.linkage.backend import local_spark_session

            options = {"spark_session": local_spark_session("tocsin-persons")}
        with console.status("comparing persons"), db.session() as session:
            report = resolve_persons(
                session, threshold, "spark" if spark else "duckdb", options
            )
        if options is not None:
            options["spark_session"].stop()  # type: ignore[attr-defined]
    console.print(
        f"{report.new} new pairs proposed, {report.updated} updated, "
        f"{report.already_decided} already decided, {report.auto_accepted} merged automatically"
    )


@crosscheck_app.command("organisations")
def organisations(
    threshold: Annotated[float, typer.Option(help="Lowest score proposed.")] = 0.85,
) -> None:
    """Propose, for review, organisations filed under several names."""
    from tocsin.cli import _errors, _store, console
    from tocsin.core.errors import ValidationFailed
    from tocsin.crosscheck.organisation_resolution import resolve_organisations

    with _errors():
        if not 0.5 < threshold < 1:
            raise ValidationFailed.on("--threshold", "must be more than 0.5 and less than 1")
        _, db = _store()
        with db.session() as session:
            report = resolve_organisations(session, threshold)
    console.print(f"{report.new} new pairs proposed, {report.updated} updated")
