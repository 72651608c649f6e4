"""What a path option may name. A FIFO, socket or device given as an input would block the run on
its first read (a FIFO with no writer never answers), so every input path is checked before use."""

from __future__ import annotations

import stat
from pathlib import Path

from planforge.core.errors import UsageError


def require_input(path: Path, *, what: str, folder_ok: bool = False) -> Path:
    """``path`` if it is a regular file (or, with ``folder_ok``, a folder), following symlinks;
    else ``UsageError`` at once, naming the option's role ``what`` and what the path is instead."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        raise UsageError(f"{what} {path}: {e.strerror or 'cannot be read'}") from e
    if stat.S_ISREG(mode) or (folder_ok and stat.S_ISDIR(mode)):
        return path
    kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a device or socket"
    wanted = "a file or a folder" if folder_ok else "a file"
    raise UsageError(f"{what} {path} is {kind}, not {wanted}")
