"""`tocsin response ...`: response plans drawn from the action library, and commitments with the
judgements of their progress (docs/response.md). Each part lives in its own module and is added
to this group here."""

from __future__ import annotations

import typer

from tocsin.cli_response_commitments import commitments_app
from tocsin.cli_response_plans import plans_app

response_app = typer.Typer(
    help="Respond: plans of recommended actions, commitments and their implementation.",
    no_args_is_help=True,
)
# Sub-groups are added below, one line each (commitments, plans).
response_app.add_typer(commitments_app, name="commitments")
response_app.add_typer(plans_app, name="plans")
