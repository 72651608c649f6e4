"""One run at a time per output folder.

Two runs writing one folder interleave their files and manifests, and every later rerun takes the
loser's files for hand edits. A run therefore holds ``.planforge.lock`` in the folder while it reads
the manifest, writes and records: an advisory lock of the operating system (``flock``; ``msvcrt``
on Windows), so a run that dies, however it dies, holds nothing, and the file it leaves is taken
over by the next run. The file names its holder (pid, host, start), so the run that waits or
refuses can say who has the folder. The holder removes the file when it is done; a waiter that
wins the lock of a file already removed tries again on the new one.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO

from planforge.core.errors import OutputError

LOCK_NAME = ".planforge.lock"
#: How often a waiting run tries the lock again, in seconds.
_POLL = 0.1

log = logging.getLogger("planforge")

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextmanager
def output_lock(folder: Path, *, wait: float) -> Iterator[None]:
    """Hold ``folder``'s lock for the ``with`` block, waiting up to ``wait`` seconds for another run
    to finish (0: refuse at once). Raises ``OutputError`` naming the holder when it does not finish
    in time, or when the lock file cannot be made."""
    path = folder / LOCK_NAME
    handle = _acquire(path, folder, wait)
    try:
        yield
    finally:
        try:
            path.unlink(missing_ok=True)  # while still held: a waiter then finds it gone and retries
        finally:
            _unlock(handle)
            handle.close()


def _acquire(path: Path, folder: Path, wait: float) -> IO[str]:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the run, closed on release
        except OSError as e:
            raise OutputError(f"output folder {folder} cannot be locked: {e.strerror or e}") from e
        if _try_lock(handle):
            if _same_file(handle, path):
                left = _holder(handle)
                if left:
                    log.info("took over the lock %s left by %s, which is no longer running", path, left)
                _claim(handle)
                return handle
            _unlock(handle)  # the holder removed the file after we opened it: try the new one
            handle.close()
            continue
        holder = _holder(handle) or "another planforge run"
        handle.close()
        if time.monotonic() >= deadline:
            waited = f" after waiting {wait:g} s" if wait > 0 else ""
            raise OutputError(
                f"{holder} is writing to {folder}{waited}; two runs into one folder would take each other's "
                f"files for hand edits. Wait for it to finish and run again, or pass --wait SECONDS to wait "
                f"longer (the lock ends with that run, however it ends)"
            )
        if not told:
            log.warning("waiting for %s, which is writing to %s (up to %g s)", holder, folder, wait)
            told = True
        time.sleep(_POLL)


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def _holder(handle: IO[str]) -> str:
    """'planforge run 1234 on build-01 (started 2026-12-07 13:45:02)', or '' for an empty or foreign file."""
    handle.seek(0)
    try:
        raw = json.loads(handle.read(4096) or "null")
    except ValueError:
        return ""
    if not isinstance(raw, dict):
        return ""
    pid, host, started = raw.get("pid"), raw.get("host"), raw.get("started")
    if not isinstance(pid, int) or not isinstance(host, str) or not isinstance(started, str):
        return ""
    return f"planforge run {pid} on {host} (started {started})"


def _claim(handle: IO[str]) -> None:
    started = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": started}))
    handle.flush()
