"""A zip written entry by entry from parts compressed once, byte-identical to ``zipfile``'s.

A Word package is mostly parts that never change between documents (styles, numbering, theme,
settings): deflating them again for every document costs more than writing the document. A
``Member`` holds a part compressed as ``zipfile`` compresses it (raw deflate, default level), so a
template's parts are compressed once per run and every document's zip is laid out around them:
local headers, data, central directory and end record with the fields ``zipfile.ZipFile.writestr``
writes for a ``ZipInfo`` dated 1980-01-01 with mode 0644 (APPNOTE 4.3; no data descriptors,
no ZIP64: a part is far below 4 GB).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

_VERSION = 20  # zipfile.DEFAULT_VERSION: deflate
_UNIX = 3  # zipfile's create_system off Windows
_DEFLATED = 8
_DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, zipfile's earliest date
_DOS_TIME = 0
_MODE = 0o644 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


@dataclass(frozen=True, slots=True)
class Member:
    """One part of a package, deflated: its name, CRC-32, sizes and compressed bytes."""

    name: str
    crc: int
    size: int
    data: bytes


def member(name: str, data: bytes) -> Member:
    """``data`` deflated as ``zipfile`` deflates a ``writestr`` (one compressobj, default level)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    packed = compressor.compress(data) + compressor.flush()
    return Member(name, zlib.crc32(data) & 0xFFFFFFFF, len(data), packed)


def write(members: Iterable[Member]) -> bytes:
    """The zip of ``members`` in the order given."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        name = m.name.encode("ascii")  # zipfile sets the UTF-8 flag for other names; ours are ASCII
        local = _LOCAL.pack(
            b"PK\003\004", _VERSION, 0, 0, _DEFLATED, _DOS_TIME, _DOS_DATE, m.crc, len(m.data), m.size, len(name), 0
        )
        chunks += (local, name, m.data)
        central.append(
            _CENTRAL.pack(
                b"PK\001\002",
                _VERSION,
                _UNIX,
                _VERSION,
                0,
                0,
                _DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                m.crc,
                len(m.data),
                m.size,
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
        offset += len(local) + len(name) + len(m.data)
    directory = b"".join(central)
    end = _END.pack(b"PK\005\006", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join(chunks) + directory + end
