"""The UN Framework of Analysis for Atrocity Crimes as data: 14 risk factors and their
indicators, versioned, translated (French, Arabic) and extendable with an organisation's own
indicators."""

from tocsin.risk.framework.local import add_local_indicator
from tocsin.risk.framework.spec import CATEGORIES, COMMON, FrameworkSpec, load_spec
from tocsin.risk.framework.store import (
    Structure,
    current_version,
    ensure_framework,
    get_framework,
    list_versions,
    localized,
    structure,
)

__all__ = [
    "CATEGORIES",
    "COMMON",
    "FrameworkSpec",
    "Structure",
    "add_local_indicator",
    "current_version",
    "ensure_framework",
    "get_framework",
    "list_versions",
    "load_spec",
    "localized",
    "structure",
]
