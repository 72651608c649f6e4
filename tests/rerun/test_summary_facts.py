"""A rerun that rewrites the summary derives only the changed projects: the others' rows come from
the summary facts the manifest records, and the summary is byte-identical to a cold run's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planforge import pipeline
from planforge.outputs import batch as outputs
from planforge.pipeline import generate
from planforge.rerun.manifest import MANIFEST_NAME, load_manifest
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, write_book

DAY = date(2026, 3, 2)
IDS = ["P-1", "P-2", "P-3"]
SUMMARY = "portfolio-summary.xlsx"


def _book(path: Path, *, risk_of_p3: str = "Vendor API limits") -> Path:
    rows = [PROJECT_HEADER]
    for pid in IDS:
        row = list(PROJECT_ROW)
        row[0], row[1] = pid, f"Order sync {pid}"
        rows.append(row)
    # High risks (likelihood High x impact Medium): the summary's register shows their text
    risks = [RISK_HEADER] + [
        [pid, risk_of_p3 if pid == "P-3" else "Data mapping", "High", "Medium", "Test", "Ann"] for pid in IDS
    ]
    return write_book(path, {"Projects": rows, "Risks": risks})


@pytest.fixture
def derived(monkeypatch):
    """The project IDs whose plan context the run builds, in order."""
    built: list[str] = []
    real = pipeline.build_context

    def counting(project, *args, **kwargs):
        built.append(project.project_id)
        return real(project, *args, **kwargs)

    monkeypatch.setattr(pipeline, "build_context", counting)
    return built


def _run(book: Path, out: Path, formats=("md",), **options):
    return generate([book], out, plan_date=DAY, formats=formats, **options)


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "forked"])
def test_a_rerun_derives_only_the_changed_project_and_writes_the_cold_runs_summary(
    tmp_path, monkeypatch, derived, parallel
):
    if parallel:
        monkeypatch.setattr(outputs, "PARALLEL_MIN_PLANS", 1)
    jobs = 2 if parallel else 1
    book = _book(tmp_path / "in.xlsx")
    _run(book, tmp_path / "a", jobs=jobs)
    assert sorted(derived) == IDS
    _book(book, risk_of_p3="Rate limits at month end")
    derived.clear()
    rerun = _run(book, tmp_path / "a", jobs=jobs)
    assert derived == ["P-3"] and rerun.rewritten == ["P-3"] and rerun.unchanged == ["P-1", "P-2"]
    _run(book, tmp_path / "cold", jobs=jobs)
    summary = (tmp_path / "a" / SUMMARY).read_bytes()
    assert summary == (tmp_path / "cold" / SUMMARY).read_bytes()
    assert b"Rate limits at month end" in _shared_strings(tmp_path / "a" / SUMMARY)


def _shared_strings(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read("xl/sharedStrings.xml")


@pytest.mark.parametrize("spoil", ["missing", "damaged", "another project's"])
def test_without_readable_recorded_facts_every_project_is_derived_and_the_facts_are_recorded(tmp_path, derived, spoil):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "a"
    _run(book, out)
    raw = json.loads((out / MANIFEST_NAME).read_bytes())
    entry = raw["projects"]["P-1"]
    if spoil == "missing":  # a manifest an older version wrote
        del entry["facts"]
    elif spoil == "damaged":
        entry["facts"][7] = "row seven"
    else:
        entry["facts"] = raw["projects"]["P-2"]["facts"]
    (out / MANIFEST_NAME).write_text(json.dumps(raw))
    _book(book, risk_of_p3="Rate limits at month end")
    derived.clear()
    _run(book, out)
    assert sorted(derived) == IDS  # the summary could not trust P-1's recorded row
    _run(book, tmp_path / "cold")
    assert (out / SUMMARY).read_bytes() == (tmp_path / "cold" / SUMMARY).read_bytes()
    manifest = load_manifest(out)
    assert manifest is not None and all(manifest.projects[pid].facts is not None for pid in IDS)
    assert manifest.projects["P-1"].facts[1] == "P-1"
    derived.clear()
    _book(book, risk_of_p3="Vendor API limits")
    _run(book, out)
    assert derived == ["P-3"]  # recorded again, the facts serve the next rerun


def test_a_run_that_rewrites_the_index_still_derives_every_project(tmp_path, derived):
    """The HTML index is rendered from every plan context (a firm may override its template)."""
    book = _book(tmp_path / "in.xlsx")
    _run(book, tmp_path / "a", formats=("md", "html"))
    _book(book, risk_of_p3="Rate limits at month end")
    derived.clear()
    _run(book, tmp_path / "a", formats=("md", "html"))
    assert sorted(derived) == IDS


def test_a_run_record_of_another_run_key_is_not_decoded(tmp_path):
    """A rerun whose inputs changed cannot use the last run's record (its problems, 100,000 at
    10,000 projects): it is left undecoded; the record of the same key is read whole."""
    out = tmp_path / "a"
    _run(_book(tmp_path / "in.xlsx"), out)
    whole = load_manifest(out)
    assert whole is not None and whole.run is not None and whole.run.problems
    same = load_manifest(out, only_run=whole.run.key)
    assert same is not None and same.run == whole.run
    other = load_manifest(out, only_run="f" * 64)
    assert other is not None and other.run is None and other.projects == whole.projects
