"""The Markdown planforge last wrote, kept so a hand-edited document can be merged three ways.

Each Markdown document a run writes is also kept, gzip-compressed (deterministic: no name, no
time), in ``.planforge-base/<name>.gz``; the manifest's record of the document (its SHA-256 and
size) says which text that must be, so a base file that does not match is never used. After a
merge conflict, ``<name>.pending`` remembers the edited file, the rendering it conflicted with (kept
as ``<name>.new.gz``) and the merge file written (their SHA-256): a merge file changed since, with no
marker left, is the person's resolution, merged from that rendering on.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Pending:
    """An unresolved conflict of a document: the SHA-256 of the edited file, of the rendering it
    conflicted with, and of the merge file planforge wrote (a different one is the person's work)."""

    edited: str
    new: str
    merge: str


def write_pending(out: Path, name: str, pending: Pending) -> None:
    """Remember ``name``'s unresolved conflict."""
    data = json.dumps({"edited": pending.edited, "new": pending.new, "merge": pending.merge}, sort_keys=True)
    write_bytes(_folder(out) / f"{name}.pending", data.encode("ascii"))


def read_pending(out: Path, name: str) -> Pending | None:
    """``name``'s unresolved conflict, or None."""
    path = out / BASE_DIR / f"{name}.pending"
    try:
        if path.is_symlink() or not path.is_file():
            return None
        raw = json.loads(path.read_bytes()[:1024])
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) for k in ("edited", "new", "merge")):
        return None
    return Pending(raw["edited"], raw["new"], raw["merge"])


def remove_pending(out: Path, name: str) -> None:
    """Forget ``name``'s conflict (merged, or overwritten)."""
    (out / BASE_DIR / f"{name}.pending").unlink(missing_ok=True)
