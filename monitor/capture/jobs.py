"""Tips from the web app captured in the background: one worker thread per web process, never in a request.

The tips page only stores the submitted links (``queued``) and hands the batch to this runner; the
browser is sent on to the batch's page (post/redirect/get), which refreshes itself while the
worker captures the links one by one — each tip row says where it stands. Batches wait their turn
(one browser at a time per process, which also keeps one page load per host at a time).

A tip left ``queued`` or ``capturing`` by a web process that died is closed as failed the next time
a process starts taking tips; a process shutting down stops after the link it is on and closes
the rest of its batches as failed.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.capture.tips import UNFINISHED, capture_tips, classify_acts, close_unfinished
from monitor.db.schema import CaptureTip
from monitor.db.types import utcnow
from spiders.store import HOST, owner_gone

log = logging.getLogger(__name__)

INTERRUPTED = "the web server stopped before this link was captured; hand it in again"
STALE_AFTER = timedelta(minutes=30)


class TipRunner:
    """The web process's capture worker: batches in the order they came, one at a time."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netra-capture")
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._recovered = False

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.app.state.session_factory  # type: ignore[no-any-return]

    def submit(self, batch: str) -> None:
        self.recover()
        try:
            self.executor.submit(self._run, batch)
        except RuntimeError:  # the executor was shut down: the process is stopping
            self._close_batch(batch)

    def recover(self) -> None:
        """Close, once per process start, the tips a dead web process left unfinished."""
        with self._lock:
            if self._recovered:
                return
            self._recovered = True
        now = utcnow()
        with self.sessions() as db:
            rows = list(db.scalars(select(CaptureTip).where(CaptureTip.state.in_(UNFINISHED),
                                                            CaptureTip.source == "web")))
        dead = []
        for tip in rows:
            mine = tip.host == HOST
            gone = mine and tip.pid is not None and tip.pid != os.getpid() and owner_gone(tip.pid, tip.process_start)
            silent = not mine and tip.host is not None and now - tip.updated_at > STALE_AFTER
            # Queued tips of no process yet belong to a batch whose worker is gone when the tip is old.
            orphan = tip.host is None and now - tip.updated_at > STALE_AFTER
            if gone or silent or orphan:
                dead.append(tip.id)
        if dead:
            closed = close_unfinished(self.sessions, dead, "interrupted", INTERRUPTED)
            log.warning("%d tips left unfinished by a stopped web process closed as failed", closed)

    def shutdown(self) -> None:
        self.stopping.set()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def _close_batch(self, batch: str) -> None:
        with self.sessions() as db:
            ids = list(db.scalars(select(CaptureTip.id).where(CaptureTip.batch == batch,
                                                              CaptureTip.state.in_(UNFINISHED))))
        close_unfinished(self.sessions, ids, "interrupted", INTERRUPTED)

    def _run(self, batch: str) -> None:
        try:
            if self.stopping.is_set():
                return
            with self.sessions() as db:
                ids = list(db.scalars(select(CaptureTip.id).where(CaptureTip.batch == batch,
                                                                  CaptureTip.state == "queued")
                                      .order_by(CaptureTip.id)))
            capture_tips(self.sessions, ids, settings=self.app.state.settings, classify=self._classify,
                         stop=self.stopping, label=f"tips {batch}")
        except Exception as exc:  # noqa: BLE001 — every tip of the batch says it failed; the log has the traceback
            log.exception("capture of tip batch %s failed", batch)
            with self.sessions() as db:
                ids = list(db.scalars(select(CaptureTip.id).where(CaptureTip.batch == batch,
                                                                  CaptureTip.state.in_(UNFINISHED))))
            close_unfinished(self.sessions, ids, "error", f"capture could not run: {type(exc).__name__}: {exc}"[:500])
        finally:
            self._close_batch(batch)

    def _classify(self, activity_ids: list[int]) -> None:
        from monitor.registry.profiles import active_profile
        from monitor.web.classifier import shared_classifier

        with self.sessions() as db:
            profile = active_profile(db)
            if profile is None:
                return  # classified by the scheduler's classify job once a profile is loaded
            classify_acts(db, activity_ids, shared_classifier(self.app), profile)  # type: ignore[arg-type]


def runner(app: FastAPI) -> TipRunner:
    found: TipRunner = app.state.capture_jobs
    return found
