"""Photos in the classify pipeline: detect hands in an act's stored images and fuse them with the text result.

``fuse_photo_results(session, activities, results, profile)`` takes the text
classifier's results for a batch of stored activities and returns them with
every act that has images re-scored by ``models.photos.fusion``; acts without
images come back unchanged. Each image is analysed once: the hands found are
kept on its ``media`` row (``hands``, ``hands_model``) for the review page's
boxes, and reused afterwards — until the detector's version changes (new rules,
tiling switched on or off), when it is read again. An image that cannot be read (file lost,
corrupt) is skipped with a warning, never failing the batch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.photos.fusion import DEFAULT_THRESHOLD, PhotoContext, fuse_photo
from models.photos.gestures import GestureDetector, GestureImageError, Hand, PhotoHands, shared_detector
from models.profile import ElectionProfile
from monitor.config import get_settings
from monitor.db.schema import Activity, Media, MediaLink, Post, WatchedAccount

log = logging.getLogger(__name__)
# Acts that pass the post acted on along as it is: its photo is what the ASN endorsed or spread. Under any
# other act (a comment, a post) that photo is someone else's — often the candidate's own — and its gestures
# must never be scored as the ASN's.
ENDORSING_KINDS = frozenset({"like", "share"})


def _media_root(root: Path | None) -> Path:
    return Path(root or get_settings().resolved_media_dir)


def hands_from_json(data: dict[str, Any]) -> PhotoHands:
    hands = tuple(
        Hand(gesture=h["gesture"], confidence=float(h["confidence"]), handedness=h.get("handedness", "unknown"),
             box=tuple(h["box"]), box_px=tuple(h["box_px"]), number=h.get("number"),
             fingers=tuple(h.get("fingers") or (0.0,) * 5), scores=dict(h.get("scores") or {}))
        for h in data.get("hands") or []
    )
    return PhotoHands(width=int(data.get("width", 0)), height=int(data.get("height", 0)), hands=hands)


def photo_hands(session: Session, media: Media, detector: GestureDetector, root: Path) -> PhotoHands | None:
    """The hands in one stored image: cached on the row, else detected now and saved (the caller commits)."""
    if media.hands is not None and media.hands_model == detector.version:
        return hands_from_json(media.hands)
    path = root / media.sha256[:2] / media.sha256[2:4] / media.sha256
    try:
        found = detector.detect_file(path)
    except GestureImageError as exc:
        log.warning("media %s skipped: %s", media.sha256, exc)
        return None
    media.hands = found.to_json()
    media.hands_model = detector.version
    session.flush()
    return found


def _merge(photos: Sequence[PhotoHands]) -> PhotoHands | None:
    if not photos:
        return None
    return PhotoHands(width=photos[0].width, height=photos[0].height,
                      hands=tuple(h for p in photos for h in p.hands))


def is_watched_author(session: Session, post: Post | None) -> bool:
    """Whether the post was written by a watched candidate/campaign account."""
    if post is None or not (post.author_external_id or post.author_handle):
        return False
    keys = []
    if post.author_external_id:
        keys.append(WatchedAccount.external_id == post.author_external_id)
    if post.author_handle:
        keys.append(func.lower(WatchedAccount.handle) == post.author_handle.lower())
    return session.scalar(
        select(WatchedAccount.id).where(WatchedAccount.platform == post.platform, or_(*keys)).limit(1)
    ) is not None


def scored_media(session: Session, activity: Activity) -> list[Media]:
    """The images whose hands count for ``activity``: its own post's, and the acted-on post's for a like or share."""
    post_ids = [activity.post_id] if activity.post_id is not None else []
    if activity.kind in ENDORSING_KINDS and activity.target_post_id is not None:
        post_ids.append(activity.target_post_id)
    if not post_ids:
        return []
    return list(dict.fromkeys(session.scalars(
        select(Media).join(MediaLink, MediaLink.media_id == Media.id)
        .where(MediaLink.post_id.in_(post_ids)).order_by(MediaLink.id)
    )))


def fuse_photo_results(
    session: Session,
    activities: Sequence[Activity],
    results: Sequence[Any],
    profile: ElectionProfile,
    *,
    detector: GestureDetector | None = None,
    media_root: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Any]:
    """``results`` (``models.infer.ClassifyResult``, same order as ``activities``) with photo acts re-scored."""
    root = _media_root(media_root)
    out: list[Any] = []
    for activity, result in zip(activities, results, strict=True):
        media = scored_media(session, activity)
        if not media:
            out.append(result)
            continue
        detector = detector or shared_detector(tiles=get_settings().gesture_tiles)
        photos = [found for m in media if (found := photo_hands(session, m, detector, root)) is not None]
        own, target = activity.post, activity.target_post
        caption = "\n".join(t for t in (activity.text, activity.context_text) if t)
        for post in (own, target):
            if post is not None and post.extras:
                caption += "\n" + " ".join(str(h if str(h).startswith("#") else f"#{h}")
                                           for h in post.extras.get("hashtags") or [])
        context = PhotoContext(caption=caption, when=activity.occurred_at,
                               watched_account=is_watched_author(session, target) or is_watched_author(session, own))
        fused = fuse_photo(_merge(photos), result, context, profile, threshold=threshold)
        out.append(_keep_hoax(result, fused.to_classify_result(result.id, result.model_version, result.profile_id)))
    return out


def _keep_hoax(text_result: Any, fused: Any) -> Any:
    """The photo re-scores partisanship; a hoax the act repeats (issue 19) stays found, flagged and cited."""
    if not getattr(text_result, "hoax", False):
        return fused
    from dataclasses import replace

    return replace(fused, flagged=True, score=max(fused.score, text_result.score), hoax=True,
                   hoax_claims=list(text_result.hoax_claims))
