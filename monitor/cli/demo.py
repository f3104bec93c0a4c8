"""``netra demo``: the whole flow on bundled sample data, then the review app."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from monitor.cli.common import console, err_console, fail


def demo(
    no_serve: bool = typer.Option(False, "--no-serve", help="Run everything, print where it is, and exit."),
    directory: Path | None = typer.Option(
        None, "--dir", help="Fresh data directory to create (default: a new one under the system temp dir)."
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="Where to serve the review app."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port for the review app."),
) -> None:
    """Run the whole flow on bundled sample data, then serve the review app.

    Creates a fresh data directory, loads the sample registry and a fictional Pilkada profile,
    crawls a local replay server with the real spiders (a fact-checker's feed among them),
    classifies with the bundled model and matches the acts against the fact-checked claims,
    fills the review queue, builds the weekly report and serves the app with demo logins.
    No network is needed.
    """
    from monitor.demo.run import DemoError, run_demo

    if directory is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        directory = Path(tempfile.mkdtemp(prefix=f"netra-demo-{stamp}-"))
    elif directory.exists() and any(directory.iterdir()):
        fail(f"{directory} is not empty: the demo needs a fresh data directory")
    try:
        result = run_demo(directory.resolve(), say=lambda m: err_console.print(f"[bold cyan]demo[/] {m}"))
    except DemoError as exc:
        fail(f"demo failed: {exc}")

    console.print(f"data directory: {result.home}")
    console.print(f"database: {result.database_url}")
    console.print(f"activities collected: {result.activities} (crawl runs {len(result.crawl_runs)}, "
                  f"crawl problems logged {result.crawl_errors})")
    console.print(f"public post pages captured: {result.captured_pages}"
                  + (f" ({len(result.capture_failures)} failed, first: {result.capture_failures[0]})"
                     if result.capture_failures else ""))
    console.print(f"classified: {result.classified}, flagged: {result.flagged}, queued: {result.queued}")
    console.print(f"fact-checked claims read from the local feed: {result.claims}; "
                  f"acts repeating a debunked claim: {result.hoax_flagged}")
    combined = next((p for p in result.reports if "semua" in Path(p).name and p.endswith(".pdf")), None)
    console.print(f"weekly report ({result.week}): {combined or (result.reports[0] if result.reports else 'none')}")
    console.print(f"all report files: {Path(result.reports[0]).parent if result.reports else '-'}")
    console.print(f"library messages (crawl, TensorFlow Lite, WeasyPrint): {result.log}")
    table = Table("username", "password", "role", title="demo logins (generated for this run)")
    for username, password, role in result.users:
        table.add_row(username, password, role)
    console.print(table)
    if no_serve:
        return

    import uvicorn

    from monitor.web.app import create_app

    console.print(f"serving the review app on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
