"""Where an export bundle is written before its download: a private folder under the data
directory, swept of bundles an interrupted download left behind."""

from __future__ import annotations

import contextlib
import time
import uuid
from pathlib import Path

STALE_BUNDLE_S = 3600  # a bundle left behind by an interrupted download is removed after this


def sweep(folder: Path, older_than_s: float = STALE_BUNDLE_S) -> None:
    cutoff = time.time() - older_than_s
    for old in folder.glob("*.zip"):
        with contextlib.suppress(FileNotFoundError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def new_bundle_path(data_dir: Path) -> Path:
    """A fresh path in ``data_dir / "exports"`` (mode 0700: the bundle holds files in clear)."""
    folder = data_dir / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(folder)
    return folder / f"{uuid.uuid4()}.zip"
