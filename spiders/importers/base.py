"""What every self-audit importer shares: opening exports, bounded streaming JSON, repairing Meta's mojibake.

Exports are handed in by the account owner (platform-formats.md §3). They also
hold direct messages, contacts and login logs, so importers open **only** the
files they need, found by name anywhere in the archive because layouts move.
Records are streamed with ijson so a 500 MB export never sits in memory.

An export is untrusted input: a 1.5 MB ZIP can unpack to gigabytes, a record can
be one endless string, a field can be null where an object belongs. So every
read is bounded (:class:`ImportLimits`, the ``import_*`` settings): the files an
import opens together, each file (by its ZIP header and again while reading,
since headers can lie), each record (the bytes the parser may consume for it)
and each text field (cut with a visible marker). A record that cannot be used is
handed back as :class:`Rejected` — kept raw in the quarantine by the caller — and
a file that cannot be read (corrupt, truncated, too large) as :class:`FileProblem`,
naming the file inside the export; either way the import goes on with the next.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

import ijson

from spiders.items import ActivityItem, clean_text

log = logging.getLogger(__name__)

# How much of an oversized record is kept in the quarantine (half parsed, half raw): enough to see what it was.
KEEP_BYTES = 64 * 1024
# A bare export file (not a ZIP or folder) is accepted under these suffixes: TikTok's user_data.json,
# or a single X data file.
BARE_SUFFIXES = (".json", ".js")
PROBLEMS_KEPT = 100
# Levels of nesting inside one record; platform records use fewer than ten.
MAX_DEPTH = 64
# Records whose parse failed are described with at most this much of the exception text.
ERROR_CHARS = 500
_CUT = re.compile(r"… \[dipotong: \d+ karakter\]$")


def cut_marker(removed: int) -> str:
    """The visible marker of a text cut at the field limit (shown to reviewers in Bahasa Indonesia)."""
    return f"… [dipotong: {removed} karakter]"


def human_bytes(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{n} B"


# ----------------------------------------------------------------------------- errors


class ExportError(ValueError):
    """The export cannot be imported as given; the message names the file and why.

    ``code`` says what went wrong in a word the web app turns into a sentence in Bahasa Indonesia.
    """

    code = "unreadable_export"


class MemberError(ExportError):
    """One file inside the export could not be read (corrupt, truncated, malformed); the others still can."""

    code = "member_unreadable"

    def __init__(self, file: str, message: str, code: str | None = None) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        if code is not None:
            self.code = code


class MemberTooLarge(MemberError):
    code = "member_too_large"


class RecordTooLarge(MemberError):
    """One record is larger than the record limit: it is quarantined truncated and its file is not read further."""

    code = "record_too_large"

    def __init__(self, file: str, message: str, kept: bytes) -> None:
        super().__init__(file, message)
        self.kept = kept
        # Set by the stream: the record's section ("" when the oversized value was no record) and
        # the part of the record parsed before it (its small fields: its id, its time).
        self.prefix = ""
        self.partial: Any = None


class ExportTooLarge(ExportError):
    """The files an import opens hold more than the total limit: the import stops."""

    code = "export_too_large"


class RecordError(ValueError):
    """A record a parser cannot use (no id, no time): it is quarantined raw, the import goes on."""


# ----------------------------------------------------------------------------- limits


@dataclass(frozen=True)
class ImportLimits:
    """Bounds on what one import reads (the ``import_*`` settings, docs/configuration.md)."""

    total_bytes: int
    member_bytes: int
    record_bytes: int
    field_chars: int
    members: int

    @classmethod
    def from_settings(cls, settings: Any = None) -> ImportLimits:
        if settings is None:
            from monitor.config import get_settings

            settings = get_settings()
        return cls(total_bytes=settings.import_max_total_bytes, member_bytes=settings.import_max_member_bytes,
                   record_bytes=settings.import_max_record_bytes, field_chars=settings.import_max_field_chars,
                   members=settings.import_max_members)


class _Budget:
    """Uncompressed bytes read so far, per file and in all; ``pulse`` is called on every read."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.total = 0
        self.read: dict[str, int] = {}
        self.pulse: Callable[[], None] | None = None

    def charge(self, name: str, position: int) -> None:
        # A file read twice (owner lookup, then records) counts once: the budget is the bytes unpacked.
        before = self.read.get(name, 0)
        if position > before:
            self.total += position - before
            self.read[name] = position
            if self.total > self.limits.total_bytes:
                raise ExportTooLarge(
                    f"the files read from this export hold more than {human_bytes(self.limits.total_bytes)} "
                    f"uncompressed (import_max_total_bytes); stopped in {name}"
                )


