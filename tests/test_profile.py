"""Election profile YAML: the contract of interfaces.md, and storing it with watched accounts."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.matcher import matcher_for
from models.profile import ElectionProfile, ProfileError, load_profile, load_profile_text
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
        ("id: x\nname: x\nlevel: raja\ncandidates: [{id: a, number: 1, names: [A]}]", "level: 'raja' is not one of"),
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


BUNDLED = sorted((REPO / "models" / "data" / "profiles").glob("*.yaml")) + [
    REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"
]


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_profile_loads(path: Path) -> None:
    profile = load_profile(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert profile.warnings == ()
    assert profile.id == raw["id"] and profile.name == raw["name"] and profile.level == raw.get("level")
    assert [(c.id, c.number, list(c.names)) for c in profile.candidates] == [
        (str(c["id"]), int(c["number"]), c["names"]) for c in raw["candidates"]
    ]
    assert [p.name for p in profile.parties] == [p["name"] for p in raw.get("parties") or []]
    for key in ("registration_start", "determination_date", "campaign_start", "campaign_end", "voting_day"):
        assert getattr(profile, key) == raw.get(key)
    for cand, raw_cand in zip(profile.candidates, raw["candidates"], strict=True):
        assert all(tag.startswith("#") for tag in cand.hashtags)
        assert list(cand.aliases) == [str(a) for a in raw_cand.get("aliases") or []]
        assert cand.incumbent is bool(raw_cand.get("incumbent", False))
    # The same file gives an equal, equally hashed profile (the classifier caches one matcher per profile).
    again = load_profile(path)
    assert again == profile and hash(again) == hash(profile)


def test_unknown_keys_are_ignored_with_a_warning_naming_the_path(caplog: pytest.LogCaptureFixture) -> None:
    text = """
id: p1
name: Pilkada Contoh
colour: blue
source: not-the-file
candidates:
  - {id: k1, number: 1, names: [Calon Satu], motto: Maju,
     accounts: [{platform: Bluesky, handle: satu.bsky.social, verified: true}]}
parties:
  - {name: Golkar, colour: yellow}
