"""The alert worker on a thread beside the web server, for a one-machine installation.

A separate ``tocsin alerts worker`` process is the better choice wherever a service manager can
keep one running; this is for ``tocsin serve --with-worker`` (and ``make run``), so that alerts
issued from the pages leave without a second command. The worker is the same code either way;
if the thread dies, the outbox keeps what was due and the next worker sends it.
"""

from __future__ import annotations

import logging
import threading

from tocsin.alerts.worker import Worker
from tocsin.core.db import Database
from tocsin.core.settings import Settings

log = logging.getLogger(__name__)


class BackgroundWorker:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.worker = Worker(db, settings)
        self._db = db
        self._thread = threading.Thread(target=self._run, name="tocsin-alert-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the sends under way and record them; give up waiting after ``timeout``."""
        self.worker.stop()
        self._thread.join(timeout)
        self._db.dispose()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            self.worker.run()
        except Exception:
            log.exception("the background alert worker stopped; run `tocsin alerts worker`")
