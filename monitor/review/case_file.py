"""What a reviewer sees about one review item: the captured act, its context, evidence,
classification, the ASN (to those allowed), the decisions and comments, and the account's earlier items — all scoped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.keywords import HATE_WORDS
from models.profile import ElectionProfile as LoadedProfile
from monitor.access.scoping import can, may_decide, scope_filter, visible_agency_ids, visible_item
from monitor.db.schema import (
    Account,
    Activity,
    Classification,
    Decision,
    ElectionProfile,
    Employee,
    Evidence,
    ItemComment,
    Media,
    MediaLink,
    Post,
    ReviewItem,
    User,
)
from monitor.review.comments import item_comments, may_comment
from monitor.review.decisions import default_register, four_eyes_block, history, item_profile, latest_decision

EARLIER_ITEMS_SHOWN = 20
# Acts whose meaning is the acted-on post itself: hate words there are what the ASN passed on.
PASSING_ON_KINDS = ("like", "share")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class EarlierItem:
    item: ReviewItem
    activity: Activity
    latest: Decision | None


@dataclass
class CaseFile:
    item: ReviewItem
    activity: Activity
    account: Account
    employee: Employee | None  # None when the viewer may not see identities
    agency_name: str
    post: Post | None
    target_post: Post | None
    evidence: Evidence | None
    classification: Classification
    profile_row: ElectionProfile | None
    profile: LoadedProfile | None
    decisions: list[Decision]
    latest: Decision | None
    default_register: str
    earlier: list[EarlierItem]
    may_decide: bool
    reviewers: dict[int, str]
    # Images of the act's own post, with the hands detected in them: what the ASN showed.
    photos: list[Media] = field(default_factory=list)
    # Images of the post acted on (commented, liked, shared): someone else's, shown only as context.
    context_photos: list[Media] = field(default_factory=list)
    # A captured page (``netra capture``, tips): the newest screenshot and rendered HTML of the act's own post.
    screenshot: Evidence | None = None
    page_html: Evidence | None = None
    # Why the viewer may not decide now under four eyes (their own verdict awaits a second reviewer; a
    # disagreement is the supervisor's), or None.
    four_eyes_block: str | None = None
    # Reviewers' discussion, oldest first; ``reviewers`` names their authors too.
    comments: list[ItemComment] = field(default_factory=list)
    may_comment: bool = False

    @property
    def own_text(self) -> str:
        return self.activity.text if self.activity.text is not None else (self.post.text if self.post else "") or ""

    @property
    def context_text(self) -> str | None:
        if self.activity.context_text:
            return self.activity.context_text
        return self.target_post.text if self.target_post else None

    @property
    def alt_texts(self) -> list[str]:
        return alt_texts(self.post.extras if self.post else None)

    @property
    def hate_cues(self) -> list[str]:
        """Hate words in what the act says, for an act the classifier called hate speech.

        The model's hate score comes without cues of its own (its cues name candidates and parties),
        so a reviewer would otherwise face a 0.99 with nothing marked in the text.
        """
        if not self.classification.hate:
            return []
        texts = [self.own_text, *self.alt_texts]
        if self.activity.kind in PASSING_ON_KINDS:
            texts.append(self.context_text or "")
        return hate_words(texts)


def hate_words(texts: list[str]) -> list[str]:
    """The words of ``texts`` in the hate lexicon (``models.keywords``), as written, each once."""
    found: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(text or ""):
            if word.casefold() in HATE_WORDS:
                found.setdefault(word.casefold(), word)
    return list(found.values())


def post_photos(session: Session, post_id: int | None) -> list[Media]:
    """Stored images of one post, in capture order (the boxes route re-checks scope)."""
    if post_id is None:
        return []
    rows = session.scalars(
        select(Media).join(MediaLink, MediaLink.media_id == Media.id)
        .where(MediaLink.post_id == post_id).order_by(MediaLink.id)
    )
    return list(dict.fromkeys(rows))


def captured_page(session: Session, activity: Activity, kind: str) -> Evidence | None:
    """The newest ``capture-screenshot`` or ``capture-html`` evidence of the act's own post (spiders.capture.store)."""
    post = activity.post
    if post is None:
        return None
    return session.scalar(
        select(Evidence).where(Evidence.subject_key == f"{post.platform}:{kind}:{post.external_id}")
        .order_by(Evidence.version.desc()).limit(1))


def alt_texts(extras: dict[str, Any] | None) -> list[str]:
    """Image descriptions from a post's extras: ``images[].alt`` (or ``description``) or a plain ``alt_texts`` list."""
    if not extras:
        return []
    found: list[str] = []
    for image in extras.get("images") or extras.get("media") or []:
        if isinstance(image, dict):
            alt = image.get("alt") or image.get("description")
            if isinstance(alt, str) and alt.strip():
                found.append(alt)
    found += [a for a in extras.get("alt_texts") or [] if isinstance(a, str) and a.strip()]
    # Spiders list an image's alt text both with the image and in alt_texts: show each once.
    return list(dict.fromkeys(found))


def load_case(session: Session, user: User, item_id: int) -> CaseFile | None:
    """The case file, or ``None`` when the item does not exist or lies outside the user's scope."""
    item = visible_item(session, user, item_id)
    if item is None:
        return None
    activity = item.activity
    account = activity.account
    employee = account.employee
    row, profile = item_profile(session, item)
    decisions = history(session, item)
    comments = item_comments(session, item)
    agency_ids = visible_agency_ids(session, user)
    earlier_rows = session.execute(
        select(ReviewItem, Activity)
        .join(Activity, Activity.id == ReviewItem.activity_id)
        .where(Activity.account_id == account.id, ReviewItem.id != item.id, scope_filter(agency_ids))
        .order_by(Activity.occurred_at.desc(), ReviewItem.id.desc())
        .limit(EARLIER_ITEMS_SHOWN)
    ).all()
    earlier = [EarlierItem(it, act, latest_decision(session, it)) for it, act in earlier_rows]
    reviewer_ids = {d.reviewer_id for d in decisions} | {e.latest.reviewer_id for e in earlier if e.latest}
    reviewer_ids |= {c.author_id for c in comments}
    if item.assignee_id:
        reviewer_ids.add(item.assignee_id)
    reviewers = {u.id: u.full_name or u.username
                 for u in session.scalars(select(User).where(User.id.in_(reviewer_ids)))} if reviewer_ids else {}
    latest = decisions[-1] if decisions else None
    blocked = four_eyes_block(user, latest)
    return CaseFile(
        item=item,
        activity=activity,
        account=account,
        employee=employee if can(user, "view_identity") else None,
        agency_name=employee.agency.name,
        post=activity.post,
        target_post=activity.target_post,
        evidence=activity.evidence,
        classification=item.classification,
        profile_row=row,
        profile=profile,
        decisions=decisions,
        latest=latest,
        default_register=default_register(session, item),
        earlier=earlier,
        may_decide=may_decide(session, user, item) and blocked is None,
        reviewers=reviewers,
        # Kept apart: a candidate's photo under a comment must never read as the commenter's own.
        photos=post_photos(session, activity.post_id),
        context_photos=post_photos(session, activity.target_post_id),
        screenshot=captured_page(session, activity, "capture-screenshot"),
        page_html=captured_page(session, activity, "capture-html"),
        four_eyes_block=blocked if may_decide(session, user, item) else None,
        comments=comments,
        may_comment=may_comment(session, user, item),
    )
