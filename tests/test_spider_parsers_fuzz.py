"""Every field shape through every spider's record parser: an item or a quarantined record, never a crash.

Hypothesis puts values of any JSON shape — null, numbers, booleans, nested lists and objects,
strings with unpaired surrogates and NUL characters — into each field (at any depth) of a real
record, and the spider's own per-record path (``NetraSpider.each_record``) must give either items
whose text can be stored and tokenised, or one quarantined copy of the record with its error.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.utils.test import get_crawler

from spiders.base import Target
from spiders.items import ActivityItem, PostItem, QuarantineItem
from spiders.platforms import PLATFORMS
from spiders.platforms.bluesky.spider import BlueskySpider
from spiders.platforms.mastodon.spider import MastodonSpider

FIXTURES_BSKY = PLATFORMS["bluesky"].fixtures
FIXTURES_MASTO = PLATFORMS["mastodon"].fixtures
BAD_TEXT = st.sampled_from(["\ud83d", "a\x00b", "\udfff\ud800", "", " ", "\u200b\x00", "é" * 5, "#", "@"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 63), 2 ** 63), st.floats(allow_nan=False),
                    st.text(max_size=20), BAD_TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += _paths(inner, (*prefix, i))
    return out


def _set(record: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        record = record[key]
    record[path[-1]] = value


def _texts(item: Any) -> list[str]:
    found: list[str] = []
    if isinstance(item, PostItem):
        found += [v for v in (item.text, item.url, item.author_handle, item.lang) if isinstance(v, str)]
        found += [v for v in json.dumps(item.extras, ensure_ascii=False).split('"') if v]
    if isinstance(item, ActivityItem):
        found += [v for v in (item.text, item.context, item.url) if isinstance(v, str)]
        for post in (item.post, item.target):
            if post is not None:
                found += _texts(post)
    return found


def _check(outputs: list[Any], records: int) -> None:
    quarantined = [o for o in outputs if isinstance(o, QuarantineItem)]
    assert len({q.url for q in quarantined}) == len(quarantined) <= records  # at most one copy per record
    for q in quarantined:
        assert q.raw and q.error.startswith("unreadable record:")
    for item in outputs:
        for text in _texts(item):
            assert "\x00" not in text
            text.encode("utf-8")  # no unpaired surrogate is left


def _spider(cls: type) -> Any:
    crawler = get_crawler(cls, {"NETRA_PAGE_SIZE": 50, "NETRA_MAX_PAGES": 2, "NETRA_WATCHED_PAGES": 1})
    spider = cls.from_crawler(crawler, base_url="http://127.0.0.1:1")
    crawler.spider = spider
    return spider


BSKY_PAGE = json.loads((FIXTURES_BSKY / "getAuthorFeed_page1.json").read_text(encoding="utf-8"))
BSKY_ENTRIES = [e for e in BSKY_PAGE["feed"] if isinstance(e, dict)]
BSKY_TARGET = Target(handle="rinapratiwi.bsky.social", account_id=1,
                     external_id=BSKY_ENTRIES[0]["post"]["author"]["did"])
BSKY_PATHS = [(i, *p) for i, e in enumerate(BSKY_ENTRIES) for p in _paths(e)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bluesky_feed_entries_of_any_shape(data: st.DataObject) -> None:
    spider = _spider(BlueskySpider)
    entries = copy.deepcopy(BSKY_ENTRIES)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(BSKY_PATHS))
        try:
            _set(entries, path, data.draw(VALUES))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the path
    outputs = list(spider.each_record(BSKY_TARGET, "http://x/feed", entries,
                                      lambda e: spider.declared_entry(BSKY_TARGET, e, "http://x/feed")))
    for entry_output in outputs:
        assert isinstance(entry_output, ActivityItem | QuarantineItem)
    _check(outputs, len(entries))


MASTO_STATUS = json.loads((FIXTURES_MASTO / "status_113503544606859411.json").read_text(encoding="utf-8"))
MASTO_TARGET = Target(handle="bambang_h@mastodon.example", account_id=1, external_id="https://mastodon.example/x")
MASTO_PATHS = _paths(MASTO_STATUS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mastodon_statuses_of_any_shape(data: st.DataObject) -> None:
    spider = _spider(MastodonSpider)
    status = copy.deepcopy(MASTO_STATUS)
    for _ in range(data.draw(st.integers(1, 3))):
        try:
            _set(status, data.draw(st.sampled_from(MASTO_PATHS)), data.draw(VALUES))
        except (KeyError, IndexError, TypeError):
            continue

    def read(record: Any) -> Any:
        if not isinstance(record, dict) or not isinstance(record.get("uri"), str):
            raise ValueError("status without a uri")
        return spider.declared_status(MASTO_TARGET, record, "mastodon.example", "http://x/statuses")

    outputs = [o for o in spider.each_record(MASTO_TARGET, "http://x/statuses", [status], read)
               if isinstance(o, ActivityItem | QuarantineItem)]
    _check(outputs, 1)
