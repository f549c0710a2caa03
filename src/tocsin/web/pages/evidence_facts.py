"""What the evidence page says about a file, in words: what Tocsin read from the file
(``extracted``) and the details of each custody entry.

Labels are English msgids (``N_``), translated where shown; values are left as the file or the
log gives them. Keys nobody here knows yet are still shown, named after the key, so metadata
a newer extractor adds never goes unseen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tocsin.vault import merkle
from tocsin.vault.schemas import CustodyEntryPublic, ProofPublic, TreeHeadPublic
from tocsin.web.i18n import N_

# What a warning about identifying metadata says, by the code the extractor lists it under.
PRESENT_WARNINGS = {
    "gps": N_("This file carries GPS coordinates: sharing it can reveal where it was made."),
    "mp4_location": N_(
        "This video carries the place where it was recorded: sharing it can reveal where."
    ),
    "exif": N_(
        "This file carries camera (EXIF) metadata: it can name the device, its serial number "
        "and when the picture was taken."
    ),
    "xmp": N_("This file carries XMP metadata, which can name its author and editing history."),
    "iptc": N_("This file carries IPTC metadata, which can name its author or photographer."),
    "icc": N_("This file carries a colour profile, which can name the device or its owner."),
    "text": N_("This file carries free text (comments or text chunks) that may identify someone."),
    "pdf_info": N_("This document carries its own information fields (author, software, dates)."),
}
UNKNOWN_PRESENT = N_("This file carries metadata of its own: %(what)s.")

CUSTODY_KINDS = {
    "collected": N_("Collected"),
    "received": N_("Received into the vault"),
    "accessed": N_("Accessed (opened or downloaded)"),
    "copied": N_("Copied"),
    "exported": N_("Exported"),
    "shared": N_("Shared"),
}
# Details every entry of one record repeats, or that the page shows elsewhere.
_SAME_FOR_RECORD = frozenset({"evidence_id", "event_id", "person_id"})
DETAIL_LABELS = {
    "kind": N_("Kind"),
    "collected_at": N_("Collected at"),
    "statement_sha256": N_("Digest of the collector's statement"),
    "size": N_("Size (bytes)"),
    "sha512": "SHA-512",
    "already_stored": N_("Content already in the vault"),
    "via": N_("Through"),
    "recipient": N_("Recipient"),
    "consent_id": N_("Under consent"),
    "bundle_sha256": N_("Bundle SHA-256"),
}
TIMES = "\u00d7"  # the multiplication sign, between width and height
HASH_SHOWN = 16  # hex digits of a long hash shown in a summary; the full value is in its title


@dataclass(frozen=True)
class Fact:
    """One line of what a file says: a label (msgid) and a value as text."""

    label: str
    value: str
    code: bool = False  # shown in monospace (hashes, serial numbers)
    # Only our own msgids go through gettext: it formats with %, and a key or a value read
    # from a file is text, never a format.
    label_known: bool = True
    value_word: bool = False  # the value is one of our words ("yes", "no")


@dataclass
class FileSays:
    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # msgids, some with %(what)s
    unknown_present: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return N_("yes") if value else N_("no")
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items() if v not in (None, ""))
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _key_label(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or key


def _generic(key: str, value: Any, code: bool = False) -> Fact:
    """A line for a key no label was written for: named after the key, not translated."""
    return Fact(_key_label(key), _text(value), code, label_known=False,
                value_word=isinstance(value, bool))


def _gps(gps: Mapping[str, Any]) -> list[Fact]:
    out = []
    if gps.get("lat") is not None and gps.get("lon") is not None:
        out.append(Fact(N_("GPS position (latitude, longitude)"), f"{gps['lat']}, {gps['lon']}"))
    if gps.get("alt_m") is not None:
        out.append(Fact(N_("Altitude (metres)"), _text(gps["alt_m"])))
    if gps.get("at"):
        out.append(Fact(N_("GPS time"), _text(gps["at"])))
    rest = {k: v for k, v in gps.items() if k not in {"lat", "lon", "alt_m", "at"}}
    out += [_generic(f"gps_{k}", v) for k, v in rest.items() if v is not None]
    return out


DEVICE_LABELS = {
    "software": N_("Software"),
    "serial": N_("Device serial number"),
    "lens": N_("Lens"),
}


def _device(device: Mapping[str, Any]) -> list[Fact]:
    out = []
    name = " ".join(str(device[k]) for k in ("make", "model") if device.get(k))
    if name:
        out.append(Fact(N_("Device"), name))
    for key, value in device.items():
        if key in {"make", "model"} or value in (None, ""):
            continue
        label = DEVICE_LABELS.get(key)
        out.append(Fact(label, _text(value), code=key == "serial") if label
                   else _generic(f"device_{key}", value))
    return out


def file_says(extracted: Mapping[str, Any]) -> FileSays:
    """The ``extracted`` dict as labelled lines, and a warning per kind of identifying
    metadata the file carries (``metadata_present``)."""
    says = FileSays()
    rest = dict(extracted)
    if "detected_type" in rest:
        says.facts.append(Fact(N_("Detected type"), _text(rest.pop("detected_type")), code=True))
    width, height = rest.pop("width", None), rest.pop("height", None)
    if width is not None and height is not None:
        says.facts.append(Fact(N_("Dimensions (pixels)"), f"{width} {TIMES} {height}"))
    elif width is not None or height is not None:
        size = f"{width or '?'} {TIMES} {height or '?'}"
        says.facts.append(Fact(N_("Dimensions (pixels)"), size))
    if "taken_at" in rest:
        taken = _text(rest.pop("taken_at"))
        offset = rest.pop("taken_at_offset", None)
        says.facts.append(Fact(N_("Taken at (camera clock)"),
                               f"{taken} ({offset})" if offset else taken))
    gps = rest.pop("gps", None)
    if isinstance(gps, Mapping):
        says.facts += _gps(gps)
    elif gps is not None:
        says.facts.append(_generic("gps", gps))
    device = rest.pop("device", None)
    if isinstance(device, Mapping):
        says.facts += _device(device)
    elif device is not None:
        says.facts.append(_generic("device", device))
    known = {
        "orientation": N_("Orientation"),
        "created_at": N_("Created at (as the file states it)"),
        "duration_s": N_("Duration (seconds)"),
        "notes": N_("Notes from reading the file"),
    }
    for key, label in known.items():
        if key in rest:
            value = rest.pop(key)
            says.facts.append(Fact(label, _text(value), value_word=isinstance(value, bool)))
    present = rest.pop("metadata_present", None) or []
    for key, value in rest.items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, Mapping):  # e.g. a PDF's own fields: one line each
            says.facts += [_generic(f"{key} {k}", v) for k, v in value.items()
                           if v not in (None, "")]
        else:
            says.facts.append(_generic(key, value))
    for code in present if isinstance(present, list) else [present]:
        message = PRESENT_WARNINGS.get(str(code))
        if message is None:
            says.unknown_present.append(str(code))
        elif message not in says.warnings:
            says.warnings.append(message)
    return says


@dataclass(frozen=True)
class CustodyRow:
    index: int
    kind: str
    label: str  # msgid
    who: str
    at: Any
    details: list[Fact]
    proof: str  # "proved", "pending" or "failed"


def _detail(key: str, value: Any) -> Fact:
    code = isinstance(value, str) and len(value) > 2 * HASH_SHOWN and all(
        c in "0123456789abcdef" for c in value
    )
    label = DETAIL_LABELS.get(key)
    if label is None:
        return _generic(key, value, code)
    return Fact(label, _text(value), code, value_word=isinstance(value, bool))


def proof_state(proof: ProofPublic | None, index: int, head: TreeHeadPublic | None) -> str:
    """Checked here, not only listed: the path must lead from the entry to the signed root."""
    if proof is None or head is None or proof.tree_size != head.tree_size:
        return "pending"
    try:
        ok = merkle.verify_inclusion(
            bytes.fromhex(proof.leaf_hash),
            index,
            proof.tree_size,
            [bytes.fromhex(p) for p in proof.path],
            bytes.fromhex(head.root_hash),
        )
    except ValueError:
        ok = False
    return "proved" if ok else "failed"


def custody_rows(
    entries: list[CustodyEntryPublic], head: TreeHeadPublic | None
) -> list[CustodyRow]:
    return [
        CustodyRow(
            index=e.index,
            kind=e.kind,
            label=CUSTODY_KINDS.get(e.kind, e.kind),
            who=e.who,
            at=e.at,
            details=[_detail(k, v) for k, v in e.details.items()
                     if k not in _SAME_FOR_RECORD and v is not None],
            proof=proof_state(e.proof, e.index, head),
        )
        for e in entries
    ]
