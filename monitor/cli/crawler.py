"""``netra crawl enqueue`` and ``netra crawler``: the distributed crawl (``spiders.distributed``).

``enqueue`` plans a crawl as ``netra crawl <kind>`` does and pushes each
account's first request into the shared Redis queue; ``crawler`` is one worker
consuming it. Start as many workers, on as many machines, as the rate limits
allow: they share the queue, the seen-set and the per-host request budget.
"""

from __future__ import annotations

import typer

from monitor.cli.common import console, fail, require_current_schema

KINDS = ("bluesky", "mastodon", "feed", "x", "youtube")


def _redis_url(redis_url: str | None) -> str:
    from monitor.config import get_settings

    return redis_url or get_settings().redis_url


def _parse_limits(kind: str, limits: list[str] | None) -> dict[str, list[float]]:
    from spiders.distributed import DEFAULT_RATE_LIMITS

    parsed = dict(DEFAULT_RATE_LIMITS[kind])
    for spec in limits or []:
        host, _, rate = spec.partition("=")
        count, _, seconds = rate.partition("/")
        try:
            value = [int(count), float(seconds)]
        except ValueError:
            fail(f"--rate-limit {spec!r}: expected HOST=REQUESTS/SECONDS, e.g. bsky.social=3000/300")
        if not host or value[0] <= 0 or value[1] <= 0:
            fail(f"--rate-limit {spec!r}: expected HOST=REQUESTS/SECONDS with positive numbers")
        parsed[host] = value
    return parsed


def enqueue(
    kind: str = typer.Argument(..., help="bluesky, mastodon, feed, x or youtube."),
    base_url: str | None = typer.Option(None, "--base-url", help="Server to read instead of the configured one."),
    handle: list[str] = typer.Option(None, "--handle", help="Only these accounts (repeatable)."),
    account_id: list[int] = typer.Option(None, "--account-id", help="Only these declared account ids."),
    watched: bool = typer.Option(True, "--watched/--no-watched", help="Also the candidates' watched accounts."),
    redis_url: str | None = typer.Option(None, "--redis-url", help="Default: settings redis_url."),
    prefix: str = typer.Option("netra:crawl", "--prefix", help="Redis key prefix (one per deployment)."),
) -> None:
    """Queue a crawl of these accounts for the `netra crawler` workers."""
    if kind not in KINDS:
        fail(f"unknown crawl {kind!r}: choose one of {', '.join(KINDS)}")
    require_current_schema()
    import redis

    from spiders.distributed import enqueue_plan
    from spiders.runner import CrawlError, plan_crawl

    try:
        plan = plan_crawl(kind, handles=handle or None, account_ids=account_id or None, watched=watched,
                          base_url=base_url)
    except CrawlError as exc:
        fail(str(exc))
    url = _redis_url(redis_url)
    try:
        count = enqueue_plan(redis.Redis.from_url(url), plan, prefix=prefix)
    except redis.RedisError as exc:
        fail(f"Redis at {url}: {exc}")
    console.print(f"queued {count} start requests ({plan.summary}) on {prefix}:{kind}:requests")


def crawler(
    kind: str = typer.Argument(..., help="bluesky, mastodon, feed, x or youtube."),
    redis_url: str | None = typer.Option(None, "--redis-url", help="Default: settings redis_url."),
    prefix: str = typer.Option("netra:crawl", "--prefix", help="Redis key prefix (as given to `crawl enqueue`)."),
    worker_id: str | None = typer.Option(None, "--worker-id", help="Default: host-pid-random."),
    idle_exit: float = typer.Option(0.0, "--idle-exit", help="Stop after this many seconds with nothing queued "
                                    "and nothing in flight at any worker (0: run until stopped)."),
    rate_limit: list[str] = typer.Option(None, "--rate-limit", help="HOST=REQUESTS/SECONDS shared by all workers "
                                         "(repeatable; '*' for any other host). Defaults: Bluesky 3000/300, "
                                         "Mastodon 300/300, feeds 60/60 per host."),
) -> None:
    """Run one crawler worker on the shared Redis queue (stop with Ctrl-C; its work goes back to the queue)."""
    if kind not in KINDS:
        fail(f"unknown crawl {kind!r}: choose one of {', '.join(KINDS)}")
    from spiders.runner import CrawlError, require_settings

    try:
        require_settings(kind)  # a worker needs the API token or key itself: it never travels in the queue
    except CrawlError as exc:
        fail(str(exc))
    require_current_schema()
    import redis

    from monitor.config import get_settings
    from spiders.distributed import run_worker

    url = _redis_url(redis_url)
    limits = _parse_limits(kind, rate_limit)
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        fail(f"Redis at {url}: {exc}")
    stats = run_worker(kind, redis_url=url, database_url=get_settings().resolved_database_url, prefix=prefix,
                       worker_id=worker_id, idle_exit=idle_exit, rate_limits=limits)
    console.print(f"worker stopped: {stats.get('downloader/response_count', 0)} responses, "
                  f"{stats.get('item_scraped_count', 0)} items")
