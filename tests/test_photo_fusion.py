"""Fusing a photo's hand gesture with its caption, date and context (domain.md §3: a gesture is a cue)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from models.infer import ClassifyResult
from models.photos.fusion import WEIGHTS, PhotoContext, campaign_hashtags, fuse_photo, period_factor
from models.photos.gestures import GestureDetector, PhotoHands
from models.profile import ElectionProfile, load_profile

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "models" / "photos" / "data"
PEMILU = REPO / "models" / "data" / "profiles" / "pemilu-2024-presiden.yaml"
IN_CAMPAIGN = date(2024, 1, 20)
LONG_AFTER = date(2025, 7, 14)
IN_CAMPAIGN_DT = datetime(2024, 1, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def profile() -> ElectionProfile:
    return load_profile(PEMILU)


@pytest.fixture(scope="module")
def photos() -> dict[str, PhotoHands]:
    with GestureDetector() as det:
        return {
            "v_sign": det.detect_file(DATA / "fingerpose" / "fingers-lq-frame27.png"),
            "one": det.detect_file(DATA / "fingerpose" / "nocurl.jpg"),
            "fist": det.detect_file(DATA / "fingerpose" / "fullcurl.jpg"),
            "no_hand": det.detect_file(DATA / "no-hands" / "china.jpg"),
        }


def text_result(score: float, stance: str = "none", candidate: str | None = None,
                cues: list[str] | None = None) -> ClassifyResult:
    """The text classifier's output for the caption, as ``models.infer`` returns it."""
    return ClassifyResult(id="1", flagged=score >= 0.5, score=score, stance=stance, hate=False, candidate=candidate,
                          party=None, cues=cues or [], model_version="test", profile_id="pemilu-2024-presiden")


def test_v_sign_on_a_beach_with_no_election_context_stays_low(profile, photos) -> None:
    caption = "Liburan di pantai Kuta bareng keluarga ✌️"
    result = fuse_photo(photos["v_sign"], text_result(0.06), PhotoContext(caption=caption, when=LONG_AFTER), profile)
    assert result.score < 0.15 and not result.flagged
    assert result.stance == "none" and result.candidate is None
    # The gesture is still recorded as a cue for a reviewer who looks.
    assert any(c.startswith("gesture:two@") for c in result.cues)
    assert "gesture_number:2->02" in result.cues and "period:other" in result.cues


def test_v_sign_at_a_rally_of_candidate_number_two_scores_high(profile, photos) -> None:
    caption = "Hadir di kampanye akbar hari ini #prabowogemoy"
    text = text_result(0.45, cues=["#prabowogemoy"])  # the caption alone is uncertain
    result = fuse_photo(photos["v_sign"], text, PhotoContext(caption=caption, when=IN_CAMPAIGN), profile)
    assert result.score >= 0.85 and result.flagged
    assert (result.stance, result.candidate) == ("support", "02")
    assert {"context:hashtag:#prabowogemoy", "period:campaign", "gesture_number:2->02"} <= set(result.cues)
    assert result.hands and result.hands[0]["gesture"] == "two" and len(result.hands[0]["box"]) == 4
    # Without the hand sign the same caption stays well below.
    without = fuse_photo(photos["no_hand"], text, PhotoContext(caption=caption, when=IN_CAMPAIGN), profile)
    assert without.score < result.score - 0.3
    assert not any(c.startswith("gesture") for c in without.cues)


def test_watched_account_is_context_enough(profile, photos) -> None:
    ctx = PhotoContext(caption="Alhamdulillah", when=IN_CAMPAIGN, watched_account=True)
    result = fuse_photo(photos["one"], text_result(0.05), ctx, profile)
    assert result.candidate == "01" and result.flagged and "context:watched_account" in result.cues
    beach = fuse_photo(photos["one"], text_result(0.05), PhotoContext(caption="Alhamdulillah", when=IN_CAMPAIGN),
                       profile)
    assert beach.score < 0.2 and not beach.flagged


def test_the_period_weighs(profile, photos) -> None:
    caption = "#ganjarsalam3jari semangat"
    text = text_result(0.5)
    scores = [fuse_photo(photos["v_sign"], text, PhotoContext(caption=caption, when=day), profile).score
              for day in (IN_CAMPAIGN, date(2024, 2, 12), LONG_AFTER)]
    assert scores[0] > scores[1] > scores[2]
    assert period_factor(profile, date(2024, 2, 12)) == (WEIGHTS["period_election_season"], "period:election_season")
    assert period_factor(profile, None)[1] == "period:unknown"


def test_gesture_of_another_number_does_not_take_over_the_text_candidate(profile, photos) -> None:
    caption = "Bersama Pak Ganjar di Semarang #GerakCepatGanjarMahfud"
    text = text_result(0.8, stance="support", candidate="03", cues=["Pak Ganjar"])
    result = fuse_photo(photos["v_sign"], text, PhotoContext(caption=caption, when=IN_CAMPAIGN), profile)
    assert result.candidate == "03" and "gesture_mismatch:02" in result.cues


def test_allowed_poses_add_nothing(profile, photos) -> None:
    caption = "Kampanye akbar #prabowogemoy"
    text = text_result(0.3)
    fist = fuse_photo(photos["fist"], text, PhotoContext(caption=caption, when=IN_CAMPAIGN), profile)
    none = fuse_photo(photos["no_hand"], text, PhotoContext(caption=caption, when=IN_CAMPAIGN), profile)
    assert [h["gesture"] for h in fist.hands] == ["fist"]
    assert fist.score == none.score and fist.parts["g"] == 0.0


