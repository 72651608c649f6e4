"""Reruns redo only what changed (the run manifest wired into generate): untouched files keep their
bytes and modification time, a changed project's files and the portfolio files are rewritten, hand
edits are reported and kept unless forced, and the result is byte-identical to a cold run."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.outputs import batch as outputs
from planforge.pipeline import generate
from planforge.rerun.manifest import MANIFEST_NAME, load_manifest
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, png, write_book

DAY = date(2026, 3, 2)
OLD = 1_000_000_000  # a modification time long past: a file rewritten by the rerun gets a new one
IDS = ["P-1", "P-2", "P-3"]


def _book(path: Path, *, name_of_p2: str = "Order sync two", risk_of_p3: str = "Vendor API limits") -> Path:
    rows = [PROJECT_HEADER]
    for pid in IDS:
        row = list(PROJECT_ROW)
        row[0] = pid
        row[1] = name_of_p2 if pid == "P-2" else f"Order sync {pid}"
        rows.append(row)
    risks = [RISK_HEADER] + [
        [pid, risk_of_p3 if pid == "P-3" else "Data mapping", "High", "Medium", "Test", "Ann"] for pid in IDS
    ]
    return write_book(path, {"Projects": rows, "Risks": risks})


def _book_holding_back(path: Path, held: str) -> Path:
    """The three projects, ``held`` with a kickoff date that is not a date (an error: held back)."""
    rows = [PROJECT_HEADER]
    for pid in IDS:
        row = list(PROJECT_ROW)
        row[0] = pid
        if pid == held:
            row[PROJECT_HEADER.index("Kickoff Date")] = "next spring"
        rows.append(row)
    return write_book(path, {"Projects": rows})


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _age(out: Path) -> dict[str, int]:
    """Set every file's modification time far in the past; return them (nanoseconds) by relative path."""
    found = {}
    for p in out.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))
            found[p.relative_to(out).as_posix()] = p.stat().st_mtime_ns
    return found


def _mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def _run(book: Path, out: Path, **options):
    return generate([book], out, **{"plan_date": DAY, "formats": ("md", "html"), **options})


def test_a_rerun_with_nothing_changed_rewrites_nothing(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    first = _run(book, out)
    assert first.unchanged == [] and (out / MANIFEST_NAME).is_file()
    before, aged = _files(out), _age(out)
    again = _run(book, out)
    assert again.unchanged == IDS and again.rewritten == [] and again.written == []
    assert _files(out) == before and _mtimes(out) == aged
    assert again.stale == [] and again.edited == []
    statuses = {p["project_id"]: (p["status"], sorted(p["outputs"])) for p in again.to_dict()["projects"]}
    assert statuses["P-2"] == (
        "unchanged",
        ["P-2-implementation-plan.html", "P-2-implementation-plan.md", "review/P-2-review.md"],
    )


def test_one_changed_project_rewrites_its_files_and_the_portfolio_files_only(tmp_path):
    out = tmp_path / "out"
    _run(_book(tmp_path / "in.xlsx"), out)
    aged = _age(out)
    rerun = _run(_book(tmp_path / "in.xlsx", name_of_p2="Order sync renamed"), out)
    assert rerun.unchanged == ["P-1", "P-3"] and rerun.rewritten == ["P-2"]
    now = _mtimes(out)
    changed = {rel for rel in now if now[rel] != aged.get(rel)}
    assert changed == {
        "P-2-implementation-plan.md",
        "P-2-implementation-plan.html",
        "review/P-2-review.md",
        "portfolio-summary.xlsx",
        "index.html",
        MANIFEST_NAME,
        ".planforge-base/P-2-implementation-plan.md.gz",
    }


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "forked"])
def test_a_rerun_is_byte_identical_to_a_cold_run(tmp_path, monkeypatch, parallel):
    if parallel:
        monkeypatch.setattr(outputs, "PARALLEL_MIN_PLANS", 1)
    jobs = 2 if parallel else 1
    book = _book(tmp_path / "in.xlsx")  # the same workbook, edited between runs (its name is in the plans)
    _run(book, tmp_path / "a", jobs=jobs)
    _run(book, tmp_path / "b", jobs=jobs)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    _book(book, risk_of_p3="Rate limits at month end")
    rerun = _run(book, tmp_path / "b", jobs=jobs)
    assert rerun.rewritten == ["P-3"]
    _run(book, tmp_path / "c", jobs=jobs)
    rerun_files, cold_files = _files(tmp_path / "b"), _files(tmp_path / "c")
    # every file is as a cold run writes it but the changed project's documents, now issued as 1.1
    # (and the manifest recording that), which say so in their Document Control and nothing else
    versioned = {
        "P-3-implementation-plan.md",
        "P-3-implementation-plan.html",
        ".planforge-base/P-3-implementation-plan.md.gz",
    }
    assert {k: v for k, v in rerun_files.items() if k not in versioned | {MANIFEST_NAME}} == {
        k: v for k, v in cold_files.items() if k not in versioned | {MANIFEST_NAME}
    }
    cold, issued = cold_files["P-3-implementation-plan.md"].decode(), rerun_files["P-3-implementation-plan.md"].decode()
    assert "Version: 1.0 (draft)  \n" in cold and "Version: 1.1 (draft)  \n" in issued
    assert "Changes since 1.0: Risks revised  \nEarlier versions: 1.0 (2 Mar 2026)  \n" in issued
    assert (
        issued.replace("Version: 1.1 (draft)", "Version: 1.0 (draft)").replace(
            "Changes since 1.0: Risks revised  \nEarlier versions: 1.0 (2 Mar 2026)  \n", ""
        )
        == cold
    )


