"""Follows of watched (candidate, campaign) accounts on Bluesky, Mastodon, X and YouTube: crawled from
each platform's public following list (the demo's replay server speaks all four), classified by rule,
shown on the review page; an unfollow is recorded, never deleting the follow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.config import reset_settings_cache
from monitor.db.schema import Account, Activity, Classification, Evidence, WatchedAccount
from monitor.db.session import session_factory, session_scope
from monitor.demo.replay import DEMO_X_TOKEN, DEMO_YOUTUBE_KEY, DemoBluesky, DemoMastodon, demo_x, demo_youtube
from monitor.review.queue import enqueue
from spiders.items import ActivityItem, FollowChangeItem, profile_context, profile_post
from spiders.replay import ReplayServer
from spiders.store import IngestStore
from tests.conftest import REPO
from tests.crawl_helpers import run
from tests.declared import add_declared, add_watched
from tests.web_support import make_env

CAMPAIGN_BIO = "Akun resmi tim pemenangan. Bersama membangun Sukamaju."
# Per platform: (declared handle, watched handle, an unwatched account the declared one also follows)
ACCOUNTS = {
    "bluesky": ("rina.bsky.social", "sutrisnowibowo.bsky.social", "kpu-sukamaju.bsky.social"),
    "mastodon": ("bambang_h@mastodon.example", "sutrisno_w@warga.example", "kpu@mastodon.example"),
    "x": ("dewiangg", "sutrisno_w", "kpusukamaju"),
    "youtube": ("@sitirahayu", "@sutrisnowibowo", "@kpusukamaju"),
}
AT = "2029-10-29T10:00:00+07:00"


def spec() -> dict:
    """The demo's activity format: each declared account follows a watched and an unwatched account."""
    b, m, x, y = (ACCOUNTS[p] for p in ("bluesky", "mastodon", "x", "youtube"))
    return {
        "bluesky": [{"handle": b[0], "name": "Rina", "follows": [b[1], b[2]]},
                    {"handle": b[1], "name": "Sutrisno Wibowo", "bio": CAMPAIGN_BIO},
                    {"handle": b[2], "name": "KPU Sukamaju", "bio": "Komisi Pemilihan Umum"}],
        "mastodon": {"host": "mastodon.example", "accounts": [
            {"acct": "bambang_h", "name": "Bambang", "follows": [m[1], m[2]]},
            {"acct": m[1], "name": "Sutrisno Wibowo", "bio": f"<p>{CAMPAIGN_BIO}</p>"},
            {"acct": "kpu", "name": "KPU Sukamaju", "bio": "<p>Komisi Pemilihan Umum</p>"}]},
        "x": [{"username": "DewiAngg", "name": "Dewi", "follows": [x[1], x[2]]},
              {"username": x[1], "name": "Sutrisno Wibowo", "bio": CAMPAIGN_BIO},
              {"username": x[2], "name": "KPU Sukamaju", "bio": "Komisi Pemilihan Umum"}],
        "youtube": [{"handle": "sitirahayu", "title": "Siti",
                     "subscriptions": [{"to": "sutrisnowibowo", "at": AT}, {"to": "kpusukamaju", "at": AT}]},
                    {"handle": "sutrisnowibowo", "title": "Sutrisno Wibowo", "description": CAMPAIGN_BIO},
                    {"handle": "kpusukamaju", "title": "KPU Sukamaju", "description": "Komisi Pemilihan Umum"}],
    }


class FourPlatforms:
    """One replay server answering as Bluesky, Mastodon, X and YouTube, whose following lists can change."""

    def __init__(self) -> None:
        data = spec()
        self.bluesky = DemoBluesky.from_spec(data)
        self.mastodon = DemoMastodon.from_spec(data)
        self.x = demo_x(data)
        self.youtube = demo_youtube(data)
        self.server = ReplayServer()
        for platform in (self.bluesky, self.mastodon, self.x, self.youtube):
            platform.install(self.server)

    def unfollow(self, platform: str) -> None:
        declared, watched, _other = ACCOUNTS[platform]
        if platform == "bluesky":
            self.bluesky.follows[declared].remove(watched)
        elif platform == "mastodon":
            self.mastodon.following[declared].remove(watched)
        elif platform == "x":
            self.x.unfollow("DewiAngg", watched)
        else:
            self.youtube.unsubscribe(declared, watched)


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch) -> Iterator[FourPlatforms]:
    monkeypatch.setenv("NETRA_X_BEARER_TOKEN", DEMO_X_TOKEN)
    monkeypatch.setenv("NETRA_YOUTUBE_API_KEY", DEMO_YOUTUBE_KEY)
    reset_settings_cache()
    four = FourPlatforms()
    four.server.start()
    yield four
    four.server.stop()


