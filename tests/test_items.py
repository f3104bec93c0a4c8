"""Records' evidence bytes and page decoding with orjson, identical to the standard library's.

``raw_json`` must write the bytes ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``
wrote before orjson (evidence of a record is its bytes; a re-crawl compares them), for every
platform fixture and for generated JSON; what orjson refuses falls back to the standard library.
``loads`` decodes what ``json.loads`` decodes, to the same values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spiders.items import PostItem, clean, loads, needs_cleaning, raw_json

PLATFORMS = Path(__file__).resolve().parent.parent / "spiders" / "platforms"
FIXTURES = sorted(p for p in PLATFORMS.glob("*/fixtures/**/*.json") if p.is_file())


def stdlib_bytes(obj: Any) -> bytes:
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def records(value: Any) -> list[Any]:
    """Every dict and list inside ``value`` (each could be a record cut out of a page)."""
    found = [value]
    if isinstance(value, dict):
        for v in value.values():
            found += records(v)
    elif isinstance(value, list):
        for v in value:
            found += records(v)
    return found


def test_there_are_fixtures_to_compare() -> None:
    assert len(FIXTURES) >= 20


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(PLATFORMS)))
def test_raw_json_writes_the_standard_librarys_bytes_for_every_fixture(path: Path) -> None:
    body = path.read_bytes()
    try:
        page = json.loads(body)
    except ValueError:
        pytest.skip("not JSON (an error page kept as a fixture)")
    assert loads(body) == page
    for record in records(page):
        assert raw_json(record) == stdlib_bytes(record)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_raw_json_and_loads_agree_with_the_standard_library_on_any_json(value: Any) -> None:
    written = raw_json(value)
    assert written == stdlib_bytes(value)
    assert loads(written) == json.loads(written)


@settings(max_examples=3000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_is_written_as_the_standard_library_writes_it(value: float) -> None:
    # orjson and the standard library disagree on notation below 1e-4 (hypothesis found 1e-05 and 4e-09).
    record = {"aspectRatio": value, "xs": [value, -value]}
    assert raw_json(record) == stdlib_bytes(record)


@pytest.mark.parametrize("value", [1e-05, 1.5e-05, -1e-07, 4.182445460192857e-09, 5e-324, 1e16, 1e-4, 0.1])
def test_the_floats_where_the_notations_differ(value: float) -> None:
    assert raw_json([value]) == stdlib_bytes([value])


def test_what_orjson_refuses_is_written_and_read_as_before() -> None:
    lone = {"text": "salah \ud83d", "n": 2**70}  # an unpaired surrogate, an integer beyond 64 bits
    assert raw_json(lone) == stdlib_bytes(lone) == b'{"text":"salah \\ud83d","n":1180591620717411303424}'
    assert loads(b'{"text":"salah \\ud83d"}') == {"text": "salah \ud83d"}
    assert str(loads(b"[NaN]")[0]) == "nan"
    with pytest.raises(ValueError):
        loads(b'{"text": ')


@pytest.mark.parametrize(("extras", "needed"), [
    ({"hashtags": ["Pemilu"], "media": [{"alt": "warga 🙏", "n": 1}]}, False),
    ({"alt_texts": ["nul\x00di tengah"]}, True),
    ({"alt_texts": ["\ud83d"]}, True),
    ({1: "kunci bukan teks"}, True),
    ({"raw": b"bytes"}, True),
    ({"text": "garis miring \\u0000 ditulis"}, True),  # harmless: walked although nothing changes
])
def test_needs_cleaning_says_when_the_walk_could_change_something(extras: dict[Any, Any], needed: bool) -> None:
    assert needs_cleaning(extras) is needed
    if not needed:
        assert clean(extras) == extras


def test_a_post_s_extras_are_cleaned_exactly_when_they_must_be() -> None:
    dirty = PostItem(platform="bluesky", external_id="at://x/1", extras={"alt_texts": ["a\x00b \ud83d"]})
    assert dirty.extras == {"alt_texts": ["ab \ufffd"]}
    tidy_extras = {"hashtags": ["Pemilu2024"], "quote": {"uri": "at://y/2", "view": {"text": "🙏"}}}
    tidy = PostItem(platform="bluesky", external_id="at://x/2", extras=tidy_extras)
    assert tidy.extras == tidy_extras
