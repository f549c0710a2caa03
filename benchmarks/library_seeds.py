"""The recommending paragraphs of the five seed documents, read with a splitter of our own so that
the labelled set (benchmarks/library_labels.toml) can name paragraphs without holding their text.

Keys, per document (the labelled set uses the same ones):

- hrd-summit-plan-of-action-1998: the printed paragraph number ("4" .. "100"). Page numbers that
  the text extraction left at the start of a line ("7. defenders.") are read as the continuation
  they are: a number that is not the next in sequence never opens a paragraph, and a bullet whose
  number is garbled ("- 0 To develop") takes the next number in sequence.
- paris-commitments-2007: the printed commitment number ("1" .. "20"); the three commitments that
  lost their number in the text (11, 16 and 19) take the number missing from the sequence.
- paris-action-plan-2015: "<part>.<section>.<bullet>", e.g. "2.1.3" is the third bullet of
  section 1) of PART 2; bullets wrapped over several lines are joined.
- r2p-framework-for-action-2023: "<action>.<row>", e.g. "1.4.3" is the third table row under
  "Action 1.4", counted over every table under that heading (header rows are not counted).
- minority-forum-atrocity-prevention-excerpt: "s<n>", the n-th sentence of the excerpt, after the
  leading "- - -" artefact.

Each passage also carries its context: the headings above it, as an importer would see them.

    python benchmarks/library_seeds.py   # prints how many passages each seed gives
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@dataclass(frozen=True)
class Passage:
    document: str
    key: str
    context: str
    text: str


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out.endswith("-") and part[:1].islower():
            out = out + part  # a word hyphenated across a line break
        else:
            out = f"{out} {part}" if out else part
    return re.sub(r"\s+", " ", out).strip()


NUMBERED = re.compile(r"^(?:-\s+)?(\d{1,3})\.?\s+(.*)$")
HEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)+\.?|\([a-z]\))\s")


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) > 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        return True
    if HEADING_NUMBER.match(line) or line.startswith("Annex") or line.endswith(":"):
        return True
    return len(line) < 90 and not line.endswith((".", ",", ";"))


LEVEL = re.compile(r"^(\d+(?:\.\d+)*)\.?\s")


class _Outline:
    """Numbered headings by level, then the unnumbered ones ("For prevention:") below them."""

    def __init__(self) -> None:
        self.levels: dict[int, str] = {}
        self.notes: list[str] = []

    def add(self, heading: str) -> None:
        if m := LEVEL.match(heading):
            depth = m.group(1).count(".") + 1
            self.levels = {k: v for k, v in self.levels.items() if k < depth}
            self.levels[depth] = heading
            self.notes = []
        else:
            self.notes.append(heading)

    def context(self) -> str:
        return " / ".join([*(self.levels[k] for k in sorted(self.levels)), *self.notes[-2:]])


def numbered(document: str, text: str) -> Iterator[Passage]:
    """Numbered paragraphs (HRD summit, Paris Commitments)."""
    expected = 1
    current: list[str] | None = None
    outline = _Outline()
    context = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not re.search(r"[A-Za-z]", line):
            continue  # blank lines and bare page numbers
        match = NUMBERED.match(line)
        number = int(match.group(1)) if match else None
        if line.startswith("- ") or number == expected:
            if current is not None:
                yield Passage(document, str(expected - 1), context, _join(current))
            # a bullet opens the next item even when its number was lost or garbled
            current = [match.group(2) if match else line[2:]]
            context = outline.context()
            expected += 1
        elif match and number is not None and number < expected and not _is_heading(line):
            if current is not None:
                current.append(match.group(2))  # a page number stuck to a wrapped line
        elif _is_heading(line):
            if current is not None:
                yield Passage(document, str(expected - 1), context, _join(current))
            current = None
            outline.add(line.rstrip(": "))
        elif current is not None:
            current.append(line)
    if current is not None:
        yield Passage(document, str(expected - 1), context, _join(current))


BULLET = re.compile(r"^[•●]\s*(.*)$")
PART = re.compile(r"^PART\s+(\d+)\s*:?\s*(.*)$", re.IGNORECASE)
SECTION = re.compile(r"^(\d+)\)\s+(.*)$")


def bulleted(document: str, text: str) -> Iterator[Passage]:
    """Parts, numbered sections and bullets (Paris Action Plan)."""
    part = section = bullet = 0
    titles = {"part": "", "section": ""}
    current: list[str] | None = None
    key = ""

    def close() -> Iterator[Passage]:
        if current is not None:
            yield Passage(document, key, f"{titles['part']} / {titles['section']}", _join(current))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := PART.match(line):
            yield from close()
            current, part, section, bullet = None, int(m.group(1)), 0, 0
            titles["part"], titles["section"] = m.group(2).strip(), ""
        elif m := SECTION.match(line):
            yield from close()
            current, section, bullet = None, int(m.group(1)), 0
            titles["section"] = m.group(2).strip()
        elif m := BULLET.match(line):
            yield from close()
            bullet += 1
            key = f"{part}.{section}.{bullet}"
            current = [m.group(1)]
        elif current is not None:
            current.append(line)
    yield from close()


ACTION = re.compile(r"^Action\s+(\d+\.\d+)\s+(.*)$")
R2P_PART = re.compile(r"^Part\s+\d+\b")


def table_rows(document: str, text: str) -> Iterator[Passage]:
    """Table rows under "Action n.m" headings (R2P Framework for Action)."""
    lines = [line.strip() for line in text.splitlines()]
    action, row, part, action_title, table = "", 0, "", "", ""
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if R2P_PART.match(line):
            part = line
        elif m := ACTION.match(line):
            action, row, action_title, table = m.group(1), 0, m.group(2), ""
        elif line == "---|" or not line.endswith("|") or not action:
            continue
        elif following == "---|" or line.lower().startswith("recommended actions"):
            table = line.rstrip("| ").strip()
        else:
            row += 1
            context = " / ".join(x for x in (part, action_title, table) if x)
            yield Passage(document, f"{action}.{row}", context, line.rstrip("| ").strip())


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def sentences(document: str, text: str) -> Iterator[Passage]:
    """Sentences of a one-line excerpt (Minority Forum)."""
    body = re.sub(r"^(?:-\s+)+", "", text.strip().splitlines()[0])
    for n, sentence in enumerate(SENTENCE_END.split(body), start=1):
        yield Passage(document, f"s{n}", "", sentence.strip())


SPLITTERS: dict[str, Callable[[str, str], Iterator[Passage]]] = {
    "hrd-summit-plan-of-action-1998": numbered,
    "paris-commitments-2007": numbered,
    "paris-action-plan-2015": bulleted,
    "r2p-framework-for-action-2023": table_rows,
    "minority-forum-atrocity-prevention-excerpt": sentences,
}


def read_seed(document: str, folder: Path = SEEDS) -> dict[str, Passage]:
    text = (folder / f"{document}.txt").read_text(encoding="utf-8")
    return {p.key: p for p in SPLITTERS[document](document, text)}


def read_seeds(folder: Path = SEEDS) -> dict[str, dict[str, Passage]]:
    return {document: read_seed(document, folder) for document in SPLITTERS}


if __name__ == "__main__":
    if not SEEDS.is_dir():
        raise SystemExit(f"{SEEDS} not found: the seeds live in ../shared/seeds beside the repo")
    for name, passages in read_seeds().items():
        print(f"{name}: {len(passages)} passages")
