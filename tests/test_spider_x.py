"""The X spider through the real Scrapy engine against the X API v2 server of spiders/platforms/x/replay.py."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from monitor.config import reset_settings_cache
from monitor.db.schema import Account, Activity, CrawlRun, Evidence, Post
from monitor.db.session import session_scope
from spiders.platforms.x.replay import XApi, XTweet
from spiders.replay import JSON_TYPE, Reply
from tests.crawl_helpers import activities, run
from tests.declared import add_declared, add_watched

T = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # in the past: resume points never pass "now"
TOKEN = "test-app-token"
DEWI, WULAN, CAND = "dewiangg", "wulanperm", "sutrisno_w"
RTL = "Pelayanan KTP hari ini 🙏🏽 مرحبا بكم في سوكامجو"


@dataclass
class World:
    api: XApi
    posts: dict[str, XTweet]

    def expected(self, *, dewi: bool = True, wulan: bool = True) -> list[tuple[str, str, str]]:
        p = self.posts
        rows = []
        if dewi:
            rows += [(DEWI, "post", p["old1"].id), (DEWI, "post", p["old2"].id), (DEWI, "post", p["old3"].id),
                     (DEWI, "post", p["own"].id), (DEWI, "photo", p["photo"].id), (DEWI, "comment", p["reply"].id),
                     (DEWI, "share", p["c1"].id), (DEWI, "share", p["quote"].id),
                     (DEWI, "follow", self.api.user(CAND).id)]
        if wulan:
            rows += [(WULAN, "comment", p["wreply"].id), (WULAN, "share", p["c2"].id),
                     (WULAN, "share", p["wquote"].id)]
        return sorted(rows)


def make_world() -> World:
    api = XApi(bearer=TOKEN)
    api.add_user("DewiAngg", name="Dewi Anggraini", description="ASN BKPSDM Kabupaten Sukamaju")
    api.add_user("WulanPerm", name="Wulan Permata", description="Setda Sukamaju")
    api.add_user(CAND, name="Sutrisno Wibowo", description="Calon Bupati Sukamaju nomor urut 1. Akun resmi tim "
                 "pemenangan SUTRADEWI.")
    api.add_user("warga123", name="Warga Sukamaju", description="Info jalan rusak")
    m = timedelta(minutes=1)
    posts = {
        "old1": api.post("DewiAngg", "Apel pagi BKPSDM", T - 30 * m),
        "old2": api.post("DewiAngg", "Layanan kenaikan pangkat dibuka", T - 20 * m),
        "old3": api.post("DewiAngg", "Rapat koordinasi mutasi", T - 10 * m),
        "c1": api.post(CAND, "Coblos nomor 1! #SutraDewi2029", T),
        "c2": api.post(CAND, "Terima kasih warga yang menonton debat malam ini", T + m),
        "w": api.post("warga123", "Jalan rusak di Mekarsari", T + 2 * m),
        "own": api.post("DewiAngg", "Konsultasi mutasi ASN Selasa dan Kamis", T + 3 * m),
        "photo": api.post("DewiAngg", RTL, T + 4 * m, media=[
            {"type": "photo", "url": "https://pbs.twimg.com/media/a.jpg", "alt_text": "Petugas melayani warga"}]),
        "wreply": api.post("WulanPerm", "Lanjutkan pak, dua periode!", T + 5 * m, reply_to=None),
        "wrt": api.post("WulanPerm", "", T + 6 * m),
        "wquote": api.post("WulanPerm", "Ini baru pemimpin", T + 7 * m),
    }
    posts["wreply"].reply_to = posts["c2"].id
    posts["wrt"].retweet_of = posts["c2"].id
    posts["wquote"].quote_of = posts["c1"].id
    posts["reply"] = api.post("DewiAngg", "@sutrisno_w Mantap pak!", T + 8 * m, reply_to=posts["c1"].id)
    posts["rt"] = api.post("DewiAngg", "", T + 9 * m, retweet_of=posts["c1"].id)
    posts["quote"] = api.post("DewiAngg", "Setuju sekali", T + 10 * m, quote_of=posts["c2"].id)
    api.follow("DewiAngg", "warga123")
    api.follow("DewiAngg", CAND)
    return World(api, posts)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("NETRA_X_BEARER_TOKEN", TOKEN)
    reset_settings_cache()
    made = make_world()
    with made.api:
        yield made


def registry(url: str, *, wulan: bool = True, watched: bool = True) -> None:
    add_declared(url, "x", DEWI)
    if wulan:
        add_declared(url, "x", WULAN, nip="199001152015032002")
    if watched:
        add_watched(url, "x", CAND)


def count(url: str, model: type) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_full_crawl_stores_every_kind_of_act(world: World, db_url: str) -> None:
    registry(db_url)
    crawl_run = run("x", world.api.base_url, db_url)
    assert crawl_run.status == "succeeded", crawl_run.error_log
    assert activities(db_url) == world.expected()
    hits = world.api.server.hits  # type: ignore[union-attr]
    assert hits and all(h.headers.get("Authorization") == f"Bearer {TOKEN}" for h in hits)
    p = world.posts
    with session_scope(db_url) as s:
        dewi = s.scalar(select(Account).where(Account.handle == DEWI))
        assert dewi.external_id == world.api.user(DEWI).id and dewi.state == "active"
        assert dewi.crawl_state["newest_id"] == p["quote"].id
        retweet = s.scalar(select(Activity).where(Activity.external_id == p["c1"].id, Activity.account_id == dewi.id))
        assert retweet.kind == "share" and retweet.target_post.text == "Coblos nomor 1! #SutraDewi2029"
        assert retweet.occurred_at == p["rt"].at  # the repost's own time, not the original's
        reply = s.scalar(select(Activity).where(Activity.external_id == p["reply"].id))
        assert reply.target_post.external_id == p["c1"].id and reply.context_text.startswith("Coblos nomor 1")
        quote = s.scalar(select(Activity).where(Activity.external_id == p["quote"].id))
        assert quote.text == "Setuju sekali" and quote.target_post.external_id == p["c2"].id
        photo = s.scalar(select(Post).where(Post.external_id == p["photo"].id))
        assert photo.text == RTL and photo.lang == "id"  # X writes Indonesian as "in"
        assert photo.extras["alt_texts"] == ["Petugas melayani warga"]
        evidence = s.scalar(select(Evidence).where(Evidence.subject_key == f"x:post:{p['photo'].id}"))
        assert json.loads(evidence.raw)["includes"]["media"][0]["alt_text"] == "Petugas melayani warga"
        follow = s.scalar(select(Activity).where(Activity.kind == "follow"))
        assert follow.context_text.startswith("Sutrisno Wibowo (@sutrisno_w)\nCalon Bupati Sukamaju")
        assert follow.target_post.author_handle == CAND and follow.url == "https://x.com/sutrisno_w"
        assert json.loads(follow.evidence.raw)["username"] == CAND


def test_acts_on_a_watched_post_are_found_from_the_candidates_side(world: World, sqlite_db: str) -> None:
    """Reposts (retweeted_by), quotes (quote_tweets) and replies (recent search) by declared accounts
    whose own timelines this run does not read."""
    registry(sqlite_db)
    crawl_run = run("x", world.api.base_url, sqlite_db, handles=[CAND])
    assert crawl_run.status == "succeeded", crawl_run.error_log
    p = world.posts
    assert activities(sqlite_db) == sorted([
        (DEWI, "comment", p["reply"].id), (DEWI, "share", p["c1"].id), (DEWI, "share", p["quote"].id),
        (WULAN, "comment", p["wreply"].id), (WULAN, "share", p["c2"].id), (WULAN, "share", p["wquote"].id)])
    searches = world.api.server.hits_for("/2/tweets/search/recent")  # type: ignore[union-attr]
    assert {h.query["query"][0] for h in searches} == {f"conversation_id:{p['c1'].id}",
                                                       f"conversation_id:{p['c2'].id}"}


def test_recrawl_stores_nothing_and_an_incremental_crawl_adds_exactly_the_new_acts(world: World,
                                                                                   db_url: str) -> None:
    registry(db_url)
    run("x", world.api.base_url, db_url)
    counts = (count(db_url, Activity), count(db_url, Post), count(db_url, Evidence))
    again = run("x", world.api.base_url, db_url)
    assert again.status == "succeeded" and again.items_stored == 0 and again.items_seen > 0
    assert (count(db_url, Activity), count(db_url, Post), count(db_url, Evidence)) == counts

    newest = world.posts["quote"].id
    fresh = [world.api.post("DewiAngg", "Pengumuman CPNS 2026", T + timedelta(hours=1)),
             world.api.post("DewiAngg", "Selamat Hari Ibu", T + timedelta(hours=2))]
    third = run("x", world.api.base_url, db_url)
    assert third.status == "succeeded", third.error_log
    assert count(db_url, Activity) == counts[0] + 2
    assert activities(db_url) == sorted([*world.expected(), *((DEWI, "post", t.id) for t in fresh)])
    dewi_id = world.api.user(DEWI).id
    timeline = world.api.server.hits_for(f"/2/users/{dewi_id}/tweets")  # type: ignore[union-attr]
    assert timeline[-1].query["since_id"] == [newest]  # only what came after the last reading


def test_a_missing_token_is_one_line_naming_the_variable_before_any_request(world: World, sqlite_db: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from monitor.cli import app

    registry(sqlite_db)
    monkeypatch.delenv("NETRA_X_BEARER_TOKEN")
    reset_settings_cache()
    result = CliRunner().invoke(app, ["crawl", "x", "--base-url", world.api.base_url])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "NETRA_X_BEARER_TOKEN is not set" in lines[0]
    assert world.api.server.hits == []  # type: ignore[union-attr]


def test_unknown_suspended_and_protected_accounts_are_states_and_the_crawl_goes_on(world: World,
                                                                                   sqlite_db: str) -> None:
    registry(sqlite_db, wulan=False, watched=False)
    world.api.add_user("diskors", name="Diskors").suspended = True
    world.api.add_user("terkunci", name="Terkunci", protected=True)
    gone = add_declared(sqlite_db, "x", "tidakada", nip="199001152015032002")
    banned = add_declared(sqlite_db, "x", "diskors", nip="198807202012121003")
    locked = add_declared(sqlite_db, "x", "terkunci", nip="199212302018012004")
    crawl_run = run("x", world.api.base_url, sqlite_db)
    assert crawl_run.status == "partial" and crawl_run.errors == 3
    assert {e["account"] for e in crawl_run.error_log} == {"tidakada", "diskors", "terkunci"}
    with session_scope(sqlite_db) as s:
        assert [s.get(Account, i).state for i in (gone, banned, locked)] == ["not_found", "suspended", "protected"]
    assert activities(sqlite_db) == [a for a in world.expected(wulan=False) if a[1] != "follow"]


def test_likes_are_read_only_with_the_liking_or_liked_accounts_own_token(world: World, sqlite_db: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    registry(sqlite_db)
    api, p = world.api, world.posts
    api.like("DewiAngg", p["c1"])
    api.like("DewiAngg", p["w"])
    api.like("WulanPerm", p["c2"])
    run("x", api.base_url, sqlite_db)
    assert not [a for a in activities(sqlite_db) if a[1] == "like"]  # app-only: X shows no likes

    api.user_tokens = {api.user(DEWI).id: "dewi-consents", api.user(CAND).id: "campaign-own-token"}
    monkeypatch.setenv("NETRA_X_USER_TOKENS", json.dumps({"DewiAngg": "dewi-consents",
                                                          CAND: "campaign-own-token"}))
    reset_settings_cache()
    with_tokens = run("x", api.base_url, sqlite_db)
    assert with_tokens.status == "succeeded", with_tokens.error_log
    likes = sorted(a for a in activities(sqlite_db) if a[1] == "like")
    # Dewi's own likes (liked_tweets with her token), Wulan's like of a campaign post (liking_users with its token).
    assert likes == sorted([(DEWI, "like", p["c1"].id), (DEWI, "like", p["w"].id), (WULAN, "like", p["c2"].id)])
    liked = api.server.hits_for(f"/2/users/{api.user(DEWI).id}/liked_tweets")  # type: ignore[union-attr]
    assert liked and liked[-1].headers["Authorization"] == "Bearer dewi-consents"


def test_an_unfollow_is_recorded_and_keeps_the_follow_and_its_evidence(world: World, sqlite_db: str) -> None:
    registry(sqlite_db, wulan=False)
    run("x", world.api.base_url, sqlite_db)
    cand_id = world.api.user(CAND).id

    def follow() -> tuple[Activity, list[Evidence]]:
        with session_scope(sqlite_db) as s:
            act = s.scalar(select(Activity).where(Activity.kind == "follow"))
            versions = s.scalars(select(Evidence).where(Evidence.subject_key == act.evidence.subject_key)
                                 .order_by(Evidence.version)).all()
            s.expunge_all()
            return act, versions

    act, versions = follow()
    assert act.ended_at is None and len(versions) == 1
    world.api.unfollow("DewiAngg", CAND)
    unfollowed = run("x", world.api.base_url, sqlite_db)
    assert unfollowed.status == "succeeded" and unfollowed.items_stored == 1
    act, versions = follow()
    assert act.ended_at is not None and act.external_id == cand_id
    assert [v.version for v in versions] == [1, 2]
    assert json.loads(versions[1].raw)["no_longer_following"]["id"] == cand_id
    assert run("x", world.api.base_url, sqlite_db).items_stored == 0  # an unfollow is recorded once

    world.api.follow("DewiAngg", CAND)
    run("x", world.api.base_url, sqlite_db)
    act, versions = follow()
    assert act.ended_at is None and len(versions) == 3 and count(sqlite_db, Activity) == len(world.expected(
        wulan=False))


# ------------------------------------------------------------------ faults
# Each fault hits Dewi's timeline; Wulan is crawled as usual. The fault is an error of the run
# (naming Dewi and the page), and a crawl against the healthy server then stores every act once.


def _problem(status: int, title: str) -> Reply:
    return Reply(status, json.dumps({"title": title, "detail": title, "type": "about:blank",
                                     "status": status}).encode(), {"Content-Type": JSON_TYPE})


def _rate_limited(headers: bool) -> Reply:
    reply = _problem(429, "Too Many Requests")
    if headers:
        reply.headers.update({"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0",
                              "x-rate-limit-reset": str(int(time.time()) + 1)})
    return reply


def _suspended(api: XApi) -> Reply:
    """What X answers about an account suspended between two pages of its timeline."""
    dewi = api.user(DEWI)
    problem = {"errors": [{"value": dewi.id, "detail": f"User has been suspended: [{dewi.id}].", "title": "Forbidden",
                           "resource_type": "user", "parameter": "id", "resource_id": dewi.id,
                           "type": "https://api.twitter.com/2/problems/resource-not-found"}]}
    return Reply(200, json.dumps(problem).encode(), {"Content-Type": JSON_TYPE})


FAULTS = {
    # name: (how to break Dewi's timeline, error expected on the run or None, extra Scrapy settings)
    "malformed JSON": (lambda api, path: api.fail(path, [Reply(200, b'{"data": [{"id": "12', {
        "Content-Type": JSON_TYPE})]), "malformed JSON", {}),
    "truncated body": (lambda api, path: api.fail(path, [Reply(200, b'{"data": [], "meta": {"result_count": 0}}' * 4,
                                                               {"Content-Type": JSON_TYPE}, truncate=30)] * 2),
                       "DataLoss", {"RETRY_TIMES": 1}),
    "HTML error page": (lambda api, path: api.fail(path, [Reply(200, b"<html><body>Over capacity</body></html>",
                                                                {"Content-Type": "text/html"})]),
                        "expected JSON, got text/html", {}),
    "429 with rate-limit headers": (lambda api, path: api.fail(path, [_rate_limited(True)]), None, {}),
    "429 without headers": (lambda api, path: api.fail(path, [_rate_limited(False)]), None, {}),
    "5xx burst": (lambda api, path: api.fail(path, [_problem(503, "Service Unavailable"),
                                                    _problem(500, "Internal Error"), _problem(502, "Bad Gateway")]),
                  None, {}),
    "5xx without end": (lambda api, path: api.fail(path, [_problem(503, "Service Unavailable")] * 3),
                        "HTTP 503 after retries", {"RETRY_TIMES": 2}),
    "looping pagination token": (lambda api, path: setattr(api, "loop_tokens", path), "repeat", {}),
    "suspended mid-crawl": (lambda api, path: api.fail(path, [_suspended(api)], after=1), "account suspended", {}),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_on_one_account_then_a_healthy_crawl_stores_every_act_once(world: World, sqlite_db: str,
                                                                           fault: str) -> None:
    registry(sqlite_db)
    api = world.api
    path = f"/2/users/{api.user(DEWI).id}/tweets"
    breaks, expected_error, settings = FAULTS[fault]
    breaks(api, path)
    faulty = run("x", api.base_url, sqlite_db, **settings)
    stored = activities(sqlite_db)
    assert set(world.expected(dewi=False)) <= set(stored)  # the other account was read in full
    if expected_error is None:
        assert faulty.status == "succeeded" and faulty.errors == 0, faulty.error_log
    else:
        assert faulty.status == "partial", faulty.error_log
        entry = next(e for e in faulty.error_log if expected_error in e["error"])
        assert entry["account"] == DEWI and entry["url"].startswith(api.base_url + path)
        with session_scope(sqlite_db) as s:  # the resume point did not move over what was not read
            assert "newest_id" not in (s.scalar(select(Account.crawl_state).where(Account.handle == DEWI)) or {})
    api.heal()
    healed = run("x", api.base_url, sqlite_db)
    assert healed.status == "succeeded", healed.error_log
    assert activities(sqlite_db) == world.expected()  # every act, each exactly once
    with session_scope(sqlite_db) as s:
        assert s.scalar(select(Account.state).where(Account.handle == DEWI)) == "active"


def test_a_rate_limit_window_is_waited_for_not_hammered(world: World, sqlite_db: str) -> None:
    registry(sqlite_db, wulan=False, watched=False)
    world.api.window = (2, 1.5)  # two requests per endpoint per 1.5 s; then 429 with x-rate-limit-reset
    for n in range(12):
        world.api.post("DewiAngg", f"Pengumuman {n}", T - timedelta(days=1, minutes=n))
    crawl_run = run("x", world.api.base_url, sqlite_db, NETRA_RETRY_MAX_DELAY=3.0)
    assert crawl_run.status == "succeeded", crawl_run.error_log
    assert len([a for a in activities(sqlite_db) if a[1] in ("post", "photo")]) == 3 + 2 + 12
    assert crawl_run.stats.get("netra/ratelimit_wait_seconds", 0) > 0  # waited for the window to reopen


def test_a_page_of_5000_posts(world: World, sqlite_db: str) -> None:
    registry(sqlite_db, wulan=False, watched=False)
    for n in range(5000):
        world.api.post("DewiAngg", f"Arsip layanan nomor {n} 📄", T - timedelta(days=30, seconds=n))
    world.api.page_override = 5000  # a server that ignores max_results
    crawl_run = run("x", world.api.base_url, sqlite_db)
    assert crawl_run.status == "succeeded", crawl_run.error_log
    assert count(sqlite_db, Activity) == 5000 + len(world.expected(wulan=False)) - 1  # no follow: not watched
    assert run("x", world.api.base_url, sqlite_db).items_stored == 0


def test_posts_without_any_optional_field(world: World, sqlite_db: str) -> None:
    registry(sqlite_db, wulan=False, watched=False)
    sparse = world.api.post("DewiAngg", "Tanpa waktu, tanpa bahasa, tanpa apa-apa", T + timedelta(hours=3),
                            sparse=True)
    crawl_run = run("x", world.api.base_url, sqlite_db)
    assert crawl_run.status == "succeeded" and crawl_run.errors == 0, crawl_run.error_log
    with session_scope(sqlite_db) as s:
        act = s.scalar(select(Activity).where(Activity.external_id == sparse.id))
        assert act.kind == "post" and act.text == sparse.text and act.occurred_at is None


def test_the_scheduler_crawls_x_accounts_once_a_token_is_set(world: World, sqlite_db: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from zoneinfo import ZoneInfo

    from monitor.db.session import session_factory
    from monitor.ops import jobs
    from monitor.ops.scheduler import crawl_job_specs

    registry(sqlite_db, wulan=False)
    monkeypatch.setenv("NETRA_X_BASE_URL", world.api.base_url)
    reset_settings_cache()
    session = session_factory(sqlite_db)()
    try:
        names = {spec.name for spec in crawl_job_specs(session, 24.0, ZoneInfo("Asia/Jakarta"))}
        assert names == {f"crawl x:{DEWI}", f"crawl watched x:{CAND}"}
        monkeypatch.delenv("NETRA_X_BEARER_TOKEN")
        reset_settings_cache()
        assert crawl_job_specs(session, 24.0, ZoneInfo("Asia/Jakarta")) == []  # nothing could run them
    finally:
        session.close()
    monkeypatch.setenv("NETRA_X_BEARER_TOKEN", TOKEN)
    reset_settings_cache()
    with session_scope(sqlite_db) as s:
        dewi = s.scalar(select(Account.id).where(Account.handle == DEWI))
    [run_id] = jobs.crawl_account(dewi)  # what the scheduler's job calls
    with session_scope(sqlite_db) as s:
        assert s.get(CrawlRun, run_id).status == "succeeded"
    assert activities(sqlite_db) == world.expected(wulan=False)  # the follow too: watched accounts are matched


def known_ids(url: str, api: XApi, **handles: int) -> None:
    """Give declared accounts the X ids an earlier crawl would have stored (``handle=account id``)."""
    with session_scope(url) as s:
        for handle, account_id in handles.items():
            s.get(Account, account_id).external_id = api.user(handle).id


def lookups(api: XApi) -> tuple[list[str], int]:
    """The ids asked of the multi-user lookup, one string per request, and how many single lookups by id."""
    hits = api.server.hits  # type: ignore[union-attr]
    many = [h.query["ids"][0] for h in hits if h.path == "/2/users"]
    single = sum(1 for h in hits if h.path.count("/") == 3 and h.path.startswith("/2/users/")
                 and h.path.rsplit("/", 1)[1].isdigit())
    return many, single


def test_accounts_whose_id_is_known_are_looked_up_together_and_each_gets_its_own_state(world: World,
                                                                                         sqlite_db: str) -> None:
    registry(sqlite_db, watched=False)
    assert run("x", world.api.base_url, sqlite_db).status == "succeeded"  # stores each account's id
    read_before = activities(sqlite_db)
    banned_user = world.api.add_user("diskors", name="Diskors")
    banned_user.suspended = True
    world.api.add_user("terkunci", name="Terkunci", protected=True)
    banned = add_declared(sqlite_db, "x", "diskors", nip="198807202012121003")
    locked = add_declared(sqlite_db, "x", "terkunci", nip="199212302018012004")
    gone = add_declared(sqlite_db, "x", "tidakada", nip="199001152015032002")
    known_ids(sqlite_db, world.api, **{"diskors": banned, "terkunci": locked})
    with session_scope(sqlite_db) as s:
        s.get(Account, gone).external_id = "4040404040"  # an id X no longer knows
    world.api.server.hits.clear()  # type: ignore[union-attr]
    again = run("x", world.api.base_url, sqlite_db)
    many, single = lookups(world.api)
    assert len(many) == 1 and single == 0  # five accounts, one request
    assert sorted(many[0].split(",")) == sorted([world.api.user(n).id for n in (DEWI, WULAN, "diskors", "terkunci")]
                                                + ["4040404040"])
    assert again.status == "partial" and {e["account"] for e in again.error_log} == {"tidakada", "diskors",
                                                                                     "terkunci"}
    with session_scope(sqlite_db) as s:
        assert [s.get(Account, i).state for i in (gone, banned, locked)] == ["not_found", "suspended", "protected"]
        assert {a.handle: a.state for a in s.scalars(select(Account).where(
            Account.handle.in_([DEWI, WULAN])))} == {DEWI: "active", WULAN: "active"}
    timelines = {h.path for h in world.api.server.hits  # type: ignore[union-attr]
                 if h.path.startswith("/2/users/") and h.path.endswith("/tweets")}
    assert timelines == {f"/2/users/{world.api.user(n).id}/tweets" for n in (DEWI, WULAN)}  # read again, only they
    assert activities(sqlite_db) == read_before  # and nothing new was there


@pytest.mark.parametrize("fault", ["5xx without end", "refused", "user left out"])
def test_a_failed_multi_user_lookup_holds_back_every_account_it_asked_for(world: World, sqlite_db: str,
                                                                           fault: str) -> None:
    registry(sqlite_db, watched=False)
    assert run("x", world.api.base_url, sqlite_db).status == "succeeded"
    before = activities(sqlite_db)
    with session_scope(sqlite_db) as s:
        states = {a.handle: dict(a.crawl_state or {}) for a in s.scalars(select(Account))}
    world.api.post("DewiAngg", "Pengumuman baru", T + timedelta(hours=1))
    world.api.post("WulanPerm", "Info layanan", T + timedelta(hours=1))
    dewi_id = world.api.user(DEWI).id
    if fault == "5xx without end":
        world.api.fail("/2/users", [_problem(503, "Service Unavailable")] * 3, exact=True)
    elif fault == "refused":
        world.api.fail("/2/users", [_problem(401, "Unauthorized")], exact=True)
    else:  # X answers for one of the two and says nothing of the other
        wulan = world.api.user(WULAN)
        world.api.fail("/2/users", [Reply(200, json.dumps({"data": [wulan.view()]}).encode(),
                                          {"Content-Type": JSON_TYPE})], exact=True)
    held = run("x", world.api.base_url, sqlite_db, RETRY_TIMES=2)
    assert held.status in ("partial", "failed"), held.error_log
    failed = {DEWI} if fault == "user left out" else {DEWI, WULAN}
    assert {e["account"] for e in held.error_log} == failed
    with session_scope(sqlite_db) as s:
        for account in s.scalars(select(Account)):
            if account.handle in failed:  # nothing read, so its resume point stayed where it was
                assert dict(account.crawl_state or {}) == states[account.handle]
                assert account.external_id == dewi_id or account.handle != DEWI
    if fault == "user left out":
        assert len(activities(sqlite_db)) == len(before) + 1  # Wulan's new post was read
    else:
        assert activities(sqlite_db) == before
    world.api.heal()
    assert run("x", world.api.base_url, sqlite_db).status == "succeeded"
    assert len(activities(sqlite_db)) == len(before) + 2
