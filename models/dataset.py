"""Loading and validating Netra's labelled JSONL data (see models/data/LABEL_GUIDE.md)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from models.profile import ElectionProfile, ProfileError, load_profile

DATA_DIR = Path(str(files("models") / "data"))
CORPORA = DATA_DIR / "corpora"  # public Indonesian text sets, each with its licence (corpora/README.md)
KINDS = ("post", "comment", "share", "like", "photo")
STANCES = ("support", "oppose", "none")
REQUIRED = ("id", "profile", "kind", "text", "context", "stance", "hate", "candidate", "party")


class DatasetError(ValueError):
    """A labelled file is invalid; the message names file and line."""


@dataclass(frozen=True)
class LabelledItem:
    id: str
    profile: str
    kind: str
    text: str
    context: str | None
    platform: str | None
    stance: str
    hate: bool
    candidate: str | None
    party: str | None
    violation: str | None = None
    register: str | None = None
    hard_negative: bool = False
    # What the item probes (challenge and test sets: vote_call_slang, role_reference, sarcasm …), for per-category
    # figures.
    category: str | None = None

    @property
    def flagged(self) -> bool:
        return self.stance != "none" or self.hate


def load_profiles(directory: Path | None = None) -> dict[str, ElectionProfile]:
    directory = directory or DATA_DIR / "profiles"
    profiles: dict[str, ElectionProfile] = {}
    for path in sorted(directory.glob("*.yaml")):
        profile = load_profile(path)
        if profile.id in profiles:
            raise ProfileError(f"{path}: profile id '{profile.id}' also defined in {profiles[profile.id].source}")
        profiles[profile.id] = profile
    return profiles


def _item(obj: Any, where: str, profiles: dict[str, ElectionProfile] | None) -> LabelledItem:
    if not isinstance(obj, dict):
        raise DatasetError(f"{where}: expected a JSON object")
    for key in REQUIRED:
        if key not in obj:
            raise DatasetError(f"{where}: missing key '{key}'")
    if obj["kind"] not in KINDS:
        raise DatasetError(f"{where}: kind {obj['kind']!r} not one of {KINDS}")
    if obj["stance"] not in STANCES:
        raise DatasetError(f"{where}: stance {obj['stance']!r} not one of {STANCES}")
    if not isinstance(obj["hate"], bool):
        raise DatasetError(f"{where}: hate must be true/false")
    if not isinstance(obj["text"], str):
        raise DatasetError(f"{where}: text must be a string")
    if obj["kind"] == "like" and obj["text"]:
        raise DatasetError(f"{where}: a like has empty text")
    if obj["kind"] in ("like", "share", "comment") and not obj.get("context"):
        raise DatasetError(f"{where}: a {obj['kind']} needs the context it acted on")
    if obj["stance"] == "none" and obj["candidate"] is not None:
        raise DatasetError(f"{where}: stance none but candidate set")
    if obj["stance"] != "none" and obj["candidate"] is None and obj["party"] is None:
        raise DatasetError(f"{where}: stance {obj['stance']} needs a candidate or a party")
    if profiles is not None:
        profile = profiles.get(obj["profile"])
        if profile is None:
            raise DatasetError(f"{where}: unknown profile {obj['profile']!r}")
        if obj["candidate"] is not None and profile.candidate(str(obj["candidate"])) is None:
            raise DatasetError(f"{where}: candidate {obj['candidate']!r} not in profile {profile.id}")
        if obj["party"] is not None:
            names = {p.name.lower() for p in profile.parties} | {
                n.lower() for c in profile.candidates for n in c.parties
            }
            if str(obj["party"]).lower() not in names:
                raise DatasetError(f"{where}: party {obj['party']!r} not in profile {profile.id}")
    return LabelledItem(
        id=str(obj["id"]),
        profile=str(obj["profile"]),
        kind=obj["kind"],
        text=obj["text"],
        context=obj.get("context"),
        platform=obj.get("platform"),
        stance=obj["stance"],
        hate=obj["hate"],
        candidate=None if obj["candidate"] is None else str(obj["candidate"]),
        party=obj["party"],
        violation=obj.get("violation"),
        register=obj.get("register"),
        hard_negative=bool(obj.get("hard_negative", False)),
        category=obj.get("category"),
    )


def read_jsonl(path: Path, profiles: dict[str, ElectionProfile] | None = None) -> Iterator[LabelledItem]:
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{where}: invalid JSON: {exc.msg}") from None
            yield _item(obj, where, profiles)


def split_digest(split: str, data_dir: Path | None = None) -> str:
    """SHA-256 over the split's JSONL files and the profiles they are labelled against (names and bytes).

    Recorded with a trained model, so a card's figures can be tied to the exact data that made it.
    """
    data_dir = data_dir or DATA_DIR
    digest = hashlib.sha256()
    paths = sorted((data_dir / split).glob("*.jsonl")) + sorted((data_dir / "profiles").glob("*.yaml"))
    for path in paths:
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def source_commit() -> str | None:
    """The git commit of the code base when run from a checkout (None from an installed wheel)."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parent, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and len(commit) == 40 else None


def load_split(split: str, data_dir: Path | None = None, validate: bool = True) -> list[LabelledItem]:
    """All items of ``train`` or ``dev``, validated against the data's profiles."""
    data_dir = data_dir or DATA_DIR
    profiles = load_profiles(data_dir / "profiles") if validate else None
    items: list[LabelledItem] = []
    seen: set[str] = set()
    for path in sorted((data_dir / split).glob("*.jsonl")):
        for item in read_jsonl(path, profiles):
            if item.id in seen:
                raise DatasetError(f"{path}: duplicate id {item.id}")
            seen.add(item.id)
            items.append(item)
    return items


def summarise(items: Iterable[LabelledItem]) -> dict[str, Any]:
    items = list(items)
    return {
        "items": len(items),
        "flagged": sum(i.flagged for i in items),
        "hard_negative": sum(i.hard_negative for i in items),
        "stance": dict(Counter(i.stance for i in items)),
        "hate": sum(i.hate for i in items),
        "kind": dict(Counter(i.kind for i in items)),
        "platform": dict(Counter(i.platform for i in items)),
        "register": dict(Counter(i.register for i in items)),
        "profiles": len({i.profile for i in items}),
    }


if __name__ == "__main__":  # quick check while writing data: python -m models.dataset train
    import sys

    split = sys.argv[1] if len(sys.argv) > 1 else "train"
    print(json.dumps(summarise(load_split(split)), indent=1, ensure_ascii=False))
