"""Edit-preserving regeneration: a hand-edited Markdown document whose data changed is merged three
ways, its other formats are made from the merge, and a conflict is kept and reported, never guessed."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from planforge.core.textmerge import OURS, THEIRS, merge3
from planforge.outputs.base_texts import BASE_DIR
from planforge.pipeline import generate
from support import SAMPLE

DAY = date(2026, 1, 15)
FORMATS = ("md", "html", "docx")
PLAN = "ACME-001-implementation-plan"
QA_ROW = "| **QA Engineer** | Grace Liu | Test planning, UAT coordination, quality assurance |"
EDITED_ROW = QA_ROW[:-2] + "; signs off each release with Marco |"

lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "\n", "| x |\n"]), max_size=12).map("".join)


@given(lines, lines)
def test_a_side_left_as_it_was_takes_the_other(base, other):
    assert merge3(base, base, other).text == other and merge3(base, other, base).text == other
    assert merge3(base, other, other).text == other and merge3(base, other, other).clean


def test_changes_in_different_places_both_survive_and_the_same_place_conflicts():
    base = "one\ntwo\nthree\nfour\nfive\n"
    edited, new = base.replace("two", "TWO"), base.replace("five", "FIVE")
    assert merge3(base, edited, new).text == "one\nTWO\nthree\nfour\nFIVE\n"
    clash = merge3(base, edited, base.replace("two", "deux"))
    assert not clash.clean and [(c.first, c.last) for c in clash.conflicts] == [(2, 2)]
    assert f"{OURS}TWO\n=======\ndeux\n{THEIRS}" in clash.text


def _intake(tmp_path: Path, *, budget: int | None = None, qa_name: str | None = None) -> Path:
    wb = openpyxl.load_workbook(SAMPLE)
    if budget is not None:
        ws = wb["Projects"]
        header = [str(c.value or "").rstrip(" *") for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "ACME-001":
                row[header.index("Budget")].value = budget
    if qa_name is not None:
        for row in wb["Team"].iter_rows():
            for cell in row:
                if cell.value == "Grace Liu":
                    cell.value = qa_name
    path = tmp_path / "intake.xlsx"
    wb.save(path)
    return path


def _run(intake: Path, out: Path, **options):
    return generate([intake], out, plan_date=DAY, formats=FORMATS, **options)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def _edit(out: Path) -> Path:
    plan = out / f"{PLAN}.md"
    text = plan.read_text("utf-8")
    assert QA_ROW in text and "$24,000 budget" in text
    plan.write_text(text.replace(QA_ROW, EDITED_ROW), "utf-8")
    return plan


def test_an_edit_and_a_changed_cell_in_another_section_are_merged_into_every_format(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    plan = _edit(out)
    result = _run(_intake(tmp_path, budget=26000), out)
    merged = plan.read_text("utf-8")
    assert "signs off each release with Marco" in merged and "$26,000 budget" in merged
    html = (out / f"{PLAN}.html").read_text("utf-8")
    assert "signs off each release with Marco" in html and "$26,000 budget" in html
    docx = _docx_text(out / f"{PLAN}.docx")
    assert "signs off each release with Marco" in docx and "$26,000 budget" in docx
    assert [p.file for p in result.report.problems if p.code == "edited-output-merged"] == [f"{PLAN}.md"]
    assert not [p for p in result.report.problems if p.code == "edited-output" and p.file == f"{PLAN}.md"]
    # the edit is still an edit: an identical rerun reports it, and the next change merges again
    again = _run(_intake(tmp_path, budget=26000), out)
    assert again.unchanged and plan in again.edited and plan.read_text("utf-8") == merged
    _run(_intake(tmp_path, budget=27000), out)
    text = plan.read_text("utf-8")
    assert "signs off each release with Marco" in text and "$27,000 budget" in text


def test_a_conflict_is_kept_reported_and_written_beside_then_resolved(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    plan = _edit(out)
    edited, html = plan.read_bytes(), (out / f"{PLAN}.html").read_bytes()
    result = _run(_intake(tmp_path, qa_name="Grace Lee"), out)
    assert plan.read_bytes() == edited and (out / f"{PLAN}.html").read_bytes() == html
    (note,) = [p for p in result.report.problems if p.code == "edited-output-conflict"]
    line = edited.decode("utf-8").splitlines().index(EDITED_ROW) + 1
    assert f"line(s) {line} of the edited file" in note.message and f"{PLAN}.merge.md" in note.message
    conflict = (out / f"{PLAN}.merge.md").read_text("utf-8")
    assert f"{OURS}{EDITED_ROW}\n=======\n" in conflict and "Grace Lee" in conflict
    again = _run(_intake(tmp_path, qa_name="Grace Lee"), out)  # still unresolved: said again, still kept
    assert [p.code for p in again.report.problems if p.file == f"{PLAN}.md"] == ["edited-output-conflict"]
    # another edit of the document meanwhile is no resolution: the conflict stays, reported
    plan.write_text(plan.read_text("utf-8") + "\nA note.\n", "utf-8")
    other = _run(_intake(tmp_path, qa_name="Grace Lee"), out)
    assert [p.code for p in other.report.problems if p.file == f"{PLAN}.md"] == ["edited-output-conflict"]
    conflict = (out / f"{PLAN}.merge.md").read_text("utf-8")
    # a merge file half resolved (a marker left) is the person's work: never written over
    merge = out / f"{PLAN}.merge.md"
    merge.write_text(conflict.replace(EDITED_ROW, EDITED_ROW + " (checking)"), "utf-8")
    half = merge.read_bytes()
    _run(_intake(tmp_path, qa_name="Grace Lee"), out)
    assert merge.read_bytes() == half
    # resolved in the merge file: the person's line where the conflict was, the new data everywhere else
    mine = EDITED_ROW.replace("Grace Liu", "Grace Lee")
    start, end = conflict.index(OURS), conflict.index(THEIRS) + len(THEIRS)
    merge.write_text(conflict[:start] + mine + "\n" + conflict[end:], "utf-8")
    done = _run(_intake(tmp_path, qa_name="Grace Lee"), out)
    assert [p.code for p in done.report.problems if p.file == f"{PLAN}.md"] == ["edited-output-merged"]
    assert mine in plan.read_text("utf-8") and OURS not in plan.read_text("utf-8")
    assert "signs off each release with Marco" in (out / f"{PLAN}.html").read_text("utf-8")
    assert not (out / f"{PLAN}.merge.md").exists()
    # the runs in conflict issued no version of their own: the resolved plan is the first after 1.0
    assert "Version: 1.1" in plan.read_text("utf-8") and "Earlier versions: 1.0 (15 Jan 2026)  \n" in plan.read_text(
        "utf-8"
    )


def test_force_over_a_conflict_removes_the_merge_file(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    _edit(out)
    _run(_intake(tmp_path, qa_name="Grace Lee"), out)
    assert (out / f"{PLAN}.merge.md").exists()
    forced = _run(_intake(tmp_path, qa_name="Grace Lee"), out, force=True)
    assert not (out / f"{PLAN}.merge.md").exists() and out / f"{PLAN}.md" in forced.backups


def test_without_a_trustworthy_base_the_edit_is_kept_not_merged(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    plan = _edit(out)
    edited = plan.read_bytes()
    html = (out / f"{PLAN}.html").read_bytes()
    (out / BASE_DIR / f"{PLAN}.md.gz").write_bytes(b"not gzip")
    result = _run(_intake(tmp_path, budget=26000), out)
    assert plan.read_bytes() == edited and (out / f"{PLAN}.html").read_bytes() == html  # the formats still agree
    (note,) = [p for p in result.report.problems if p.file == f"{PLAN}.md"]
    assert note.code == "edited-output-unmerged" and "record of what it last wrote there is missing" in note.message


def test_crlf_line_endings_are_not_an_edit_of_every_line(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    plan = _edit(out)
    plan.write_bytes(plan.read_bytes().replace(b"\n", b"\r\n"))
    result = _run(_intake(tmp_path, budget=26000), out)
    assert [p.code for p in result.report.problems if p.file == f"{PLAN}.md"] == ["edited-output-merged"]
    text = plan.read_text("utf-8")
    assert "signs off each release with Marco" in text and "$26,000 budget" in text


def test_a_non_utf8_edit_is_kept_with_its_other_formats(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    plan = _edit(out)
    plan.write_bytes(plan.read_bytes() + b"Caf\xe9\n")
    html = (out / f"{PLAN}.html").read_bytes()
    result = _run(_intake(tmp_path, budget=26000), out)
    assert (out / f"{PLAN}.html").read_bytes() == html
    assert [p.code for p in result.report.problems if p.file == f"{PLAN}.md"] == ["edited-output-unmerged"]


def test_force_after_a_merge_keeps_the_merged_text_in_the_backup(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    _edit(out)
    _run(_intake(tmp_path, budget=26000), out)
    forced = _run(_intake(tmp_path, budget=26000), out, force=True)
    copy = forced.backups[out / f"{PLAN}.md"]
    assert "signs off each release with Marco" in copy.read_text("utf-8")
    assert "signs off each release with Marco" not in (out / f"{PLAN}.md").read_text("utf-8")


def test_an_edit_survives_its_project_being_held_back_for_a_run(tmp_path):
    out = tmp_path / "out"
    _run(_intake(tmp_path), out)
    plan = _edit(out)
    wb = openpyxl.load_workbook(_intake(tmp_path))
    ws = wb["Projects"]
    header = [str(c.value or "").rstrip(" *") for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "ACME-001":
            row[header.index("Kickoff Date")].value = "next spring"  # an error: held back
    held = tmp_path / "held.xlsx"
    wb.save(held)
    assert "ACME-001" in _run(held, out).skipped
    back = _run(_intake(tmp_path, budget=26000), out)
    text = plan.read_text("utf-8")
    assert "signs off each release with Marco" in text and "$26,000 budget" in text
    assert [p.code for p in back.report.problems if p.file == f"{PLAN}.md"] == ["edited-output-merged"]
