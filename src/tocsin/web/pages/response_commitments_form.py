"""The commitment and judgement forms as posted fields and back. Lists travel as lines of a
textarea (indicators, web addresses) or as ids separated by spaces or commas; the indicators a
judgement concerns are ticked boxes named ``indicator_<n>`` (one value per field name)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tocsin.response.commitments import CommitmentPublic

COMMITMENT_FIELDS = ("actor_name", "actor_kind", "action", "node_id", "document_title",
                     "made_on", "due_on", "indicators", "tlp", "country")  # fmt: skip
JUDGEMENT_FIELDS = ("status", "as_of", "source", "source_kind", "event_ids", "evidence_ids",
                    "urls", "note")  # fmt: skip
_IDS = re.compile(r"[\s,;]+")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def ids(text: str) -> list[str]:
    return list(dict.fromkeys(i for i in _IDS.split(text.strip()) if i))


def typed(form: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    return {k: form.get(k, "").strip() for k in names}


def commitment_payload(values: Mapping[str, str], editing: bool = False) -> dict[str, Any]:
    """The service's input; an optional field left empty is not given (or, when editing,
    cleared)."""
    payload: dict[str, Any] = {
        "actor_name": values["actor_name"], "actor_kind": values["actor_kind"] or "state",
        "action": values["action"].replace("\r\n", "\n"),
        "document_title": values["document_title"], "indicators": lines(values["indicators"]),
    }  # fmt: skip
    # Left empty, a new commitment is shared as its paragraph's document (at least GREEN).
    for name in ("node_id", "made_on", "due_on", "country", "tlp"):
        if values[name] or editing:
            payload[name] = values[name] or None
    if editing and payload.get("node_id"):
        payload.pop("document_title")  # the paragraph's document is kept
    return payload


def judgement_payload(values: Mapping[str, str], form: Mapping[str, str],
                      indicators: list[str]) -> dict[str, Any]:  # fmt: skip
    ticked = [text for n, text in enumerate(indicators) if form.get(f"indicator_{n}")]
    return {
        "status": values["status"], "as_of": values["as_of"] or None, "source": values["source"],
        "source_kind": values["source_kind"], "event_ids": ids(values["event_ids"]),
        "evidence_ids": ids(values["evidence_ids"]), "urls": lines(values["urls"]),
        "indicators": ticked, "note": values["note"].replace("\r\n", "\n"),
    }  # fmt: skip


def kept_hidden(payload: dict[str, Any], c: CommitmentPublic) -> dict[str, Any]:
    """An edit by someone who may not see the source paragraph keeps the paragraph and its text
    unless they name others: the form showed them neither."""
    if c.source_hidden and not payload.get("node_id"):
        payload.pop("node_id", None)
        payload.pop("document_title", None)
    if c.action_withheld and not payload["action"].strip():
        payload.pop("action")
    return payload


def values_of(c: CommitmentPublic) -> dict[str, str]:
    return {
        "actor_name": c.actor_name, "actor_kind": c.actor_kind, "action": c.action,
        "node_id": c.source.reference if c.source else "", "document_title": c.document_title,
        "made_on": c.made_on.isoformat() if c.made_on else "",
        "due_on": c.due_on.isoformat() if c.due_on else "",
        "indicators": "\n".join(c.indicators), "tlp": c.tlp, "country": c.country or "",
    }  # fmt: skip
