"""Command options checked against the API's input shapes: a bad value is a problem named after
its ``--option`` (printed by the CLI's error handler), never a traceback."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from tocsin.core.errors import FieldProblem, ValidationFailed

M = TypeVar("M", bound=BaseModel)


def checked(schema: type[M], **given: object) -> M:
    """``schema`` filled from the options given (None: left out). A nested field's problem is
    named after the option that carried it (its first part)."""
    try:
        return schema.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        problems = [
            FieldProblem("--" + str(e["loc"][0]).replace("_", "-") if e["loc"] else "input",
                         e["msg"].removeprefix("Value error, "))
            for e in exc.errors()
        ]  # fmt: skip
        raise ValidationFailed(f"{problems[0].field}: {problems[0].message}", problems) from None
