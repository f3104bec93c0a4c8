"""Receiving one large file upload without holding it in memory.

Starlette's form parser spools files to the system temp directory and reads the whole body
before a route sees anything. An export can be hundreds of megabytes and holds personal data,
so this reader streams the multipart body (python-multipart's parser) straight to a private
file under ``$NETRA_HOME/uploads/``, stops as soon as the file passes its size limit, and asks
the caller to vet the small fields sent before the file (the CSRF token) before writing a byte.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from monitor.i18n import _

MAX_FIELDS = 32
MAX_FIELD_BYTES = 4096


class UploadRefused(Exception):
    """The upload cannot be accepted; ``status`` is the HTTP status, the message is for the user."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ReceivedUpload:
    """The small form fields and, if one was sent, the file written to ``path`` inside ``directory``."""

    directory: Path
    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    filename: str | None = None
    size: int = 0
    # Set once a background job took the file: it deletes the directory when it ends, the request must not.
    handed_off: bool = False

    def discard(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def safe_filename(name: str | None, default: str = "ekspor.zip") -> str:
    """The client's file name reduced to a harmless base name (no path, no odd characters)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")[:100]
    return base or default


def private_directory(root: Path) -> Path:
    """A fresh directory only this process's user may read (mode 0700) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    directory = root / secrets.token_hex(12)
    directory.mkdir(mode=0o700)
    return directory


class _Receiver:
    def __init__(self, directory: Path, file_field: str, max_file_bytes: int,
                 before_file: Callable[[dict[str, str]], None]) -> None:
        self.upload = ReceivedUpload(directory)
        self.file_field = file_field
        self.max_file_bytes = max_file_bytes
        self.before_file = before_file
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._data = bytearray()
        self._out: BinaryIO | None = None
        self._fields = 0

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._name = ""
        self._data = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _kind, options = parse_options_header(self._disposition)
        raw_name = options.get(b"name")
        if raw_name is None:
            raise UploadRefused(400, _("Invalid form."))
        self._name = raw_name.decode("utf-8", "replace")
        if b"filename" not in options:
            self._fields += 1
            if self._fields > MAX_FIELDS:
                raise UploadRefused(400, _("Invalid form: too many fields."))
            return
        if self._name != self.file_field or self._out is not None or self.upload.path is not None:
            raise UploadRefused(400, _("Invalid form: only one file is accepted."))
        # Vet what came before the file (the CSRF token) before writing anything to disk.
        self.before_file(self.upload.fields)
        self.upload.filename = options[b"filename"].decode("utf-8", "replace")
        path = self.upload.directory / safe_filename(self.upload.filename)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._out = os.fdopen(fd, "wb")
        self.upload.path = path

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._out is None:
            if len(self._data) + len(chunk) > MAX_FIELD_BYTES:
                raise UploadRefused(400, _("Invalid form: a field is too long."))
            self._data.extend(chunk)
            return
        self.upload.size += len(chunk)
        if self.upload.size > self.max_file_bytes:
            raise UploadRefused(413, _("The file is larger than the limit of {size}.",
                                       size=human_size(self.max_file_bytes)))
        # Small synchronous writes (one network chunk at a time) keep memory flat; the disk is local.
        self._out.write(chunk)

    def on_part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
            return
        self.upload.fields.setdefault(self._name, self._data.decode("utf-8", "replace"))

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


def human_size(n: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.0f} {unit}"
    return f"{n} B"


async def receive_upload(request: Request, root: Path, *, file_field: str, max_file_bytes: int,
                         before_file: Callable[[dict[str, str]], None]) -> ReceivedUpload:
    """Read a multipart/form-data body: fields in memory (small), the one file under a private dir in ``root``.

    Raises :class:`UploadRefused` (and leaves nothing on disk) when the body is malformed, the file is too
    large, or ``before_file`` refuses; other exceptions from ``before_file`` propagate the same way.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, _("The form must be sent as multipart/form-data."))
    receiver = _Receiver(private_directory(root), file_field, max_file_bytes, before_file)
    parser = MultipartParser(boundary, {
        "on_part_begin": receiver.on_part_begin,
        "on_part_data": receiver.on_part_data,
        "on_part_end": receiver.on_part_end,
        "on_header_field": receiver.on_header_field,
        "on_header_value": receiver.on_header_value,
        "on_header_end": receiver.on_header_end,
        "on_headers_finished": receiver.on_headers_finished,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if receiver._out is not None:  # body ended inside the file part
            raise UploadRefused(400, _("The upload was cut off before it finished. Try again."))
    except FormParserError:
        receiver.close()
        receiver.upload.discard()
        raise UploadRefused(400, _("Invalid form (damaged multipart data).")) from None
    except BaseException:
        receiver.close()
        receiver.upload.discard()
        raise
    return receiver.upload