"""
    with caplog.at_level(logging.WARNING, logger="models.profile"):
        profile = load_profile_text(text, "p.yaml")
    expected = [
        "p.yaml: unknown key 'colour' ignored",
        "p.yaml: unknown key 'source' ignored",
        "p.yaml: candidates[0]: unknown key 'motto' ignored",
        "p.yaml: candidates[0].accounts[0]: unknown key 'verified' ignored",
        "p.yaml: parties[0]: unknown key 'colour' ignored",
    ]
    assert list(profile.warnings) == expected
    assert [r.getMessage() for r in caplog.records if r.name == "models.profile"] == expected
    # Ignored means ignored: nothing of them reaches the profile, and the loader's own fields stay the loader's.
    assert profile.source == "p.yaml"
    assert "motto" not in profile.candidates[0].model_dump()
    assert profile.candidates[0].accounts[0].model_dump() == {"platform": "bluesky", "handle": "satu.bsky.social"}


def test_warnings_do_not_make_a_different_profile() -> None:
    plain = load_profile_text(MINIMAL, "p.yaml")
    noisy = load_profile_text(MINIMAL + "colour: blue\n", "p.yaml")
    assert noisy.warnings and not plain.warnings
    assert noisy == plain and hash(noisy) == hash(plain)
    assert matcher_for(noisy) is matcher_for(plain)


CANDIDATE = "{id: a, number: 1, names: [A]}"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (f"name: x\ncandidates: [{CANDIDATE}]", "p.yaml: missing required key 'id'"),
        (f"id: x\ncandidates: [{CANDIDATE}]", "p.yaml: missing required key 'name'"),
        ("id: x\nname: x\n", "p.yaml: missing required key 'candidates'"),
        ("id: x\nname: x\ncandidates: []", "p.yaml: missing required key 'candidates'"),
        (f"id: ''\nname: x\ncandidates: [{CANDIDATE}]", "p.yaml: missing required key 'id'"),
        (f"id: x\nname:\ncandidates: [{CANDIDATE}]", "p.yaml: missing required key 'name'"),
        (f"id: x\nname: x\ncandidates: [{CANDIDATE}, {{number: 2, names: [B]}}]",
         "p.yaml: candidates[1]: missing required key 'id'"),
        (f"id: x\nname: x\ncandidates: [{CANDIDATE}, {{id: b, names: [B]}}]",
         "p.yaml: candidates[1]: missing required key 'number'"),
        (f"id: x\nname: x\ncandidates: [{CANDIDATE}, {{id: b, number: 2}}]",
         "p.yaml: candidates[1]: missing required key 'names'"),
        (f"id: x\nname: x\ncandidates: [{CANDIDATE}, {{id: b, number: 2, names: []}}]",
         "p.yaml: candidates[1]: missing required key 'names'"),
        (f"id: x\nname: x\ncandidates: [{CANDIDATE}]\nparties: [{{number: 4}}]",
         "p.yaml: parties[0]: missing required key 'name'"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A], accounts: [{platform: bluesky}]}]",
         "p.yaml: candidates[0].accounts[0]: missing required key 'handle'"),
    ],
)
def test_missing_required_key_is_named_with_its_path(yaml_text: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(yaml_text, "p.yaml")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("id: x\nname: x\ncandidates: {a: 1}", "p.yaml: candidates: expected a list, got dict"),
        ("id: x\nname: x\ncandidates: [k1]", "p.yaml: candidates[0]: expected a mapping, got str"),
        ("id: x\nname: x\ncandidates: [{id: a, number: satu, names: [A]}]",
         "p.yaml: candidates[0].number: 'satu' is not a number"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1.5, names: [A]}]",
         "p.yaml: candidates[0].number: 1.5 is not a number"),
        ("id: x\nname: x\ncandidates: [{id: a, number: true, names: [A]}]",
         "p.yaml: candidates[0].number: True is not a number"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: {first: A}}]",
         "p.yaml: candidates[0].names: expected a list, got dict"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A, '  ']}]",
         "p.yaml: candidates[0].names[1]: expected a non-empty string"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A, [B]]}]",
         "p.yaml: candidates[0].names[1]: expected a non-empty string, got list"),
        ("id: [x]\nname: x\ncandidates: [{id: a, number: 1, names: [A]}]",
         "p.yaml: id: expected a non-empty string, got list"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A], accounts: {platform: x, handle: y}}]",
         "p.yaml: candidates[0].accounts: expected a list, got dict"),
        ("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A]}]\nparties: [{name: P, number: empat}]",
         "p.yaml: parties[0].number: 'empat' is not a number"),
        ("id: x\nname: x\nvoting_day: 28-11-2029\ncandidates: [{id: a, number: 1, names: [A]}]",
         "p.yaml: voting_day: '28-11-2029' is not a date (YYYY-MM-DD)"),
    ],
)
def test_wrong_type_is_named_with_its_path(yaml_text: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(yaml_text, "p.yaml")
    assert str(caught.value) == message


def test_wrong_boolean_is_named() -> None:
    with pytest.raises(ProfileError, match=r"^p\.yaml: candidates\[0\]\.incumbent: .*boolean"):
        load_profile_text("id: x\nname: x\ncandidates: [{id: a, number: 1, names: [A], incumbent: mungkin}]",
                          "p.yaml")


def test_several_problems_make_one_line() -> None:
    text = "id: x\nname: x\ncandidates: [{names: A}, {id: b}, {id: c, number: x, names: C}]"
    with pytest.raises(ProfileError) as caught:
        load_profile_text(text, "p.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("p.yaml: candidates[0]: missing required key 'id'; ")
    assert message.endswith("; and 2 more")
    with pytest.raises(ProfileError) as caught:
        load_profile_text("id: x\n  name: [y", "p.yaml")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("p.yaml: invalid YAML at line 2")


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        ("[{name: Golkar}, {name: golkar}]", "p.yaml: parties[1].name: duplicate party 'golkar' (also parties[0])"),
        ("[{name: A, number: 4}, {name: B, number: 4}]",
         "p.yaml: parties[1].number: duplicate party number 4 (also parties[0])"),
    ],
)
def test_duplicate_parties_are_refused(parties: str, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(MINIMAL + f"parties: {parties}\n", "p.yaml")
    assert str(caught.value) == message


def test_duplicate_candidates_name_both_places() -> None:
    text = MINIMAL + "  - {id: k3, number: 3, names: [C]}\n  - {id: k1, number: 4, names: [D]}\n"
    with pytest.raises(ProfileError) as caught:
        load_profile_text(text, "p.yaml")
    assert str(caught.value) == "p.yaml: candidates[3].id: duplicate candidate id 'k1' (also candidates[0])"
    text = MINIMAL + "  - {id: k3, number: '2', names: [C]}\n"
    with pytest.raises(ProfileError) as caught:
        load_profile_text(text, "p.yaml")
    assert str(caught.value) == "p.yaml: candidates[2].number: duplicate ballot number 2 (also candidates[1])"


def test_dates_are_parsed() -> None:
    text = MINIMAL + (
        "registration_start: 2029-08-27\n"
        "determination_date: '2029-09-22'\n"
        "campaign_start: 2029-09-25 08:00:00\n"
        "campaign_end: 2029-11-24\n"
    )
    profile = load_profile_text(text, "p.yaml")
    assert profile.registration_start == date(2029, 8, 27)
    assert profile.determination_date == date(2029, 9, 22)  # quoted: read as text, still a date
    assert type(profile.campaign_start) is date and profile.campaign_start == date(2029, 9, 25)
    assert profile.voting_day is None
    assert profile.in_campaign(date(2029, 9, 25)) and not profile.in_campaign(date(2029, 11, 25))
    assert profile.register_for(date(2029, 9, 21)) == "ethics"
    assert profile.register_for(date(2029, 9, 22)) == "discipline"
    with pytest.raises(ProfileError, match=r"^p\.yaml: campaign_start: 2029-11-24 is after campaign_end 2029-09-25$"):
        load_profile_text(MINIMAL + "campaign_start: 2029-11-24\ncampaign_end: 2029-09-25\n", "p.yaml")


def test_lenient_spellings_are_kept() -> None:
    text = """