def test_a_file_edited_by_hand_is_reported_and_kept_unless_forced(tmp_path):
    """An edited HTML file (never merged: only Markdown is) is kept; --force replaces it, keeping a copy."""
    out = tmp_path / "out"
    _run(_book(tmp_path / "in.xlsx"), out)
    page = out / "P-2-implementation-plan.html"
    page.write_text(page.read_text("utf-8").replace("</main>", "<p>Our own notes.</p></main>"), "utf-8")
    edited_bytes = page.read_bytes()
    changed = _book(tmp_path / "in.xlsx", name_of_p2="Order sync renamed")

    rerun = _run(changed, out)
    assert rerun.edited == [page] and page.read_bytes() == edited_bytes
    found = [(p.code, p.file, p.severity) for p in rerun.report.problems if p.code == "edited-output"]
    assert found == [("edited-output", "P-2-implementation-plan.html", "warning")]
    assert "kept" in next(p.message for p in rerun.report.problems if p.code == "edited-output")
    assert "Order sync renamed" in (out / "P-2-implementation-plan.md").read_text("utf-8")  # the rest is redone

    again = _run(changed, out)  # still not up to date: reported again, still kept
    assert again.edited == [page] and page.read_bytes() == edited_bytes

    forced = _run(changed, out, force=True)
    assert forced.edited == [page] and "Our own notes." not in page.read_text("utf-8")
    (copy,) = forced.backups.values()
    assert copy.read_bytes() == edited_bytes and copy.parent.parent == out / "backups"
    note = next(p for p in forced.report.problems if p.code == "edited-output-replaced")
    assert note.file == "P-2-implementation-plan.html" and f"kept as backups/{copy.parent.name}/" in note.message
    assert sorted(forced.rewritten) == IDS
    assert _run(changed, out).edited == []