def follows(url: str) -> list[tuple[str, str, str, bool]]:
    """(declared handle, followed handle, context, ended) of every stored follow."""
    with session_scope(url) as s:
        return sorted((a.account.handle, a.target_post.author_handle or a.target_post.extras["display_name"],
                       a.context_text, a.ended_at is not None)
                      for a in s.scalars(select(Activity).where(Activity.kind == "follow")))


@pytest.mark.parametrize("platform", sorted(ACCOUNTS))
def test_follows_of_watched_accounts_and_nothing_else(platforms: FourPlatforms, sqlite_db: str,
                                                      platform: str) -> None:
    declared, watched, _other = ACCOUNTS[platform]
    add_declared(sqlite_db, platform, declared)
    add_watched(sqlite_db, platform, watched)
    crawl_run = run(platform, platforms.server.base_url, sqlite_db)
    assert crawl_run.status == "succeeded", crawl_run.error_log
    [(follower, _followed, context, ended)] = follows(sqlite_db)  # the unwatched account is not kept
    assert follower == declared and not ended
    assert context.startswith("Sutrisno Wibowo") and CAMPAIGN_BIO in context
    with session_scope(sqlite_db) as s:
        act = s.scalar(select(Activity).where(Activity.kind == "follow"))
        watched_row = s.scalar(select(WatchedAccount))
        # The follow names the watched account by the platform's permanent id.
        assert act.external_id.lower() == (watched_row.external_id or "").lower()
        assert "Komisi Pemilihan Umum" not in (act.evidence.raw.decode())
    assert run(platform, platforms.server.base_url, sqlite_db).items_stored == 0

    platforms.unfollow(platform)
    unfollowed = run(platform, platforms.server.base_url, sqlite_db)
    assert unfollowed.status == "succeeded" and unfollowed.items_stored == 1, unfollowed.error_log
    [(_f, _w, _c, ended)] = follows(sqlite_db)  # still there, marked ended
    assert ended
    with session_scope(sqlite_db) as s:
        act = s.scalar(select(Activity).where(Activity.kind == "follow"))
        versions = s.scalars(select(Evidence).where(Evidence.subject_key == act.evidence.subject_key)).all()
        assert len(versions) == 2 and "no_longer_following" in json.loads(versions[-1].raw)


def test_a_follow_of_an_account_no_longer_watched_is_not_an_unfollow(platforms: FourPlatforms,
                                                                      sqlite_db: str) -> None:
    declared, watched, _other = ACCOUNTS["bluesky"]
    add_declared(sqlite_db, "bluesky", declared)
    add_watched(sqlite_db, "bluesky", watched)
    run("bluesky", platforms.server.base_url, sqlite_db)
    with session_scope(sqlite_db) as s:  # the election profile no longer lists that account
        s.delete(s.scalar(select(WatchedAccount)))
    platforms.unfollow("bluesky")
    assert run("bluesky", platforms.server.base_url, sqlite_db).items_stored == 0
    [(_f, _w, _c, ended)] = follows(sqlite_db)
    assert not ended


# ------------------------------------------------------------ classifier


@pytest.fixture(scope="module")
def classifier():  # type: ignore[no-untyped-def]
    from models.infer import load_classifier

    return load_classifier()


