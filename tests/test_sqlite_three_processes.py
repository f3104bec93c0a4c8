"""One SQLite file, three processes at once: the review web app, a scheduler's writer and a crawl (issue 21).

SQLite has one write lock per file. Every connection Netra opens sets WAL (readers never wait for the
writer), ``synchronous=NORMAL`` (a commit does not wait for the disk in WAL mode) and a busy timeout
(a writer waits for the lock instead of failing at once with "database is locked"); the stores retry
a lock that outlasts it. Here the three run side by side through their real code:

- the web app (``monitor.web.app.create_app`` in its own process): logins (sessions, audit log
  writes), the queue page and each listed item's page, over and over;
- a scheduler-like writer: the scheduled jobs ``classify_new`` (a keyword classifier standing in for
  the model, which is not what is tested) and ``queue_flags``, over and over;
- ``netra crawl bluesky``: 150 posts in pages of 5, each page its own commits.

No process may see "database is locked", every act is stored once, classified once, and each flagged
act queued once; the web app's last look finds the crawled flags in the queue.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from monitor.db.schema import Account, Activity, Classification, CrawlRun, ReviewItem
from monitor.db.session import get_engine, session_factory, session_scope
from tests.bluesky_feed import HANDLE, FeedServer
from tests.conftest import REPO
from tests.declared import NIPS, add_declared
from tests.seed import PASSWORD, seed

POSTS = 150
FLAG_EVERY = 5  # every fifth post asks for a vote: the stand-in classifier flags it

WEB = """
import json, re, sys
from pathlib import Path
from fastapi.testclient import TestClient
from monitor.config import Settings
from monitor.web.app import create_app

url, ready, stop, password = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
app = create_app(Settings(database_url=url, secret_key="test-secret-key-for-netra-web-tests"))
token = re.compile(r'name="csrf_token" value="([^"]+)"')
item_link = re.compile(r'href="/items/(\\d+)"')
rounds, requests, failures, last_ids = 0, 0, [], []

def check(response, what):
    global requests
    requests += 1
    if response.status_code >= 400:
        failures.append(f"{what}: {response.status_code} {response.text[:300]}")
    return response

def one_round():
    global last_ids
    with TestClient(app, follow_redirects=False) as client:
        login_page = check(client.get("/login"), "GET /login")
        check(client.post("/login", data={"username": "reviewer", "password": password,
                                           "csrf_token": token.search(login_page.text).group(1)}), "POST /login")
        queue = check(client.get("/queue"), "GET /queue")
        ids = sorted({int(i) for i in item_link.findall(queue.text)})
        for item_id in ids[:10]:
            check(client.get(f"/items/{item_id}"), f"GET /items/{item_id}")
        last_ids = ids

while True:
    finishing = stop.exists()  # one whole round after the stop: it sees everything the others wrote
    one_round()
    rounds += 1
    ready.touch()
    if finishing:
        break
print(json.dumps({"rounds": rounds, "requests": requests, "failures": failures, "last_ids": last_ids}))
"""

WRITER = """
import json, sys
from pathlib import Path
import monitor.classify
from models.infer import ClassifyResult
from monitor.ops import jobs

ready, stop = Path(sys.argv[1]), Path(sys.argv[2])

class VoteCallFlagger:
    model_version = "three-processes-keyword-1"
    threshold = 0.5

    def classify(self, inputs, profile):
        out = []
        for item in inputs:
            hit = "coblos" in (item.text or "").lower()
            out.append(ClassifyResult(id=item.id, flagged=hit, score=0.9 if hit else 0.05,
                                      stance="support" if hit else "none", hate=False, candidate=None, party=None,
                                      cues=["coblos"] if hit else [], model_version=self.model_version,
                                      profile_id=profile.id))
        return out

monitor.classify.load_configured_classifier = lambda *args, **kwargs: VoteCallFlagger()
rounds = classified = queued = 0
while True:
    finishing = stop.exists()
    summary = jobs.classify_new()
    classified += summary.classified
    queued += jobs.queue_flags()
    rounds += 1
    ready.touch()
    if finishing:
        break
