"""Versions that count: a rerun that changes what a project's documents say issues them as the next
version, with a Document Control line naming the changed facts; untouched projects stay as issued."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl

from planforge.core.versions import DocumentVersion, describe, next_version
from planforge.pipeline import generate
from support import SAMPLE

DAY = date(2026, 1, 15)


def _intake(tmp_path: Path, **cells: object) -> Path:
    """The sample with Projects cells of ACME-001 set (column header -> value)."""
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["Projects"]
    header = [str(c.value or "").rstrip(" *") for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "ACME-001":
            for column, value in cells.items():
                row[header.index(column)].value = value
    path = tmp_path / "intake.xlsx"
    wb.save(path)
    return path


def _run(path: Path, out: Path, **options):
    return generate([path], out, plan_date=DAY, formats=("md", "docx"), documents=("plan", "sow"), **options)


def test_next_version_and_what_changed():
    assert [next_version(v) for v in ("1.0", "1.9", "2", "Draft A")] == ["1.1", "1.10", "2.1", "Draft A.1"]
    old = (("Budget", "$24,000"), ("Go-live", "13 Jun 2026"), ("Status", ""), ("sheet:risks", "a"))
    new = (("Budget", "$26,000"), ("Go-live", "20 Jun 2026"), ("Status", "Build"), ("sheet:risks", "b"))
    assert describe(old, new) == (
        "Budget $24,000 \u2192 $26,000; go-live 13 Jun 2026 \u2192 20 Jun 2026; status set to Build; risks revised"
    )
    assert describe(old, old) == ""
    first = DocumentVersion("1.0", DAY, "First issue", old)
    second = first.next(date(2026, 2, 1), "Budget changed", new)
    assert second.version == "1.1" and [r.version for r in second.history] == ["1.0"]


def test_a_changed_cell_issues_1_1_naming_it_and_the_rest_stay_1_0_byte_for_byte(tmp_path):
    out = tmp_path / "out"
    cold = _run(_intake(tmp_path), out)
    assert "Version: 1.0" in (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith("ACME-001")}
    assert cold.ok
    rerun = _run(_intake(tmp_path, Budget=26000), out)
    assert rerun.rewritten == ["ACME-001"]
    plan = (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    assert "Version: 1.1" in plan and "Changes since 1.0: Budget $24,000 \u2192 $26,000  \n" in plan
    assert "**Changes since 1.0**: Budget $24,000 \u2192 $26,000" in (out / "ACME-001-sow.md").read_text("utf-8")
    with zipfile.ZipFile(out / "ACME-001-implementation-plan.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "First issue" in xml and "Budget $24,000 \u2192 $26,000; draft for review" in xml
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith("ACME-001")}
    assert {k: v for k, v in after.items() if k.startswith(("BLOOM", "CITY", "PEAK"))} == {
        k: v for k, v in before.items() if k.startswith(("BLOOM", "CITY", "PEAK"))
    }
    # the same inputs and manifest: the same bytes, still 1.1, also when forced
    again = (out / "ACME-001-implementation-plan.md").read_bytes()
    _run(_intake(tmp_path, Budget=26000), out, force=True)
    assert (out / "ACME-001-implementation-plan.md").read_bytes() == again
    # a second change: 1.2, with both earlier versions listed
    _run(_intake(tmp_path, Budget=27000), out)
    plan = (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    assert "Version: 1.2" in plan and "Changes since 1.1: Budget $26,000 \u2192 $27,000" in plan
    assert "Earlier versions: 1.0 (15 Jan 2026), 1.1 (15 Jan 2026)" in plan


def test_a_typed_document_version_is_the_teams_own_and_never_counted_up(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path, **{"Document Version": "3.2"}), out)
    _run(_intake(tmp_path, **{"Document Version": "3.2", "Budget": 26000}), out)
    plan = (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    assert "Version: 3.2" in plan and "Changes since" not in plan


def test_a_client_visible_cell_is_named_and_a_hidden_one_issues_nothing(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    _run(_intake(tmp_path, **{"Client Name": "Acme Inc"}), out)
    plan = (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    assert "Version: 1.1" in plan and "Changes since 1.0: Client Name Acme Outdoor Co. \u2192 Acme Inc" in plan
    # a change the documents do not show issues no new version
    wb = openpyxl.load_workbook(_intake(tmp_path, **{"Client Name": "Acme Inc"}))
    ws = wb["Field Mappings"]
    header = [str(c.value or "").rstrip(" *") for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "ACME-001":
            row[header.index("Transform")].value = "trimmed, upper case"
            break
    hidden = tmp_path / "intake.xlsx"
    wb.save(hidden)
    result = _run(hidden, out)
    assert result.rewritten == ["ACME-001"]  # its inputs changed, its plan did not
    plan = (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    assert "Version: 1.1" in plan and "Version: 1.2" not in plan


def test_a_new_document_kind_and_a_new_date_keep_the_version_and_its_first_day(tmp_path):
    out = tmp_path / "out"
    generate([_intake(tmp_path)], out, plan_date=DAY, formats=("md",), documents=("plan",))
    generate([_intake(tmp_path)], out, plan_date=DAY, formats=("md",), documents=("plan", "sow"))
    sow = (out / "ACME-001-sow.md").read_text("utf-8")  # the plan now lists it: one version for the set
    assert "**Version**: 1.1" in sow and "**Changes since 1.0**: Statement of Work added  \n" in sow
    generate([_intake(tmp_path)], out, plan_date=date(2026, 1, 20), formats=("md",), documents=("plan", "sow"))
    plan = (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    assert "Version: 1.2" in plan and "Changes since 1.1: Plan date 15 Jan 2026 \u2192 20 Jan 2026" in plan
    assert "**Created**: 15 Jan 2026" in plan
