"""Domain errors. The API turns each into an RFC 9457 problem document."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FieldProblem:
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class TocsinError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class ConfigurationError(TocsinError):
    status = 500
    title = "Configuration error"


class ValidationFailed(TocsinError):
    status = 422
    title = "Validation failed"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", [FieldProblem(field, message)])


class NotFound(TocsinError):
    status = 404
    title = "Not found"


class Forbidden(TocsinError):
    status = 403
    title = "Forbidden"


class Unauthorized(TocsinError):
    status = 401
    title = "Not authenticated"


class Conflict(TocsinError):
    status = 409
    title = "Conflict"


class TooManyAttempts(TocsinError):
    status = 429
    title = "Too many attempts"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
