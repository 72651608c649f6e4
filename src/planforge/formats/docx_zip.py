"""A Word package's zip: byte for byte what ``zipfile`` writes for the same parts (deflated, dated
1980-01-01, mode 0644, in the order given), so the same parts always give the same bytes.

Parts are held as ``Member`` (name and bytes), each deflated once, when first written: the
template's unchanging parts (the styles alone are 790 KB, 7 ms of deflating) are read and
compressed once per run and every document's zip is written around them. ``zipfile`` offers no
way to add data already compressed, so the container is written here, as the ZIP format
(PKWARE's APPNOTE) lays it out and ``zipfile`` writes it to a seekable file: each part's local
header, name and deflated bytes, then the central directory and its end record; no ZIP64 (a
package past 4 GB is refused), no data descriptors, no extra fields, no comments.
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Iterable

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # structCentralDir
_END = struct.Struct("<4s4H2LH")  # structEndArchive
_DEFLATED = 8
_VERSION = 20  # the version needed to extract deflated data (zipfile's DEFAULT_VERSION)
_SYSTEM = 0 if sys.platform == "win32" else 3  # the system that made the archive, as zipfile records it
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, zipfile's earliest date: no clock in the bytes
_DOS_TIME = 0
_MODE = 0o644 << 16
_UTF8_NAME = 0x800
_LIMIT = (1 << 31) - 1  # zipfile's ZIP64_LIMIT: past it the headers need ZIP64
_MAX_MEMBERS = (1 << 16) - 1


class Member:
    """One part of a package: its name in the zip and its bytes, deflated when first written."""

    __slots__ = ("_deflated", "data", "name")

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data
        self._deflated: tuple[int, bytes] | None = None

    def deflated(self) -> tuple[int, bytes]:
        """The data's CRC-32 and the data deflated as ``zipfile`` deflates it (raw deflate at zlib's
        default level, in one call), made once."""
        if self._deflated is None:
            compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
            self._deflated = zlib.crc32(self.data), compressor.compress(self.data) + compressor.flush()
        return self._deflated


def member(name: str, data: bytes) -> Member:
    return Member(name, data)


def write(members: Iterable[Member]) -> bytes:
    """The zip of ``members`` in the order given, each deflated, dated 1980-01-01, mode 0644."""
    parts: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for m in members:
        try:
            name, flags = m.name.encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = m.name.encode("utf-8"), _UTF8_NAME
        crc, deflated = m.deflated()
        size, packed = len(m.data), len(deflated)
        if size * 1.05 > _LIMIT or packed > _LIMIT or offset > _LIMIT:
            raise ValueError(f"{m.name} would need ZIP64 ({size:,} bytes at offset {offset:,})")
        header = _LOCAL.pack(
            b"PK\x03\x04", _VERSION, 0, flags, _DEFLATED, _DOS_TIME, _DOS_DATE, crc, packed, size, len(name), 0
        )
        directory.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                _VERSION,
                _SYSTEM,
                _VERSION,
                0,
                flags,
                _DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                crc,
                packed,
                size,
                len(name),
                0,
                0,
                0,
                0,
                _MODE,
                offset,
            )
            + name
        )
        parts += (header, name, deflated)
        offset += len(header) + len(name) + packed
    if len(directory) > _MAX_MEMBERS:
        raise ValueError(f"{len(directory):,} parts would need ZIP64")
    central = b"".join(directory)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), len(central), offset, 0)
    return b"".join(parts) + central + end
