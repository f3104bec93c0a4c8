"""Tips: links handed in for capture, each tracked from submission to the act it became.

A tip is one ``capture_tip`` row: the link, what the submitter said about it (platform and
account, a note, the reporter's reference), who handed it in, and then its outcome —
``captured``, ``unchanged`` or ``failed`` with one line saying why — and the act, evidence hash
and crawl run it led to. The CLI (``netra capture``), the web app's tips page and the profile
watch all go through :func:`capture_tips`.

What a capture stored is classified straight away, like any crawled act (``classify_activities``:
the text, then the gestures in its photos), and queued for review when flagged. Without an
active election profile nothing can be classified: the acts wait for the scheduler's classify job.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from monitor.config import Settings, get_settings
from monitor.db.schema import Account, Activity, CaptureTip, ReviewItem, User
from monitor.db.types import utcnow
from spiders.capture.run import Capturer, CaptureRequest, CaptureResult
from spiders.store import HOST, process_start

if TYPE_CHECKING:
    from models.infer import Classifier
    from models.profile import ElectionProfile

log = logging.getLogger(__name__)

FINISHED = ("captured", "unchanged", "failed")
UNFINISHED = ("queued", "capturing")
CSV_COLUMNS = {"url": ("url", "link", "tautan"), "platform": ("platform",), "akun": ("akun", "handle", "account"),
               "catatan": ("catatan", "note", "notes")}
MAX_CSV_ROWS = 10_000
MAX_URL_CHARS = 4_000


class TipInputError(ValueError):
    """A tip file or form cannot be read; the message names the place (``file:line``) and the reason."""


@dataclass
class TipInput:
    url: str
    platform: str | None = None
    handle: str | None = None
    note: str | None = None


def new_batch() -> str:
    return secrets.token_hex(8)


def split_links(text: str) -> list[str]:
    """The links in a pasted block: one per line or separated by spaces, repeats once, in order."""
    found = [part.strip().strip("<>\"'") for part in re.split(r"\s+", text or "") if part.strip()]
    return list(dict.fromkeys(p for p in found if p))


def read_csv(path: Path) -> list[TipInput]:
    """Rows of a tips CSV (UTF-8, ``,`` or ``;``): ``url`` and optionally ``platform``, ``akun``, ``catatan``."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TipInputError(f"{path}: not UTF-8 text (save it as \"CSV UTF-8\")") from None
    except OSError as exc:
        raise TipInputError(f"{path}: cannot read ({exc.strerror})") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    columns: dict[str, int] = {}
    for name, spellings in CSV_COLUMNS.items():
        for index, value in enumerate(header):
            if value in spellings:
                columns[name] = index
                break
    if "url" not in columns:
        raise TipInputError(f"{path}:1: no url column (columns: url, platform, akun, catatan)")
    rows: list[TipInput] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) >= MAX_CSV_ROWS:
            raise TipInputError(f"{path}:{line}: more than {MAX_CSV_ROWS} rows; split the file")

        def cell(name: str, row: list[str] = row) -> str | None:
            index = columns.get(name)
            value = row[index].strip() if index is not None and index < len(row) else ""
            return value or None

        url = cell("url")
        if url is None:
            raise TipInputError(f"{path}:{line}: the url is empty")
        if bool(cell("platform")) != bool(cell("akun")):
            raise TipInputError(f"{path}:{line}: give both platform and akun, or neither")
        rows.append(TipInput(url=url[:MAX_URL_CHARS], platform=cell("platform"), handle=cell("akun"),
                             note=cell("catatan")))
    return rows


def create_tips(session: Session, inputs: Iterable[TipInput], *, source: str, user: User | None = None,
                username: str | None = None, note: str | None = None, reporter: str | None = None,
                batch: str | None = None) -> tuple[str, list[int]]:
    """Store the tips of one submission (``queued``); the caller commits. Returns (batch, tip ids)."""
    batch = batch or new_batch()
    rows = [CaptureTip(batch=batch, source=source, url=item.url[:MAX_URL_CHARS], platform=item.platform,
                       handle=item.handle, note=item.note or note, reporter=reporter,
                       user_id=user.id if user is not None else None,
                       username=user.username if user is not None else username, state="queued")
            for item in inputs]
    session.add_all(rows)
    session.flush()
    return batch, [row.id for row in rows]


def classify_acts(session: Session, activity_ids: list[int], classifier: Classifier,
                  profile: ElectionProfile) -> tuple[int, int]:
    """Classify these acts if not yet classified under (model, profile), queue the flags: (flagged, queued)."""
    from monitor.classify.pipeline import classify_activities, unclassified_activities

    if not activity_ids:
        return 0, 0
    pending = list(session.scalars(
        unclassified_activities(classifier.model_version, profile.id).where(Activity.id.in_(activity_ids))
        .options(joinedload(Activity.account).joinedload(Account.employee), joinedload(Activity.target_post))
    ).unique())
    if not pending:
        return 0, 0
    flagged, queued = classify_activities(session, pending, classifier, profile)
    session.commit()
    return flagged, queued


