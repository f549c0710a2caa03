"""Page forms: read posted fields, validate them with the API's own schemas, and keep every
value the user typed when something is refused, with the message next to its field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from tocsin.core.errors import TocsinError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


@dataclass
class FormState:
    """What a form shows: the values (as typed) and the problems, keyed by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    summary: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.summary

    def value(self, name: str, default: Any = "") -> Any:
        return self.values.get(name, default)

    def error(self, name: str) -> str:
        return self.errors.get(name, "")

    def refuse(self, exc: TocsinError) -> None:
        if exc.errors:
            for problem in exc.errors:
                self.errors.setdefault(_last(problem.field), problem.message)
        else:
            self.summary = exc.detail


def _last(loc: str) -> str:
    """`names[0].value` stays addressable; `body.title` is just `title`."""
    return loc.removeprefix("body.")


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def blank_to_none(values: Mapping[str, str], names: tuple[str, ...] = ()) -> dict[str, Any]:
    """HTML sends an empty field as ""; an optional field left empty means "not given"."""
    return {k: (None if (v.strip() == "" and (not names or k in names)) else v.strip())
            for k, v in values.items() if k != "csrf"}


def validate(schema: type[M], data: Mapping[str, Any], state: FormState) -> M | None:
    """The schema's instance, or None with the field messages put into `state`."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as exc:
        for err in exc.errors():
            name = _loc(tuple(err.get("loc", ()))) or "form"
            message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
            state.errors.setdefault(name, message)
        return None


def attempt(session: Session, action: Callable[[], T], state: FormState) -> T | None:
    """Run a service call; a refusal (validation, conflict, permission) lands in the form and
    the unit of work is rolled back whole, so a refused form never half-writes."""
    try:
        result = action()
        session.flush()
        return result
    except TocsinError as exc:
        if exc.status >= 500:
            raise
        session.rollback()
        state.refuse(exc)
        return None
