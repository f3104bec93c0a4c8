"""Identical acts and one verdict for many of them (issue 17).

Many accounts often do the same thing: share or like one candidate's post, follow one campaign account,
paste one slogan. Such acts are *identical* when they have the same :class:`ActKey`:

- a like, share or follow: the same kind on the same post acted on (``activity.target_post_id``; a Post row
  is unique per platform id, so every account's like of one post points at the same row) and, for a share
  with words of its own, the same words;
- a comment: the same post commented on and the same words;
- an own post: the same words (a post without words has nothing to compare);
- a photo is never identical to another: what it shows is the act, and it is not compared.

Words are compared after :func:`normalise` (Unicode NFKC, case folded, runs of white space as one space).
Own posts to compare are found through the search index by their words (see :func:`_by_search_index`).

:func:`bulk_decide` records one verdict on several of them, each as its own decision through
:func:`monitor.review.decisions.decide` (validation, four eyes, the latest decision the reviewer saw). Every
id must be an item the user sees (else :class:`LookupError`, the whole batch refused: another agency's item
answers like a missing one) and identical to the item the form was on (else :class:`BulkRefused`). An item
that is no longer pending, is held by someone else, or awaits this user's own verdict's confirmation is
skipped and reported; it is not an error of the batch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from monitor.access.scoping import can, claim_holder, scope_filter, visible_agency_ids
from monitor.config import Settings
from monitor.db.schema import Activity, Decision, Post, ReviewItem, User
from monitor.db.search import MAX_TERMS, index_words, text_match_all
from monitor.i18n import _
from monitor.review.decisions import DecisionError, DecisionForbidden, DecisionInput, decide, four_eyes_block
from monitor.review.decisions import latest_decision as latest_of

# Acts whose meaning is the post acted on (plus a share's own words, if any).
TARGET_KINDS = frozenset({"like", "share", "follow"})
# The most identical items listed on a page and decided in one form: a form of hundreds of boxes is not read.
MAX_BULK = 200
# Rows read per round trip while looking for identical own posts (their words are compared here, not in SQL).
SCAN_BATCH = 500
# Shorter words are not used to find an own post's copies through the search index (_by_search_index).
MIN_WORD_CHARS = 3
_SPACE = re.compile(r"\s+")


class BulkRefused(ValueError):
    """The whole batch was refused; ``field`` names the form field, ``message`` says why (the catalogue's)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class ActKey:
    """What makes two acts the same act (see the module docstring)."""

    kind: str
    target_post_id: int | None
    words: str


def normalise(text: str | None) -> str:
    """Words as compared: NFKC, case folded, white space collapsed, trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def own_words(activity: Activity) -> str | None:
    """What the account itself wrote (the item page's ``own_text``)."""
    if activity.text is not None:
        return activity.text
    return activity.post.text if activity.post is not None else None


def act_key(activity: Activity) -> ActKey | None:
    """The act's key, or ``None`` when it is not compared with others (a photo, a post without words)."""
    words = normalise(own_words(activity))
    if activity.kind in TARGET_KINDS:
        if activity.target_post_id is None:
            return None
        return ActKey(activity.kind, activity.target_post_id, words)
    if activity.kind == "comment":
        return ActKey("comment", activity.target_post_id, words) if words else None
    if activity.kind == "post":
        return ActKey("post", None, words) if words else None
    return None


@dataclass(frozen=True)
class IdenticalItems:
    """Pending items identical to one item, in the viewer's scope, in queue order (priority, then newest)."""

    items: list[ReviewItem]
    more: bool  # there are more than MAX_BULK; only the first are listed


def identical_items(session: Session, user: User, item: ReviewItem, limit: int = MAX_BULK) -> IdenticalItems:
    """Other pending items whose act is identical to ``item``'s, among those ``user`` may see."""
    key = act_key(item.activity)
    if key is None or not can(user, "view"):
        return IdenticalItems([], False)
    agency_ids = visible_agency_ids(session, user)
    # Only ids and words are read while comparing; the items listed are loaded afterwards.
    query = (
        select(ReviewItem.id, Activity.text, Post.text)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .outerjoin(Post, Post.id == Activity.post_id)
        .where(ReviewItem.id != item.id, Activity.kind == key.kind)
        .order_by(ReviewItem.priority.desc(), ReviewItem.id.desc())
    )
    lead: Any
    if key.kind != "post" and key.target_post_id is not None:
        lead = Activity.target_post_id == key.target_post_id  # served by ix_activity_target_post_id
    else:
        lead = _by_search_index(session, item, key)
        if key.kind == "comment":
            query = query.where(Activity.target_post_id.is_(None))
    if lead is not None and session.get_bind().dialect.name == "sqlite":
        # The few acts found by an index (the post acted on, or a word) must lead, their items then sorted.
        # SQLite has no planner statistics (nothing runs ANALYZE): it takes ``status = 'pending'`` for a few
        # rows and would walk the whole pending queue instead, so status and agency are written here as
        # expressions no index serves. PostgreSQL, which has statistics, plans well from the plain ones and
        # badly from these (it cannot estimate them).
        query = query.where(lead, ReviewItem.status.concat("") == "pending",
                            scope_filter(agency_ids, ReviewItem.agency_id + 0))
    else:
        query = query.where(ReviewItem.status == "pending", scope_filter(agency_ids),
                            *([] if lead is None else [lead]))
    found: list[int] = []
    # Walking the queue streams it, to stop at the limit. What an index found is read at once: through a
    # server-side cursor PostgreSQL plans for the first rows and tests the search on every pending item.
    rows = session.execute(query if lead is not None else query.execution_options(yield_per=SCAN_BATCH))
    try:
        for item_id, text, post_text in rows:
            if normalise(text if text is not None else post_text) == key.words:  # own_words() of the row
                found.append(item_id)
                if len(found) > limit:
                    break
    finally:
        rows.close()  # stopped early: the rest of the cursor is not read
    listed = found[:limit]
    loaded = {i.id: i for i in session.scalars(
        select(ReviewItem).where(ReviewItem.id.in_(listed))
        .options(joinedload(ReviewItem.activity).joinedload(Activity.post),
                 joinedload(ReviewItem.activity).joinedload(Activity.account))
    ).unique()} if listed else {}
    return IdenticalItems([loaded[i] for i in listed], len(found) > limit)


def _by_search_index(session: Session, item: ReviewItem, key: ActKey) -> Any:
    """A condition narrowing the acts compared to those the search index finds by the item's words, or None.

    Comparing an own post with every pending one read about 14,000 texts at 100,000 items (a third of a
    second). The index is asked for the acts holding all of the item's longest words (up to MAX_TERMS; words
    under MIN_WORD_CHARS are too common and costly as prefixes), each word kept only when the index finds the
    item's own act by it: a word the index holds otherwise (a URL path on PostgreSQL, an act whose words are
    its post's) would find no copy. Copies whose words the index holds differently (in full-width letters,
    say) are therefore not offered; the acts found are still compared word for word.
    """
    dialect = session.get_bind().dialect.name
    longest = sorted((w for w in index_words(key.words) if len(w) >= MIN_WORD_CHARS), key=len, reverse=True)
    words = [w for w in longest[:MAX_TERMS]
             if session.scalar(text_match_all((w,), dialect, act_id=item.activity_id)) is not None]
    return Activity.id.in_(text_match_all(words, dialect)) if words else None


@dataclass(frozen=True)
class BulkRow:
    """One line of the bulk form: the item, the latest decision on it (the form sends it back), and why it
    cannot be decided in bulk now (its box is disabled), or None."""

    item: ReviewItem
    latest_id: int | None
    skip: str | None


def bulk_rows(session: Session, user: User, anchor: ReviewItem, identical: list[ReviewItem]) -> list[BulkRow]:
    """The bulk form's lines: the item the page shows (while pending) first, then the identical ones."""
    items = ([anchor] if anchor.status == "pending" else []) + identical
    latest: dict[int, Decision] = {}
    if items:
        for d in session.scalars(select(Decision).where(Decision.review_item_id.in_([i.id for i in items]))
                                 .order_by(Decision.id)):
            latest[d.review_item_id] = d  # ascending ids: the last one seen is the latest
    return [BulkRow(i, latest[i.id].id if i.id in latest else None, _skip_reason(session, user, i, latest.get(i.id)))
            for i in items]


@dataclass(frozen=True)
class BulkTarget:
    """One box ticked on the form: the item and the latest decision on it the reviewer saw (None: none)."""

    item_id: int
    expected_latest_id: int | None


@dataclass
class BulkOutcome:
    decided: list[Decision] = field(default_factory=list)
    # (item id, why), the catalogue's words: not pending any more, held by someone else, four eyes, decided meanwhile.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    # (item id, the rule that refused the verdict for this item): e.g. a candidate not in its profile.
    refused: list[tuple[int, DecisionError]] = field(default_factory=list)


def bulk_decide(session: Session, anchor: ReviewItem, user: User, targets: list[BulkTarget], data: DecisionInput,
                settings: Settings | None = None) -> BulkOutcome:
    """Record ``data`` on every target, each as its own decision; nothing is committed here.

    Raises DecisionForbidden (role), LookupError (an id the user does not see: nothing recorded) or
    BulkRefused (no items, too many, or an item not identical to ``anchor``: nothing recorded).
    """
    if not can(user, "decide"):
        raise DecisionForbidden(f"{user.username} may not decide")
    ids = list(dict.fromkeys(t.item_id for t in targets))
    if not ids:
        raise BulkRefused("items", _("choose at least one item"))
    if len(ids) > MAX_BULK + 1:  # the identical ones listed and the item the form is on
        raise BulkRefused("items", _("at most {n} items at a time", n=MAX_BULK))
    items = {i.id: i for i in session.scalars(
        select(ReviewItem).where(ReviewItem.id.in_(ids), scope_filter(visible_agency_ids(session, user))))}
    missing = [i for i in ids if i not in items]
    if missing:
        raise LookupError(missing)
    key = act_key(anchor.activity)
    strangers = [i for i in ids if i != anchor.id and (key is None or act_key(items[i].activity) != key)]
    if strangers:
        raise BulkRefused("items", _("items {items} are not the same act as this item",
                                     items=", ".join(f"#{i}" for i in strangers[:10])))
    expected = {t.item_id: t.expected_latest_id for t in targets}
    outcome = BulkOutcome()
    for item_id in ids:
        item = items[item_id]
        why = _skip_reason(session, user, item, latest_of(session, item))
        if why is not None:
            outcome.skipped.append((item_id, why))
            continue
        try:
            decision = decide(session, item, user, replace(data, expected_latest_id=expected[item_id]),
                              settings=settings)
        except DecisionError as exc:
            # decide() checks before it changes anything: a refusal leaves the item and the session as they were.
            if exc.field == "expected_latest_id":
                outcome.skipped.append((item_id, _("decided by someone else since the page was loaded")))
            else:
                outcome.refused.append((item_id, exc))
            continue
        outcome.decided.append(decision)
    return outcome


def _skip_reason(session: Session, user: User, item: ReviewItem, latest: Decision | None) -> str | None:
    if item.status != "pending":
        return _("no longer awaiting a verdict")
    holder = claim_holder(item)
    # Held by someone else: they are reading it now, so a bulk verdict never takes it from them, whoever sends
    # it (a supervisor can still decide that item on its own page).
    if holder is not None and holder != user.id:
        other = session.get(User, holder)
        return _("held by {name}", name=(other.full_name or other.username) if other else "—")
    # A pending item's latest decision can only be an awaiting one (a disputed item is escalated).
    if four_eyes_block(user, latest) is not None:
        return _("your own verdict awaits a second reviewer's confirmation")
    return None