print(json.dumps({"rounds": rounds, "classified": classified, "queued": queued}))
"""


def _wait_for(path: Path, process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"{what} ended before it was ready: {process.communicate()}")
        assert time.monotonic() < deadline, f"{what} not ready after 120 s"
        time.sleep(0.05)


def _finish(process: subprocess.Popen[str], what: str) -> tuple[dict, str]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, f"{what} exited {process.returncode}: {err[-3000:]}"
    assert "database is locked" not in out + err, f"{what}: {err[-3000:]}"
    assert "Traceback" not in err, f"{what}: {err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1]), err


def test_every_sqlite_connection_sets_wal_normal_sync_and_a_busy_timeout(sqlite_db: str) -> None:
    with get_engine(sqlite_db).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_web_app_scheduler_writer_and_crawl_share_one_sqlite_file(sqlite_db: str, tmp_path: Path) -> None:
    with session_factory(sqlite_db)() as session:
        seed(session)  # the review app's users, an active election profile, a few queued items
        session.commit()
    account_id = add_declared(sqlite_db, "bluesky", HANDLE, nip=NIPS[3], agency="KAB-A")  # the reviewer's scope
    env = {**os.environ, "NETRA_DATABASE_URL": sqlite_db, "PYTHONPATH": str(REPO), "NETRA_PAGE_SIZE": "5",
           "NETRA_MAX_PAGES": "100", "NETRA_COMMIT_WAIT": "0.05"}

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, *args], cwd=REPO, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    with FeedServer() as feed:
        feed.add_posts(POSTS)
        for n, entry in enumerate(feed.entries):
            if n % FLAG_EVERY == 0:
                entry["post"]["record"]["text"] = f"Ayo coblos pasangan kita, ajakan ke-{n}"
        feed.delay = 0.05  # 30 pages: the crawl writes for several seconds while the others run
        web_ready, web_stop = tmp_path / "web-ready", tmp_path / "web-stop"
        writer_ready, writer_stop = tmp_path / "writer-ready", tmp_path / "writer-stop"
        web = start("-c", WEB, sqlite_db, str(web_ready), str(web_stop), PASSWORD)
        writer = start("-c", WRITER, str(writer_ready), str(writer_stop))
        crawl = None
        try:
            _wait_for(web_ready, web, "web app")
            _wait_for(writer_ready, writer, "scheduler writer")
            crawl = start("-m", "monitor", "crawl", "bluesky", "--base-url", feed.base_url, "--handle", HANDLE,
                          "--no-watched")
            crawl_out, crawl_err = crawl.communicate(timeout=300)
            assert crawl.returncode == 0, crawl_out + crawl_err[-3000:]
            assert "database is locked" not in crawl_out + crawl_err, crawl_err[-3000:]
            writer_stop.touch()  # the writer's last round classifies and queues what the crawl stored last
            wrote, _ = _finish(writer, "scheduler writer")
            web_stop.touch()  # then the web app's last round looks at the queue
            seen, _ = _finish(web, "web app")
        finally:
            for process in (web, writer, crawl):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()

    assert seen["failures"] == [], seen["failures"]
    assert seen["rounds"] >= 2 and wrote["rounds"] >= 2
    with session_scope(sqlite_db) as s:
        run = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None and run.status == "succeeded", run and run.error_log
        crawled = select(Activity.id).where(Activity.account_id == account_id)
        assert s.scalar(select(func.count()).select_from(crawled.subquery())) == POSTS
        assert s.scalar(select(func.count(func.distinct(Activity.external_id)))
                        .where(Activity.account_id == account_id)) == POSTS  # each act once
        per_act = s.execute(select(Classification.activity_id, func.count())
                            .where(Classification.model_version == "three-processes-keyword-1",
                                   Classification.activity_id.in_(crawled))
                            .group_by(Classification.activity_id)).all()
        assert len(per_act) == POSTS and {n for _id, n in per_act} == {1}  # each act classified once
        queued = set(s.scalars(select(ReviewItem.id).join(Activity, Activity.id == ReviewItem.activity_id)
                               .where(Activity.account_id == account_id)))
        assert len(queued) == POSTS // FLAG_EVERY  # each flagged act queued once
        assert s.scalar(select(Account.last_crawled_at).where(Account.id == account_id)) is not None
    assert queued & set(seen["last_ids"]), "the web app's last look did not find the crawled flags in the queue"
