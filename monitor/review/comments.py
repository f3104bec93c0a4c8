"""Comments on a review item: reviewers' discussion beside the decisions (issue 17).

A comment is not a verdict: it changes neither the item's status nor who holds it, and four eyes does not
apply. Whoever reviews (may decide) and sees the item may add one, whoever holds the item; those who only
read (agency auditors) read them. Comments are append-only, like decisions: never edited, never deleted.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.access.scoping import can, visible_item
from monitor.db.schema import ItemComment, ReviewItem, User
from monitor.i18n import _

MAX_COMMENT_LENGTH = 2000


class CommentError(ValueError):
    """A comment was refused; the message says why (the catalogue's, Bahasa Indonesia)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def may_comment(session: Session, user: User, item: ReviewItem) -> bool:
    """Reviewers, supervisors and admins who see the item; a claim by someone else does not stop a remark."""
    return can(user, "decide") and visible_item(session, user, item.id) is not None


def add_comment(session: Session, item: ReviewItem, author: User, body: str) -> ItemComment:
    """Validate and append a comment; raises PermissionError (may not comment) or CommentError (bad text)."""
    if not may_comment(session, author, item):
        raise PermissionError(f"{author.username} may not comment on item {item.id}")
    text = (body or "").strip()
    if not text:
        raise CommentError(_("the comment is empty"))
    if len(text) > MAX_COMMENT_LENGTH:
        raise CommentError(_("the comment is too long (at most {n} characters)", n=MAX_COMMENT_LENGTH))
    comment = ItemComment(review_item_id=item.id, author_id=author.id, body=text)
    session.add(comment)
    session.flush()
    return comment


def item_comments(session: Session, item: ReviewItem) -> list[ItemComment]:
    """The item's comments, oldest first (the caller has checked the item is visible)."""
    return list(session.scalars(select(ItemComment).where(ItemComment.review_item_id == item.id)
                                .order_by(ItemComment.id)))
