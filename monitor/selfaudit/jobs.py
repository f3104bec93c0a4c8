"""Self-audit uploads as background jobs of the web process.

An upload used to be imported, classified and rendered inside its request: a 21 KB ZIP holding one
20 MiB tweet kept a request busy for a minute and the server's memory in gigabytes. Now the request
only checks what is cheap and saves the file (``monitor.web.routes.self_audit``); the work runs here,
**one job at a time** on a single worker thread per web process (``app.state.import_jobs``), under the
import limits (``import_*`` settings). The job's row (``import_job``) is what the status page polls:
its state, its counts as they grow, what was skipped (as codes, worded in Bahasa Indonesia by the page),
and the reports when it is done.

Every guarantee of the upload path holds in the worker: nothing is stored for a refused export
(owner, platform and archive are checked before the import opens its run), every outcome is in the
audit log, and the uploaded file is deleted when its job ends, however it ends. A job left unfinished
by a web process that died is closed as failed (and its file removed) the next time a process starts
taking jobs; a web process shutting down stops its running job at the next progress beat, which
closes its crawl run as failed.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from monitor.access import audit_log
from monitor.db.schema import Account, ImportJob, User
from monitor.db.types import utcnow
from monitor.i18n import _
from monitor.selfaudit.upload import (
    PROBLEMS_SHOWN,
    UploadProblem,
    audit_upload,
    check_export,
    importer_for,
    problem_record,
)
from spiders.importers.base import ImportStats
from spiders.importers.run import ImportInterrupted
from spiders.store import HOST, owner_gone

log = logging.getLogger(__name__)

FINISHED = frozenset({"done", "failed", "refused"})
UNFINISHED = ("queued", "importing", "classifying")
# Jobs of one process waiting for the worker before uploads are turned away ("try again later").
MAX_WAITING = 3
# A job of another host not heard of for this long is taken as dead (its own host checks the process).
STALE_AFTER = timedelta(minutes=30)
INTERRUPTED = _("The web server stopped before this job finished. Upload this export again.")
FAILED = _("Processing the export failed. Contact an admin; the export can be uploaded again.")


def _progress(stats: ImportStats, classified: int = 0) -> dict[str, int]:
    return {"read": stats.seen, "stored": stats.stored, "unchanged": stats.unchanged,
            "quarantined": stats.quarantined, "unreadable_files": stats.unreadable_files,
            "not_stored": stats.store_failures, "truncated": stats.truncated_fields, "classified": classified}


def _problems(stats: ImportStats) -> list[dict[str, Any]]:
    return [problem_record(p) for p in stats.problems if p.code != "interrupted"][:PROBLEMS_SHOWN]


class JobRunner:
    """The web process's import worker: one thread, jobs in the order they came."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netra-import")
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._waiting: set[int] = set()
        self._recovered = False

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.app.state.session_factory  # type: ignore[no-any-return]

    def busy(self) -> bool:
        """Too many jobs already wait: a new upload should come back later."""
        with self._lock:
            return len(self._waiting) >= MAX_WAITING

    def submit(self, job_id: int, directory: Path, path: Path) -> None:
        """Hand the saved upload (``path`` inside its private ``directory``) to the worker; it owns both now."""
        self.recover()
        with self._lock:
            self._waiting.add(job_id)
        try:
            self.executor.submit(self._run, job_id, directory, path)
        except RuntimeError:  # the executor was shut down: the process is stopping
            with self._lock:
                self._waiting.discard(job_id)
            self._close(job_id, "failed", "interrupted", INTERRUPTED, directory)

    def recover(self) -> None:
        """Close, once per process start, the jobs a dead web process left unfinished, and remove their files."""
        with self._lock:
            if self._recovered:
                return
            self._recovered = True
        now = utcnow()
        with self.sessions() as db:
            jobs = list(db.scalars(select(ImportJob).where(ImportJob.state.in_(UNFINISHED))))
            for job in jobs:
                mine = job.host == HOST
                dead = (mine and job.pid is not None and job.pid != os.getpid()
                        and owner_gone(job.pid, job.process_start))
                silent = not mine and now - job.updated_at > STALE_AFTER
                if dead or silent:
                    if job.upload_dir:
                        shutil.rmtree(job.upload_dir, ignore_errors=True)
                    job.state, job.reason, job.message = "failed", "interrupted", INTERRUPTED
                    job.finished_at = job.updated_at = now
                    job.upload_dir = None
                    log.warning("import job %s of process %s on %s closed as failed", job.id, job.pid, job.host)
            db.commit()

    def shutdown(self) -> None:
        """The web process stops: the running job stops at its next beat, the waiting ones are closed."""
        self.stopping.set()
        self.executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            waiting, self._waiting = set(self._waiting), set()
        for job_id in waiting:
            with self.sessions() as db:
                job = db.get(ImportJob, job_id)
                directory = Path(job.upload_dir) if job is not None and job.upload_dir else None
            self._close(job_id, "failed", "interrupted", INTERRUPTED, directory)

    # ------------------------------------------------------------------ the worker thread

    def _run(self, job_id: int, directory: Path, path: Path) -> None:
        with self._lock:
            if job_id not in self._waiting:  # closed by shutdown() meanwhile
                return
            self._waiting.discard(job_id)
        try:
            if self.stopping.is_set():
                self._close(job_id, "failed", "interrupted", INTERRUPTED, directory)
                return
            self._work(job_id, path)
        except ImportInterrupted:
            self._close(job_id, "failed", "interrupted", INTERRUPTED, directory)
        except Exception:  # noqa: BLE001 — the job says it failed; the log has the traceback
            log.exception("import job %s failed", job_id)
            self._close(job_id, "failed", "error", FAILED, directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
            self._set(job_id, upload_dir=None)

    def _set(self, job_id: int, **values: Any) -> None:
        with self.sessions.begin() as db:
            db.execute(update(ImportJob).where(ImportJob.id == job_id).values(updated_at=utcnow(), **values))

    def _close(self, job_id: int, state: str, reason: str, message: str, directory: Path | None) -> None:
        """End a job that did not finish its work (it may have finished meanwhile: then leave it)."""
        with self.sessions.begin() as db:
            db.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state.in_(UNFINISHED))
                       .values(state=state, reason=reason, message=message, finished_at=utcnow(),
                               updated_at=utcnow()))
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def _check_stop(self) -> None:
        if self.stopping.is_set():
            raise ImportInterrupted("the web server is shutting down")

    def _work(self, job_id: int, path: Path) -> None:
        from monitor.registry.profiles import active_profile
        from monitor.web.classifier import shared_classifier

        self._set(job_id, state="importing", started_at=utcnow())
        with self.sessions() as db:
            job = db.get(ImportJob, job_id)
            assert job is not None
            user = db.get(User, job.user_id) if job.user_id is not None else None
            account = db.get(Account, job.account_id)
            if user is None or account is None:
                self._refuse(db, job, user, "unknown_account", "Akun atau pengguna sudah tidak ada.", {})
                return
            try:
                # The export's owner first: a refused export costs no model loading.
                check_export(importer_for(job.importer, account), path, account.handle, job.file_name)
            except UploadProblem as problem:
                self._refuse(db, job, user, problem.reason, problem.message, {})
                return
            try:
                classifier = shared_classifier(self.app)
            except Exception as exc:  # noqa: BLE001 — a missing or broken model: nothing is imported
                self._refuse(db, job, user, "classifier_unavailable",
                             _("The classification model cannot be loaded; contact an admin."),
                             {"error": str(exc)[:500]})
                return
            profile = active_profile(db)
            if profile is None:
                self._refuse(db, job, user, "no_profile", "Belum ada profil pemilihan aktif; minta admin "
                             "memuatnya terlebih dahulu.", {})
                return
            last: dict[str, Any] = {}

            def imported(stats: ImportStats) -> None:
                self._check_stop()
                last["progress"] = _progress(stats)
                # The last call comes once the import's run is closed (its status set): classifying is next.
                done = {"state": "classifying", "run_status": stats.status} if stats.status else {}
                self._set(job_id, progress=last["progress"], problems=_problems(stats), **done)

            def run_started(run_id: int) -> None:
                self._set(job_id, crawl_run_id=run_id)

            def classified(n: int) -> None:
                # Classification writes through this session: each batch is committed with the job's count,
                # so the page sees it (and SQLite's writer lock is let go between batches).
                self._check_stop()
                job.progress = {**last.get("progress", {}), "classified": last.get("classified", 0) + n}
                last["classified"] = job.progress["classified"]
                job.state = "classifying"
                job.updated_at = utcnow()
                db.commit()

            try:
                outcome = audit_upload(db, self.sessions, user, account, job.importer, path, job.file_name,
                                       classifier, profile, submit=job.submit, ip=job.ip, watch=imported,
                                       on_run=run_started, on_classified=classified, checked=True)
            except UploadProblem as problem:
                db.rollback()
                self._refuse(db, job, user, problem.reason, problem.message, {})
                return
            except BaseException:
                db.rollback()
                raise
            stats = outcome.stats
            data = outcome.audit.data
            job.state = "done"
            job.finished_at = job.updated_at = utcnow()
            job.crawl_run_id = outcome.run_id
            job.run_status = stats.status
            job.progress = _progress(stats, last.get("classified", 0))
            job.problems = _problems(stats)
            job.result = {"export_sha256": stats.export_sha256, "acts": data.acts,
                          "self_audit_acts": data.self_audit_acts, "newly_classified": data.newly_classified,
                          "flagged": len(data.flagged), "hate": data.hate,
                          "submitted": outcome.audit.submitted, "agency_code": data.agency_code,
                          "agency_name": data.agency_name}
            job.report_ids = [r.id for r in outcome.audit.reports]
            db.commit()

    def _refuse(self, db: Session, job: ImportJob, user: User | None, reason: str, message: str,
                detail: dict[str, Any]) -> None:
        """The export cannot be audited: nothing was stored; the refusal is on the job and in the audit log."""
        job.state, job.reason, job.message = "refused", reason, message
        job.finished_at = job.updated_at = utcnow()
        audit_log.record(db, "self_audit_upload_refused", user=user, username=job.username, object_type="account",
                         object_id=job.account_id, ip=job.ip,
                         detail={"reason": reason, "importer": job.importer, "file": job.file_name,
                                 "bytes": job.file_bytes, "job": job.id, **detail})
        db.commit()


def runner(app: FastAPI) -> JobRunner:
    """The app's job runner (made with the app: ``monitor.web.app.create_app``)."""
    found: JobRunner = app.state.import_jobs
    return found

