"""Why a file could not be imported at all (as opposed to lines the report lists)."""

from __future__ import annotations

from tocsin.core.errors import ValidationFailed


class DocumentUnreadable(ValidationFailed):
    """Not a document the readers can make text of: binary, encrypted, broken or too large."""

    title = "Document unreadable"
