"""One run at a time per output folder: a second run waits or refuses naming the first, a lock left
by a dead run is taken over, and two runs started together leave a folder later reruns trust."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.core.errors import OutputError, UsageError
from planforge.core.folder_lock import LOCK_NAME, output_lock
from planforge.pipeline import generate
from support import SAMPLE

DAY = date(2026, 3, 2)
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the holder below uses fcntl")

_HOLDER = """
import fcntl, json, os, socket, sys
handle = open(sys.argv[1], "a+")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-12-07 09:00:00"}))
handle.flush()
print("held", flush=True)
sys.stdin.read()  # until the test closes stdin
"""


def _hold(folder: Path) -> subprocess.Popen[str]:
    folder.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(folder / LOCK_NAME)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.close()
    holder.wait(timeout=30)


def test_a_run_into_a_folder_another_run_holds_refuses_naming_it(tmp_path):
    out = tmp_path / "out"
    holder = _hold(out)
    try:
        with pytest.raises(OutputError) as refused:
            generate([SAMPLE], out, plan_date=DAY, wait=0)
        assert f"planforge run {holder.pid} on " in str(refused.value) and "--wait" in str(refused.value)
        result = CliRunner().invoke(
            main, ["generate", str(SAMPLE), "-o", str(out), "--date", "2026-03-02", "--wait", "0"]
        )
        assert result.exit_code != 0 and f"planforge run {holder.pid}" in result.output
        assert not list(out.glob("*.md")), "a refused run writes nothing"
    finally:
        _release(holder)


def test_a_waiting_run_goes_ahead_once_the_holder_is_done(tmp_path):
    out = tmp_path / "out"
    holder = _hold(out)
    release = threading.Timer(0.5, _release, [holder])
    release.start()
    try:
        result = generate([SAMPLE], out, plan_date=DAY, wait=60)
    finally:
        release.join()
    assert result.ok and (out / "ACME-001-implementation-plan.md").exists()


def test_a_lock_left_by_a_dead_run_is_taken_over_and_removed_after(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": "here", "started": "2026-12-07 09:00:00"}))
    result = generate([SAMPLE], out, plan_date=DAY, wait=0)
    assert result.ok and (out / "ACME-001-implementation-plan.md").exists()
    assert not (out / LOCK_NAME).exists()


def test_the_lock_is_released_when_the_run_fails(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError), output_lock(out, wait=0):
        raise RuntimeError("boom")
    assert not (out / LOCK_NAME).exists()
    with output_lock(out, wait=0):
        assert (out / LOCK_NAME).exists()


def test_wait_is_bounded():
    with pytest.raises(UsageError, match="wait="):
        generate([SAMPLE], "out", wait=-1)


def test_two_runs_started_together_leave_a_folder_later_reruns_trust(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "planforge", "generate", str(SAMPLE), "-o", str(out), "--date", "2026-03-02"]
    command += ["--format", "md,html", "-q"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    again = generate([SAMPLE], out, plan_date=DAY, formats=["md", "html"])
    assert not again.edited and not again.rewritten and again.unchanged
    assert not [p for p in again.report.problems if p.code == "edited-output"]