# ----------------------------------------------------------------------------- exports


@dataclass
class ExportFile:
    """One file inside an export, by its path in the archive. ``size`` is what the archive claims."""

    name: str
    open: Callable[[], IO[bytes]]
    size: int
    budget: _Budget | None = field(default=None, repr=False)

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name.lower()

    @property
    def limits(self) -> ImportLimits:
        return self._budget.limits

    @property
    def _budget(self) -> _Budget:
        if self.budget is None:  # a file built by hand (tests): the configured limits
            self.budget = _Budget(ImportLimits.from_settings())
        return self.budget

    @contextmanager
    def reader(self, *, js_wrapper: bool = False) -> Iterator[MemberReader]:
        """The file's bytes, bounded and as valid UTF-8; read errors become :class:`MemberError` naming it."""
        limits = self.limits
        if self.size > limits.member_bytes:
            raise MemberTooLarge(self.name, f"{human_bytes(self.size)} uncompressed, more than the "
                                 f"{human_bytes(limits.member_bytes)} allowed for one file (import_max_member_bytes)")
        try:
            raw = self.open()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise MemberError(self.name, f"cannot be opened ({exc})") from None
        try:
            yield MemberReader(raw, self.name, self._budget, js_wrapper=js_wrapper)
        finally:
            raw.close()


@dataclass
class Export:
    """An export ZIP, unpacked folder or single JSON file, listed but not read."""

    path: Path
    files: list[ExportFile]
    sha256: str
    size: int
    limits: ImportLimits | None = None
    budget: _Budget | None = field(default=None, repr=False)

    def find(self, *basenames: str, under: str | None = None) -> list[ExportFile]:
        """Files whose name (lower-case) is one of ``basenames``, anywhere in the archive."""
        wanted = {b.lower() for b in basenames}
        out = [f for f in self.files if f.basename in wanted and (under is None or under in f.name.lower())]
        return sorted(out, key=lambda f: f.name)

    def find_matching(self, predicate: Callable[[str], bool]) -> list[ExportFile]:
        return sorted((f for f in self.files if predicate(f.basename)), key=lambda f: f.name)

    def on_read(self, pulse: Callable[[], None] | None) -> None:
        """Call ``pulse`` on every chunk read (a run's heartbeat during a file with nothing importable in it)."""
        if self.budget is not None:
            self.budget.pulse = pulse


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _unsafe_name(name: str) -> bool:
    """A member name that would leave the export if unpacked: absolute, a drive, or climbing with ``..``."""
    plain = name.replace("\\", "/")
    return plain.startswith("/") or bool(re.match(r"^[A-Za-z]:", plain)) or ".." in plain.split("/")


def _zip_entries(path: Path) -> int | None:
    """The entry count the archive's end record announces, read before the central directory is parsed."""
    try:
        with path.open("rb") as fh:
            end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return None
    return int(end[zipfile._ECD_ENTRIES_TOTAL]) if end else None  # type: ignore[attr-defined]


