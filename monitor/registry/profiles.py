"""Storing election profiles and the candidates' watched accounts they declare."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.profile import ElectionProfile, ProfileError, load_profile
from monitor.db.schema import ElectionProfile as ProfileRecord
from monitor.db.schema import WatchedAccount
from spiders.platforms import InvalidHandle, normalise_handle, normalise_platform


@dataclass
class ProfileLoadResult:
    profile: ElectionProfile
    created: bool
    watched_created: int
    watched_total: int


def store_profile(session: Session, path: Path, *, activate: bool = True) -> ProfileLoadResult:
    """Validate the YAML and upsert it with its watched accounts; loading twice changes nothing."""
    profile = load_profile(path)
    source_yaml = path.read_text(encoding="utf-8")
    record = session.get(ProfileRecord, profile.id)
    created = record is None
    if record is None:
        record = ProfileRecord(id=profile.id, source_yaml=source_yaml, name=profile.name)
        session.add(record)
    record.name = profile.name
    record.level = profile.level
    record.region = profile.region
    record.determination_date = profile.determination_date
    record.campaign_start = profile.campaign_start
    record.campaign_end = profile.campaign_end
    record.voting_day = profile.voting_day
    record.source_yaml = source_yaml
    if activate:
        # One election is watched at a time per deployment; others stay stored for history.
        for other in session.scalars(select(ProfileRecord).where(ProfileRecord.id != profile.id)):
            other.active = False
        record.active = True
    session.flush()

    existing = {
        (w.platform, w.handle): w
        for w in session.scalars(select(WatchedAccount).where(WatchedAccount.profile_id == profile.id))
    }
    created_count = 0
    for cand in profile.candidates:
        for acc in cand.accounts:
            try:
                platform = normalise_platform(acc.platform)
                handle = normalise_handle(platform, acc.handle)
            except InvalidHandle as exc:
                raise ProfileError(f"{path}: candidate {cand.id}: account {acc.handle!r}: {exc}") from None
            row = existing.get((platform, handle))
            if row is None:
                row = WatchedAccount(profile_id=profile.id, candidate_id=cand.id, platform=platform, handle=handle)
                session.add(row)
                existing[(platform, handle)] = row
                created_count += 1
            elif row.candidate_id != cand.id:
                row.candidate_id = cand.id
    session.flush()
    return ProfileLoadResult(profile, created, created_count, len(existing))


def active_profile(session: Session) -> ElectionProfile | None:
    """The election currently watched, parsed from its stored YAML."""
    from models.profile import load_profile_text

    record = session.scalars(
        select(ProfileRecord).where(ProfileRecord.active.is_(True)).order_by(ProfileRecord.loaded_at.desc())
    ).first()
    return load_profile_text(record.source_yaml, f"profile:{record.id}") if record else None
