"""No planforge child outlives its parent: a parallel run whose main process is killed with
``kill -9`` (no cleanup runs) leaves no worker behind (issue 20, item 11)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from planforge.formats.pdf import find_soffice

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "intake-sample.xlsx"

# The run forks writer workers even for the sample's ten plans, and every worker then blocks for
# good in its first task (a plan, or the summary), the way a worker waiting on a pipe or a slow plan would.
SCRIPT = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    from pathlib import Path
    from planforge.core import lifeline
    from planforge.outputs import batch
    from planforge.pipeline import generate

    mode = sys.argv[3]
    if mode == "lifeline-only":  # the portable fallback alone: no parent-death signal
        lifeline.die_with_parent = lambda parent: None
    if mode == "pdf":  # LibreOffice converting, started by the main process
        generate(
            [Path(sys.argv[1])], Path(sys.argv[2]), plan_date=date(2026, 1, 15), formats=["pdf"], jobs=1,
            pdf_engine="libreoffice",
        )
    else:
        batch.PARALLEL_MIN_PLANS = 1
        batch._one = lambda *args, **kwargs: time.sleep(3600)
        batch._side = lambda side_job: time.sleep(3600)  # the worker that takes the summary blocks too
        generate([Path(sys.argv[1])], Path(sys.argv[2]), plan_date=date(2026, 1, 15), formats=["md"], jobs=2)
    """
)


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid``, from /proc (the kernel's list of each task's children)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                text = Path(f"/proc/{parent}/task/{task}/children").read_text()
            except OSError:
                continue
            for child in map(int, text.split()):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _started(pid: int, mode: str) -> set[int]:
    """The descendants once the ones the test waits for are running (two writer workers, or
    LibreOffice's soffice.bin), else an empty set."""
    found = {child for child in _children(pid) if _alive(child)}
    if mode == "pdf":
        return found if any(_name(child) == "soffice.bin" for child in found) else set()
    return found if len(found) >= 2 else set()


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for init to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process tree from /proc")
@pytest.mark.parametrize("mode", ["pdeathsig", "lifeline-only", "pdf"])
def test_kill_9_of_the_parent_leaves_no_worker(tmp_path: Path, mode: str) -> None:
    if mode == "pdf" and find_soffice() is None:
        pytest.skip("LibreOffice is not installed")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, str(SAMPLE), str(tmp_path / "out"), mode], env=env)
    try:
        workers: set[int] = set()
        steady = 0  # the same children on consecutive polls: the blocked workers, not a passing child
        for _ in range(2400):  # polls 0.05 s apart: a loaded machine gets minutes, and no clock is read
            assert parent.poll() is None, "the run ended before its workers started"
            found = _started(parent.pid, mode)
            steady = steady + 1 if found and found == workers else 0
            workers = found
            if steady >= 10:
                break
            time.sleep(0.05)
        assert workers, "the workers never started"
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        survivors = workers
        for _ in range(100):  # 10 s of polls 0.1 s apart
            survivors = {pid for pid in workers | _children(parent.pid) if _alive(pid)}
            if not survivors:
                break
            time.sleep(0.1)
        assert not survivors, f"children alive 10 s after their parent's death: {sorted(survivors)}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