@contextmanager
def open_export(path: Path, limits: ImportLimits | None = None, *, digest: bool = True) -> Iterator[Export]:
    """Open a ZIP, a folder or a bare JSON file; the export's own SHA-256 is recorded with the import.

    ``digest=False`` skips the hash (a quick look at what the archive holds, e.g. while a web upload waits).
    """
    path = Path(path)
    sha256 = _file_sha256 if digest else (lambda _path: "")
    limits = limits or ImportLimits.from_settings()
    budget = _Budget(limits)
    if not path.exists():
        raise ExportError(f"{path}: not found")
    if path.is_dir():
        yield _folder_export(path, limits, budget)
        return
    with path.open("rb") as fh:
        magic = fh.read(4)
    if not magic.startswith(b"PK") and path.suffix.lower() in BARE_SUFFIXES and path.is_file():
        # TikTok hands out user_data.json on its own (no ZIP): a one-file export.
        size = path.stat().st_size
        file = ExportFile(path.name, lambda: path.open("rb"), size, budget)
        yield Export(path, [file], sha256(path), size, limits, budget)
        return
    if not zipfile.is_zipfile(path):
        raise ExportError(f"{path}: not a ZIP archive, folder or JSON file (corrupt or wrong file?)")
    entries = _zip_entries(path)
    if entries is not None and entries > limits.members:
        raise ExportError(f"{path}: the archive lists {entries} files, more than the {limits.members} allowed "
                          "(import_max_members)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise ExportError(f"{path}: corrupt ZIP archive ({exc})") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.members:
            raise ExportError(f"{path}: the archive lists {len(infos)} files, more than the {limits.members} allowed "
                              "(import_max_members)")
        unsafe = [info.filename for info in infos if _unsafe_name(info.filename)]
        if unsafe:
            # Nothing is ever unpacked to disk, but no platform writes such names: the archive was made by hand.
            raise ExportError(f"{path}: unsafe path inside the archive ({unsafe[0]!r}): not a platform export")
        files = [
            ExportFile(info.filename.replace("\\", "/"), (lambda info=info: archive.open(info)), info.file_size,
                       budget)
            for info in infos
        ]
        yield Export(path, files, sha256(path), path.stat().st_size, limits, budget)


def _folder_export(root: Path, limits: ImportLimits, budget: _Budget) -> Export:
    resolved_root = root.resolve()
    files: list[ExportFile] = []
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            target = p.resolve()
            if not target.is_relative_to(resolved_root):
                raise ExportError(f"{root}: {p.relative_to(root)} links outside the export folder: not a platform "
                                  "export")
        if not p.is_file() or not stat.S_ISREG(p.stat().st_mode):
            continue
        files.append(ExportFile(p.relative_to(root).as_posix(), (lambda p=p: p.open("rb")), p.stat().st_size,
                                budget))
        if len(files) > limits.members:
            raise ExportError(f"{root}: more than {limits.members} files (import_max_members)")
    digest = hashlib.sha256("\n".join(f"{f.name}:{f.size}" for f in files).encode()).hexdigest()
    return Export(root, files, digest, sum(f.size for f in files), limits, budget)


# ----------------------------------------------------------------------------- reading


class MemberReader:
    """A file-like view of one export file for the JSON parser: bounded, counted and valid UTF-8.

    - every read is charged to the file's limit and the import's total (headers can lie);
    - ``mark()`` starts a record's window: the parser may consume at most the record limit before the
      next mark, so one endless string stops after a megabyte instead of filling memory;
    - bytes that are not UTF-8 become U+FFFD instead of ending the file; a BOM is dropped;
    - ``js_wrapper``: X's ``window.YTD.x.part0 = [...]`` starts at its first ``[``.
    """

    def __init__(self, raw: IO[bytes], name: str, budget: _Budget, *, js_wrapper: bool = False) -> None:
        self._raw = raw
        self.name = name
        self._budget = budget
        self._limits = budget.limits
        self.position = 0
        self._mark = 0
        self._window = bytearray()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._started = False
        self._js_wrapper = js_wrapper
        self._eof = False

    def _raw_read(self, n: int) -> bytes:
        try:
            data = self._raw.read(n)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise MemberError(self.name, f"cannot be read past byte {self.position} ({exc})") from None
        self.position += len(data)
        if self.position > self._limits.member_bytes:
            raise MemberTooLarge(self.name, f"more than {human_bytes(self._limits.member_bytes)} uncompressed "
                                 "(import_max_member_bytes), whatever the archive's header says")
        self._budget.charge(self.name, self.position)
        if self._budget.pulse is not None:
            self._budget.pulse()
        return data

    def mark(self) -> None:
        """A record (or any value outside the records) starts here."""
        self._mark = self.position
        self._window.clear()

    def kept(self) -> bytes:
        """The first bytes read since the current mark: all inside the record (nothing of its neighbours,
        which may be another section of the export, such as direct messages)."""
        return bytes(self._window)

    def _start(self) -> bytes:
        head = b""
        while len(head) < 8 and not self._eof:
            chunk = self._raw_read(4096)
            self._eof = not chunk
            head += chunk
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8):]
        if not self._js_wrapper or head.lstrip()[:1] in (b"[", b"{"):
            return head
        # window.YTD.tweets.part0 = [ ... ]: drop everything up to the first bracket.
        while b"[" not in head:
            if self._eof or len(head) > 1 << 20:
                raise MemberError(self.name, "no JSON array found (truncated or not an X archive file)",
                                  code="member_malformed")
            chunk = self._raw_read(4096)
            self._eof = not chunk
            head += chunk
        return head[head.index(b"[") :]

    def read(self, n: int = -1) -> bytes:
        if n == 0:
            return b""
        if n < 0:
            n = 1 << 16
        while True:
            if not self._started:
                self._started = True
                data = self._start()
            elif self._eof:
                data = b""
            else:
                data = self._raw_read(n)
                self._eof = not data
            if self.position - self._mark > self._limits.record_bytes:
                raise RecordTooLarge(self.name, f"a record (or a value between records) larger than "
                                     f"{human_bytes(self._limits.record_bytes)} (import_max_record_bytes)", self.kept())
            if len(self._window) < KEEP_BYTES // 2:
                self._window += data[: KEEP_BYTES // 2 - len(self._window)]
            decoded = self._decoder.decode(data, final=self._eof)
            # An incomplete UTF-8 sequence at a chunk's end decodes to nothing yet; an empty answer means EOF.
            if decoded or self._eof:
                return decoded.encode("utf-8")

    @property
    def at_end(self) -> bool:
        return self._eof


def _number(value: Decimal) -> int | float | str:
    """A JSON number as stored: int or float when it fits, else its text (no billion-digit ints, no Infinity)."""
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value() and value.adjusted() <= 18:
        return int(value)
    as_float = float(value)
    return as_float if as_float not in (float("inf"), float("-inf")) else str(value)


def bound_strings(value: Any, field_chars: int) -> tuple[Any, int]:
    """``value`` with every string (keys too) cut to ``field_chars`` plus a marker, numbers made storable.

    Returns the bounded value and how many strings were cut.
    """
    cut = 0

    def walk(v: Any) -> Any:
        nonlocal cut
        if isinstance(v, str):
            if len(v) > field_chars:
                cut += 1
                return v[:field_chars] + cut_marker(len(v) - field_chars)
            return v
        if isinstance(v, dict):
            return {walk(k): walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, Decimal):
            return _number(v)
        return v

    return walk(value), cut


@dataclass(frozen=True)
class TooDeep:
    """Stands for a record nested deeper than :data:`MAX_DEPTH`; ``kept`` are the bytes around its start."""

    kept: bytes


def stream_records(file: ExportFile, prefixes: set[str] | frozenset[str], *, js_wrapper: bool = False,
                   case_insensitive: bool = True, on_cut: Callable[[int], None] | None = None,
                   ) -> Iterator[tuple[str, Any]]:
    """Yield ``(prefix, record)`` for each array item under any of ``prefixes`` (ijson notation).

    Prefixes are matched case-insensitively because key case varies even within
    one TikTok file (platform-formats.md §3.3). Strings longer than the field
    limit arrive cut and marked (``on_cut`` hears how many). Raises
    :class:`MemberError` (naming the file) when the file cannot be read on —
    records already yielded stay yielded — and :class:`RecordTooLarge` with the
    record's first bytes when one record passes the record limit.
    """
    wanted = {p.lower() if case_insensitive else p for p in prefixes}
    limits = file.limits
    with file.reader(js_wrapper=js_wrapper) as reader:
        builder: ijson.ObjectBuilder | None = None
        too_deep: TooDeep | None = None
        depth = 0
        current = ""
        buf_size = max(1024, min(64 * 1024, limits.record_bytes // 4))
        try:
            for prefix, event, value in ijson.parse(reader, use_float=False, buf_size=buf_size):
                if builder is not None:
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                    if too_deep is None:
                        builder.event(event, value)
                        if depth > MAX_DEPTH:
                            # No export nests this deep; building it would only feed recursion limits.
                            too_deep = TooDeep(reader.kept())
                            builder = ijson.ObjectBuilder()  # let the partial record go
                    if depth == 0:
                        if too_deep is not None:
                            record: Any = too_deep
                            too_deep = None
                        else:
                            record, cut = bound_strings(builder.value, limits.field_chars)
                            if cut and on_cut is not None:
                                on_cut(cut)
                        builder = None
                        reader.mark()
                        yield current, record
                    continue
                # Outside a record every event is small: the next value's window starts here.
                reader.mark()
                key = prefix.lower() if case_insensitive else prefix
                if key in wanted and event in ("start_map", "start_array", "string", "number", "boolean"):
                    current = key
                    if event in ("start_map", "start_array"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        depth = 1
                    else:
                        scalar, cut = bound_strings(value, limits.field_chars)
                        if cut and on_cut is not None:
                            on_cut(cut)
                        yield key, scalar
        except RecordTooLarge as exc:
            if builder is not None:
                exc.prefix = current
                exc.partial = None if too_deep is not None else builder.value
            raise
        except ijson.common.IncompleteJSONError as exc:
            raise MemberError(file.name, f"malformed or truncated JSON ({_short(exc)})", code="member_malformed") \
                from None
        except (ijson.common.JSONError, ValueError) as exc:
            if isinstance(exc, ExportError):
                raise
            raise MemberError(file.name, f"malformed JSON ({_short(exc)})", code="member_malformed") from None


def _short(exc: BaseException) -> str:
    """The parser's message without the snippet of input yajl draws under it."""
    first = exc.args[0] if exc.args else str(exc)
    text = first.decode("utf-8", "replace") if isinstance(first, bytes) else str(first)
    lines = text.strip().splitlines() or [""]
    return " ".join(lines[0].split())[:200]


def read_small_json(file: ExportFile, *, js_wrapper: bool = False) -> Any:
    """Parse a small file whole (profile/account files, a few KB), no larger than the record limit."""
    limit = file.limits.record_bytes
    if file.size > limit:
        raise MemberError(file.name, f"{human_bytes(file.size)} is too large for a profile file "
                          f"(import_max_record_bytes {human_bytes(limit)})", code="member_too_large")
    chunks = []
    try:
        with file.reader(js_wrapper=js_wrapper) as reader:
            while not reader.at_end:
                # The reader's record window stops a header that lied about the size.
                chunks.append(reader.read(1 << 16))
    except RecordTooLarge:
        raise MemberError(file.name, f"too large for a profile file (import_max_record_bytes "
                          f"{human_bytes(limit)})", code="member_too_large") from None
    data = b"".join(chunks).rstrip().rstrip(b";")
    try:
        parsed = json.loads(data.decode("utf-8"), parse_float=Decimal, parse_constant=str)
        return bound_strings(parsed, file.limits.field_chars)[0]
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise MemberError(file.name, f"malformed JSON ({_short(exc)})", code="member_malformed") from None


def record_bytes(record: Any) -> bytes:
    """The record as evidence: compact JSON of what the export held (before any repair).

    A record holding a lone surrogate keeps it escaped; odd values (a Decimal) are written as text.
    """
    try:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record, ensure_ascii=True, separators=(",", ":"), default=str).encode("ascii")
    except (TypeError, ValueError, RecursionError):
        return repr(record).encode("utf-8", "backslashreplace")


# ----------------------------------------------------------------------------- mojibake


def unmojibake(s: str) -> str:
    """Repair Meta's per-byte escaping of UTF-8 (platform-formats.md §3.2); plain text is untouched.

    A field cut at the field limit keeps its marker and is repaired up to the cut.
    """
    marker = _CUT.search(s)
    if marker:
        head = s[: marker.start()]
        for _ in range(3):
            try:
                t = codecs.getincrementaldecoder("utf-8")().decode(head.encode("latin-1"), final=False)
            except (UnicodeEncodeError, UnicodeDecodeError):
                break
            if t == head:
                break
            head = t
        return head + marker.group(0)
    for _ in range(3):  # some exports are double-encoded
        try:
            t = s.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return s
        if t == s:
            return s
        s = t
    return s


def repair_strings(value: Any) -> Any:
    """Apply :func:`unmojibake` to every string of a parsed record, keys included."""
    if isinstance(value, str):
        return unmojibake(value)
    if isinstance(value, list):
        return [repair_strings(v) for v in value]
    if isinstance(value, dict):
        return {unmojibake(k) if isinstance(k, str) else k: repair_strings(v) for k, v in value.items()}
    return value


# ----------------------------------------------------------------------------- lenient field access


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one: a field of the wrong shape reads as absent."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a list, skipping nulls and other odd entries (``"hashtags": [null]``)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def text(value: Any) -> str | None:
    """A text field: strings as they are, numbers as their digits, anything else (null, object) as absent."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return str(value)
    return None


def texts(value: Any) -> list[str]:
    return [t for t in (text(v) for v in as_list(value)) if t]


def key_text(*parts: Any) -> str:
    """Part of a storable key: text without NULs or lone surrogates (PostgreSQL refuses both)."""
    return clean_text("".join(str(p) for p in parts))


# ----------------------------------------------------------------------------- one import's reading


@dataclass(frozen=True)
class Rejected:
    """A record that could not be used: quarantined raw with where it was and why."""

    file: str
    position: int | None
    section: str
    error: str
    raw: bytes
    code: str = "unusable_record"

    @property
    def where(self) -> str:
        return f"archive:{self.file}#{self.section}[{self.position}]" if self.position is not None \
            else f"archive:{self.file}"


@dataclass(frozen=True)
class FileProblem:
    """A file inside the export that could not be read (whole or from some point on)."""

    file: str
    error: str
    code: str = "member_unreadable"


Parsed = ActivityItem | Rejected
Outcome = ActivityItem | Rejected | FileProblem


@dataclass
class Source:
    """One file an importer reads and how: the record prefixes in it and the parser of one record.

    ``parse(section, record, position)`` yields the record's acts (or :class:`Rejected` for parts it
    cannot use) and raises :class:`RecordError` — or anything else — when the record as a whole is unusable.
    """

    file: ExportFile
    prefixes: frozenset[str]
    parse: Callable[[str, Any, int], Iterable[Parsed]]
    js_wrapper: bool = False


# Post.external_id and parent_external_id hold 512 characters; longer keys (a long link) keep a hash of the rest.
ID_CHARS = 512
SHORT_COLUMNS = {"author_handle": 255, "author_external_id": 255, "lang": 16, "posted_at_raw": 64}


def _bounded_id(value: str) -> str:
    value = clean_text(value)
    if len(value) <= ID_CHARS:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:40]
    return f"{value[: ID_CHARS - 41]}#{digest}"


def fit_for_storage(item: ActivityItem) -> ActivityItem:
    """The act with values its columns can hold: keys without NUL or lone surrogates and no longer than the
    column (PostgreSQL refuses both; SQLite would keep what PostgreSQL refuses), short columns cut."""
    item.external_id = _bounded_id(item.external_id)
    if item.source_url is not None:
        item.source_url = clean_text(item.source_url)
    for post in (item.post, item.target):
        if post is None:
            continue
        post.external_id = _bounded_id(post.external_id)
        if post.parent_external_id is not None:
            post.parent_external_id = _bounded_id(post.parent_external_id)
        for name, size in SHORT_COLUMNS.items():
            value = getattr(post, name)
            if value is not None and len(value) > size:
                setattr(post, name, value[:size])
        if post.source_url is not None:
            post.source_url = clean_text(post.source_url)
    return item


def parse_record(source: Source, section: str, record: Any, position: int) -> list[Parsed]:
    """Every act of one record, or the record quarantined: never an exception, never half a record."""
    if isinstance(record, TooDeep):
        return [Rejected(source.file.name, position, section, f"record nested deeper than {MAX_DEPTH} levels",
                         record.kept)]
    try:
        out = list(source.parse(section, record, position))
    except RecordError as exc:
        return [Rejected(source.file.name, position, section, clean_text(str(exc))[:ERROR_CHARS],
                         record_bytes(record))]
    except Exception as exc:  # noqa: BLE001 — a parser bug on an odd record must cost that record only
        log.debug("parser failed on %s #%s", source.file.name, position, exc_info=True)
        message = clean_text(f"{type(exc).__name__}: {exc}")[:ERROR_CHARS]
        return [Rejected(source.file.name, position, section, f"unreadable record ({message})",
                         record_bytes(record))]
    return [fit_for_storage(x) if isinstance(x, ActivityItem) else x for x in out]


def read_sources(sources: Iterable[Source], stats: ImportStats) -> Iterator[Outcome]:
    """Every act of every source, in order; unusable records and unreadable files are yielded, not raised.

    Only :class:`ExportTooLarge` (the import's total budget is spent) ends the reading early.
    """
    for source in sources:
        stats.files_read.append(source.file.name)
        counters: dict[str, int] = {}
        try:
            for section, record in stream_records(source.file, source.prefixes, js_wrapper=source.js_wrapper,
                                                  on_cut=stats.count_cut):
                position = counters[section] = counters.get(section, -1) + 1
                yield from parse_record(source, section, record, position)
        except RecordTooLarge as exc:
            if exc.prefix:
                # The record is quarantined cut: what was parsed of it, then its first raw bytes, then a marker.
                position = counters.get(exc.prefix, -1) + 1
                head = record_bytes(bound_strings(exc.partial, 1000)[0])[: KEEP_BYTES // 2] \
                    if exc.partial is not None else b""
                kept = head + b"\n" + exc.kept + (
                    f"\n… [dipotong: rekaman melebihi {human_bytes(source.file.limits.record_bytes)}; "
                    f"hanya {human_bytes(len(head) + len(exc.kept))} pertama disimpan]").encode()
                yield Rejected(source.file.name, position, exc.prefix, str(exc), kept, code="record_too_large")
            # A value outside the records (another section, whitespace) is not kept: it is nothing Netra reads.
            yield FileProblem(source.file.name, f"{exc}; the rest of {source.file.name} was not read",
                              code="record_too_large")
        except ExportTooLarge:
            raise
        except MemberError as exc:
            yield FileProblem(source.file.name, str(exc), code=exc.code)


@dataclass(frozen=True)
class Problem:
    """Something the import skipped, for the run's log, the CLI and the web's job page."""

    code: str
    file: str | None
    position: int | None
    message: str


@dataclass
class ImportStats:
    """What one import did; the same counters land on its crawl run."""

    export_sha256: str = ""
    files_read: list[str] = field(default_factory=list)
    seen: int = 0  # acts read
    stored: int = 0
    unchanged: int = 0
    quarantined: int = 0  # records kept raw in the quarantine
    unreadable_files: int = 0  # files (or the export) not read to the end
    store_failures: int = 0  # acts read but refused by the database (kept in ingest_retry)
    truncated_fields: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    # The first PROBLEMS_KEPT problems; ``problem_count`` counts them all.
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    status: str | None = None  # the run's status once it is closed

    def count(self, kind: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def count_cut(self, n: int) -> None:
        self.truncated_fields += n

    def problem(self, code: str, file: str | None, position: int | None, message: str) -> None:
        self.problem_count += 1
        log.info("import problem: %s", message)
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(code, file, position, message))

    @property
    def skipped(self) -> int:
        """Records or files not imported: quarantined, unreadable, not stored."""
        return self.quarantined + self.unreadable_files + self.store_failures

    @property
    def messages(self) -> list[str]:
        return [p.message for p in self.problems]
