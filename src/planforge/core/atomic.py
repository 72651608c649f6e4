"""Safe, atomic writes: a file appears whole or not at all, and only inside the output folder.

The temporary file is created exclusively (``O_CREAT | O_EXCL | O_NOFOLLOW`` through
``tempfile.mkstemp``) under an unpredictable hidden name beside its target, so a symlink or file
planted in the output folder is never followed or reused; it is renamed over the target, and a
rename replaces a symlink at the target rather than writing through it. ``mkstemp`` makes the
file private (0600); before the rename it is given the mode the user's umask gives any new file
(0644 under 022), so a colleague on a shared drive can open what planforge wrote.

A write the system refuses (a full disk, a read-only folder, a folder in the way) raises
``OutputError`` carrying the registry's ``write-failed`` problem naming the file, and leaves no
temporary file behind: the target keeps its old bytes, or stays absent.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from planforge.core.errors import OutputError, make_problem


@contextlib.contextmanager
def _exclusive(target: Path) -> Iterator[tuple[int, Path]]:
    """A new, exclusively created hidden file beside ``target`` as (descriptor, path); renamed over
    ``target`` only when the block succeeds. On any failure (a full disk, Ctrl-C, a folder in the
    way) the temporary file is removed, and an ``OSError`` becomes an ``OutputError`` (see ``refused``)."""
    target = Path(target)
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            os.fchmod(fd, 0o666 & ~_umask())
            yield fd, Path(tmp)
        finally:
            os.close(fd)
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(21, "a folder of that name is in the way", str(target))
        os.replace(tmp, target)  # rename never follows a symlink at ``target``
        tmp = None
    except OSError as e:
        raise refused(target, e) from e
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def refused(target: Path, error: OSError) -> OutputError:
    """The ``OutputError`` for a write of ``target`` the system refused: its problem is
    ``write-failed`` naming the file, with the system's reason ("No space left on device")."""
    reason = error.strerror or str(error)
    problem = make_problem("write-failed", file=target.name, reason=reason)
    return OutputError(f"cannot write {target}: {reason}", problem)


def _umask() -> int:
    """The process's umask. POSIX can only read it by setting it, so it is set to the strict 077 for
    the instant between the two calls: a file another thread creates meanwhile is more private, never less."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """For writers that open a path themselves (xlsxwriter): yield the name of a new, exclusively
    created hidden file beside ``target``; it is renamed over ``target`` on success, removed on failure."""
    with _exclusive(target) as (_, tmp):
        yield tmp


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically, through a temporary file no one else could have made."""
    with _exclusive(target) as (fd, _):
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]


def write_text(target: Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would land elsewhere (defence in depth: IDs are validated)."""
    if not name or name in (".", "..") or any(c in name for c in "/\\\x00") or name.startswith("."):
        raise OutputError(f"refusing to write a file named {name!r}")
    return out_dir / name  # one plain name component: it cannot leave out_dir


def subfolder(out_dir: Path, name: str) -> Path:
    """``out_dir / name`` for a folder planforge writes into (review/), refusing a symlink planted there."""
    folder = inside(out_dir, name)
    if folder.is_symlink():
        raise OutputError(f"refusing to write into {folder}: it is a symbolic link")
    return folder


def prepare_out_dir(out_dir: Path) -> Path:
    """Create the output folder and prove it is writable before any work is spent."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".planforge-probe."):
            pass
    except OSError as e:
        raise OutputError(f"output folder {out_dir} cannot be written: {e.strerror or e}") from e
    return out_dir
