"""A trained model to and from JSON-compatible data (never a pickle: loading one runs code).

The logit's numbers are plain JSON floats (Python writes them so they read back exactly) and the
trees are LightGBM's own text format, so a model read back forecasts exactly as it did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tocsin.core.errors import ValidationFailed
from tocsin.risk.forecast.calibration import Platt
from tocsin.risk.forecast.design import ModelDesign
from tocsin.risk.forecast.learners import learner_from_dict
from tocsin.risk.forecast.model import DataSource, ForecastModel

FORMAT = "tocsin.risk.forecast.model/1"


def model_to_dict(model: ForecastModel) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "design": model.design.to_dict(),
        "predictors": list(model.predictors),
        "features": list(model.features),
        "fill": list(model.fill),
        "components": [
            {"weight": weight, "learner": learner.to_dict()} for weight, learner in model.components
        ],
        "calibration": model.calibration.to_dict(),
        "until": model.until,
        "training_years": list(model.training_years),
        "training_rows": model.training_rows,
        "training_onsets": model.training_onsets,
        "data": {
            "name": model.data.name,
            "sha256": model.data.sha256,
            "first_year": model.data.first_year,
            "last_year": model.data.last_year,
            "rows": model.data.rows,
            "countries": model.data.countries,
        },
        "train_seconds": model.train_seconds,
        "versions": dict(model.versions),
        "trained_at": model.trained_at,
    }


def model_from_dict(data: Mapping[str, Any]) -> ForecastModel:
    """Read a model saved by ``model_to_dict``; anything else is refused with a clear error."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ValidationFailed.on("model", f"not a saved forecast model (format {FORMAT})")
    try:
        features = tuple(str(f) for f in data["features"])
        fill = tuple(float(v) for v in data["fill"])
        predictors = tuple(str(p) for p in data["predictors"])
        components = tuple(
            (float(c["weight"]), learner_from_dict(c["learner"])) for c in data["components"]
        )
        calibration = data["calibration"]
        source = data["data"]
        model = ForecastModel(
            design=ModelDesign.from_dict(data["design"]),
            predictors=predictors,
            features=features,
            fill=fill,
            components=components,
            calibration=Platt(
                float(calibration["a"]), float(calibration["b"]), int(calibration["rows"]),
                int(calibration["positives"]),
            ),
            until=int(data["until"]),
            training_years=(int(data["training_years"][0]), int(data["training_years"][1])),
            training_rows=int(data["training_rows"]),
            training_onsets=int(data["training_onsets"]),
            data=DataSource(
                str(source["name"]), str(source["sha256"]), int(source["first_year"]),
                int(source["last_year"]), int(source["rows"]), int(source["countries"]),
            ),
            train_seconds=float(data["train_seconds"]),
            versions={str(k): str(v) for k, v in dict(data["versions"]).items()},
            trained_at=str(data["trained_at"]),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ValidationFailed.on(
            "model", f"a saved model's field is missing or wrong: {exc}"
        ) from exc
    if len(fill) != len(features) or predictors != features[: len(predictors)]:
        raise ValidationFailed.on("model", "features, fill values and predictors do not match")
    return model


def model_to_json(model: ForecastModel) -> str:
    return json.dumps(model_to_dict(model), allow_nan=False)


def model_from_json(text: str) -> ForecastModel:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.on("model", f"not JSON: {exc.msg} at line {exc.lineno}") from exc
    return model_from_dict(data)