def test_no_text_and_no_photo_is_a_defined_zero(profile) -> None:
    result = fuse_photo(None, None, PhotoContext(), profile)
    assert result.score == 0.0 and not result.flagged and result.cues == ["period:unknown"]


def test_hashtags_match_case_insensitively(profile) -> None:
    assert campaign_hashtags(profile, "Mantap #PRABOWOGEMOY!") == [("#prabowogemoy", "02")]
    assert campaign_hashtags(profile, "prabowogemoy tanpa tanda pagar") == []


def test_result_converts_to_the_classifier_record(profile, photos) -> None:
    result = fuse_photo(photos["v_sign"], text_result(0.45), PhotoContext(caption="#prabowogemoy", when=IN_CAMPAIGN),
                        profile)
    record = result.to_classify_result("42", "text-1+gestures", profile.id).to_json()
    assert record["id"] == "42" and record["candidate"] == "02" and record["score"] == result.score
    assert any(c.startswith("gesture:two@") for c in record["cues"])


def test_stored_photo_act_is_rescored_and_its_hands_kept(sqlite_db: str, profile) -> None:
    from sqlalchemy import select

    from models.photos.gestures import shared_detector
    from monitor.classify.photos import fuse_photo_results
    from monitor.db.schema import Activity, Media, Post, WatchedAccount
    from monitor.db.session import session_scope
    from spiders.media import MediaStore
    from tests.declared import add_declared

    account_id = add_declared(sqlite_db, "bluesky", "budi.bsky.social")
    with session_scope(sqlite_db) as s:
        own = Post(platform="bluesky", external_id="p-photo", text="Hadir di acara hari ini", author_handle="budi")
        plain = Post(platform="bluesky", external_id="p-text", text="Rapat pagi")
        candidate_post = Post(platform="bluesky", external_id="p-cand", author_handle="prabowo.bsky.social")
        s.add_all([own, plain, candidate_post, WatchedAccount(profile_id=_profile_row(s), candidate_id="02",
                                                              platform="bluesky", handle="prabowo.bsky.social")])
        s.flush()
        photo_act = Activity(account_id=account_id, kind="photo", external_id="a1", post_id=own.id,
                             text=own.text, occurred_at=IN_CAMPAIGN_DT, source="crawl:test")
        text_act = Activity(account_id=account_id, kind="post", external_id="a2", post_id=plain.id,
                            text=plain.text, occurred_at=IN_CAMPAIGN_DT, source="crawl:test")
        liked = Activity(account_id=account_id, kind="like", external_id="a3", target_post_id=candidate_post.id,
                         occurred_at=IN_CAMPAIGN_DT, source="crawl:test")
        # A comment under the candidate's photo: the photo is the candidate's, not the commenter's.
        commented = Activity(account_id=account_id, kind="comment", external_id="a4", target_post_id=candidate_post.id,
                             text="Semoga lancar acaranya", occurred_at=IN_CAMPAIGN_DT, source="crawl:test")
        s.add_all([photo_act, text_act, liked, commented])
        s.flush()
        ids = (photo_act.id, text_act.id, liked.id, own.id, candidate_post.id, commented.id)
    store = MediaStore(sqlite_db)
    v_sign = store.store_bytes((DATA / "fingerpose" / "fingers-lq-frame27.png").read_bytes(), source="v.png",
                               post_id=ids[3], account_id=account_id)
    store.store_bytes((DATA / "fingerpose" / "nocurl.jpg").read_bytes(), source="one.jpg", post_id=ids[4])
    texts = [text_result(0.1), text_result(0.05), text_result(0.05), text_result(0.05)]
    with session_scope(sqlite_db) as s:
        acts = [s.get(Activity, i) for i in (*ids[:3], ids[5])]
        fused = fuse_photo_results(s, acts, texts, profile)
        assert fused[1] is texts[1]  # no image: unchanged
        assert fused[3] is texts[3]  # the commented post's image is no image of the comment's
        assert any(c.startswith("gesture:two@") for c in fused[0].cues) and not fused[0].flagged  # no context
        # A liked post of a watched candidate account showing that candidate's number: context carries the gesture.
        assert fused[2].flagged and fused[2].candidate == "01" and "context:watched_account" in fused[2].cues
        media = s.scalar(select(Media).where(Media.sha256 == v_sign.sha256))
        assert media.hands_model == shared_detector().version and media.hands["hands"][0]["gesture"] == "two"

    class NoDetector:
        version = shared_detector().version

        def detect_file(self, path: object) -> None:
            raise AssertionError("hands are read from the media row the second time")

    with session_scope(sqlite_db) as s:
        again = fuse_photo_results(s, [s.get(Activity, ids[0])], [texts[0]], profile, detector=NoDetector())
        assert again[0].score == fused[0].score


def _profile_row(s) -> str:
    from monitor.db.schema import ElectionProfile as ProfileRow

    s.add(ProfileRow(id="pemilu-2024-presiden", name="Pemilu 2024", source_yaml=PEMILU.read_text(encoding="utf-8")))
    s.flush()
    return "pemilu-2024-presiden"
