"""The library's codes as words in the reader's language: the taxonomy's labels (actors,
spheres, situations, themes, risk factors), the kinds and states of links, where a label came
from. Pages show these words, never the codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tocsin.library.classify import DIMENSIONS, RISK_FACTOR, load_taxonomy
from tocsin.library.store import LabelSource, LinkKind, LinkStatus
from tocsin.web import i18n
from tocsin.web.i18n import N_

DIMENSION_NAMES = {
    "actor": N_("Actor"),
    "sphere": N_("Sphere"),
    "situation": N_("Situation"),
    "theme": N_("Theme"),
    "risk_factor": N_("Risk factor"),
}
# How a link reads from its source ("implements") and from its target ("implemented by").
LINK_KINDS: dict[str, str] = {
    LinkKind.IMPLEMENTS: N_("implements"),
    LinkKind.REFERS_TO: N_("refers to"),
    LinkKind.FOLLOWS_UP: N_("follows up"),
    LinkKind.RELATED: N_("related to"),
}
LINK_KINDS_BACK: dict[str, str] = {
    LinkKind.IMPLEMENTS: N_("implemented by"),
    LinkKind.REFERS_TO: N_("referred to by"),
    LinkKind.FOLLOWS_UP: N_("followed up by"),
    LinkKind.RELATED: N_("related to"),
}
LINK_STATES: dict[str, str] = {
    LinkStatus.SUGGESTED: N_("suggested"),
    LinkStatus.CONFIRMED: N_("confirmed"),
    LinkStatus.REJECTED: N_("rejected"),
}
SOURCES: dict[str, str] = {LabelSource.AUTO: N_("automatic"), LabelSource.ANALYST: N_("analyst")}
# The import report's kinds of remark (docs/library.md, "Repairs and the report").
REMARKS = {
    "unplaced": N_("not placed"),
    "artefact": N_("left out"),
    "repair": N_("repaired"),
    "gap": N_("seems missing"),
}
FORMATS = {"text": N_("Plain text"), "pdf": N_("PDF"), "html": N_("HTML (web page)")}


@dataclass(frozen=True)
class Terms:
    """Every taxonomy label's name in one language, and the order the taxonomy gives them."""

    lang: str
    names: dict[tuple[str, str], str]
    order: dict[str, tuple[str, ...]]
    multi: dict[str, bool]
    dimensions: tuple[str, ...] = DIMENSIONS  # the order pages show them in

    def of(self, dimension: str, code: str) -> str:
        """A label's name; a code the taxonomy no longer has shows as itself."""
        return self.names.get((dimension, code), code)

    def bare(self, dimension: str, code: str) -> str:
        """A label's name without the risk factor's code in front (for a title beside it)."""
        name = self.of(dimension, code)
        return name.split(" · ", 1)[1] if dimension == RISK_FACTOR and " · " in name else name

    def dimension(self, dimension: str) -> str:
        return i18n.gettext_for(self.lang, DIMENSION_NAMES.get(dimension, dimension))

    def choices(self, dimension: str) -> list[tuple[str, str]]:
        return [(code, self.of(dimension, code)) for code in self.order.get(dimension, ())]

    def link_kind(self, kind: str, outgoing: bool = True) -> str:
        # StrEnum keys: a stored code looks its words up directly
        return self._say((LINK_KINDS if outgoing else LINK_KINDS_BACK).get(kind), kind)

    def link_kinds(self) -> list[tuple[str, str]]:
        return [(k.value, self.link_kind(k.value)) for k in LinkKind]

    def source(self, source: str) -> str:
        return self._say(SOURCES.get(source), source)

    def status(self, status: str) -> str:
        return self._say(LINK_STATES.get(status), status)

    def remark(self, kind: str) -> str:
        return self._say(REMARKS.get(kind), kind)

    def _say(self, message: str | None, fallback: str) -> str:
        return i18n.gettext_for(self.lang, message) if message else fallback


@lru_cache(maxsize=8)
def terms(lang: str) -> Terms:
    """The taxonomy in ``lang``: the names the taxonomy file gives each label in that language
    (risk factors: the framework's own names, with their code in front)."""
    taxonomy = load_taxonomy()
    names: dict[tuple[str, str], str] = {}
    for dimension in taxonomy.dimensions:
        for label in dimension.labels:
            name = label.name_in(lang)
            if dimension.code == RISK_FACTOR:
                name = f"{label.code} · {name}"
            names[(dimension.code, label.code)] = name
    return Terms(
        lang=lang,
        names=names,
        order={d.code: d.codes for d in taxonomy.dimensions},
        multi={d.code: d.multi for d in taxonomy.dimensions},
    )
