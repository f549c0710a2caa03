"""TLP 2.0 sharing levels, held as ordered ranks so access checks are one comparison."""

from __future__ import annotations

from enum import IntEnum

from tocsin.core.errors import ValidationFailed


class TLP(IntEnum):
    CLEAR = 0
    GREEN = 1
    AMBER = 2
    AMBER_STRICT = 3
    RED = 4

    @property
    def label(self) -> str:
        return "AMBER+STRICT" if self is TLP.AMBER_STRICT else self.name

    @classmethod
    def parse(cls, value: str | int | TLP, field: str = "tlp") -> TLP:
        if isinstance(value, TLP):
            return value
        if isinstance(value, int):
            try:
                return cls(value)
            except ValueError:
                raise ValidationFailed.on(field, f"unknown sharing level {value}") from None
        key = value.strip().upper().replace("+", "_").replace("TLP:", "")
        if key == "WHITE":  # TLP 1.0 name, still common in partner feeds
            key = "CLEAR"
        try:
            return cls[key]
        except KeyError:
            choices = ", ".join(t.label for t in cls)
            raise ValidationFailed.on(
                field, f"unknown sharing level {value!r}; use one of {choices}"
            ) from None


TLP_LABELS = [t.label for t in TLP]

# Records at or above this level are "protected": every read of one is audited.
PROTECTED_FROM = TLP.AMBER
