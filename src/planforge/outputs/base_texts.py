"""The Markdown planforge last wrote, kept so a hand-edited document can be merged three ways.

Each Markdown document a run writes is also kept, gzip-compressed (deterministic: no name, no
time), in ``.planforge-base/<name>.gz``; the manifest's record of the document (its SHA-256 and
size) says which text that must be, so a base file that does not match is never used. After a
merge conflict, ``<name>.pending`` remembers the edited file and the new rendering it conflicted
with (their SHA-256), so the run after the person resolved it knows the resolution is theirs.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from pathlib import Path

from planforge.core.atomic import write_bytes
from planforge.core.errors import OutputError

BASE_DIR = ".planforge-base"
#: A base text larger than this is not read back (a plan is tens of kilobytes).
_MAX_BASE = 64 * 1024 * 1024


def _folder(out: Path) -> Path:
    folder = out / BASE_DIR
    if folder.is_symlink():
        raise OutputError(f"refusing to write into {folder}: it is a symbolic link")
    folder.mkdir(exist_ok=True)
    return folder


def write_base(out: Path, name: str, data: bytes) -> None:
    """Keep ``data``, the Markdown just written as ``name``, as that document's base."""
    write_bytes(_folder(out) / f"{name}.gz", gzip.compress(data, compresslevel=1, mtime=0))


def read_base(out: Path, name: str, sha256: str) -> str | None:
    """The base text of ``name`` if it is the text whose SHA-256 is ``sha256``, else None."""
    path = out / BASE_DIR / f"{name}.gz"
    try:
        if path.is_symlink() or not path.is_file():
            return None
        with gzip.open(path, "rb") as f:
            data = f.read(_MAX_BASE + 1)
    except (OSError, EOFError, zlib.error):
        return None
    if len(data) > _MAX_BASE or hashlib.sha256(data).hexdigest() != sha256:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_pending(out: Path, name: str, *, edited: str, new: str) -> None:
    """Remember that ``name`` (SHA-256 ``edited``) conflicted with the rendering ``new`` (its SHA-256)."""
    data = json.dumps({"edited": edited, "new": new}, sort_keys=True).encode("ascii")
    write_bytes(_folder(out) / f"{name}.pending", data)


def read_pending(out: Path, name: str) -> tuple[str, str] | None:
    """(edited SHA-256, new SHA-256) of ``name``'s unresolved conflict, or None."""
    path = out / BASE_DIR / f"{name}.pending"
    try:
        if path.is_symlink() or not path.is_file():
            return None
        raw = json.loads(path.read_bytes()[:1024])
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("edited", "new")):
        return None
    return raw["edited"], raw["new"]


def remove_pending(out: Path, name: str) -> None:
    """Forget ``name``'s conflict (merged, or overwritten)."""
    (out / BASE_DIR / f"{name}.pending").unlink(missing_ok=True)
