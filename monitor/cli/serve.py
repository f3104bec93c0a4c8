"""``netra serve``: the scheduler and the web app in one process."""

from __future__ import annotations

import importlib
import logging

import typer

from monitor.cli.common import console, fail, require_current_schema

log = logging.getLogger(__name__)

WEB_APP = "monitor.web.app:create_app"


def load_app_factory() -> object:
    """The web app's factory, or a clear error when the web app is not installed/importable."""
    module_name, _, attr = WEB_APP.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        fail(f"the web app ({WEB_APP}) cannot be imported: {exc}")
    factory = getattr(module, attr, None)
    if factory is None:
        fail(f"the web app module {module_name} has no {attr}()")
    return factory


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Serve the web app only."),
    secure_cookies: bool = typer.Option(
        False, "--secure-cookies", help="Send the session cookie over HTTPS only (use behind a TLS proxy)."
    ),
    forwarded_allow_ips: str | None = typer.Option(
        None, "--forwarded-allow-ips", help="Proxy addresses whose X-Forwarded-For is trusted (audit log IPs)."
    ),
) -> None:
    """Run the scheduler (crawl, classify, queue, reports, purge) and serve the web app."""
    import uvicorn

    from monitor.db.session import session_scope
    from monitor.ops import scheduler as sched

    require_current_schema()
    factory = load_app_factory()
    web_app = factory(secure_cookies=secure_cookies or None)  # type: ignore[operator]  # unset: settings
    scheduler = None
    if not no_scheduler:
        scheduler = sched.build_scheduler()
        sched.start(scheduler, paused=True)
        with session_scope() as session:
            result = sched.prepare(scheduler, session)
        sched.resume(scheduler)
        console.print(
            f"scheduler: {len(scheduler.get_jobs())} jobs; crawl every {result.interval_hours:g} h"
            + (" (campaign period)" if result.campaign else "")
        )
    try:
        console.print(f"Netra on http://{host}:{port}/")
        uvicorn.run(web_app, host=host, port=port, proxy_headers=forwarded_allow_ips is not None,
                    forwarded_allow_ips=forwarded_allow_ips)
    finally:
        if scheduler is not None:
            sched.shutdown(scheduler)
