"""Child processes end with the process that started them. A parent killed with ``kill -9`` runs no
cleanup, and a forked worker blocked on a pipe or a queue would otherwise wait for good (seen: two
writer workers, 368 MB, each holding the other's pipe open, 50 minutes after the parent died).

Two mechanisms, so that either one suffices:

- Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` in the child, so the kernel kills it when the parent
  thread that forked it is gone (the pools are started and joined by the thread that runs the batch).
- Everywhere: a ``Lifeline``, a pipe whose write end only the parent holds; a daemon thread in the
  child blocks reading it and ends the child at EOF, which comes when the parent dies however it dies.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# The supervisor a tied command runs under (see ``tied``): the command in a process group of its own,
# killed whole when the supervisor's parent dies (SIGTERM by prctl, or EOF on the lifeline fd) or when
# ``timeout`` passes; its exit code is the command's.
_SUPERVISOR = """
import ctypes, os, signal, subprocess, sys, threading
parent, fd, timeout, command = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
child = subprocess.Popen(command, start_new_session=True)
def end(*_):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except OSError:
        pass
    os._exit(1)
signal.signal(signal.SIGTERM, end)
if sys.platform.startswith("linux"):
    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        pass
if os.getppid() != parent:
    end()
def watch():
    while os.read(fd, 1):
        pass
    end()
threading.Thread(target=watch, daemon=True).start()
try:
    code = child.wait(timeout)
except subprocess.TimeoutExpired:
    sys.stderr.write(f"timed out after {timeout:g} seconds")
    sys.stderr.flush()
    end()
try:
    os.killpg(child.pid, signal.SIGKILL)  # what the command left running in its group
except OSError:
    pass
sys.exit(code)
"""


def die_with_parent(parent: int) -> None:
    """In a child: ask the kernel (Linux) for SIGKILL when the parent dies, then end at once if the
    parent ``parent`` (its pid) is already gone, since the signal is not sent for a death before the ask."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):  # no libc to ask: the lifeline alone holds
            pass
    if os.getppid() != parent:
        os._exit(1)


class Lifeline:
    """A pipe made by the parent before it forks; each child calls ``hold`` first thing. The parent
    calls ``close`` once its children are joined."""

    def __init__(self) -> None:
        self.parent = os.getpid()
        self.read_fd, self.write_fd = os.pipe()

    def hold(self) -> None:
        """In a forked child: drop the write end (only the parent may hold it, or EOF never comes),
        ask for the parent-death signal, and start the thread that ends this process at EOF."""
        os.close(self.write_fd)
        die_with_parent(self.parent)
        threading.Thread(target=_exit_at_eof, args=(self.read_fd,), daemon=True, name="planforge-lifeline").start()

    def close(self) -> None:
        """In the parent: close both ends (the children are gone or going)."""
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def _exit_at_eof(fd: int) -> None:
    """Block until the parent's end closes (nothing is ever written), then end without cleanup: the
    parent that would have used this process's work is gone."""
    while True:
        try:
            if not os.read(fd, 1):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    os._exit(1)


@contextmanager
def tied(command: Sequence[str], timeout: float) -> Iterator[tuple[list[str], tuple[int, ...]]]:
    """A command line that runs ``command`` under a small supervisor, and the file descriptors to pass
    it (``subprocess.run(argv, pass_fds=fds)``): the command and every process it starts (LibreOffice's
    ``soffice`` starts ``soffice.bin``) end when this process dies, or after ``timeout`` seconds."""
    if not sys.executable or getattr(sys, "frozen", False):  # no interpreter to supervise with
        yield list(command), ()
        return
    read_fd, write_fd = os.pipe()
    try:
        yield [sys.executable, "-c", _SUPERVISOR, str(os.getpid()), str(read_fd), str(timeout), *command], (read_fd,)
    finally:
        os.close(read_fd)
        os.close(write_fd)
