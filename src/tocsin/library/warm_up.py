"""Loading the sentence model when the server starts, so the first search does not wait for it.

The model takes 10 to 20 s to load on a small machine. The served app (``tocsin.api.asgi``)
starts the load on a daemon thread: start-up and requests never wait for it (a search arriving
meanwhile waits on the model's lock, as it would have anyway), and a failure only leaves
embeddings unavailable, as ``embeddings`` reports. ``TOCSIN_EMBEDDINGS_WARM_UP=off`` keeps the
load for the first use instead (e.g. to spare the memory of a server that never searches).
"""

from __future__ import annotations

import logging
import os
import threading

from tocsin.library import embeddings

SWITCH = "TOCSIN_EMBEDDINGS_WARM_UP"

log = logging.getLogger(__name__)


def switched_off() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in {"off", "0", "false", "no"}


def start_warm_up() -> threading.Thread | None:
    """Start loading the model in the background; None when there is nothing to load (switched
    off, not installed, already loaded or already failed)."""
    if switched_off() or embeddings.loaded() or not embeddings.available():
        return None
    thread = threading.Thread(target=_load, name="tocsin-embeddings-warm-up", daemon=True)
    thread.start()
    return thread


def _load() -> None:
    try:
        embeddings.ensure_loaded()
    except Exception:  # a failure must not reach anyone: embeddings.status() says why
        log.info("embedding model not warmed up: %s", embeddings.status())
