"""Adding files and folders from disk as evidence (what ``tocsin evidence add`` runs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tocsin.core.access import Actor
from tocsin.core.db import Database
from tocsin.core.errors import FieldProblem, ValidationFailed
from tocsin.vault import custody, evidence
from tocsin.vault.blobs import BlobStore
from tocsin.vault.schemas import EvidenceCreate
from tocsin.vault.signing import LogKey


@dataclass(frozen=True)
class Added:
    path: Path
    evidence_id: str
    sha256: str
    size: int
    duplicate: bool


def statement(meta: dict[str, Any], name: str) -> EvidenceCreate:
    try:
        return EvidenceCreate.model_validate({**meta, "original_name": name})
    except ValidationError as exc:
        problems = [
            FieldProblem(".".join(str(p) for p in e["loc"]) or "statement", e["msg"])
            for e in exc.errors()
        ]
        detail = "; ".join(f"{p.field}: {p.message}" for p in problems)
        raise ValidationFailed(detail, problems) from None


def files_under(paths: Iterable[Path]) -> list[Path]:
    """The files named, and every file under the folders named, in a stable order; hidden
    files and symbolic links are left out (a link could lead outside what was meant)."""
    found: list[Path] = []
    for path in paths:
        if path.is_symlink():
            continue
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not p.is_symlink()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ValidationFailed.on(str(path), "is neither a file nor a folder")
    return found


def add_files(
    db: Database,
    actor: Actor,
    store: BlobStore,
    log_key: LogKey,
    paths: Iterable[Path],
    meta: dict[str, Any],
    progress: Callable[[int, int], None] | None = None,
) -> list[Added]:
    """Add each file with the same statement ``meta`` (its own name as ``original_name``), one
    transaction per file so an interrupted run keeps what it stored; then sign a tree head.
    ``progress(done_bytes, total_bytes)``."""
    files = files_under(paths)
    # Check the statement once, before any file is read.
    statement(meta, "check")
    total = sum(f.stat().st_size for f in files)
    done = 0
    out: list[Added] = []
    for path in files:
        data = statement(meta, path.name)
        base = done

        def step(n: int, base: int = base) -> None:
            if progress is not None:
                progress(base + n, total)

        with db.session() as session, path.open("rb") as fh:
            record = evidence.add(session, actor, store, fh, data, progress=step)
            out.append(Added(path, record.id, record.sha256, record.size, record.duplicate))
        done = base + path.stat().st_size
        if progress is not None:
            progress(done, total)
    with db.session() as session:
        custody.sign_head(session, log_key)
    return out
