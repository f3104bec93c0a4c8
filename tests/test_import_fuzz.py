"""Fuzzing each importer's record parser (issue 22): any field shape is an act or a quarantined record.

Every field of a realistic record may be replaced by anything JSON can hold, and more: null, a number
where text belongs, objects in lists of strings, lone surrogates, NUL, strings around the field limit.
Records go through the importer's own parser (the ``Source`` it builds for its files) and are stored
the way an import stores them; the store must accept all of it — PostgreSQL refuses NUL and lone
surrogates in text — and no stored text may hold either.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.db.schema import Activity, QuarantinedRecord
from monitor.db.session import session_scope
from spiders.importers import IMPORTERS
from spiders.importers.base import (
    Export,
    ExportFile,
    ImportLimits,
    ImportStats,
    Rejected,
    bound_strings,
    parse_record,
)
from spiders.importers.run import _Batch
from spiders.items import ActivityItem
from spiders.platforms.tiktok.importer import COMMENT_PATHS, LIKE_PATHS, VIDEO_PATHS
from spiders.store import IngestStore
from tests.declared import add_declared

FIELD_CHARS = 2_000  # the field limit here: small, so strings around it stay cheap to generate
LIMITS = ImportLimits(total_bytes=1 << 30, member_bytes=1 << 30, record_bytes=1 << 20, field_chars=FIELD_CHARS,
                      members=1000)
BAD = re.compile("[\x00\ud800-\udfff]")
EXAMPLES = 150

ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec=None, categories=["Cs", "Cc", "Co", "Cf", "So"]), max_size=12),
    st.sampled_from(["\ud83d", "\udc4d halo", "a\x00b", "\x00", "\ud83d\x00\udfff", "", " ", "RT @calon: halo",
                     "1732190673", "2024-11-22 13:05:41", "Mon Feb 12 06:45:10 +0000 2024", "javascript:alert(1)"]),
    st.integers(min_value=FIELD_CHARS - 3, max_value=FIELD_CHARS + 3).map(lambda n: "\ud83d" + "x" * n),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([Decimal("1E+999"), Decimal("-0.0"), Decimal("1.5"), Decimal("1E-999")]),
                    ODD_TEXT)
ANYTHING = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(ODD_TEXT, inner, max_size=3), max_leaves=6)


def mostly(valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], k: int = 6) -> st.SearchStrategy[Any]:
    """``valid`` about k times in k+1, else ``odd``: records stay close enough to real ones to reach the storing."""
    return st.integers(0, k).flatmap(lambda i: odd if i == k else valid)


def shape(spec: Any) -> st.SearchStrategy[Any]:
    """A record built like ``spec`` where any node, at any depth, may instead be anything at all, and an
    object may miss one of its keys."""
    if isinstance(spec, st.SearchStrategy):
        valid = spec
    elif isinstance(spec, dict):
        keys = sorted(spec)
        # Now and then one key is missing (index past the keys: none is).
        valid = st.tuples(st.fixed_dictionaries({k: shape(v) for k, v in spec.items()}),
                          st.integers(0, 3 * len(keys))).map(
            lambda pair: {k: v for k, v in pair[0].items() if pair[1] >= len(keys) or k != keys[pair[1]]})
    elif isinstance(spec, list):
        valid = st.lists(shape(spec[0]), max_size=3)
    else:
        valid = st.just(spec)
    return mostly(valid, ANYTHING)


TEXT = mostly(st.sampled_from(["Ayo coblos nomor 2!", "Rapat dinas"]), ODD_TEXT, k=2)
TWEET_ID = mostly(st.sampled_from(["1756932437572161148", "100", "1" * 25]), ODD_TEXT)
TS = mostly(st.sampled_from([1732190673, "1732190673", 1732190673.5, "  1732190673 "]), st.integers())
DATE = mostly(st.just("2024-11-22 13:05:41"), ODD_TEXT)
IG_URL = mostly(st.sampled_from(["https://www.instagram.com/p/DCk3vQbSx9L/", "https://instagram.com/reel/a\x00b/"]),
                TEXT)
TT_URL = mostly(st.just("https://www.tiktokv.com/share/video/7439670757959970302/"), TEXT)

TWEET = {"id_str": TWEET_ID, "id": TWEET_ID, "created_at": st.just("Mon Feb 12 06:45:10 +0000 2024"),
         "full_text": TEXT, "text": TEXT, "lang": st.one_of(st.sampled_from(["in", "en"]), TEXT),
         "entities": {"hashtags": [{"text": TEXT}], "user_mentions": [{"screen_name": TEXT}],
                      "urls": [{"expanded_url": TEXT}], "media": [{"type": st.just("photo"), "media_url_https": TEXT}]},
         "extended_entities": {"media": [{"type": st.sampled_from(["photo", "video"]), "media_url_https": TEXT}]},
         "edit_info": {"initial": {"editTweetIds": [TWEET_ID]}, "edit": {"initialTweetId": TWEET_ID}},
         "in_reply_to_status_id_str": TWEET_ID, "display_text_range": [st.integers(-5, 500)]}
META_MEDIA = {"uri": TEXT, "creation_timestamp": TS, "title": TEXT, "description": TEXT}
KINDS: dict[str, list[tuple[str, str, Any]]] = {
    # importer: (file name in the export, section, record spec)
    "x-archive": [("data/tweets.js", "item", {"tweet": TWEET}), ("data/tweets.js", "item", TWEET),
                  ("data/like.js", "item", {"like": {"tweetId": TWEET_ID, "fullText": TEXT, "expandedUrl": TEXT}})],
    "instagram": [
        ("act/content/posts_1.json", "item", {"media": [META_MEDIA], "creation_timestamp": TS, "title": TEXT}),
        ("act/comments/post_comments_1.json", "item",
         {"string_map_data": {"Comment": {"value": TEXT}, "Media Owner": {"value": TEXT}, "Time": {"timestamp": TS}},
          "label_values": [{"label": st.sampled_from(["Comment", "Time"]), "value": TEXT}], "timestamp": TS}),
        ("act/likes/liked_posts.json", "item",
         {"title": TEXT, "string_list_data": [{"href": IG_URL, "timestamp": TS}]}),
        ("act/likes/liked_posts.json", "item",
         {"timestamp": TS, "label_values": [{"label": st.sampled_from(["URL", "Username"]), "value": IG_URL,
                                             "dict": [{"label": TEXT, "value": TEXT}]}]}),
    ],
    "facebook": [
        ("act/posts/your_posts_1.json", "item",
         {"timestamp": TS, "title": TEXT, "data": [{"post": TEXT}],
          "attachments": [{"data": [{"media": META_MEDIA, "external_context": {"url": TEXT}}]}]}),
        ("act/comments/comments.json", "item",
         {"timestamp": TS, "title": TEXT, "data": [{"comment": {"comment": TEXT, "group": TEXT}}]}),
        ("act/reactions/likes_and_reactions_1.json", "item",
         {"timestamp": TS, "title": TEXT, "data": [{"reaction": {"reaction": TEXT}}],
          "label_values": [{"label": st.sampled_from(["URL", "Name", "Reaction"]), "value": TEXT}]}),
    ],
    "tiktok": [
        ("user_data.json", sorted(LIKE_PATHS)[0], {"Date": DATE, "Link": TT_URL}),
        ("user_data.json", sorted(COMMENT_PATHS)[0], {"Date": DATE, "Comment": TEXT, "url": TEXT}),
        ("user_data.json", sorted(VIDEO_PATHS)[0],
         {"Date": DATE, "Link": TT_URL, "Title": TEXT, "Description": TEXT, "AlternateText": TEXT,
          "Likes": ANYTHING, "Sound": ANYTHING}),
    ],
}
HANDLES = {"x-archive": "sriwahyuning", "instagram": "sri.w", "facebook": "yohana.s", "tiktok": "yohana.s"}


def _never_opened() -> IO[bytes]:
    raise AssertionError("the fuzz hands records to the parsers; no file is read")


def _sources(name: str) -> dict[str, Any]:
    """The importer's sources for an export holding its files, by file name."""
    export = Export(path=Path("fuzz.zip"), sha256="0" * 64, size=0, limits=LIMITS,
                    files=[ExportFile(file, _never_opened, 0) for file, _section, _spec in KINDS[name]])
    return {s.file.name: s for s in IMPORTERS[name].sources(export, HANDLES[name])}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (_strings(k) + _strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _stored_text(url: str, run_id: int, account_id: int) -> list[str]:
    with session_scope(url) as s:
        texts: list[str] = []
        for a in s.scalars(select(Activity).where(Activity.account_id == account_id)):
            texts += [a.text or "", a.context_text or "", a.url or "", a.external_id]
            for post in (a.post, a.target_post):
                if post is not None:
                    texts += [post.text or "", post.url or "", post.author_handle or "", post.external_id,
                              post.lang or "", post.posted_at_raw or "", post.parent_external_id or "",
                              *_strings(post.extras)]
        for q in s.scalars(select(QuarantinedRecord).where(QuarantinedRecord.crawl_run_id == run_id)):
            texts += [q.error, q.url or "", q.account or ""]
    return texts


@pytest.mark.parametrize("name", sorted(KINDS))
def test_any_record_is_an_act_or_quarantined_and_stores_clean_text(db_url: str, name: str) -> None:
    handle = HANDLES[name]
    platform = IMPORTERS[name].platform
    account_id = add_declared(db_url, platform, handle)
    store = IngestStore(db_url)
    sources = _sources(name)
    kinds = st.sampled_from(KINDS[name]).flatmap(
        lambda kind: st.tuples(st.just(kind[0]), st.just(kind[1]), mostly(shape(kind[2]), ANYTHING)))
    seen: dict[str, int] = {"act": 0, "quarantined": 0}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(kinds)
    def check(drawn: tuple[str, str, Any]) -> None:
        file, section, raw_record = drawn
        # What the stream hands the parser: strings cut at the field limit, numbers made storable.
        record, _cut = bound_strings(raw_record, FIELD_CHARS)
        out = parse_record(sources[file], section, record, 0)
        assert out and all(isinstance(x, ActivityItem | Rejected) for x in out)
        stats = ImportStats()
        run_id = store.start_run(f"fuzz:{name}", platform, handle)
        problems: list[str] = []
        batch = _Batch(store, run_id, IMPORTERS[name], account_id, handle, stats,
                       lambda code, file, position, message, url, **_: problems.append(message))
        for x in out:
            if isinstance(x, ActivityItem):
                batch.add_act(x)
                seen["act"] += 1
            else:
                batch.add_rejected(x)
                seen["quarantined"] += 1
        batch.flush()
        assert stats.store_failures == 0, problems
        bad = [t for t in _stored_text(db_url, run_id, account_id) if BAD.search(t)]
        assert bad == [], bad[:3]
        store.finish_run(run_id)

    check()
    # Both outcomes were exercised, and often: the fuzz reaches the store, not only the quarantine.
    assert seen["act"] >= EXAMPLES // 10 and seen["quarantined"] >= EXAMPLES // 10, seen


VALID = {
    "x-archive": [("data/tweets.js", "item", {"tweet": {"id_str": "5", "created_at": "Mon Feb 12 06:45:10 +0000 2024",
                                                       "full_text": "Rapat"}}),
                  ("data/like.js", "item", {"like": {"tweetId": "6"}})],
    "instagram": [("act/content/posts_1.json", "item", {"media": [{"uri": "m/1.jpg"}], "creation_timestamp": 1}),
                  ("act/likes/liked_posts.json", "item",
                   {"title": "a", "string_list_data": [{"href": "https://www.instagram.com/p/X1/", "timestamp": 1}]})],
    "facebook": [("act/comments/comments.json", "item", {"timestamp": 1, "data": [{"comment": {"comment": "hai"}}]})],
    "tiktok": [("user_data.json", sorted(COMMENT_PATHS)[0], {"Date": "2024-11-22 13:05:41", "Comment": "hai"})],
}


@pytest.mark.parametrize("name", sorted(VALID))
def test_ordinary_records_are_acts(name: str) -> None:
    """The fuzz above must not pass by quarantining everything: plain records still parse."""
    sources = _sources(name)
    for file, section, record in VALID[name]:
        out = parse_record(sources[file], section, record, 0)
        assert [type(x) for x in out] == [ActivityItem], (record, out)