@pytest.fixture(scope="module")
def profile():  # type: ignore[no-untyped-def]
    from models.profile import load_profile

    return load_profile(REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml")


def judge(classifier, profile, context: str, kind: str = "follow"):  # type: ignore[no-untyped-def]
    from models.infer import ClassifyInput

    return classifier.classify([ClassifyInput("1", kind, "", context, "x")], profile)[0]


def test_following_a_candidates_campaign_account_is_support(  # type: ignore[no-untyped-def]
        classifier, profile, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bio naming the candidate and nothing partisan, at a threshold the model's reading of it does not reach
    # (whether a like of it is flagged depends on the model's calibration: a like on a candidate's account is
    # itself an interaction the SKB names) ...
    context = profile_context("Hendra Kusuma", "hendrakusuma", "Ayah tiga anak. Pecinta kopi dan sepak bola.")
    monkeypatch.setattr(classifier.meta, "threshold", 0.99)
    assert not judge(classifier, profile, context, kind="like").flagged
    # ... following the candidate's account is the act the SKB names, whatever the model reads.
    result = judge(classifier, profile, context)
    assert (result.stance, result.candidate, result.flagged) == ("support", "k2", True)
    monkeypatch.undo()
    campaign = judge(classifier, profile, profile_context("Tim Pemenangan SUTRADEWI", "sutradewi",
                                                          "Relawan pemenangan nomor urut 1. #SutraDewi2029"))
    assert (campaign.stance, campaign.candidate, campaign.flagged) == ("support", "k1", True)


def test_a_follow_is_not_support_when_the_profile_or_the_context_says_otherwise(  # type: ignore[no-untyped-def]
        classifier, profile) -> None:
    # The incumbent's office: the profile says Sutrisno is the sitting Bupati; no campaign cue in the bio.
    office = judge(classifier, profile, profile_context(
        "Pemerintah Kabupaten Sukamaju", "pemkabsukamaju",
        "Akun resmi Pemerintah Kabupaten Sukamaju. Bupati Sutrisno Wibowo."))
    assert (office.stance, office.flagged) == ("none", False)
    parody = judge(classifier, profile, profile_context("Hendra Kusuma Parodi", "hendraparodi",
                                                        "Akun parodi, bukan akun resmi Hendra Kusuma."))
    assert parody.stance != "support"
    against = judge(classifier, profile, profile_context(
        "Gerakan Tolak Petahana", "tolakpetahana", "Tolak Sutrisno Wibowo! Jangan pilih SUTRADEWI lagi."))
    assert (against.stance, against.candidate) == ("oppose", "k1")
    nobody = judge(classifier, profile, profile_context("Warung Kopi Budi", "kopibudi", "Kopi enak di Sukamaju."))
    assert (nobody.stance, nobody.flagged) == ("none", False)


# ------------------------------------------------------------ review page


def test_the_review_page_shows_the_followed_account_and_an_unfollow(sqlite_db: str) -> None:
    env = make_env(sqlite_db)
    store = IngestStore(sqlite_db)
    record = {"did": "did:plc:hendra", "handle": "hendrakusuma.bsky.social", "displayName": "Hendra Kusuma",
              "description": "Calon Bupati Sukamaju nomor urut 2. HERAH!"}
    raw = json.dumps(record).encode()
    with session_scope(sqlite_db) as s:
        account_id = s.scalar(select(Account.id).where(Account.handle == "budi.bsky.social"))
    store.store_batch([ActivityItem(
        platform="bluesky", kind="follow", external_id="did:plc:hendra", account_id=account_id,
        target=profile_post("bluesky", "did:plc:hendra", handle=record["handle"], name=record["displayName"],
                            bio=record["description"], url="https://bsky.app/profile/did:plc:hendra", raw=raw,
                            source_url="http://replay/getFollows", source="crawl:bluesky"),
        text="", context=profile_context(record["displayName"], record["handle"], record["description"]),
        url="https://bsky.app/profile/did:plc:hendra", raw=raw, source_url="http://replay/getFollows",
        source="crawl:bluesky")])
    session = session_factory(sqlite_db)()
    activity = session.scalar(select(Activity).where(Activity.kind == "follow"))
    classification = Classification(activity_id=activity.id, model_version="netra-test-1",
                                    profile_id="pilkada-2029-sukamaju", score=0.9, flagged=True, stance="support",
                                    hate=False, candidate="k2", party=None, cues=["Hendra Kusuma", "HERAH"])
    session.add(classification)
    session.flush()
    item = enqueue(session, activity, classification)
    session.commit()
    item_id = item.id
    session.close()

    client = env.client("admin")
    page = client.get(f"/items/{item_id}")
    assert page.status_code == 200
    assert "Mengikuti di Bluesky" in page.text and "Konteks: akun yang diikuti" in page.text
    assert "<strong>Hendra Kusuma</strong>" in page.text and "@hendrakusuma.bsky.social" in page.text
    assert "Calon Bupati Sukamaju nomor urut 2" in page.text and "Berhenti mengikuti" not in page.text

    store.store_batch([FollowChangeItem(platform="bluesky", external_id="did:plc:hendra", following=False,
                                        account_id=account_id, observed_at=datetime(2029, 11, 1, tzinfo=UTC),
                                        raw=b'{"no_longer_following": "did:plc:hendra"}')])
    page = client.get(f"/items/{item_id}")
    assert "Berhenti mengikuti terdeteksi pada 01-11-2029 07:00 WIB" in page.text
    assert "<strong>Hendra Kusuma</strong>" in page.text  # the follow and its evidence stay


def test_the_demo_declares_follows_on_every_platform() -> None:
    import yaml

    data = yaml.safe_load((REPO / "monitor" / "demo" / "data" / "activity.yaml").read_text(encoding="utf-8"))
    assert any(a.get("follows") for a in data["bluesky"])
    assert any(a.get("follows") for a in data["mastodon"]["accounts"])
    assert any(a.get("follows") for a in data["x"])
    assert any(c.get("subscriptions") for c in data["youtube"])
    assert Path(REPO / "monitor" / "demo" / "data" / "registry.csv").read_text(encoding="utf-8").count(",x,") >= 5
