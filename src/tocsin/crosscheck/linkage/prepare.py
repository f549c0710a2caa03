"""Input records as the engine compares them: one column per field, normalised by kind."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.linkage.spec import FieldSpec, LinkSpec


def _missing_as_none(values: pd.Series[Any]) -> pd.Series[Any]:
    out = values.astype(object)
    return out.where(values.notna() & (out != ""), None)


def normalise(f: FieldSpec, values: pd.Series[Any]) -> pd.Series[Any]:
    """Case, spacing and punctuation differences that never distinguish two people go."""
    if f.kind == "number":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if f.kind == "date" and pd.api.types.is_datetime64_any_dtype(values):
        return _missing_as_none(values.dt.strftime("%Y%m%d"))
    text = values.astype("string").str.strip()
    if f.kind == "date":
        text = text.str.replace(r"\D", "", regex=True)
    elif f.kind == "identifier":
        text = text.str.replace(r"[\W_]", "", regex=True).str.upper()
    else:
        text = text.str.casefold().str.replace(r"\s+", " ", regex=True)
    return _missing_as_none(text)


def prepare(frame: pd.DataFrame, spec: LinkSpec) -> pd.DataFrame:
    out = pd.DataFrame({spec.unique_id: frame[spec.unique_id].to_numpy()})
    for f in spec.fields:
        if f.derive is not None:
            try:
                values = f.derive(frame)
            except Exception as exc:  # a derivation is caller code: name the field it broke
                raise ValidationFailed.on(f.name, f"derivation failed: {exc}") from exc
            if len(values) != len(frame):
                raise ValidationFailed.on(f.name, "derivation must return one value per record")
            values = pd.Series(pd.Series(values).to_numpy(), index=frame.index)
        else:
            values = frame[f.column]
        out[f.name] = normalise(f, values).to_numpy()
    return out
