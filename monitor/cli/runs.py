"""``netra runs``: what each crawl and import did, and what it could not do."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy import func, select

from monitor.cli.common import console, fail, require_current_schema
from monitor.cli.output import FORMAT_OPTION, Column, Format, show_records
from monitor.db.schema import CRAWL_STATUSES, CrawlRun, IngestRetry, QuarantinedRecord
from monitor.db.session import session_scope

app = typer.Typer(help="Crawl and import runs: status, counts, first errors.", no_args_is_help=True)

RUN_COLUMNS = (
    Column("id", ident=True, justify="right"),
    Column("spider"),
    Column("platform"),
    Column("status"),
    Column("started_at", "started"),
    Column("finished_at", "finished"),
    Column("items_seen", "seen", justify="right"),
    Column("items_stored", "stored new", justify="right"),
    Column("errors", justify="right"),
    Column("quarantined", justify="right"),
    Column("store_failures", "not stored", justify="right"),
    Column("incomplete_accounts", "accounts unfinished", justify="right"),
    Column("first_error", "first error"),
)


def _record(run: CrawlRun) -> dict[str, Any]:
    first = (run.error_log or [{}])[0] if run.error_log else {}
    where = " ".join(str(x) for x in (first.get("account"), first.get("url")) if x)
    return {
        "id": run.id, "spider": run.spider, "platform": run.platform, "status": run.status,
        "started_at": run.started_at, "finished_at": run.finished_at, "items_seen": run.items_seen,
        "items_stored": run.items_stored, "errors": run.errors, "quarantined": run.quarantined,
        "store_failures": run.store_failures, "incomplete_accounts": run.incomplete_accounts,
        "first_error": f"{first.get('error')} ({where})" if first else None,
        "host": run.host, "pid": run.pid, "target": run.target,
    }


@app.command("list")
def list_(
    status: str | None = typer.Option(None, "--status",
                                      help=f"Only runs with this status ({', '.join(CRAWL_STATUSES)})."),
    limit: int = typer.Option(20, "--limit", min=1, help="Newest runs shown."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """The newest runs, after closing those whose process died (they would show as running for ever)."""
    require_current_schema()
    from spiders.store import IngestStore

    if status is not None and status not in CRAWL_STATUSES:
        fail(f"--status must be one of {', '.join(CRAWL_STATUSES)}, not {status!r}")
    closed = IngestStore().close_stale_runs()
    with session_scope() as session:
        query = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
        if status:
            query = query.where(CrawlRun.status == status)
        records = [_record(run) for run in session.scalars(query)]
    show_records(records, RUN_COLUMNS, fmt)
    if closed and fmt == Format.table:
        console.print(f"closed as failed (their process had died): runs {', '.join(map(str, closed))}")


@app.command()
def show(run_id: int = typer.Argument(..., help="Run id (from `netra runs list`).")) -> None:
    """One run: its counts, every error kept, its quarantined records and the acts waiting to be stored."""
    require_current_schema()
    with session_scope() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            fail(f"no run {run_id}: `netra runs list` shows the runs")
        record = _record(run)
        errors = list(run.error_log or [])
        quarantined = session.scalar(select(func.count(QuarantinedRecord.id))
                                     .where(QuarantinedRecord.crawl_run_id == run_id)) or 0
        waiting = session.scalar(select(func.count(IngestRetry.id)).where(IngestRetry.crawl_run_id == run_id)) or 0
        samples = list(session.scalars(select(QuarantinedRecord).where(QuarantinedRecord.crawl_run_id == run_id)
                                       .order_by(QuarantinedRecord.id).limit(5)))
    for key in ("id", "spider", "platform", "target", "status", "started_at", "finished_at", "host", "pid",
                "items_seen", "items_stored", "errors", "quarantined", "store_failures", "incomplete_accounts"):
        console.print(f"{key}: {record[key] if record[key] is not None else ''}", highlight=False)
    console.print(f"acts of this run still waiting in the retry table: {waiting}")
    console.print(f"records kept in quarantine: {quarantined}")
    for row in samples:
        console.print(f"  quarantine {row.id}: {row.account or '-'} {row.url or ''}: {row.error} "
                      f"({len(row.raw)} bytes, sha256 {row.sha256[:12]}…)", highlight=False)
    console.print(f"errors kept ({len(errors)} of {run.errors}):")
    for entry in errors:
        console.print(f"  {entry.get('at', '')} {entry.get('account') or '-'} {entry.get('url') or ''}: "
                      f"{entry.get('error')}", highlight=False)
