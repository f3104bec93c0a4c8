"""ZIP archives that unpack to far more than they weigh, written in about a second (tests of the import limits).

Deflating gigabytes takes minutes; a deflate stream can instead repeat one compressed block,
because after a full flush the compressor starts afresh and compresses the same bytes to the
same bytes. The CRC is computed over the real content, so the archives are valid ZIPs — unless
a test asks for a header that lies about the size.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Member:
    name: str
    compressed: bytes
    crc: int
    size: int  # uncompressed bytes


def deflated(head: bytes, block: bytes = b"", count: int = 0, tail: bytes = b"") -> tuple[bytes, int, int]:
    """``head + block * count + tail`` as raw deflate data: (compressed, crc32, uncompressed size)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(head)
    if count:
        once = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
        again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
        assert once == again, "the compressor did not restart after a full flush"
        parts.append(once * count)
        for _ in range(count):
            crc = zlib.crc32(block, crc)
    parts.append(comp.compress(tail) + comp.flush())
    crc = zlib.crc32(tail, crc)
    return b"".join(parts), crc, len(head) + len(block) * count + len(tail)


def member(name: str, head: bytes, block: bytes = b"", count: int = 0, tail: bytes = b"") -> Member:
    compressed, crc, size = deflated(head, block, count, tail)
    assert size < 1 << 32, "no ZIP64 here: keep members under 4 GiB"
    return Member(name, compressed, crc, size)


def write_zip(path: Path, members: list[Member], *, claimed_sizes: dict[str, int] | None = None) -> Path:
    """A ZIP of deflated ``members``; ``claimed_sizes`` makes the headers lie about a member's size."""
    claimed_sizes = claimed_sizes or {}
    out = bytearray()
    central = bytearray()
    for m in members:
        name = m.name.encode()
        size = claimed_sizes.get(m.name, m.size)
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, m.crc, len(m.compressed), size,
                           len(name), 0) + name
        out += m.compressed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, m.crc, len(m.compressed),
                               size, len(name), 0, 0, 0, 0, 0, offset) + name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    path.write_bytes(bytes(out))
    return path
