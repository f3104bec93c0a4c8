"""Serving a stored, hash-recorded file (a report, a case dossier): re-hashed, audited, streamed.

The web pages and the service API differ only in who is audited and how a refusal is answered, so
both hand those in and share the order that matters: the file is hashed before anything is said,
a refusal is audited, and a granted download is audited before the first byte leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from monitor.exports.report_files import ReportUnavailable, VerifiedFile

Audit = Callable[[str, dict[str, Any]], None]


def unavailable_status(exc: ReportUnavailable) -> int:
    """409 for a file that no longer matches its hash (it was changed), 410 for one that is gone."""
    return 409 if exc.reason == "sha256_mismatch" else 410


def stream_verified(db: Session, open_file: Callable[[], VerifiedFile], *, action: str, meta: dict[str, Any],
                    sha256: str, audit: Audit, refused: Callable[[ReportUnavailable], Response]) -> Response:
    """The file ``open_file`` verifies, streamed; audited as ``action`` (``{action}_refused`` when refused).

    ``refused`` answers a missing or altered file (a page, or an API error it raises).
    """
    try:
        verified = open_file()
    except ReportUnavailable as exc:
        audit(f"{action}_refused", {**meta, "reason": exc.reason, **exc.detail})
        db.commit()
        return refused(exc)
    try:
        audit(action, {**meta, "bytes": verified.size})
        db.commit()
    except BaseException:
        verified.handle.close()
        raise
    return StreamingResponse(verified.chunks(), media_type=verified.media_type, headers={
        "content-disposition": verified.content_disposition,
        "content-length": str(verified.size),
        "x-content-sha256": sha256,
    })
