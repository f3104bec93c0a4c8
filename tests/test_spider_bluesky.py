"""The Bluesky spider through the real Scrapy engine against the replay server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from monitor.db.schema import Account, Activity, Evidence, Post
from monitor.db.session import session_scope
from spiders.platforms import PLATFORMS
from spiders.platforms.bluesky.spider import facet_extras, post_item
from spiders.replay import ReplayServer
from tests.crawl_helpers import activities, run
from tests.declared import add_declared, add_watched

RINA = "rinapratiwi.bsky.social"
DID = "did:plc:47tqcxw6yjrtrrxqzjwjnbgh"
CAND = "at://did:plc:hmb7kxxn7mjbfcud6uvjlcdf/app.bsky.feed.post/3lbcb2hu2nsyu"
FEED = "/xrpc/app.bsky.feed.getAuthorFeed"
PAGE1_QUERY = {"actor": DID, "limit": "3", "filter": "posts_with_replies"}
PAGE2_QUERY = {**PAGE1_QUERY, "cursor": "2024-11-18T02:14:09.065Z"}

FIXTURES = PLATFORMS["bluesky"].fixtures


def at(did_rkey: str) -> str:
    did, rkey = did_rkey.split("/")
    return f"at://did:plc:{did}/app.bsky.feed.post/{rkey}"


EXPECTED = sorted([
    (RINA, "post", at("47tqcxw6yjrtrrxqzjwjnbgh/3lbdsj7f3vkku")),
    (RINA, "share", CAND),
    (RINA, "comment", at("47tqcxw6yjrtrrxqzjwjnbgh/3lb6twgpr3cye")),
    (RINA, "post", at("47tqcxw6yjrtrrxqzjwjnbgh/3lay2e36df2iv")),
    (RINA, "post", at("47tqcxw6yjrtrrxqzjwjnbgh/3lar2w3m7jkox")),
    (RINA, "like", CAND),
    (RINA, "comment", at("47tqcxw6yjrtrrxqzjwjnbgh/3lbe2tj3rfcnm")),
    # Rina follows the watched candidate (and a government account, which is not kept).
    (RINA, "follow", "did:plc:hmb7kxxn7mjbfcud6uvjlcdf"),
])
OWN_ONLY = sorted(e for e in EXPECTED if e[1] not in ("like", "follow")
                  and e[2] != at("47tqcxw6yjrtrrxqzjwjnbgh/3lbe2tj3rfcnm"))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer(FIXTURES) as replay:
        yield replay


def _page(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _count(url: str, model) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_facet_offsets_count_utf8_bytes() -> None:
    post = _page("getAuthorFeed_page1.json")["feed"][0]["post"]["record"]
    extras = facet_extras(post["text"], post["facets"])  # the tags come after a 4-byte emoji
    assert [f["text"] for f in extras["facets"]] == ["#PelayananPublik", "#ASNBerAKHLAK"]
    link = _page("getAuthorFeed_page2.json")["feed"][0]["post"]["record"]  # after an en dash (3 bytes)
    span = facet_extras(link["text"], link["facets"])["facets"][0]["text"]
    assert span == "disdukcapil.sukamajukab.go.id/layanan-sabtu"


def test_full_crawl_of_declared_and_watched_accounts(server: ReplayServer, db_url: str) -> None:
    add_declared(db_url, "bluesky", RINA)
    # Declared, never crawled itself, yet matched by handle when it comments on the candidate's post.
    add_declared(db_url, "bluesky", "agussetiawan.bsky.social", nip="199001152015032002")
    add_watched(db_url, "bluesky", "sutrisnowibowo.bsky.social")
    crawl_run = run("bluesky", server.base_url, db_url, handles=[RINA, "sutrisnowibowo.bsky.social"])

    assert crawl_run.status == "succeeded", crawl_run.error_log
    assert crawl_run.errors == 0 and crawl_run.items_stored > 0
    agus_comment = ("agussetiawan.bsky.social", "comment", at("llsjk3ji7sgfmjrjhnhnwqkq/3lbduaph5e22i"))
    assert activities(db_url) == sorted([*EXPECTED, agus_comment])
    assert len(server.hits_for(FEED)) == 3  # two pages for the declared account, one for the candidate
    with session_scope(db_url) as s:
        acc = s.scalar(select(Account).where(Account.handle == RINA))
        assert acc.external_id == DID and acc.state == "active"
        assert acc.crawl_state["newest_sort_at"].startswith("2024-11-20")
        like = s.scalar(select(Activity).where(Activity.kind == "like"))
        assert like.occurred_at == datetime(2024, 11, 19, 12, 5, 10, 220000, UTC)
        assert "coblos" in like.context_text.lower() or "angka 2" in like.context_text
        share = s.scalar(select(Activity).where(Activity.kind == "share"))
        assert share.occurred_at == datetime(2024, 11, 19, 12, 5, 44, 873000, UTC)  # filled from the author feed
        assert share.target_post.external_id == CAND
        nested = s.scalar(select(Activity).where(Activity.external_id.endswith("3lbe2tj3rfcnm")))
        assert nested.target_post.author_handle == "relawansutrisno.bsky.social"  # a reply to a reply
        photo = s.scalar(select(Post).where(Post.external_id.endswith("3lbdsj7f3vkku")))
        assert photo.extras["hashtags"] == ["PelayananPublik", "ASNBerAKHLAK"]
        assert photo.extras["alt_texts"][0].startswith("Petugas Disdukcapil")
        assert photo.url == "https://bsky.app/profile/did:plc:47tqcxw6yjrtrrxqzjwjnbgh/post/3lbdsj7f3vkku"
        quote = s.scalar(select(Activity).where(Activity.external_id.endswith("3lar2w3m7jkox")))
        assert quote.target_post.external_id.endswith("3laqenzs3qkbb") and "Debat publik kedua" in quote.context_text
        evidence = s.scalar(select(Evidence).where(Evidence.subject_key == f"bluesky:post:{photo.external_id}"))
        assert json.loads(evidence.raw)["cid"].startswith("bafyrei") and evidence.source_url.startswith(server.base_url)


def test_recrawl_is_incremental_and_stores_nothing_new(server: ReplayServer, db_url: str) -> None:
    add_declared(db_url, "bluesky", RINA)
    add_watched(db_url, "bluesky", "sutrisnowibowo.bsky.social")
    first = run("bluesky", server.base_url, db_url)
    counts = (_count(db_url, Activity), _count(db_url, Post), _count(db_url, Evidence))
    second = run("bluesky", server.base_url, db_url)
    assert first.items_stored > 0
    assert second.status == "succeeded" and second.items_stored == 0 and second.items_seen > 0
    assert (_count(db_url, Activity), _count(db_url, Post), _count(db_url, Evidence)) == counts
    page2 = [h for h in server.hits_for(FEED) if "cursor" in h.query]
    assert len(page2) == 1  # the second run stopped at the first page: everything older was known


def test_edited_post_gets_a_new_evidence_version(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", RINA)
    run("bluesky", server.base_url, sqlite_db, watched=False)
    posts = _page("getPosts_all.json")
    edited = posts["posts"][0]
    assert edited["uri"].endswith("3lbdsj7f3vkku")
    edited["cid"] = "bafyreiedited000000000000000000000000000000000000000000000"
    edited["record"]["text"] = edited["record"]["text"].replace("lancar", "lancar (ralat: Kec. Cibeureum Hilir)")
    server.add("/xrpc/app.bsky.feed.getPosts", {"json": posts})
    second = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert second.items_stored == 1
    subject = f"bluesky:post:{edited['uri']}"
    with session_scope(sqlite_db) as s:
        versions = s.scalars(select(Evidence).where(Evidence.subject_key == subject).order_by(Evidence.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert "ralat" not in versions[0].raw.decode() and "ralat" in versions[1].raw.decode()
        act = s.scalar(select(Activity).where(Activity.external_id == edited["uri"]))
        assert "ralat" in act.text and act.evidence.version == 1  # the act still cites what was first captured


def test_deleted_post_is_tombstoned_not_removed(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", RINA)
    run("bluesky", server.base_url, sqlite_db, watched=False)
    server.add("/xrpc/app.bsky.feed.getPosts", {"file": "getPosts_after_delete.json"})
    second = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert second.items_stored == 1 and second.errors == 0
    with session_scope(sqlite_db) as s:
        gone = s.scalar(select(Post).where(Post.external_id.endswith("3lay2e36df2iv")))
        assert gone.deleted_at is not None and gone.text.startswith("Info: layanan")
        assert s.scalar(select(func.count()).select_from(Post).where(Post.deleted_at.is_not(None))) == 1
    assert activities(sqlite_db) == OWN_ONLY


def test_missing_and_suspended_accounts_are_recorded_and_the_crawl_goes_on(server: ReplayServer,
                                                                           sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", RINA)
    gone = add_declared(sqlite_db, "bluesky", "tidakada.bsky.social", nip="199001152015032002")
    banned = add_declared(sqlite_db, "bluesky", "diskors.bsky.social", nip="198807202012121003")
    crawl_run = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert crawl_run.status == "partial" and crawl_run.errors == 2
    logged = {(e["account"], e["url"].split("?")[0].rsplit("/", 1)[-1]) for e in crawl_run.error_log}
    assert logged == {("tidakada.bsky.social", "com.atproto.identity.resolveHandle"),
                      ("diskors.bsky.social", "app.bsky.actor.getProfile")}
    with session_scope(sqlite_db) as s:
        assert s.get(Account, gone).state == "not_found"
        assert s.get(Account, banned).state == "suspended"
    assert activities(sqlite_db) == OWN_ONLY


def _known_did(db_url: str, account_id: int, did: str) -> None:
    with session_scope(db_url) as s:
        s.get(Account, account_id).external_id = did


def test_an_account_whose_did_is_known_is_read_without_waiting_for_its_profile(server: ReplayServer,
                                                                             sqlite_db: str) -> None:
    """Its feed and follows leave with the profile request: a profile that cannot be fetched does not stop them."""
    _known_did(sqlite_db, add_declared(sqlite_db, "bluesky", RINA), DID)
    server.add("/xrpc/app.bsky.actor.getProfile", {"status": 404, "json": {"error": "NotFound"}},
               query={"actor": DID})
    crawl_run = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert crawl_run.status == "partial" and crawl_run.errors == 1
    assert crawl_run.error_log[0]["url"].startswith(server.base_url + "/xrpc/app.bsky.actor.getProfile")
    assert activities(sqlite_db) == OWN_ONLY


def _gone_everywhere(server: ReplayServer, did: str, profile: dict, feed_error: str) -> None:
    server.add("/xrpc/app.bsky.actor.getProfile", profile, query={"actor": did})
    gone = {"status": 400, "json": {"error": feed_error, "message": "gone"}}
    server.add(FEED, gone, query={**PAGE1_QUERY, "actor": did})
    server.add("/xrpc/app.bsky.graph.getFollows", gone, query={"actor": did, "limit": "100"})


@pytest.mark.parametrize("profile_delay", [0.0, 0.5])
def test_a_known_account_that_is_gone_is_reported_once_with_its_profiles_state(server: ReplayServer, sqlite_db: str,
                                                                               profile_delay: float) -> None:
    """Profile, feed and follows all say the account is gone; whichever answers first, it is reported once and the
    profile's answer names its state (the feed's words here would say "not found")."""
    add_declared(sqlite_db, "bluesky", RINA)
    banned_did = "did:plc:diskorsdiskorsdiskors00"
    banned = add_declared(sqlite_db, "bluesky", "diskors.bsky.social", nip="198807202012121003")
    _known_did(sqlite_db, banned, banned_did)
    _gone_everywhere(server, banned_did, {"status": 400, "delay": profile_delay, "json": {
        "error": "AccountTakedown", "message": "Account has been suspended"}}, feed_error="InvalidRequest")
    crawl_run = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert crawl_run.status == "partial" and crawl_run.errors == 1, crawl_run.error_log
    entry = crawl_run.error_log[0]
    assert entry["account"] == "diskors.bsky.social" and "AccountTakedown" in entry["error"]
    assert entry["url"].startswith(server.base_url + "/xrpc/app.bsky.actor.getProfile")
    with session_scope(sqlite_db) as s:
        assert s.get(Account, banned).state == "suspended"
    assert activities(sqlite_db) == OWN_ONLY


@pytest.mark.parametrize("profile_delay", [0.0, 0.5])
def test_a_feed_that_says_gone_while_the_profile_answers_is_the_later_word(server: ReplayServer, sqlite_db: str,
                                                                           profile_delay: float) -> None:
    """Taken down between two requests: as when the feed and follows are asked after the profile, each one's answer
    is recorded, whichever arrives first."""
    account = add_declared(sqlite_db, "bluesky", RINA)
    _known_did(sqlite_db, account, DID)
    _gone_everywhere(server, DID, {"file": "getProfile_rinapratiwi.json", "delay": profile_delay},
                     feed_error="AccountDeactivated")
    crawl_run = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert crawl_run.status != "succeeded" and crawl_run.errors == 2, crawl_run.error_log
    assert sorted(e["url"].split("?")[0].rsplit("/", 1)[-1] for e in crawl_run.error_log) == [
        "app.bsky.feed.getAuthorFeed", "app.bsky.graph.getFollows"]
    with session_scope(sqlite_db) as s:
        assert s.get(Account, account).state == "deactivated" and s.get(Account, account).crawl_state is None


# ------------------------------------------------------------------ faults
# Each fault hits the declared account's second feed page (or its first), is logged with the
# account and URL and counted on the crawl run; the rest of the crawl goes on, and a later
# clean crawl completes the account with nothing lost or stored twice.


def _fault_then_recover(server: ReplayServer, db_url: str, responses: list[dict], *, query: dict = PAGE2_QUERY,
                        expect_error: str | None, checkpoint_held: bool = True, **settings) -> None:
    add_declared(db_url, "bluesky", RINA)
    server.add(FEED, responses, query=query)
    faulty = run("bluesky", server.base_url, db_url, watched=False, **settings)
    if expect_error is None:
        assert faulty.status == "succeeded" and faulty.errors == 0, faulty.error_log
        assert activities(db_url) == OWN_ONLY
        return
    assert faulty.status in ("partial", "failed") and faulty.errors >= 1
    entry = faulty.error_log[0]
    assert entry["account"] == RINA and entry["url"].startswith(server.base_url + FEED)
    assert expect_error in entry["error"], entry
    if checkpoint_held:
        with session_scope(db_url) as s:
            # The resume point did not move past what could not be read.
            assert s.scalar(select(Account.crawl_state).where(Account.handle == RINA)) is None
    server.add(FEED, {"file": "getAuthorFeed_page2.json"}, query=PAGE2_QUERY)
    server.add(FEED, {"file": "getAuthorFeed_page1.json"}, query=PAGE1_QUERY)
    clean = run("bluesky", server.base_url, db_url, watched=False)
    assert clean.status == "succeeded" and clean.errors == 0
    assert activities(db_url) == OWN_ONLY


def test_malformed_json(server: ReplayServer, sqlite_db: str) -> None:
    _fault_then_recover(server, sqlite_db, [{"body": '{"feed": [{"post": ', "headers": {
        "Content-Type": "application/json"}}], expect_error="malformed JSON")


def test_truncated_page(server: ReplayServer, sqlite_db: str) -> None:
    _fault_then_recover(server, sqlite_db, [{"file": "getAuthorFeed_page2.json", "truncate": 200}],
                        expect_error="DataLoss", RETRY_TIMES=1)


def test_html_error_page_where_json_expected(server: ReplayServer, sqlite_db: str) -> None:
    html = {"body": "<html><body><h1>502 Bad Gateway</h1></body></html>", "headers": {"Content-Type": "text/html"}}
    _fault_then_recover(server, sqlite_db, [html], query=PAGE1_QUERY, expect_error="expected JSON, got text/html")


def test_html_503_burst_is_retried_then_parsed(server: ReplayServer, sqlite_db: str) -> None:
    html503 = {"status": 503, "body": "<html>Service Unavailable</html>", "headers": {"Content-Type": "text/html"}}
    _fault_then_recover(server, sqlite_db, [html503, {"status": 502, "json": {"error": "UpstreamFailure"}},
                                            {"status": 500, "json": {"error": "InternalServerError"}},
                                            {"file": "getAuthorFeed_page2.json"}], expect_error=None)
    assert [h.status for h in server.hits_for(FEED) if "cursor" in h.query] == [503, 502, 500, 200]


def test_5xx_that_never_ends_is_logged(server: ReplayServer, sqlite_db: str) -> None:
    _fault_then_recover(server, sqlite_db, [{"status": 503, "json": {"error": "NotEnoughResources"}}],
                        expect_error="HTTP 503 after retries", RETRY_TIMES=2)


def test_timeout_is_retried(server: ReplayServer, sqlite_db: str) -> None:
    slow = {"file": "getAuthorFeed_page2.json", "delay": 1.6}
    _fault_then_recover(server, sqlite_db, [slow, {"file": "getAuthorFeed_page2.json"}], expect_error=None)


def test_timeout_that_never_ends_is_logged(server: ReplayServer, sqlite_db: str) -> None:
    slow = {"file": "getAuthorFeed_page2.json", "delay": 1.6}
    _fault_then_recover(server, sqlite_db, [slow], expect_error="TimeoutError", RETRY_TIMES=1)


def test_looping_cursor_stops(server: ReplayServer, sqlite_db: str) -> None:
    looping = _page("getAuthorFeed_page2.json")
    looping["cursor"] = "2024-11-18T02:14:09.065Z"  # the cursor that led here
    _fault_then_recover(server, sqlite_db, [{"json": looping}], expect_error="repeated")
    assert len([h for h in server.hits_for(FEED) if "cursor" in h.query]) == 2  # once faulty, once clean


def test_unknown_and_missing_fields(server: ReplayServer, sqlite_db: str) -> None:
    page = _page("getAuthorFeed_page2.json")
    page["feed"][0]["post"]["embed"] = {"$type": "app.bsky.embed.gallery#view", "items": [{"alt": "x"}]}
    page["feed"][0]["post"]["somethingNew"] = {"nested": True}
    page["feed"].append({"post": {"cid": "bafy-no-uri", "record": {"text": "no uri"}}})  # cannot be keyed
    page["feed"].append({"feedContext": "only"})
    page["feed"][1]["post"]["record"].pop("langs")
    page["feed"][1]["post"].pop("indexedAt")
    _fault_then_recover(server, sqlite_db, [{"json": page}], expect_error="without a post uri",
                        checkpoint_held=False)  # a record without an id can never be stored: no reason to hold
    with session_scope(sqlite_db) as s:
        first = s.scalar(select(Evidence).where(Evidence.subject_key.endswith("3lay2e36df2iv"), Evidence.version == 1))
        assert json.loads(first.raw)["somethingNew"] == {"nested": True}  # evidence keeps what we do not parse
    kept = post_item(page["feed"][0]["post"], "http://x")
    assert kept is not None and kept.extras["embeds_raw"][0]["$type"] == "app.bsky.embed.gallery#view"


@pytest.mark.parametrize("retry_after", [True, False])
def test_rate_limit_waits_and_succeeds(server: ReplayServer, sqlite_db: str, retry_after: bool) -> None:
    headers = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Policy": "3000;w=300",
               "Content-Type": "application/json"}
    if retry_after:
        headers["Retry-After"] = "60"
    limited = {"status": 429, "file": "error_429_rate_limit.json", "headers": headers}
    _fault_then_recover(server, sqlite_db, [limited, {"file": "getAuthorFeed_page2.json"}],
                        expect_error=None)
    from monitor.db.schema import CrawlRun

    with session_scope(sqlite_db) as s:
        waited = s.scalar(select(CrawlRun.stats).order_by(CrawlRun.id.desc()))["netra/retry_wait_seconds"]
    # With Retry-After: 60 the wait is the cap (0.3 s in tests); without a hint, a jittered ~0.01 s.
    assert (waited >= 0.3) if retry_after else (waited < 0.05)


def test_cli_crawl_prints_a_summary(server: ReplayServer, sqlite_db: str) -> None:
    from typer.testing import CliRunner

    from monitor.cli import app

    add_declared(sqlite_db, "bluesky", RINA)
    # The CLI asks for production-size pages.
    server.add(FEED, {"file": "getAuthorFeed_page1.json"}, query={**PAGE1_QUERY, "limit": "50"})
    server.add(FEED, {"file": "getAuthorFeed_page2.json"}, query={**PAGE2_QUERY, "limit": "50"})
    runner = CliRunner()
    result = runner.invoke(app, ["crawl", "bluesky", "--base-url", server.base_url, "--handle", RINA, "--no-watched"])
    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output and "rinapratiwi.bsky.social" in result.output
    assert activities(sqlite_db) == OWN_ONLY
    unknown = runner.invoke(app, ["crawl", "bluesky", "--base-url", server.base_url, "--handle", "someone.else"])
    assert unknown.exit_code == 1 and "not a declared or watched" in unknown.output


def test_two_empty_pages_end_the_feed(server: ReplayServer, sqlite_db: str) -> None:
    add_declared(sqlite_db, "bluesky", RINA)
    server.add(FEED, {"json": {"feed": [], "cursor": "c3"}}, query=PAGE2_QUERY)
    server.add(FEED, {"json": {"feed": [], "cursor": "c4"}}, query={**PAGE1_QUERY, "cursor": "c3"})
    server.add(FEED, {"json": {"feed": [], "cursor": "c5"}}, query={**PAGE1_QUERY, "cursor": "c4"})
    crawl_run = run("bluesky", server.base_url, sqlite_db, watched=False)
    assert crawl_run.status == "succeeded" and crawl_run.errors == 0
    assert [h.query.get("cursor") for h in server.hits_for(FEED)] == [None, ["2024-11-18T02:14:09.065Z"], ["c3"]]


def test_server_delay_hints() -> None:
    from scrapy.http import Response

    from spiders.middlewares import server_delay_hint

    def hint(**headers: str) -> float | None:
        return server_delay_hint(Response("http://x", status=429, headers=headers), now=1732069140.0)

    assert hint(**{"Retry-After": "60"}) == 60.0
    assert hint(**{"RateLimit-Reset": "1732069200"}) == 60.0  # Bluesky: epoch seconds
    assert hint(**{"X-RateLimit-Reset": "2024-11-20T02:20:00.000000Z"}) == 60.0  # Mastodon: ISO 8601
    assert hint(**{"Retry-After": "Wed, 20 Nov 2024 02:19:30 GMT"}) == 30.0  # HTTP date
    assert hint() is None and hint(**{"X-RateLimit-Reset": "soon"}) is None