def test_a_damaged_manifest_means_a_cold_run(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    (out / MANIFEST_NAME).write_text('{"format": 1, "projects": ', "utf-8")
    aged = _age(out)
    rerun = _run(book, out)
    assert rerun.unchanged == [] and sorted(rerun.rewritten) == IDS
    assert all(_mtimes(out)[rel] != aged[rel] for rel in aged)
    assert load_manifest(out) is not None


def test_only_keeps_the_other_projects_entries(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    before = load_manifest(out)
    assert before is not None
    _run(_book(tmp_path / "in.xlsx", name_of_p2="Order sync renamed"), out, only=("P-2",))
    after = load_manifest(out)
    assert after is not None and set(after.projects) == set(IDS)
    assert after.projects["P-1"] == before.projects["P-1"] and after.projects["P-2"] != before.projects["P-2"]
    assert _run(book, out).unchanged == IDS  # P-2 as --only left it
    assert _run(_book(book), out).unchanged == ["P-1", "P-3"]  # P-2 changed back


def test_the_cli_says_what_the_rerun_did(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    args = ["generate", str(book), "-o", str(out), "--date", DAY.isoformat()]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, args)
    assert "3 unchanged, 0 rewritten" in again.output
    forced = CliRunner().invoke(main, [*args, "--force"])
    assert "Wrote 3 plans (" in forced.output


def test_a_portfolio_file_edited_by_hand_is_kept_too(tmp_path):
    out = tmp_path / "out"
    book = _book(tmp_path / "in.xlsx")
    _run(book, out)
    index = out / "index.html"
    index.write_bytes(index.read_bytes() + b"<!-- ours -->")
    edited_bytes = index.read_bytes()
    same = _run(book, out)  # nothing changed: nothing about to be overwritten, yet the edit is reported
    assert same.edited == [index] and index.read_bytes() == edited_bytes
    rerun = _run(_book(book, name_of_p2="Order sync renamed"), out)
    assert rerun.edited == [index] and index.read_bytes() == edited_bytes
    assert [p.file for p in rerun.report.problems if p.code == "edited-output"] == ["index.html"]
    assert (out / "portfolio-summary.xlsx") in rerun.written
    assert _run(book, out, force=True).edited == [index] and b"<!-- ours -->" not in index.read_bytes()


# ---------------------------------------------------------------- byte-identical inputs: nothing is read


def _refuse_reading(monkeypatch):
    def refuse(files):
        raise AssertionError("the rerun read the workbooks")

    monkeypatch.setattr("planforge.pipeline.read_files", refuse)


def test_a_rerun_with_byte_identical_inputs_reads_nothing_and_reports_the_same(tmp_path, monkeypatch):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    first = _run(book, out)
    before, aged = _files(out), _age(out)
    _refuse_reading(monkeypatch)
    again = _run(book, out)
    assert again.unchanged == IDS and again.written == [] and again.contexts == []
    assert [p.to_dict() for p in again.report.problems] == [p.to_dict() for p in first.report.problems]
    assert again.report.valid == first.report.valid and again.skipped == first.skipped
    assert _files(out) == before and _mtimes(out) == aged
    assert again.to_dict()["projects"] == _run(book, out).to_dict()["projects"]


def test_the_restored_report_reads_the_portfolio_when_first_asked(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    first = _run(book, out)
    again = _run(book, out)
    assert type(again.report).__name__ == "RestoredReport"
    assert again.report.portfolio.projects == first.report.portfolio.projects


def test_a_held_back_project_and_a_typed_value_survive_the_restore(tmp_path):
    book, out = _book_holding_back(tmp_path / "in.xlsx", "P-2"), tmp_path / "out"
    first = _run(book, out)
    assert "P-2" in first.skipped
    again = _run(book, out)
    assert again.report.problems == first.report.problems  # values keep their types
    assert {pid: [p.to_dict() for p in ps] for pid, ps in again.skipped.items()} == {
        pid: [p.to_dict() for p in ps] for pid, ps in first.skipped.items()
    }
    assert again.unchanged == ["P-1", "P-3"] and not again.ok


@pytest.mark.parametrize("change", ["edit the workbook", "delete a plan", "force", "another date", "add a format"])
def test_anything_else_than_identical_inputs_and_outputs_means_reading(tmp_path, change):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    options: dict = {}
    if change == "edit the workbook":
        _book(book, name_of_p2="Order sync renamed")
    elif change == "delete a plan":
        (out / "P-1-implementation-plan.md").unlink()
    elif change == "force":
        options = {"force": True}
    elif change == "another date":
        options = {"plan_date": date(2026, 3, 3)}
    else:
        options = {"formats": ("md", "html", "docx")}
    again = generate([book], out, **{"plan_date": DAY, "formats": ("md", "html"), **options})
    assert type(again.report).__name__ == "Report" and again.rewritten


def test_a_moved_intake_with_the_same_name_and_bytes_is_still_up_to_date(tmp_path, monkeypatch):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    moved = tmp_path / "elsewhere" / "in.xlsx"
    moved.parent.mkdir()
    book.rename(moved)
    _refuse_reading(monkeypatch)
    assert _run(moved, out).unchanged == IDS


def test_a_stale_file_is_still_found_when_nothing_is_read(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    (out / "GONE-9-implementation-plan.md").write_text("old", "utf-8")
    again = _run(book, out)
    assert type(again.report).__name__ == "RestoredReport"
    assert [(p.name, code) for p, code in again.stale] == [("GONE-9-implementation-plan.md", "stale-output")]
    assert [p.code for p in again.report.problems if p.code == "stale-output"] == ["stale-output"]


def test_a_run_with_a_failed_project_is_not_recorded_as_complete(tmp_path, monkeypatch):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    real = outputs.review_markdown

    def fail_p2(review, rendered):
        if review.project_id == "P-2":
            raise RuntimeError("boom")
        return real(review, rendered)

    monkeypatch.setattr(outputs, "review_markdown", fail_p2)
    first = _run(book, out)
    assert "P-2" in first.failed
    manifest = load_manifest(out)
    assert manifest is not None and manifest.run is None
    monkeypatch.setattr(outputs, "review_markdown", real)
    again = _run(book, out)
    assert type(again.report).__name__ == "Report" and again.rewritten == ["P-2"]


def test_a_change_to_planforge_code_redoes_everything(tmp_path, monkeypatch):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    monkeypatch.setattr("planforge.pipeline.code_digest", lambda: "e" * 64)  # as if a module were edited
    again = _run(book, out)
    assert type(again.report).__name__ == "Report" and sorted(again.rewritten) == IDS


# ---------------------------------------------------------------- what an attack on the rerun found


def test_a_run_killed_while_writing_is_redone_even_with_the_last_complete_runs_inputs(tmp_path, monkeypatch):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    real, calls = outputs.write_bytes, []

    def killed_after_two(target, data):
        calls.append(target)
        if len(calls) > 2:
            raise KeyboardInterrupt
        real(target, data)

    monkeypatch.setattr(outputs, "write_bytes", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        _run(book, out, plan_date=date(2026, 4, 1))  # another date: every file is rewritten
    monkeypatch.setattr(outputs, "write_bytes", real)
    again = _run(book, out)  # the last complete run's inputs: the half-written files must not be trusted
    assert again.edited == [] and sorted(again.rewritten) == IDS
    _run(book, tmp_path / "cold")
    assert {k: v for k, v in _files(out).items() if k != MANIFEST_NAME} == {
        k: v for k, v in _files(tmp_path / "cold").items() if k != MANIFEST_NAME
    }


def test_a_project_that_failed_once_is_back_in_the_index_once_it_is_written(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    blocker = out / "P-2-implementation-plan.md"
    blocker.mkdir(parents=True)  # a folder where the plan goes: writing it fails
    first = _run(book, out)
    assert "P-2" in first.failed
    blocker.rmdir()
    _run(book, out)
    _run(book, out)
    _run(book, tmp_path / "cold")
    assert (out / "index.html").read_bytes() == (tmp_path / "cold" / "index.html").read_bytes()
    assert (out / "portfolio-summary.xlsx").read_bytes() == (tmp_path / "cold" / "portfolio-summary.xlsx").read_bytes()


def test_the_summary_does_not_list_files_of_the_output_folder(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    out.mkdir()
    (out / "GONE-9-implementation-plan.md").write_text("old", "utf-8")
    result = _run(book, out)
    assert [code for _, code in result.stale] == ["stale-output"]
    _run(book, tmp_path / "cold")
    assert (out / "portfolio-summary.xlsx").read_bytes() == (tmp_path / "cold" / "portfolio-summary.xlsx").read_bytes()


def test_a_summary_written_under_only_is_rewritten_by_the_full_run(tmp_path):
    book, out = _book_holding_back(tmp_path / "in.xlsx", "P-3"), tmp_path / "out"
    _run(book, out, only=("P-1", "P-2"))
    _run(book, out)
    _run(book, tmp_path / "cold")
    assert (out / "portfolio-summary.xlsx").read_bytes() == (tmp_path / "cold" / "portfolio-summary.xlsx").read_bytes()


def test_a_partial_rerun_reports_problems_in_the_cold_runs_order(tmp_path):
    book, out = tmp_path / "in.xlsx", tmp_path / "out"
    header = [*PROJECT_HEADER, "Budget"]
    rows = [header]
    for pid in IDS:
        row = [*PROJECT_ROW, 100]  # a budget this small makes an implausible ROI warning per project
        row[0] = pid
        rows.append(row)
    pains = [["Project ID", "Pain Point", "Hours per Week"]] + [[pid, "Manual order entry", 40] for pid in IDS]
    write_book(book, {"Projects": rows, "Pain Points": pains})
    cold = _run(book, out)
    (out / "P-2-implementation-plan.md").unlink()
    again = _run(book, out)
    assert again.rewritten == ["P-2"]
    assert [p.to_dict() for p in again.report.problems] == [p.to_dict() for p in cold.report.problems]


def test_the_result_of_a_rerun_that_read_nothing_pickles_and_refuses_a_changed_intake(tmp_path):
    import pickle

    import planforge

    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    again = _run(book, out)
    assert pickle.loads(pickle.dumps(again)).report.problems == again.report.problems
    _book(book, name_of_p2="Order sync renamed")
    with pytest.raises(planforge.UsageError, match="changed or were removed"):
        _ = again.report.portfolio


def test_a_changed_settings_logo_redoes_the_run_though_the_workbook_is_the_same(tmp_path):
    """The logo a workbook names is an input the workbook's bytes do not hold (issue 22): the run
    records its digest, and a rerun whose logo changed (or appeared) reads and rewrites again."""
    book = write_book(
        tmp_path / "in.xlsx",
        {"Projects": [PROJECT_HEADER, PROJECT_ROW], "Settings": [["Setting", "Value"], ["Logo", "logo.png"]]},
    )
    out = tmp_path / "out"
    first = _run(book, out)
    assert [p.code for p in first.report.problems if p.code == "logo-unusable"] == ["logo-unusable"]
    assert _run(book, out).unchanged == ["P-1"]  # nothing changed: nothing redone
    (tmp_path / "logo.png").write_bytes(png())
    again = _run(book, out)
    assert again.unchanged == [] and "logo-unusable" not in {p.code for p in again.report.problems}
    assert "data:image/png;base64," in (out / "P-1-implementation-plan.html").read_text("utf-8")
    (tmp_path / "logo.png").write_bytes(png(4, 4))
    assert _run(book, out).unchanged == []
    assert _run(book, out).unchanged == ["P-1"]


def test_only_into_a_full_folder_leaves_the_summary_and_index_whole_and_says_so(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out, formats=["md", "html"])
    summary, index = (out / "portfolio-summary.xlsx").read_bytes(), (out / "index.html").read_bytes()
    changed = _book(tmp_path / "in.xlsx", name_of_p2="Order sync renamed")
    result = _run(changed, out, formats=["md", "html"], only=("P-2",))
    assert result.rewritten == ["P-2"] and "Order sync renamed" in (out / "P-2-implementation-plan.md").read_text()
    assert (out / "portfolio-summary.xlsx").read_bytes() == summary and (out / "index.html").read_bytes() == index
    notes = [p for p in result.report.problems if p.code == "shared-not-rewritten"]
    assert [p.file for p in notes] == ["portfolio-summary.xlsx", "index.html"]
    again = _run(changed, out, formats=["md", "html"], only=("P-2",))  # nothing to do: still said
    assert [p.file for p in again.report.problems if p.code == "shared-not-rewritten"] == [p.file for p in notes]
    _run(changed, out, formats=["md", "html"])  # the full run brings them up to date, as a cold run writes them
    _run(changed, tmp_path / "cold", formats=["md", "html"])
    for name in ("portfolio-summary.xlsx", "index.html"):
        assert (out / name).read_bytes() == (tmp_path / "cold" / name).read_bytes()


def test_only_naming_every_project_writes_the_shared_files(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    result = _run(book, out, only=tuple(IDS))
    assert (out / "portfolio-summary.xlsx").exists()
    assert not [p for p in result.report.problems if p.code == "shared-not-rewritten"]


def test_a_hand_edit_is_reported_on_an_identical_rerun_and_on_one_where_another_project_changed(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    plan, review = out / "P-1-implementation-plan.md", out / "review" / "P-3-review.md"
    plan.write_text(plan.read_text("utf-8").replace("Order sync", "Order sync (our wording)", 1), "utf-8")
    review.write_bytes(review.read_bytes()[:-1] + b"!")  # same size, other bytes
    edited = {plan: plan.read_bytes(), review: review.read_bytes()}
    identical = _run(book, out)
    assert identical.unchanged == IDS and sorted(identical.edited) == sorted(edited)
    assert sorted(p.file for p in identical.report.problems if p.code == "edited-output") == [
        "P-1-implementation-plan.md",
        "review/P-3-review.md",
    ]
    other = _run(_book(tmp_path / "in.xlsx", name_of_p2="Order sync renamed"), out)
    assert other.rewritten == ["P-2"] and sorted(other.edited) == sorted(edited)
    assert all(path.read_bytes() == data for path, data in edited.items())
    runner = CliRunner().invoke(main, ["generate", str(book), "-o", str(out), "--date", "2026-03-02", "--force"])
    assert "2 file(s) edited by hand overwritten (--force), the edited versions kept in" in runner.output
    assert len(list((out / "backups").iterdir())) == 1


def test_a_file_touched_but_not_changed_is_not_an_edit(tmp_path):
    book, out = _book(tmp_path / "in.xlsx"), tmp_path / "out"
    _run(book, out)
    plan = out / "P-1-implementation-plan.md"
    plan.write_bytes(plan.read_bytes())  # a newer modification time, the same bytes
    assert _run(book, out).edited == []
