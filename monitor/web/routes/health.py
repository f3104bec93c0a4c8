"""``/healthz``: whether the web app can reach its database, for load balancers and monitors (no sign-in).

GET and HEAD. 200 when a query on the database succeeds, 503 otherwise; the body says only that, never
the database's error (which can name hosts and users) — that goes to the log.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cache

from alembic.runtime.migration import MigrationContext
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from monitor.db.migrate import head_revisions

router = APIRouter()
log = logging.getLogger(__name__)
# A database that does not answer within this reads as down: a monitor must not hang on the check.
TIMEOUT_S = 5.0


@cache
def _heads() -> tuple[str, ...]:
    return head_revisions()


def _check(factory: sessionmaker[Session]) -> str:
    """Query the database; returns whether its schema is at this code's revision ("current" or "outdated")."""
    with factory() as session:
        session.execute(text("SELECT 1"))
        current = MigrationContext.configure(session.connection()).get_current_heads()
    return "current" if tuple(sorted(current)) == _heads() else "outdated"


@router.api_route("/healthz", methods=["GET", "HEAD"], include_in_schema=False)
async def healthz(request: Request) -> JSONResponse:
    try:
        schema = await asyncio.wait_for(run_in_threadpool(_check, request.app.state.session_factory), TIMEOUT_S)
    except Exception as exc:  # any failure to answer is "down"; the reason is for the operator's log
        log.warning("health check: database unreachable: %s", exc)
        return JSONResponse({"status": "unavailable", "database": "unreachable",
                             "detail": "Basis data tidak dapat dihubungi."}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "schema": schema})
