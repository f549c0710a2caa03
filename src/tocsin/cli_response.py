"""`tocsin response ...`: response plans drawn from the action library, and commitments with the
judgements of their progress (docs/response.md). Each part lives in its own module and is added
to this group here."""

from __future__ import annotations

import typer

response_app = typer.Typer(
    help="Respond: plans of recommended actions, commitments and their implementation.",
    no_args_is_help=True,
)
# Sub-groups are added below, one line each (commitments, plans).
