"""Classification of recommended actions: who must act (actor), where (sphere), when
(situation), about what (themes) and against which risk factors of the UN Framework of Analysis.

Rules on the taxonomy's keywords always answer; sentence embeddings (the optional
``embeddings`` extra) add similarity to the labels' descriptions and to analysts' corrections.
"""

from tocsin.library.classify.classifier import Classifier, classify
from tocsin.library.classify.examples import Classification, LabelledExample, LabelScore
from tocsin.library.classify.taxonomy import (
    ACTOR,
    DIMENSIONS,
    RISK_FACTOR,
    SITUATION,
    SPHERE,
    THEME,
    Dimension,
    Label,
    Taxonomy,
    load_taxonomy,
)

__all__ = [
    "ACTOR",
    "DIMENSIONS",
    "RISK_FACTOR",
    "SITUATION",
    "SPHERE",
    "THEME",
    "Classification",
    "Classifier",
    "Dimension",
    "Label",
    "LabelScore",
    "LabelledExample",
    "Taxonomy",
    "classify",
    "load_taxonomy",
]
