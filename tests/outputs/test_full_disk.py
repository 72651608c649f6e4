"""A full disk costs the file it refused, named, never the run (issue 20, item 10).

The system's refusal is simulated where planforge meets it: ``os.write`` fails with ENOSPC for the
one file under test (told by the temporary file's name, ``.<target>.XXXX.part``) and works for
everything else, serially and in forked workers. Whatever the file (a plan, a companion document,
a review note, the UAT workbook, the summary, the index, the run manifest), the run reports the
registry's ``write-failed`` naming it, exits 1, leaves no temporary file, and writes every other
file as a clean run does."""

from __future__ import annotations

import errno
import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.outputs import batch as outputs
from planforge.outputs.base_texts import BASE_DIR
from planforge.pipeline import generate
from planforge.rerun.manifest import MANIFEST_NAME
from support import SAMPLE

DAY = date(2026, 3, 2)
OPTIONS = {"plan_date": DAY, "formats": ["md", "html"], "documents": ["plan", "sow", "test-cases"]}
ARGS = ["--date", "2026-03-02", "--format", "md,html", "--documents", "plan,sow,test-cases"]
VICTIM = "ACME-001"
REFUSED = [
    f"{VICTIM}-implementation-plan.md",
    f"{VICTIM}-implementation-plan.html",
    f"{VICTIM}-sow.md",
    f"{VICTIM}-uat-tracker.xlsx",
    f"review/{VICTIM}-review.md",
    "portfolio-summary.xlsx",
    "index.html",
    MANIFEST_NAME,
]

pytestmark = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="tells files apart by /proc/self/fd")


def _disk_full_for(monkeypatch, name: str) -> None:
    """``os.write`` refuses, as a full disk does, every write into the temporary file of ``name``."""
    real = os.write
    prefix = f".{Path(name).name}."

    def write(fd: int, data) -> int:
        try:
            target = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            target = ""
        if target.startswith(prefix) and target.endswith(".part"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _leftovers(out: Path) -> list[str]:
    return [p.name for p in out.rglob("*") if p.name.endswith(".part")]


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("clean")
    assert generate([SAMPLE], out, jobs=1, **OPTIONS).ok
    return _files(out)


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_file_is_write_failed_naming_it_and_the_rest_is_written(clean, tmp_path, monkeypatch, name):
    _disk_full_for(monkeypatch, name)
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(out), "--jobs", "1", "--json", *ARGS])
    assert run.exit_code == 1, run.output
    problems = [p for p in json.loads(run.output)["problems"] if p["code"] == "write-failed"]
    assert [(p["file"], p["message"]) for p in problems] == [(name, f"Could not write {name}: No space left on device")]
    assert "Free space on the disk" in problems[0]["hint"]
    assert not [p for p in json.loads(run.output)["problems"] if p["code"] == "internal-error"]
    assert _leftovers(out) == []
    files = _files(out)
    assert name not in files
    others = {k: v for k, v in clean.items() if k not in (name, MANIFEST_NAME, f"{BASE_DIR}/{name}.gz")}
    if name not in (MANIFEST_NAME, "portfolio-summary.xlsx"):  # these list what the run could not write
        others.pop("portfolio-summary.xlsx")
    if name.startswith(VICTIM) or name.startswith("review/"):  # the index leaves a failed project out
        others.pop("index.html")
    assert {k: files.get(k) for k in others} == others


def test_the_cli_line_names_the_file_and_mentions_no_summary_it_did_not_write(tmp_path, monkeypatch):
    _disk_full_for(monkeypatch, "portfolio-summary.xlsx")
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(out), "--jobs", "1", *ARGS])
    assert run.exit_code == 1
    assert (
        "error: portfolio-summary.xlsx: Could not write portfolio-summary.xlsx: No space left on device."
        in " ".join(run.output.split())
    )
    assert "Internal error" not in run.output
    assert "Wrote 10 plans (" in run.output and "and the portfolio summary" not in run.output


def test_a_full_disk_in_forked_workers_costs_only_the_refused_files(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "PARALLEL_MIN_PLANS", 1)  # fork even for ten plans
    _disk_full_for(monkeypatch, "portfolio-summary.xlsx")  # the summary is written by a worker
    out = tmp_path / "out"
    result = generate([SAMPLE], out, jobs=2, **OPTIONS)
    [problem] = [p for p in result.report.problems if p.code == "write-failed"]
    assert (problem.file, problem.project_id) == ("portfolio-summary.xlsx", "")
    assert not result.failed and not result.ok and _leftovers(out) == []
    files = _files(out)
    assert "portfolio-summary.xlsx" not in files
    assert {k: v for k, v in files.items() if k != MANIFEST_NAME} == {
        k: v for k, v in clean.items() if k not in (MANIFEST_NAME, "portfolio-summary.xlsx")
    }


def test_a_refused_manifest_on_a_rerun_leaves_none_the_next_run_could_mistrust(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert generate([SAMPLE], out, jobs=1, **OPTIONS).ok
    with monkeypatch.context() as patch:
        _disk_full_for(patch, MANIFEST_NAME)
        refused = generate([SAMPLE], out, jobs=1, force=True, **OPTIONS)  # marks every project, then rewrites it
    assert [p.file for p in refused.report.problems if p.code == "write-failed"] == [MANIFEST_NAME, MANIFEST_NAME]
    assert not (out / MANIFEST_NAME).exists() and _leftovers(out) == []  # the old one is gone, no half of a new one
    again = generate([SAMPLE], out, jobs=1, **OPTIONS)
    assert again.ok and not again.edited and (out / MANIFEST_NAME).is_file()


def test_init_on_a_full_disk_is_write_failed_naming_the_file(tmp_path, monkeypatch):
    _disk_full_for(monkeypatch, "intake.xlsx")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "intake.xlsx")])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "intake.xlsx" in result.output and "No space left on device" in result.output
    assert list(tmp_path.iterdir()) == []  # no half-written workbook, no temporary file
