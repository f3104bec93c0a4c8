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
from rich.table import Table

from monitor.cli.common import console, fail, require_current_schema

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


@app.command("list")
def list_jobs() -> None:
    """Show every stored job with its trigger and next run (WIB)."""
    with _paused_scheduler() as s:
        jobs = sorted(s.get_jobs(), key=lambda j: j.id)
        table = Table("id", "name", "trigger", "next run", "function")
        for job in jobs:
            nxt = job.next_run_time.strftime("%Y-%m-%d %H:%M:%S %Z") if job.next_run_time else "paused"
            table.add_row(job.id, job.name, str(job.trigger), nxt, job.func_ref)
        console.print(table)
        console.print(f"{len(jobs)} jobs")


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
