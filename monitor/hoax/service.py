"""The matcher the classifier uses, built from the stored claims (or a claims file) and kept current.

The e5 encoder is loaded once per process, and only when there are claims to match. Claim vectors
are cached in ``claim_review.embedding`` with the encoder version that made them and the form of the claim text
(``models.hoax.wording.vector_version``); a claim whose vector is missing or was made by another version is encoded
again (:func:`refresh_embeddings`).
:func:`attach_stored` gives a classifier the matcher of the claims stored now, and rebuilds it only
when the claims changed since (a count and the latest change, one small query per batch).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session

from monitor.db.schema import ClaimReview

if TYPE_CHECKING:
    from models.hoax import Claim, HoaxMatcher
    from models.hoax.encoder import E5Encoder

log = logging.getLogger(__name__)

# Verdicts the matcher reads: false and misleading claims make hoaxes; true ones keep their repetitions from
# being taken for a nearby false claim. Mixed and unrated claims are left out of matching altogether.
FALSE_VERDICTS = ("false", "misleading")
INDEXED_VERDICTS = (*FALSE_VERDICTS, "true")
ENCODE_BATCH = 256  # claims encoded and written back per round

def shared_encoder() -> E5Encoder:
    """This process's e5 encoder (``models.hoax.encoder.shared_encoder``; the classifier's descriptor reader
    uses the same one)."""
    from models.hoax.encoder import shared_encoder as models_shared_encoder

    return models_shared_encoder()


def is_false(rating: str) -> bool:
    """Whether a published rating makes its claim a hoax (the parser's reading of ratings)."""
    from spiders.factcheck.claimreview import verdict_of

    return verdict_of(rating) in FALSE_VERDICTS


def to_claim(row: ClaimReview) -> Claim:
    from models.hoax import Claim

    return Claim(claim=row.claim, rating=row.rating, url=row.url, false=row.verdict in FALSE_VERDICTS,
                 publisher=row.publisher, id=row.id)


def refresh_embeddings(session: Session, encoder: Any) -> int:
    """Encode the indexed claims whose cached vector is missing or made by another encoder version; flushed."""
    from models.hoax.encoder import PASSAGE, to_bytes
    from models.hoax.matcher import claim_text, vector_version

    version = vector_version(encoder.version)
    stale = or_(ClaimReview.embedding.is_(None), ClaimReview.embedding_model.is_(None),
                ClaimReview.embedding_model != version)
    done = 0
    while True:
        rows = list(session.scalars(select(ClaimReview).where(ClaimReview.verdict.in_(INDEXED_VERDICTS), stale)
                                    .order_by(ClaimReview.id).limit(ENCODE_BATCH)))
        if not rows:
            return done
        vectors = encoder.encode([claim_text(to_claim(r)) for r in rows], PASSAGE)
        for row, vector in zip(rows, vectors, strict=True):
            row.embedding = to_bytes(vector)
            row.embedding_model = version
        session.flush()
        done += len(rows)
        log.info("hoax: encoded %d claims (%s)", done, version)


def stored_matcher(session: Session, encoder: Any | None = None) -> HoaxMatcher | None:
    """The matcher of every stored false/misleading/true claim, or ``None`` when no claim is rated false."""
    from models.hoax import HoaxMatcher
    from models.hoax.encoder import from_bytes

    if not session.scalar(select(func.count()).select_from(ClaimReview)
                          .where(ClaimReview.verdict.in_(FALSE_VERDICTS))):
        return None
    encoder = encoder or shared_encoder()
    refresh_embeddings(session, encoder)
    rows = list(session.scalars(select(ClaimReview).where(ClaimReview.verdict.in_(INDEXED_VERDICTS))
                                .order_by(ClaimReview.id)))
    dimension = encoder.dimension
    vectors = [from_bytes(r.embedding, dimension) if r.embedding is not None else None for r in rows]
    kept = [(r, v) for r, v in zip(rows, vectors, strict=True) if v is not None]
    matrix = np.stack([v for _, v in kept]) if kept else np.zeros((0, dimension), dtype=np.float32)
    return HoaxMatcher(encoder, [to_claim(r) for r, _ in kept], matrix)


def file_matcher(path: Path, encoder: Any | None = None) -> tuple[HoaxMatcher | None, list[str]]:
    """The matcher of the claims in a file (``netra classify --claims``), and its unreadable lines."""
    from models.hoax import Claim, HoaxMatcher
    from spiders.factcheck.claimreview import read_claims_file

    parsed = read_claims_file(path)
    claims = [Claim(claim=r.claim, rating=r.rating, url=r.url, false=r.verdict in FALSE_VERDICTS,
                    publisher=r.publisher, id=f"{path.name}:{line}")
              for line, r in parsed.records if r.verdict in INDEXED_VERDICTS]
    if not any(c.false for c in claims):
        return None, parsed.errors
    return HoaxMatcher.from_claims(encoder or shared_encoder(), claims), parsed.errors


@dataclass(frozen=True)
class ClaimsState:
    """What the matcher was built from: a matcher is rebuilt when any of this differs."""

    count: int
    latest: Any
    stale: int


def claims_state(session: Session, version: str | None) -> ClaimsState:
    count, latest = session.execute(
        select(func.count(), func.max(ClaimReview.updated_at)).where(ClaimReview.verdict.in_(INDEXED_VERDICTS))
    ).one()
    stale = 0
    if version is not None:
        stale = session.scalar(select(func.count()).select_from(ClaimReview).where(
            ClaimReview.verdict.in_(INDEXED_VERDICTS),
            or_(ClaimReview.embedding_model.is_(None), ClaimReview.embedding_model != version))) or 0
    return ClaimsState(int(count or 0), latest, int(stale))


def attach_stored(session: Session, classifier: Any) -> None:
    """Give ``classifier`` the matcher of the claims stored now; rebuilt only when the claims changed.

    A classifier without a ``hoax`` attribute (a stand-in) is left alone. A database that predates the
    claims table (or has no schema at all) has no claims to match.
    """
    if not hasattr(classifier, "hoax"):
        return
    if not inspect(session.get_bind()).has_table(ClaimReview.__tablename__):
        classifier.hoax = None
        return
    built: ClaimsState | None = getattr(classifier, "hoax_state", None)
    from models.hoax.matcher import vector_version

    version = vector_version(classifier.hoax.encoder.version) if classifier.hoax is not None else None
    state = claims_state(session, version)
    if built == state and (state.count == 0 or classifier.hoax is not None):
        return
    classifier.hoax = stored_matcher(session) if state.count else None
    # Encoding may have filled the cache: the state to compare with next time is the one after it.
    classifier.hoax_state = claims_state(session, vector_version(classifier.hoax.encoder.version)
                                         if classifier.hoax else None)
    if classifier.hoax is not None:
        log.info("hoax matching: %d claims, %d rated false", len(classifier.hoax),
                 sum(c.false for c in classifier.hoax.claims))
