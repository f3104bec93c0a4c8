"""Election profiles: the YAML contract of ``docs/interfaces.md``.

A profile names the election being watched — its candidates, ballot numbers,
nicknames, slogans, hashtags, parties and dates — so the classifier can
recognise candidates that no training data has seen.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

LEVELS = ("presiden", "dpr", "dpd", "dprd", "gubernur", "bupati", "walikota")
PROFILE_KEYS = {
    "id", "name", "level", "region", "registration_start", "determination_date",
    "campaign_start", "campaign_end", "voting_day", "candidates", "parties",
}
CANDIDATE_KEYS = {
    "id", "number", "names", "aliases", "slogans", "hashtags", "parties", "incumbent",
    "accounts", "gestures",
}
PARTY_KEYS = {"number", "name", "aliases"}


class ProfileError(ValueError):
    """A profile file is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class WatchedHandle:
    platform: str
    handle: str


@dataclass(frozen=True)
class Candidate:
    id: str
    number: int
    names: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    slogans: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    incumbent: bool = False
    accounts: tuple[WatchedHandle, ...] = ()
    # Descriptions of the candidate's hand sign ("satu jari", "salam tiga jari"), when the profile gives them.
    gestures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Party:
    name: str
    number: int | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElectionProfile:
    id: str
    name: str
    candidates: tuple[Candidate, ...]
    level: str | None = None
    region: str | None = None
    registration_start: date | None = None
    determination_date: date | None = None
    campaign_start: date | None = None
    campaign_end: date | None = None
    voting_day: date | None = None
    parties: tuple[Party, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def candidate(self, candidate_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.id == candidate_id), None)

    def candidate_by_number(self, number: int) -> Candidate | None:
        return next((c for c in self.candidates if c.number == number), None)

    def in_campaign(self, day: date) -> bool:
        if self.campaign_start is None or self.campaign_end is None:
            return False
        return self.campaign_start <= day <= self.campaign_end

    def register_for(self, day: date) -> str:
        """domain.md §2: before determination the people are bakal calon (ethics), after calon (discipline)."""
        if self.determination_date is not None and day < self.determination_date:
            return "ethics"
        return "discipline"


def _as_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (str(value),)
    if not isinstance(value, list):
        raise ProfileError(f"{where}: expected a list, got {type(value).__name__}")
    out = []
    for i, v in enumerate(value):
        if not isinstance(v, str | int) or str(v).strip() == "":
            raise ProfileError(f"{where}[{i}]: expected a non-empty string")
        out.append(str(v).strip())
    return tuple(out)


def _as_date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ProfileError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _as_int(value: Any, where: str) -> int:
    if isinstance(value, bool):
        raise ProfileError(f"{where}: expected a number")
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ProfileError(f"{where}: {value!r} is not a number") from None


