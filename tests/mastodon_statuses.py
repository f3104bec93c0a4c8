"""A Mastodon server for crawl-reliability tests: one account's statuses, as many as needed.

Real paging (docs/platform-formats.md §2.2): newest first; ``max_id`` gives the statuses below
it, ``min_id`` the ones just above it; the ``Link`` header names the next page down
(``rel="next"``, ``max_id``) and the next page up (``rel="prev"``, ``min_id``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from spiders.replay import JSON_TYPE, ReplayServer, Reply

ACCOUNT_ID = "109870000000000001"
USER = "banyak"
HOST = "mastodon.example"
HANDLE = f"{USER}@{HOST}"
START = datetime(2026, 2, 2, tzinfo=UTC)


class StatusesServer:
    def __init__(self) -> None:
        self.statuses: list[dict[str, Any]] = []  # newest first
        self.server = ReplayServer()
        self.server.add_handler("/api/v1/accounts/lookup", self._lookup)
        self.server.add_handler(f"/api/v1/accounts/{ACCOUNT_ID}/statuses", self._statuses)
        self.server.add_handler(f"/api/v1/accounts/{ACCOUNT_ID}/following",
                                lambda _p, _q: Reply(200, b"[]", {"Content-Type": JSON_TYPE}))

    def __enter__(self) -> StatusesServer:
        self.server.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.stop()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def add_statuses(self, count: int) -> list[str]:
        uris = []
        for _ in range(count):
            n = len(self.statuses) + 1
            status_id = str(113000000000000000 + n * 1000)
            uri = f"https://{HOST}/users/{USER}/statuses/{status_id}"
            self.statuses.insert(0, {
                "id": status_id, "uri": uri, "url": f"https://{HOST}/@{USER}/{status_id}",
                "created_at": (START + timedelta(minutes=n)).isoformat().replace("+00:00", ".000Z"),
                "content": f"<p>Pelayanan terpadu hari ke-{n}</p>", "visibility": "public", "language": "id",
                "in_reply_to_id": None, "reblog": None, "media_attachments": [], "tags": [], "mentions": [],
                "account": {"id": ACCOUNT_ID, "acct": USER, "url": f"https://{HOST}/@{USER}",
                            "uri": f"https://{HOST}/users/{USER}"},
            })
            uris.append(uri)
        return uris

    def _lookup(self, _path: str, _query: dict[str, list[str]]) -> Reply:
        body = {"id": ACCOUNT_ID, "acct": USER, "url": f"https://{HOST}/@{USER}", "uri": f"https://{HOST}/users/{USER}"}
        return Reply(200, json.dumps(body).encode(), {"Content-Type": JSON_TYPE})

    def _statuses(self, path: str, query: dict[str, list[str]]) -> Reply:
        limit = int(query.get("limit", ["20"])[0])
        max_id = query.get("max_id", [None])[0]
        min_id = query.get("min_id", [None])[0]
        if min_id:  # the page just above min_id, newest first
            above = [s for s in self.statuses if int(s["id"]) > int(min_id)]
            page = above[-limit:]
        else:
            below = [s for s in self.statuses if not max_id or int(s["id"]) < int(max_id)]
            page = below[:limit]
        headers = {"Content-Type": JSON_TYPE}
        if page:
            base = f"{self.base_url}{path}?limit={limit}"
            headers["Link"] = (f'<{base}&max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}&min_id={page[0]["id"]}>; rel="prev"')
        return Reply(200, json.dumps(page).encode(), headers)
