"""Election profile YAML: the contract of interfaces.md, and storing it with watched accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.profile import ProfileError, load_profile, load_profile_text
from monitor.db.schema import WatchedAccount
from monitor.registry.profiles import active_profile, store_profile
from tests.conftest import REPO

MINIMAL = """
id: p1
name: Pilkada Contoh
candidates:
  - {id: k1, number: 1, names: [Calon Satu]}
  - {id: k2, number: 2, names: [Calon Dua]}
"""


def test_shipped_profiles_load() -> None:
    pres = load_profile(REPO / "models" / "data" / "profiles" / "pemilu-2024-presiden.yaml")
    assert [c.number for c in pres.candidates] == [1, 2, 3]
    assert pres.candidate("02").names[0] == "Prabowo Subianto"
    assert pres.register_for(pres.determination_date.replace(day=1)) == "ethics"
    local = load_profile(REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml")
    assert local.level == "bupati" and local.candidate("k1").incumbent


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("name: x\ncandidates: [{id: a, number: 1, names: [A]}]", "missing required key 'id'"),
        ("id: x\nname: x", "missing required key 'candidates'"),
        ("id: x\nname: x\ncandidates: [{id: a, names: [A]}]", r"candidates\[0\]: missing required key 'number'"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A]}, {id: a, number: 2, names: [B]}]",
         "duplicate candidate id 'a'"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A]}, {id: b, number: 1, names: [B]}]",
         "duplicate ballot number 1"),
        ("id: x\nname: x\nlevel: raja\ncandidates: [{id: a, number: 1, names: [A]}]", "level 'raja'"),
        ("id: x\nname: x\ncampaign_start: 2029-13-01\ncandidates: [{id: a, number: 1, names: [A]}]",
         "invalid value: month must be in 1..12"),
        ("id: x\nname: x\ncampaign_start: 1 Oktober\ncandidates: [{id: a, number: 1, names: [A]}]",
         "campaign_start: '1 Oktober' is not a date"),
        ("id: [unclosed", "invalid YAML"),
    ],
)
def test_invalid_profiles(yaml_text: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        load_profile_text(yaml_text, "test.yaml")


def test_unknown_keys_warn() -> None:
    profile = load_profile_text(MINIMAL + "colour: blue\n", "p.yaml")
    assert profile.warnings == ("p.yaml: unknown key 'colour' ignored",)


def test_store_profile_registers_watched_accounts_idempotently(session: Session, tmp_path: Path) -> None:
    path = REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"
    first = store_profile(session, path)
    session.commit()
    assert first.created and first.watched_created == 3
    again = store_profile(session, path)
    session.commit()
    assert not again.created and again.watched_created == 0
    rows = session.scalars(select(WatchedAccount).order_by(WatchedAccount.handle)).all()
    assert [(w.platform, w.handle, w.candidate_id) for w in rows] == [
        ("bluesky", "hendrakusuma.bsky.social", "k2"),
        ("mastodon", "sutrisno_w@warga.example", "k1"),
        ("bluesky", "sutrisnowibowo.bsky.social", "k1"),
    ]
    other = tmp_path / "other.yaml"
    other.write_text(MINIMAL, encoding="utf-8")
    store_profile(session, other)
    session.commit()
    assert active_profile(session).id == "p1"