def parse_profile(data: Any, source: str = "<profile>") -> ElectionProfile:
    """Validate a parsed YAML mapping and build the profile."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a mapping at the top level")
    warnings: list[str] = []
    for key in sorted(set(data) - PROFILE_KEYS):
        warnings.append(f"{source}: unknown key '{key}' ignored")
    for key in ("id", "name", "candidates"):
        if data.get(key) in (None, "", []):
            raise ProfileError(f"{source}: missing required key '{key}'")
    level = data.get("level")
    if level is not None and level not in LEVELS:
        raise ProfileError(f"{source}: level '{level}' is not one of {', '.join(LEVELS)}")
    if not isinstance(data["candidates"], list):
        raise ProfileError(f"{source}: 'candidates' must be a list")

    candidates: list[Candidate] = []
    seen_ids: set[str] = set()
    seen_numbers: set[int] = set()
    for i, raw in enumerate(data["candidates"]):
        where = f"{source}: candidates[{i}]"
        if not isinstance(raw, dict):
            raise ProfileError(f"{where}: expected a mapping")
        for key in sorted(set(raw) - CANDIDATE_KEYS):
            warnings.append(f"{where}: unknown key '{key}' ignored")
        for key in ("id", "number", "names"):
            if raw.get(key) in (None, "", []):
                raise ProfileError(f"{where}: missing required key '{key}'")
        cid = str(raw["id"]).strip()
        number = _as_int(raw["number"], f"{where}.number")
        if cid in seen_ids:
            raise ProfileError(f"{where}: duplicate candidate id '{cid}'")
        if number in seen_numbers:
            raise ProfileError(f"{where}: duplicate ballot number {number}")
        seen_ids.add(cid)
        seen_numbers.add(number)
        accounts = []
        for j, acc in enumerate(raw.get("accounts") or []):
            if not isinstance(acc, dict) or not acc.get("platform") or not acc.get("handle"):
                raise ProfileError(f"{where}.accounts[{j}]: needs 'platform' and 'handle'")
            accounts.append(WatchedHandle(str(acc["platform"]).lower(), str(acc["handle"])))
        hashtags = tuple(
            h if h.startswith("#") else f"#{h}" for h in _as_list(raw.get("hashtags"), f"{where}.hashtags")
        )
        candidates.append(
            Candidate(
                id=cid,
                number=number,
                names=_as_list(raw["names"], f"{where}.names"),
                aliases=_as_list(raw.get("aliases"), f"{where}.aliases"),
                slogans=_as_list(raw.get("slogans"), f"{where}.slogans"),
                hashtags=hashtags,
                parties=_as_list(raw.get("parties"), f"{where}.parties"),
                incumbent=bool(raw.get("incumbent", False)),
                accounts=tuple(accounts),
                gestures=_as_list(raw.get("gestures"), f"{where}.gestures"),
            )
        )

    parties: list[Party] = []
    seen_party_numbers: set[int] = set()
    seen_party_names: set[str] = set()
    for i, raw in enumerate(data.get("parties") or []):
        where = f"{source}: parties[{i}]"
        if not isinstance(raw, dict) or not raw.get("name"):
            raise ProfileError(f"{where}: missing required key 'name'")
        for key in sorted(set(raw) - PARTY_KEYS):
            warnings.append(f"{where}: unknown key '{key}' ignored")
        name = str(raw["name"]).strip()
        number = _as_int(raw["number"], f"{where}.number") if raw.get("number") is not None else None
        if name.lower() in seen_party_names:
            raise ProfileError(f"{where}: duplicate party '{name}'")
        if number is not None and number in seen_party_numbers:
            raise ProfileError(f"{where}: duplicate party number {number}")
        seen_party_names.add(name.lower())
        if number is not None:
            seen_party_numbers.add(number)
        parties.append(Party(name=name, number=number, aliases=_as_list(raw.get("aliases"), f"{where}.aliases")))

    profile = ElectionProfile(
        id=str(data["id"]).strip(),
        name=str(data["name"]).strip(),
        level=level,
        region=data.get("region"),
        registration_start=_as_date(data.get("registration_start"), f"{source}: registration_start"),
        determination_date=_as_date(data.get("determination_date"), f"{source}: determination_date"),
        campaign_start=_as_date(data.get("campaign_start"), f"{source}: campaign_start"),
        campaign_end=_as_date(data.get("campaign_end"), f"{source}: campaign_end"),
        voting_day=_as_date(data.get("voting_day"), f"{source}: voting_day"),
        candidates=tuple(candidates),
        parties=tuple(parties),
        source=source,
        warnings=tuple(warnings),
    )
    if profile.campaign_start and profile.campaign_end and profile.campaign_start > profile.campaign_end:
        raise ProfileError(f"{source}: campaign_start is after campaign_end")
    for w in warnings:
        log.warning(w)
    return profile


def load_profile(path: str | Path) -> ElectionProfile:
    """Read and validate a profile YAML file; errors name the file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return load_profile_text(text, str(path))


def load_profile_text(text: str, source: str = "<profile>") -> ElectionProfile:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: invalid YAML: {exc}") from None
    except ValueError as exc:  # YAML's own date parsing, e.g. 2029-13-01
        raise ProfileError(f"{source}: invalid value: {exc}") from None
    return parse_profile(data, source)
