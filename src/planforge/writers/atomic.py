"""Safe, atomic writes: a file appears whole or not at all, and only inside the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a hidden temporary path beside ``target``; rename it over ``target`` only on success.

    The temporary name carries the process ID, so parallel workers never share one, and a
    half-written file is never visible under the real name; on failure it is removed."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        os.replace(tmp, target)  # rename never follows a symlink at ``target``
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {target}: {e.strerror or e}") from e
        raise


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` atomically; a temporary file left by a killed run with our PID is overwritten."""
    with atomic_path(target) as tmp, open(tmp, "wb") as fh:
        fh.write(data)


def write_text(target: Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def inside(out_dir: Path, name: str) -> Path:
    """``out_dir / name``, refusing any name that would land elsewhere (defence in depth: IDs are validated)."""
    if not name or name in (".", "..") or any(c in name for c in "/\\\x00") or name.startswith("."):
        raise OutputError(f"refusing to write a file named {name!r}")
    return out_dir / name  # one plain name component: it cannot leave out_dir


def prepare_out_dir(out_dir: Path) -> Path:
    """Create the output folder and prove it is writable before any work is spent."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".planforge-probe."):
            pass
    except OSError as e:
        raise OutputError(f"output folder {out_dir} cannot be written: {e.strerror or e}") from e
    return out_dir
