"""What every self-audit importer shares: opening exports, streaming JSON, repairing Meta's mojibake.

Exports are handed in by the account owner (platform-formats.md §3). They also
hold direct messages, contacts and login logs, so importers open **only** the
files they need, found by name anywhere in the archive because layouts move.
Records are streamed with ijson so a 500 MB export never sits in memory.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import ijson

log = logging.getLogger(__name__)

# Top-level arrays are huge; each record in them is small. Building one record
# at a time keeps memory flat whatever the export's size.
MAX_RECORD_BYTES = 5_000_000


class ExportError(ValueError):
    """The export cannot be imported as given; the message names the file and why."""


@dataclass
class ExportFile:
    """One file inside an export, by its path in the archive."""

    name: str
    open: Callable[[], IO[bytes]]
    size: int

    @property
    def basename(self) -> str:
        return PurePosixPath(self.name).name.lower()


@dataclass
class Export:
    """An export ZIP or unpacked folder, listed but not read."""

    path: Path
    files: list[ExportFile]
    sha256: str
    size: int

    def find(self, *basenames: str, under: str | None = None) -> list[ExportFile]:
        """Files whose name (lower-case) is one of ``basenames``, anywhere in the archive."""
        wanted = {b.lower() for b in basenames}
        out = [f for f in self.files if f.basename in wanted and (under is None or under in f.name.lower())]
        return sorted(out, key=lambda f: f.name)

    def find_matching(self, predicate: Callable[[str], bool]) -> list[ExportFile]:
        return sorted((f for f in self.files if predicate(f.basename)), key=lambda f: f.name)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def open_export(path: Path) -> Iterator[Export]:
    """Open a ZIP or a folder; the archive's own SHA-256 is recorded with the import."""
    path = Path(path)
    if not path.exists():
        raise ExportError(f"{path}: not found")
    if path.is_dir():
        files = [
            ExportFile(str(p.relative_to(path)).replace("\\", "/"), (lambda p=p: p.open("rb")), p.stat().st_size)
            for p in sorted(path.rglob("*"))
            if p.is_file()
        ]
        digest = hashlib.sha256("\n".join(f"{f.name}:{f.size}" for f in files).encode()).hexdigest()
        yield Export(path, files, digest, sum(f.size for f in files))
        return
    if not zipfile.is_zipfile(path):
        raise ExportError(f"{path}: not a ZIP archive or folder (corrupt or wrong file?)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"{path}: corrupt ZIP archive ({exc})") from None
    with archive:
        files = [
            ExportFile(info.filename, (lambda info=info: archive.open(info)), info.file_size)
            for info in archive.infolist()
            if not info.is_dir()
        ]
        yield Export(path, files, _file_sha256(path), path.stat().st_size)


def unmojibake(s: str) -> str:
    """Repair Meta's per-byte escaping of UTF-8 (platform-formats.md §3.2); plain text is untouched."""
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
        return {unmojibake(k): repair_strings(v) for k, v in value.items()}
    return value


class _SkipToArray(io.RawIOBase):
    """A stream that starts at the first ``[``: X's ``window.YTD.x.part0 = [...]`` becomes plain JSON."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self._raw = raw
        head = b""
        while b"[" not in head:
            chunk = raw.read(4096)
            if not chunk:
                raise ExportError(f"{name}: no JSON array found (truncated or not an X archive file)")
            head += chunk
            if len(head) > 1 << 20 and b"[" not in head:
                raise ExportError(f"{name}: no JSON array in the first megabyte")
        self._pending = head[head.index(b"[") :]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._pending:
            self._pending = self._raw.read(len(buffer))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def stream_records(file: ExportFile, prefixes: set[str], *, js_wrapper: bool = False,
                   case_insensitive: bool = True) -> Iterator[tuple[str, Any]]:
    """Yield ``(prefix, record)`` for each array item under any of ``prefixes`` (ijson notation).

    Prefixes are matched case-insensitively because key case varies even within
    one TikTok file (platform-formats.md §3.3). Malformed JSON raises
    :class:`ExportError` naming the file; records already yielded stay yielded.
    """
    wanted = {p.lower() if case_insensitive else p for p in prefixes}
    with file.open() as raw:
        stream: IO[bytes] = io.BufferedReader(_SkipToArray(raw, file.name)) if js_wrapper else raw
        builder: ijson.ObjectBuilder | None = None
        depth = 0
        current = ""
        try:
            for prefix, event, value in ijson.parse(stream, use_float=True):
                if builder is not None:
                    builder.event(event, value)
                    if event in ("start_map", "start_array"):
                        depth += 1
                    elif event in ("end_map", "end_array"):
                        depth -= 1
                    if depth == 0:
                        yield current, builder.value
                        builder = None
                    continue
                key = prefix.lower() if case_insensitive else prefix
                if key in wanted and event in ("start_map", "start_array", "string", "number", "boolean"):
                    current = key
                    if event in ("start_map", "start_array"):
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        depth = 1
                    else:
                        yield key, value
        except ijson.common.IncompleteJSONError as exc:
            raise ExportError(f"{file.name}: malformed or truncated JSON ({exc})") from None
        except ijson.common.JSONError as exc:
            raise ExportError(f"{file.name}: malformed JSON ({exc})") from None


def read_small_json(file: ExportFile, *, js_wrapper: bool = False) -> Any:
    """Parse a small file whole (profile/account files, a few KB)."""
    if file.size > MAX_RECORD_BYTES:
        raise ExportError(f"{file.name}: {file.size} bytes is too large for a profile file")
    with file.open() as raw:
        data = raw.read()
    if js_wrapper:
        start = data.find(b"[")
        if start < 0:
            raise ExportError(f"{file.name}: no JSON array found")
        data = data[start:].rstrip().rstrip(b";")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{file.name}: malformed JSON ({exc})") from None


def record_bytes(record: Any) -> bytes:
    """The record as evidence: compact JSON of what the export held (before any repair)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")


@dataclass
class ImportStats:
    """What one import did; the same counters land on its crawl run."""

    export_sha256: str = ""
    files_read: list[str] = field(default_factory=list)
    seen: int = 0
    stored: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    # Entries a parser could not use (missing fields, bad dates), with file and position.
    skipped: list[str] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def skip(self, file: str, position: int, reason: str) -> None:
        message = f"{file} entry {position}: {reason}"
        log.warning("skipped %s", message)
        self.skipped.append(message)
