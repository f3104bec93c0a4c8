"""Resume points of crawled accounts: how a checkpoint moves one, and when it must wait.

Shared by the store's item-by-item path (``spiders.store``) and its batch path (``spiders.ingest_batch``).
"""

from __future__ import annotations

from typing import Any

from monitor.db.schema import Account, WatchedAccount
from monitor.db.types import utcnow
from spiders.items import CrawlCheckpointItem
from spiders.store_errors import PositionHeld


def retry_key(platform: str, account_id: int | None, handle: str | None) -> str:
    """How the retry table names the account an act belongs to (its registry id when known)."""
    return f"account:{account_id}" if account_id is not None else f"{platform}:{(handle or '').lower()}"


def later(old: Any, new: Any) -> Any:
    """The further on of two positions: numeric ids (Mastodon) by value, ISO times (Bluesky) as text."""
    if old is None:
        return new
    if new is None:
        return old
    a, b = str(old), str(new)
    if a.isdigit() and b.isdigit():
        return new if int(b) > int(a) else old
    return new if b > a else old


def checkpoint_retry_keys(item: CrawlCheckpointItem, row: Account) -> set[str]:
    """The names under which the retry table may hold acts of the checkpoint's account."""
    keys = {retry_key(item.platform, row.id, None), retry_key(item.platform, None, item.handle)}
    if row.external_id:
        keys.add(retry_key(item.platform, None, row.external_id))
    return keys


def advance_position(row: Account | WatchedAccount, item: CrawlCheckpointItem, waiting: int) -> None:
    """Merge a checkpoint into the account's resume point, unless ``waiting`` acts of it are in the retry table.

    A position moved past an act that failed to store would lose that act for good: it is held until the
    retry table has stored it (``PositionHeld``).
    """
    if waiting:
        raise PositionHeld(f"resume point of {item.handle} kept where it was: {waiting} act(s) of the "
                           "account wait in the retry table")
    state = {**(row.crawl_state or {}), **item.crawl_state}
    for key, value in item.advance.items():
        state[key] = later(state.get(key), value)
    gaps = dict(state.get("gaps") or {})
    for gap_id in item.gaps_remove:
        gaps.pop(gap_id, None)
    gaps.update(item.gaps_set)
    if gaps:
        state["gaps"] = gaps
    else:
        state.pop("gaps", None)
    row.crawl_state = {k: v for k, v in state.items() if v is not None}
    row.last_crawled_at = utcnow()
