"""Election profiles: the YAML contract of ``docs/interfaces.md``.

A profile names the election being watched — its candidates, ballot numbers,
nicknames, slogans, hashtags, parties and dates — so the classifier can
recognise candidates that no training data has seen.

The types below are frozen Pydantic models: they validate the YAML and are
also the hashable values the classifier caches on (``matcher_for``). Unknown
keys are ignored with a warning; every error is one line naming the file and
the key's path (``candidates[1].number``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, get_args

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import ErrorDetails, PydanticCustomError

log = logging.getLogger(__name__)

LEVELS = ("presiden", "dpr", "dpd", "dprd", "gubernur", "bupati", "walikota")
# Filled in by the loader, never from the file: a `source:` key in a YAML file is an unknown key like any other.
_LOADER_FIELDS = frozenset({"source", "warnings"})
# A file with many mistakes still gets a one-line error; the first few name where to start.
_ERRORS_SHOWN = 3


class ProfileError(ValueError):
    """A profile file is invalid; the message names the file and the key."""


# ---------------------------------------------------------------- value rules


def _kind(value: Any) -> dict[str, str]:
    return {"kind": type(value).__name__}


def _text(value: Any) -> str:
    # YAML reads `id: 7` or `aliases: [212]` as numbers; in a profile they are names.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError("profile_text", "expected a non-empty string, got {kind}", _kind(value))
    text = str(value).strip()
    if not text:
        raise PydanticCustomError("profile_text", "expected a non-empty string")
    return text


def _one_or_many(value: Any) -> Any:
    """A list of names may be written as one bare name (``aliases: AMIN``)."""
    if value is None or value == "":
        return ()
    if isinstance(value, str | int) and not isinstance(value, bool):
        return (value,)
    if not isinstance(value, list | tuple):
        raise PydanticCustomError("profile_list", "expected a list, got {kind}", _kind(value))
    return value


def _many(value: Any) -> Any:
    """Lists of mappings (candidates, parties, accounts) must be lists; an empty key means none."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise PydanticCustomError("profile_list", "expected a list, got {kind}", _kind(value))
    return value


def _number(value: Any) -> int:
    # bool is an int to Python, but `number: yes` is a slip, not ballot number 1; "3" is a quoted 3.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("profile_number", "{value} is not a number", {"value": repr(value)})


def _day(value: Any) -> date:
    # YAML already reads 2029-09-25 as a date; a quoted one arrives as text, a timestamp as a datetime.
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError(
            "profile_date", "{value} is not a date (YYYY-MM-DD)", {"value": repr(value)}
        ) from None


def _level(value: Any) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise PydanticCustomError(
            "profile_level", "{value} is not one of {levels}", {"value": repr(value), "levels": ", ".join(LEVELS)}
        )
    return value


def _hashtag(tag: str) -> str:
    return tag if tag.startswith("#") else f"#{tag}"


Text = Annotated[str, BeforeValidator(_text)]
TextList = Annotated[tuple[Text, ...], BeforeValidator(_one_or_many)]
Number = Annotated[int, BeforeValidator(_number)]
Day = Annotated[date, BeforeValidator(_day)]
Level = Annotated[str, BeforeValidator(_level)]
Platform = Annotated[str, BeforeValidator(_text), AfterValidator(str.lower)]
Hashtag = Annotated[str, BeforeValidator(_text), AfterValidator(_hashtag)]


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- the profile


