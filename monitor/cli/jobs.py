"""``netra jobs``: see and steer the scheduler's stored jobs.

These commands open the job store with a paused scheduler (nothing runs in the
background); a running ``netra serve`` sees the changes at its next wake-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from monitor.cli.common import console, fail, require_current_schema
from monitor.cli.output import FORMAT_OPTION, Column, Format, show_records, table_text

app = typer.Typer(help="List, run, pause and resume scheduled jobs.", no_args_is_help=True)


@contextmanager
def _paused_scheduler() -> Iterator[BackgroundScheduler]:
    from monitor.ops import scheduler as sched

    require_current_schema()
    s = sched.build_scheduler()
    sched.start(s, paused=True)
    try:
        yield s
    finally:
        sched.shutdown(s)


JOB_COLUMNS = (
    Column("id", ident=True),
    Column("name"),
    Column("trigger"),
    Column("next_run", "next run", text=lambda r: table_text(r["next_run"]) or "paused"),
    Column("function"),
)


@app.command("list")
def list_jobs(fmt: Format = FORMAT_OPTION) -> None:
    """Show every stored job with its trigger and next run (WIB; empty or "paused" when paused)."""
    with _paused_scheduler() as s:
        records = [{"id": job.id, "name": job.name, "trigger": str(job.trigger), "next_run": job.next_run_time,
                    "function": job.func_ref} for job in sorted(s.get_jobs(), key=lambda j: j.id)]
    show_records(records, JOB_COLUMNS, fmt, summary=f"{len(records)} jobs")


@app.command()
def sync() -> None:
    """Create/update the fixed jobs and one crawl job per declared and watched account."""
    from monitor.db.session import session_scope
    from monitor.ops import scheduler as sched

    with _paused_scheduler() as s, session_scope() as session:
        result = sched.prepare(s, session)
    mode = "campaign" if result.campaign else "normal"
    console.print(
        f"crawl jobs: {len(result.added)} added, {len(result.updated)} updated, {len(result.removed)} removed, "
        f"{result.unchanged} unchanged; interval {result.interval_hours:g} h ({mode})"
    )


@app.command()
def run(job_id: str = typer.Argument(..., help="Job id, as shown by `netra jobs list`.")) -> None:
    """Run one job now, in this process, and print its result."""
    from monitor.ops import scheduler as sched

    with _paused_scheduler() as s:
        job = s.get_job(job_id)
        if job is None:
            fail(f"no job {job_id!r}: see `netra jobs list`")
        func, args, kwargs = job.func, tuple(job.args), dict(job.kwargs)
        # sync_crawl_jobs manages jobs through the running scheduler: give it this one.
        with sched.managing(s):
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                fail(f"job {job_id} failed: {type(exc).__name__}: {exc}")
    console.print(f"job {job_id} done: {result!r}")


@app.command()
def pause(job_id: str = typer.Argument(..., help="Job id.")) -> None:
    """Stop a job from running until it is resumed."""
    with _paused_scheduler() as s:
        try:
            s.pause_job(job_id)
        except JobLookupError:
            fail(f"no job {job_id!r}: see `netra jobs list`")
    console.print(f"job {job_id} paused")


@app.command()
def resume(job_id: str = typer.Argument(..., help="Job id.")) -> None:
    """Let a paused job run again on its schedule."""
    with _paused_scheduler() as s:
        try:
            s.resume_job(job_id)
        except JobLookupError:
            fail(f"no job {job_id!r}: see `netra jobs list`")
        job = s.get_job(job_id)
    console.print(f"job {job_id} resumed; next run {job.next_run_time:%Y-%m-%d %H:%M %Z}")
