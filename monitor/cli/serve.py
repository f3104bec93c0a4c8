"""``netra serve``: the scheduler and the web app in one process."""

from __future__ import annotations

import importlib
import logging
import time

import typer

from monitor.cli.common import console, err_console, fail, require_current_schema
from monitor.config import Settings, get_settings

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


def live_crawler_workers(redis_url: str) -> int:
    """Distributed crawler workers (``netra crawler``, default key prefix) whose heartbeat is current."""
    import redis

    from spiders.distributed import DEFAULT_PREFIX, LEASE_SECONDS

    cutoff = time.time() - LEASE_SECONDS
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1)
        return sum(int(client.zcount(key, cutoff, "+inf"))
                   for key in client.scan_iter(match=f"{DEFAULT_PREFIX}:*:workers", count=100))
    except redis.RedisError:
        return 0  # no Redis to ask: nothing known to be running


def sqlite_writers_warning(settings: Settings) -> str | None:
    """Why a server on SQLite has more writer processes than SQLite takes, or None.

    SQLite lets one process write at a time; a second writer waits, and past the busy timeout fails
    with "database is locked". What is *seen* running counts: a ``netra classifier-worker`` holding the
    database's worker lock, and — when ``NETRA_REDIS_URL`` is set — crawler workers with a live
    heartbeat in Redis. Workers started after the server are not seen.
    """
    from sqlalchemy import make_url

    from monitor.classify.worker import worker_running

    url = settings.resolved_database_url
    if make_url(url).get_backend_name() != "sqlite":
        return None
    writers = []
    if worker_running(url):
        writers.append("a `netra classifier-worker` runs on this database")
    crawlers = live_crawler_workers(settings.redis_url) if "redis_url" in settings.model_fields_set else 0
    if crawlers:
        writers.append(f"{crawlers} distributed crawler worker(s) report to {settings.redis_url}")
    if not writers:
        return None
    return ("this server uses SQLite, which takes one writer at a time, but " + " and ".join(writers)
            + ": their writes and the server's wait on each other and can fail with \"database is locked\". "
            "Run more than one writer process on PostgreSQL (README, \"Running against PostgreSQL\").")


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
    warning = sqlite_writers_warning(get_settings())
    if warning:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)
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
