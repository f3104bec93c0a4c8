"""``netra classifier-worker``: classify new activities continuously (``monitor.classify.worker``)."""

from __future__ import annotations

import typer

from monitor.cli.common import console, fail, require_current_schema


def classifier_worker(
    batch_size: int | None = typer.Option(None, "--batch-size", min=1,
                                          help="Activities per claimed batch (default: settings classify_batch_size)."),
    once: bool = typer.Option(False, "--once", help="One pass over what is pending, then stop."),
    idle_exit: float | None = typer.Option(None, "--idle-exit", min=0,
                                           help="Stop after this many seconds with nothing to classify."),
    poll: float = typer.Option(2.0, "--poll", min=0.05, help="Seconds between looks when idle."),
    threads: int | None = typer.Option(
        None, "--threads", min=1,
        help="Torch threads (default: settings classify_threads). Workers on one machine: cores ÷ workers.",
    ),
) -> None:
    """Classify pending activities under the active election profile, polling for new ones.

    On PostgreSQL run as many workers as you like (on any machines): batches are
    claimed with SKIP LOCKED, so no activity is classified twice, and a killed
    worker's batch goes back to the others. On SQLite this runs as a single
    worker: a second one on the same database is refused.
    """
    require_current_schema()
    from models.network import ModelDirError
    from monitor.classify import load_configured_classifier
    from monitor.classify.worker import WorkerRefused, lock_path, run_classifier_worker
    from monitor.config import get_settings

    settings = get_settings()
    url = settings.resolved_database_url
    try:
        lock_path(url)
    except WorkerRefused as exc:
        fail(str(exc))
    try:
        classifier = load_configured_classifier(threads=threads, settings=settings)
    except ModelDirError as exc:
        fail(str(exc))
    try:
        total = run_classifier_worker(url, classifier, batch_size=batch_size or settings.classify_batch_size,
                                      once=once, idle_exit=idle_exit, poll=poll)
    except WorkerRefused as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        console.print("stopped; the batch in progress was rolled back and stays pending")
        raise typer.Exit(130) from None
    console.print(f"classified {total.classified} activities, {total.flagged} flagged, {total.queued} queued")
