"""JSON columns keep every value they are given, whichever serialiser writes it (monitor/db/session.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from monitor.db.schema import Post
from monitor.db.session import json_text, session_scope

VALUES = [
    {"media": [{"alt": "Petugas 🙏", "n": 1.5, "none": None}], "ok": True},  # orjson's path
    {"id": 2 ** 70, "note": "beyond 64 bits"},  # orjson refuses: the standard library writes it
    {"1": "int keys arrive as strings", "nested": {"deep": [[], {}]}},
]


@pytest.mark.parametrize("value", VALUES)
def test_json_columns_read_back_what_was_stored(db_url: str, value: dict) -> None:
    with session_scope(db_url) as s:
        post = Post(platform="bluesky", external_id=f"json-{len(str(value))}", text="", extras=value)
        s.add(post)
        s.flush()
        post_id = post.id
    with session_scope(db_url) as s:
        assert s.scalar(select(Post.extras).where(Post.id == post_id)) == value


def test_json_text_writes_non_string_keys_as_json_does() -> None:
    assert json_text({1: "a", "b": [1, 2]}) == '{"1":"a","b":[1,2]}'
    assert json_text({"n": 2 ** 70}) == '{"n": 1180591620717411303424}'