id: 2029
name: '  Pilkada Contoh  '
region: 3201
candidates:
  - id: 1
    number: ' 1 '
    names: Calon Satu
    aliases: AMIN
    hashtags: [AminMenang, "#Amin2029"]
    parties: 7
    slogans:
    incumbent: yes
    accounts:
      - {platform: BlueSky, handle: satu.bsky.social}
  - {id: k2, number: 2, names: [Calon Dua, 212]}
"""
    profile = load_profile_text(text, "p.yaml")
    assert (profile.id, profile.name, profile.region) == ("2029", "Pilkada Contoh", "3201")
    one, two = profile.candidates
    assert (one.id, one.number, one.names, one.aliases) == ("1", 1, ("Calon Satu",), ("AMIN",))
    assert one.hashtags == ("#AminMenang", "#Amin2029")
    assert (one.parties, one.slogans, one.incumbent) == (("7",), (), True)
    assert one.accounts[0].platform == "bluesky"
    assert two.names == ("Calon Dua", "212") and two.incumbent is False and two.accounts == ()
    assert profile.candidate("1") is one and profile.candidate_by_number(2) is two


def test_profile_is_frozen_and_hashable() -> None:
    profile = load_profile_text(MINIMAL, "p.yaml")
    with pytest.raises(ValidationError):
        profile.name = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        profile.candidates[0].number = 9  # type: ignore[misc]
    assert isinstance(profile, ElectionProfile)
    assert len({profile, load_profile_text(MINIMAL, "p.yaml"), load_profile_text(MINIMAL, "q.yaml")}) == 2


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"missing\.yaml: file not found"):
        load_profile(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("id: x\nname: Pilkada Bangka–Belitung\n".encode("cp1252"))
    with pytest.raises(ProfileError, match=r"latin\.yaml: not UTF-8 text"):
        load_profile(latin)
    with pytest.raises(ProfileError, match=r"^p\.yaml: a profile must be a mapping at the top level$"):
        load_profile_text("- just\n- a list\n", "p.yaml")


def test_store_profile_registers_watched_accounts_idempotently(session: Session, tmp_path: Path) -> None:
    path = REPO / "monitor" / "demo" / "data" / "pilkada-2029-sukamaju.yaml"
    first = store_profile(session, path)
    session.commit()
    assert first.created and first.watched_created == 7
    again = store_profile(session, path)
    session.commit()
    assert not again.created and again.watched_created == 0
    rows = session.scalars(select(WatchedAccount)).all()
    assert sorted((w.platform, w.handle, w.candidate_id) for w in rows) == sorted([
        ("bluesky", "hendrakusuma.bsky.social", "k2"),
        ("mastodon", "sutrisno_w@warga.example", "k1"),
        ("bluesky", "sutrisnowibowo.bsky.social", "k1"),
        ("x", "sutrisno_w", "k1"),
        ("x", "hendrakusuma", "k2"),
        ("youtube", "@sutrisnowibowo", "k1"),
        ("youtube", "@hendrakusuma", "k2"),
    ])
    other = tmp_path / "other.yaml"
    other.write_text(MINIMAL, encoding="utf-8")
    store_profile(session, other)
    session.commit()
    assert active_profile(session).id == "p1"
