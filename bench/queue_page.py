"""Time the review queue page on 100,000 review items, on SQLite and on PostgreSQL.

    .venv/bin/python bench/queue_page.py [--items 100000] [--repeat 7] [--pg URL | --no-pg]

For each backend: a fresh database, bulk-inserted registry/activities/classifications/
review items, then the queue page through the real app (Starlette TestClient, signed in
as an admin and as a supervisor scoped to 5 of 20 agencies): the first page, a filtered
page, and a deep page (keyset cursor at 90% of the pending items). Baselines measured in
the same run: the counts query alone, the deep page's SQL with OFFSET instead of the
keyset, and the first page with the queue indexes dropped. Times are medians in ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from monitor.access.users import create_user  # noqa: E402
from monitor.config import Settings  # noqa: E402
from monitor.db.migrate import upgrade  # noqa: E402
from monitor.db.schema import (  # noqa: E402
    Account,
    Activity,
    Agency,
    Classification,
    ElectionProfile,
    Employee,
    ReviewItem,
)
from monitor.db.scratch import scratch_database  # noqa: E402
from monitor.db.session import engine_for, session_factory  # noqa: E402
from monitor.review.queue import Cursor, QueueFilters, compute_priority, filtered_query, status_counts  # noqa: E402

AGENCIES = 20
EMPLOYEES = 5000
PASSWORD = "bench-password-123"
KINDS = ("post", "share", "comment", "like", "photo")
PLATFORMS = ("bluesky", "mastodon", "x", "instagram", "facebook")
STATUSES = ("pending",) * 14 + ("clarification",) * 2 + ("escalated",) + ("decided",) * 3
CHUNK = 10_000


def _nip(i: int) -> str:
    birth = date(1965, 1, 1) + timedelta(days=i)
    return f"{birth:%Y%m%d}200001{1 + i % 2}{i % 1000:03d}"


def seed(url: str, n_items: int) -> float:
    """Bulk-insert the data set; returns seconds taken."""
    rng = random.Random(20291127)
    started = time.perf_counter()
    engine = engine_for(url)
    now = datetime.now(UTC)
    campaign = (date(2029, 9, 25), date(2029, 11, 24))
    with engine.begin() as conn:
        conn.execute(insert(ElectionProfile), [{
            "id": "bench-2029", "name": "Bench 2029", "determination_date": date(2029, 9, 22),
            "campaign_start": campaign[0], "campaign_end": campaign[1], "voting_day": date(2029, 11, 28),
            "source_yaml": "id: bench-2029\nname: Bench\ncandidates: []\n", "active": True, "loaded_at": now}])
        conn.execute(insert(Agency), [{"id": a + 1, "code": f"AG-{a + 1:02d}", "name": f"Instansi {a + 1:02d}",
                                       "created_at": now} for a in range(AGENCIES)])
        conn.execute(insert(Employee), [{
            "id": e + 1, "nip": _nip(e), "name": f"Pegawai {e + 1}", "agency_id": e % AGENCIES + 1,
            "unit": "Unit", "position": "Staf", "status": "PNS", "created_at": now, "updated_at": now}
            for e in range(EMPLOYEES)])
        conn.execute(insert(Account), [{
            "id": e + 1, "employee_id": e + 1, "platform": PLATFORMS[e % len(PLATFORMS)], "handle": f"asn{e + 1}",
            "state": "active", "created_at": now, "updated_at": now} for e in range(EMPLOYEES)])
        start_day = datetime(2029, 8, 1, tzinfo=UTC)
        for base in range(0, n_items, CHUNK):
            acts, classes, items = [], [], []
            for i in range(base + 1, min(base + CHUNK, n_items) + 1):
                emp = rng.randrange(EMPLOYEES)
                kind = rng.choice(KINDS)
                when = start_day + timedelta(minutes=rng.randrange(120 * 24 * 60))
                score = round(rng.uniform(0.5, 1.0), 4)
                hate = rng.random() < 0.05
                acts.append({"id": i, "account_id": emp + 1, "kind": kind, "external_id": f"act-{i}",
                             "text": f"unggahan nomor {i} #Kampanye2029", "occurred_at": when,
                             "captured_at": when, "source": "bench", "self_audit": False})
                classes.append({"id": i, "activity_id": i, "model_version": "bench-1", "profile_id": "bench-2029",
                                "score": score, "flagged": True, "stance": "support", "hate": hate,
                                "candidate": rng.choice(("k1", "k2", "k3")), "cues": ["#Kampanye2029"],
                                "created_at": now})
                in_campaign = campaign[0] <= (when + timedelta(hours=7)).date() <= campaign[1]
                items.append({"id": i, "activity_id": i, "classification_id": i, "agency_id": emp % AGENCIES + 1,
                              "status": rng.choice(STATUSES),
                              "priority": compute_priority(score, kind, hate, in_campaign, rng.randrange(4)),
                              "assignee_id": None, "created_at": now, "updated_at": now})
            conn.execute(insert(Activity), acts)
            conn.execute(insert(Classification), classes)
            conn.execute(insert(ReviewItem), items)
    with session_factory(url)() as s:
        create_user(s, "admin", PASSWORD, "admin")
        create_user(s, "supervisor", PASSWORD, "supervisor", scope_codes=[f"AG-{a:02d}" for a in range(1, 6)])
        s.commit()
    if engine.dialect.name == "postgresql":
        # What autovacuum does shortly after a bulk load; the planner needs the row counts.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm caches and connection pool
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def client_for(url: str, username: str):  # type: ignore[no-untyped-def]
    import re

    from fastapi.testclient import TestClient

    from monitor.web.app import create_app

    app = create_app(Settings(database_url=url, secret_key="bench-secret-key-0123456789abcdef"))
    client = TestClient(app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    assert client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
                       ).status_code == 303
    return client


def page_fn(client, path: str) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def fetch() -> object:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response

    return fetch


def run_backend(name: str, url: str, n_items: int, repeat: int) -> dict[str, float]:
    upgrade(url)
    seconds = seed(url, n_items)
    print(f"\n== {name}: seeded {n_items:,} review items in {seconds:.1f} s")
    engine = engine_for(url)
    results: dict[str, float] = {}
    admin_client = client_for(url, "admin")
    sup_client = client_for(url, "supervisor")
    with session_factory(url)() as s:
        from monitor.access.users import get_user

        admin = get_user(s, "admin")
        assert admin is not None
        pending = s.scalar(select(text("count(*)")).select_from(ReviewItem).where(ReviewItem.status == "pending"))
        deep_at = int(pending * 0.9)
        ordered = filtered_query(s, admin, QueueFilters()).order_by(ReviewItem.priority.desc(), ReviewItem.id.desc())
        row = s.execute(ordered.offset(deep_at - 1).limit(1)).one()
        cursor = Cursor(row.priority, row.id).encode()

        pages = {
            "first page (admin)": "/queue",
            "first page (supervisor, 5 agencies)": "/queue",
            "filtered page (kind=like, platform=bluesky)": "/queue?kind=like&platform=bluesky",
            "filtered page (agency, candidate, dates)": "/queue?agency=3&candidate=k2&date_from=2029-10-01"
                                                         "&date_to=2029-10-31",
            f"deep page (keyset, item {deep_at:,})": f"/queue?after={cursor}",
        }
        for label, path in pages.items():
            client = sup_client if "supervisor" in label else admin_client
            results[label] = median_ms(page_fn(client, path), repeat)

        results["baseline: counts query only"] = median_ms(lambda: status_counts(s, admin, QueueFilters()), repeat)
        keyset_sql = ordered.where(text("(review_item.priority, review_item.id) < (:p, :i)")).limit(51)
        results["sql: deep page keyset"] = median_ms(
            lambda: s.execute(keyset_sql, {"p": row.priority, "i": row.id}).all(), repeat)
        results["baseline sql: deep page OFFSET"] = median_ms(
            lambda: s.execute(ordered.offset(deep_at).limit(51)).all(), repeat)

    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_review_item_queue"))
        conn.execute(text("DROP INDEX ix_review_item_agency_queue"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE review_item"))
    results["baseline: first page without queue indexes"] = median_ms(page_fn(admin_client, "/queue"), repeat)
    results["baseline: deep page without queue indexes"] = median_ms(
        page_fn(admin_client, f"/queue?after={cursor}"), repeat)
    engine.dispose()

    width = max(len(k) for k in results)
    for label, ms in results.items():
        print(f"  {label:<{width}}  {ms:8.1f} ms")
    counts = results["baseline: counts query only"]
    first = results["first page (admin)"]
    deep = next(v for k, v in results.items() if k.startswith("deep page (keyset"))
    print(f"  ratio first page / counts-only query          {first / counts:6.2f}x")
    print(f"  ratio deep page / first page                  {deep / first:6.2f}x")
    print(f"  ratio OFFSET / keyset SQL at the deep page    "
          f"{results['baseline sql: deep page OFFSET'] / results['sql: deep page keyset']:6.1f}x")
    print(f"  ratio first page without / with indexes       "
          f"{results['baseline: first page without queue indexes'] / first:6.2f}x")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg", default=os.environ.get("NETRA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
                        help="PostgreSQL server URL (a fresh database is created on it and dropped afterwards)")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="netra-bench-") as tmp:
        os.environ["NETRA_HOME"] = tmp
        run_backend("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args.items, args.repeat)

    if args.no_pg or args.pg.lower() == "off":
        return
    with scratch_database(args.pg, "netra_bench") as url:
        run_backend("PostgreSQL", url, args.items, args.repeat)


if __name__ == "__main__":
    main()
