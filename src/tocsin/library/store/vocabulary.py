"""The words the library's storage uses, defined once: node kinds, where a label came from,
kinds and states of links between paragraphs, and the names the audit log files them under."""

from __future__ import annotations

from enum import StrEnum


class NodeKind(StrEnum):
    PART = "part"
    SECTION = "section"
    ITEM = "item"  # a paragraph, sub-paragraph, bullet, table row or unnumbered paragraph


class LabelSource(StrEnum):
    AUTO = "auto"  # the classifier, or an analyst's correction of the same text elsewhere
    ANALYST = "analyst"  # an analyst's correction of this very paragraph


class LinkKind(StrEnum):
    IMPLEMENTS = "implements"  # a commitment or action that puts a recommendation into practice
    REFERS_TO = "refers_to"
    FOLLOWS_UP = "follows_up"  # a later text that takes an earlier one further
    RELATED = "related"  # similar, relation not yet named (what a suggestion starts as)


class LinkStatus(StrEnum):
    SUGGESTED = "suggested"  # found by similarity, waiting for an analyst
    CONFIRMED = "confirmed"
    REJECTED = "rejected"  # a refused suggestion or a withdrawn link: never suggested again


# How the audit log names what was read or written.
DOCUMENT = "library_document"
NODE = "library_node"
LINK = "library_link"

# How a stored label was arrived at, beside the classifier's own method ("rules+lexical", ...).
BY_ANALYST = "analyst"
FROM_CORRECTION = "correction"  # the same text was corrected by an analyst in another place
