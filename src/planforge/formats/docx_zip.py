"""A Word package's zip, written by ``zipfile`` with fixed timestamps, modes and entry order, so
the same parts always give the same bytes.

Parts are held as ``Member`` (name and bytes); the template's unchanging parts are read once per
run and every document's zip is written around them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zipfile's earliest date: no clock in the bytes


@dataclass(frozen=True, slots=True)
class Member:
    """One part of a package: its name in the zip and its bytes."""

    name: str
    data: bytes


def member(name: str, data: bytes) -> Member:
    return Member(name, data)


def write(members: Iterable[Member]) -> bytes:
    """The zip of ``members`` in the order given, each deflated, dated 1980-01-01, mode 0644."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for m in members:
            info = zipfile.ZipInfo(m.name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, m.data)
    return out.getvalue()