class _ProfilePart(BaseModel):
    """What every mapping of a profile shares: frozen (hashable), unknown keys left out."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _given_keys(cls, data: Any) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, dict):
            raise PydanticCustomError("profile_mapping", "expected a mapping, got {kind}", _kind(data))
        required = {name for name, spec in cls.model_fields.items() if spec.is_required()}
        # YAML reads an empty key (`aliases:`) as null, meaning "not given"; an empty required value is missing.
        return {
            key: value for key, value in data.items()
            if value is not None and not (key in required and _is_empty(value))
        }


class WatchedHandle(_ProfilePart):
    platform: Platform
    handle: Text


class Candidate(_ProfilePart):
    id: Text
    number: Number
    names: TextList
    aliases: TextList = ()
    slogans: TextList = ()
    hashtags: Annotated[tuple[Hashtag, ...], BeforeValidator(_one_or_many)] = ()
    parties: TextList = ()
    incumbent: bool = False
    accounts: Annotated[tuple[WatchedHandle, ...], BeforeValidator(_many)] = ()
    # Descriptions of the candidate's hand sign ("satu jari", "salam tiga jari"), when the profile gives them.
    gestures: TextList = ()
    # Short traits that single the candidate out ("mantan kapolda", "dokter dari pulau"): people refer to
    # candidates this way without naming them, and the profile makes the reference resolvable.
    descriptors: TextList = ()


class Party(_ProfilePart):
    name: Text
    number: Number | None = None
    aliases: TextList = ()


class ElectionProfile(_ProfilePart):
    id: Text
    name: Text
    candidates: Annotated[tuple[Candidate, ...], BeforeValidator(_many)]
    level: Level | None = None
    region: Text | None = None
    registration_start: Day | None = None
    determination_date: Day | None = None
    campaign_start: Day | None = None
    campaign_end: Day | None = None
    voting_day: Day | None = None
    parties: Annotated[tuple[Party, ...], BeforeValidator(_many)] = ()
    source: str = ""
    warnings: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ElectionProfile:
        _refuse_repeats("candidates", "id", [c.id for c in self.candidates], "duplicate candidate id '{value}'")
        _refuse_repeats("candidates", "number", [c.number for c in self.candidates],
                        "duplicate ballot number {value}")
        _refuse_repeats("parties", "name", [p.name.lower() for p in self.parties], "duplicate party '{value}'",
                        shown=[p.name for p in self.parties])
        _refuse_repeats("parties", "number", [p.number for p in self.parties], "duplicate party number {value}")
        if self.campaign_start and self.campaign_end and self.campaign_start > self.campaign_end:
            raise PydanticCustomError(
                "profile_dates", "{start} is after campaign_end {end}",
                {"path": "campaign_start", "start": str(self.campaign_start), "end": str(self.campaign_end)},
            )
        return self

    # The warnings describe the file, not the election: loads that differ only in ignored keys are one profile.
    def _identity(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in type(self).model_fields if name != "warnings")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ElectionProfile):
            return NotImplemented
        return self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

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


def _refuse_repeats(
    part: str, key: str, values: Sequence[Any], message: str, *, shown: Sequence[Any] | None = None
) -> None:
    """Raise on the first value seen twice, naming where it repeats and where it was first."""
    first: dict[Any, int] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in first:
            # A model validator has no location of its own; ``path`` tells ``_describe`` where this is.
            raise PydanticCustomError(
                "profile_duplicate", message + " (also {part}[{first}])",
                {"path": f"{part}[{i}].{key}", "value": (shown or values)[i], "part": part, "first": first[value]},
            )
        first[value] = i


# ---------------------------------------------------------------- loading


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(error: ErrorDetails) -> str:
    loc = error["loc"]
    if error["type"] == "missing":
        where, problem = _path(loc[:-1]), f"missing required key '{loc[-1]}'"
    else:
        where, problem = (error.get("ctx") or {}).get("path") or _path(loc), error["msg"]
    return f"{where}: {problem}" if where else problem


def _one_line(source: str, exc: ValidationError) -> str:
    problems = [_describe(e) for e in exc.errors(include_url=False)]
    more = len(problems) - _ERRORS_SHOWN
    return f"{source}: " + "; ".join(problems[:_ERRORS_SHOWN]) + (f"; and {more} more" if more > 0 else "")


def _part_type(annotation: Any) -> type[_ProfilePart] | None:
    """The mapping type a list field holds (``tuple[Candidate, ...]`` → ``Candidate``), if any."""
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, _ProfilePart):
            return arg
    return None


def _unknown_keys(data: Any, model: type[_ProfilePart], path: str = "") -> Iterator[str]:
    """Where the raw mapping has keys the model does not know, walking into its lists of mappings."""
    if not isinstance(data, dict):
        return  # validation names the wrong type
    known = model.model_fields.keys() - _LOADER_FIELDS
    prefix = f"{path}: " if path else ""
    for key in sorted(data.keys() - known, key=str):
        yield f"{prefix}unknown key '{key}' ignored"
    for name, spec in model.model_fields.items():
        part, items = _part_type(spec.annotation), data.get(name)
        if part is not None and isinstance(items, list):
            for i, item in enumerate(items):
                yield from _unknown_keys(item, part, f"{path}.{name}[{i}]" if path else f"{name}[{i}]")


def parse_profile(data: Any, source: str = "<profile>") -> ElectionProfile:
    """Validate a parsed YAML mapping and build the profile."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a mapping at the top level")
    warnings = tuple(f"{source}: {w}" for w in _unknown_keys(data, ElectionProfile))
    given = {key: value for key, value in data.items() if key not in _LOADER_FIELDS}
    try:
        profile = ElectionProfile.model_validate({**given, "source": source, "warnings": warnings})
    except ValidationError as exc:
        raise ProfileError(_one_line(source, exc)) from None
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
    except yaml.MarkedYAMLError as exc:
        # PyYAML's own message spans several lines with a caret drawing; the error is one line.
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ProfileError(f"{source}: invalid YAML{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{source}: invalid YAML: {' '.join(str(exc).split())}") from None
    except ValueError as exc:  # YAML's own date parsing, e.g. 2029-13-01
        raise ProfileError(f"{source}: invalid value: {exc}") from None
    return parse_profile(data, source)