Classify = Callable[[list[int]], None]


def _request(tip: CaptureTip) -> CaptureRequest:
    return CaptureRequest(url=tip.url, platform=tip.platform, handle=tip.handle)


def capture_tips(sessions: sessionmaker[Session], tip_ids: list[int], *, settings: Settings | None = None,
                 classify: Classify | None = None, on_done: Callable[[CaptureTip, CaptureResult], None] | None = None,
                 stop: threading.Event | None = None, requests: dict[int, CaptureRequest] | None = None,
                 label: str | None = None, capturer: Capturer | None = None) -> list[CaptureResult]:
    """Capture the tips in order with one browser; each row is updated as it goes (the tips page polls them).

    ``requests`` overrides what is asked for a tip (the watch names the account by id). ``stop``
    ends the series between two tips; tips not reached stay ``queued`` for the caller to close.
    ``capturer``: an open one to use (the watch's), else one is opened for these tips.
    """
    if not tip_ids:
        return []
    if capturer is None:
        with Capturer(settings or get_settings(), sessions=sessions, label=label) as opened:
            return _capture_each(sessions, tip_ids, opened, classify, on_done, stop, requests or {})
    return _capture_each(sessions, tip_ids, capturer, classify, on_done, stop, requests or {})


def _capture_each(sessions: sessionmaker[Session], tip_ids: list[int], capturer: Capturer, classify: Classify | None,
                  on_done: Callable[[CaptureTip, CaptureResult], None] | None, stop: threading.Event | None,
                  requests: dict[int, CaptureRequest]) -> list[CaptureResult]:
    results: list[CaptureResult] = []
    for tip_id in tip_ids:
        if stop is not None and stop.is_set():
            break
        with sessions.begin() as s:
            tip = s.get(CaptureTip, tip_id)
            if tip is None or tip.state not in UNFINISHED:
                continue
            tip.state, tip.started_at, tip.updated_at = "capturing", utcnow(), utcnow()
            tip.host, tip.pid, tip.crawl_run_id = HOST, os.getpid(), capturer.run_id
            tip.process_start = process_start(os.getpid())
            request = requests.get(tip_id) or _request(tip)
        result = capturer.capture(request)
        if result.status != "failed" and result.activity_id is not None and classify is not None:
            try:
                classify([result.activity_id])
            except Exception as exc:  # noqa: BLE001 — the evidence is kept; the classify job retries
                log.exception("classifying the act of tip %s failed", tip_id)
                result.warnings.append(f"not classified yet: {type(exc).__name__}: {exc}"[:300])
        with sessions.begin() as s:
            tip = s.get(CaptureTip, tip_id)
            assert tip is not None
            _record(tip, result)
        if on_done is not None:
            on_done(tip, result)
        results.append(result)
    return results


def _record(tip: CaptureTip, result: CaptureResult) -> None:
    tip.state = result.status
    tip.reason = result.code
    tip.error = result.error
    tip.final_url = result.final_url
    tip.http_status = result.http_status
    tip.captured_platform = result.platform
    tip.captured_handle = result.handle
    tip.activity_id = result.activity_id
    tip.evidence_sha256 = result.evidence_sha256
    tip.finished_at = tip.updated_at = utcnow()


def close_unfinished(sessions: sessionmaker[Session], tip_ids: Iterable[int], reason: str, message: str) -> int:
    """Close tips that will not be captured now as ``failed`` (a server stopping, a process that died)."""
    ids = list(tip_ids)
    if not ids:
        return 0
    with sessions.begin() as s:
        result = s.execute(update(CaptureTip).where(CaptureTip.id.in_(ids), CaptureTip.state.in_(UNFINISHED))
                           .values(state="failed", reason=reason, error=message, finished_at=utcnow(),
                                   updated_at=utcnow()))
        return int(result.rowcount or 0)


def tip_rows(session: Session, batch: str) -> list[tuple[CaptureTip, ReviewItem | None]]:
    """The tips of a batch in order, with the review item their act became (if it was queued)."""
    rows = session.execute(
        select(CaptureTip, ReviewItem).outerjoin(ReviewItem, ReviewItem.activity_id == CaptureTip.activity_id)
        .where(CaptureTip.batch == batch).order_by(CaptureTip.id)).all()
    return [(tip, item) for tip, item in rows]


def summary(tips: Iterable[CaptureTip]) -> dict[str, Any]:
    counts = {state: 0 for state in ("queued", "capturing", "captured", "unchanged", "failed")}
    for tip in tips:
        counts[tip.state] = counts.get(tip.state, 0) + 1
    total = sum(counts.values())
    done = counts["captured"] + counts["unchanged"] + counts["failed"]
    return {**counts, "total": total, "done": done, "finished": done == total}
