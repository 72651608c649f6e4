"""One bad project costs that project, never the run (issue 11): a failure injected into ACME-001 at
each stage (derive, render, one writer, one file, a dying worker), serially and across forked
workers, leaves the other eight sample plans byte-identical to a clean run; the summary and index
fail alone; writes never follow planted links; text no document can hold is cleaned with a warning."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from planforge import pipeline
from planforge.cli import main
from planforge.core.atomic import write_text
from planforge.core.errors import OutputError
from planforge.formats import registry
from planforge.formats.pdf import find_soffice
from planforge.formats.text import Capped, truncate
from planforge.intake.parse import clean_text
from planforge.outputs import batch as outputs
from planforge.pipeline import generate
from support import PROJECT_HEADER, PROJECT_ROW, SAMPLE, write_book

DAY = date(2026, 3, 2)
FORMATS = ["md", "html", "docx"]
VICTIM = "ACME-001"


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict[str, bytes]:
    """Every plan and review file of a clean run of the sample, by relative path."""
    out = tmp_path_factory.mktemp("clean")
    result = generate([SAMPLE], out, plan_date=DAY, formats=FORMATS, jobs=1)
    assert result.ok or not result.failed
    return _files(out)


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and p.name not in ("portfolio-summary.xlsx", "index.html")
    }


def _others(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if VICTIM not in k}


def _boom_for_victim(real):
    def wrapped(*args, **kwargs):
        ctx = args[0]
        project = getattr(ctx, "project", ctx)
        if project.project_id == VICTIM:
            raise ValueError("injected failure")
        return real(*args, **kwargs)

    return wrapped


def _run(tmp_path: Path, monkeypatch, jobs: int):
    if jobs > 1:
        monkeypatch.setattr(outputs, "PARALLEL_MIN_PLANS", 1)  # fork even for ten plans
    out = tmp_path / "out"
    return out, generate([SAMPLE], out, plan_date=DAY, formats=FORMATS, jobs=jobs)


STAGES = [
    (pipeline, "build_context", "deriving the plan"),
    (outputs, "plan_markdown", "rendering the plan"),
    (registry, "plan_docx", "making ACME-001-implementation-plan.docx"),  # the writers, by format
    (registry, "plan_html", "making ACME-001-implementation-plan.html"),
]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize(("module", "name", "stage"), STAGES, ids=[s[1] for s in STAGES])
def test_a_failure_at_any_stage_costs_only_its_project(clean, tmp_path, monkeypatch, jobs, module, name, stage):
    monkeypatch.setattr(module, name, _boom_for_victim(getattr(module, name)))
    out, result = _run(tmp_path, monkeypatch, jobs)
    assert _others(_files(out)) == _others(clean)  # eight plans and reviews, byte for byte
    assert list(result.failed) == [VICTIM] and not result.ok
    [problem] = result.failed[VICTIM]
    assert problem.flat() == ("Projects", 2, "", "internal-error")
    assert problem.message == f"Internal error while {stage}: ValueError: injected failure"
    assert "Traceback" not in problem.message
    assert VICTIM not in {c.project.project_id for c in result.contexts}
    status = {p["project_id"]: p["status"] for p in result.to_dict()["projects"]}
    assert status[VICTIM] == "failed" and list(status.values()).count("written") == 9
    assert (out / "portfolio-summary.xlsx").exists() and (out / "index.html").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_failed_file_write_costs_that_file(clean, tmp_path, monkeypatch, jobs):
    real = outputs.write_bytes

    def failing(target, data):
        if target.name == f"{VICTIM}-implementation-plan.md":
            raise OutputError("cannot write it") from OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(outputs, "write_bytes", failing)
    out, result = _run(tmp_path, monkeypatch, jobs)
    assert _others(_files(out)) == _others(clean)
    assert (out / f"{VICTIM}-implementation-plan.html").read_bytes() == clean[f"{VICTIM}-implementation-plan.html"]
    assert [(p.code, p.message) for p in result.failed[VICTIM]] == [
        ("write-failed", f"Could not write {VICTIM}-implementation-plan.md: No space left on device")
    ]


def test_a_worker_that_dies_costs_only_the_plan_it_was_writing(clean, tmp_path, monkeypatch):
    real = outputs.plan_markdown

    def dying(ctx, options):
        if ctx.project.project_id == VICTIM:
            os._exit(3)  # a crash no Python handler sees (a C library, the OOM killer)
        return real(ctx, options)

    monkeypatch.setattr(outputs, "plan_markdown", dying)
    out, result = _run(tmp_path, monkeypatch, 2)
    assert _others(_files(out)) == _others(clean)
    [problem] = result.failed[VICTIM]
    assert problem.code == "internal-error" and "exit code 3" in problem.message


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_summary_failure_is_a_run_problem_and_every_plan_is_written(clean, tmp_path, monkeypatch, jobs):
    def boom(*args, **kwargs):
        raise RuntimeError("summary broke")

    monkeypatch.setattr(pipeline, "write_summary", boom)
    out, result = _run(tmp_path, monkeypatch, jobs)
    assert _files(out) == clean
    assert not result.failed and not result.ok
    assert [(p.code, p.project_id) for p in result.report.problems if p.code == "internal-error"] == [
        ("internal-error", "")
    ]
    assert "portfolio-summary.xlsx" not in {p.name for p in result.written}


def test_an_index_failure_is_a_run_problem(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "index_html", lambda *a: 1 / 0)
    out, result = _run(tmp_path, monkeypatch, 1)
    assert _files(out) == clean and not (out / "index.html").exists()
    assert any(
        p.code == "internal-error" and "writing the index: ZeroDivisionError" in p.message
        for p in result.report.problems
    )


def test_the_cli_names_the_failed_project_exits_1_and_shows_no_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "plan_markdown", _boom_for_victim(outputs.plan_markdown))
    plain = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(tmp_path / "a"), "--date", "2026-03-02"])
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    assert "Internal error while rendering the plan: ValueError: injected failure" in plain.output
    as_json = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(tmp_path / "b"), "--json", "-q"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["ok"] is False
    assert {p["project_id"]: p["status"] for p in data["projects"]}[VICTIM] == "failed"


def test_keyboard_interrupt_still_stops_the_run(tmp_path, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(registry, "plan_html", interrupt)
    with pytest.raises(KeyboardInterrupt):
        generate([SAMPLE], tmp_path, plan_date=DAY, formats=FORMATS, jobs=1)
    assert not [
        p for p in tmp_path.rglob("*") if p.name.startswith(".") and p.name != ".planforge-base"
    ]  # no temporary file


# --- safe writes -------------------------------------------------------------------------------


def test_a_folder_named_like_a_plan_costs_only_that_file(clean, tmp_path):
    out = tmp_path / "out"
    (out / f"{VICTIM}-implementation-plan.md").mkdir(parents=True)
    result = generate([SAMPLE], out, plan_date=DAY, formats=FORMATS, jobs=1)
    files = _files(out)
    assert _others(files) == _others(clean)
    assert files[f"{VICTIM}-implementation-plan.docx"] == clean[f"{VICTIM}-implementation-plan.docx"]
    [problem] = result.failed[VICTIM]
    assert problem.flat() == ("Projects", 2, "", "write-failed")
    assert f"{VICTIM}-implementation-plan.md" in problem.message


def test_planted_symlinks_are_never_written_through(tmp_path, monkeypatch):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("untouched")
    target = out / "P-1-implementation-plan.md"
    # the temporary name of earlier versions, and the name the random sequence will draw first
    (out / f".{target.name}.{os.getpid()}.part").symlink_to(victim)
    (out / f".{target.name}.planted.part").symlink_to(victim)
    names = iter(["planted", "fresh", "again"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: names)
    write_text(target, "the plan")
    assert victim.read_text() == "untouched"
    assert target.read_text() == "the plan" and not target.is_symlink()
    # a link planted at the target itself is replaced, not followed
    target.unlink()
    target.symlink_to(victim)
    write_text(target, "again")
    assert victim.read_text() == "untouched" and target.read_text() == "again" and not target.is_symlink()


def test_a_review_folder_planted_as_a_link_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "review").symlink_to(elsewhere, target_is_directory=True)
    result = generate([SAMPLE], out, plan_date=DAY, jobs=1)
    assert list(elsewhere.iterdir()) == []
    assert len(result.failed) == 10 and {p.code for ps in result.failed.values() for p in ps} == {"write-failed"}
    assert len(list(out.glob("*-implementation-plan.md"))) == 10


# --- text every writer can hold ------------------------------------------------------------------


def test_clean_text_removes_what_xml_cannot_hold():
    reading = clean_text("a\ufffeb\uffffc\x01d\x1fe\tf\ng\rh\ud800i")
    assert reading.value == "abcde\tf\ng\rh\ufffdi"
    assert reading.code == "text-cleaned" and reading.params["count"] == 5
    assert reading.params["shown"] == "U+0001, U+001F, U+D800, U+FFFE, U+FFFF"
    assert clean_text("ok").params["count"] == 0


def test_non_characters_in_cells_are_cleaned_with_a_located_warning(tmp_path):
    row = ["P-1", "Order@FFFE@ sync", "Client@FFFF@ One", *PROJECT_ROW[3:]]
    settings = [["Setting", "Value"], ["Monitoring Tool", "Data@FFFE@dog"]]
    book = _with_characters(
        write_book(tmp_path / "built.xlsx", {"Projects": [PROJECT_HEADER, row], "Settings": settings})
    )
    result = generate([book], tmp_path / "out", plan_date=DAY, formats=FORMATS, jobs=1)
    cleaned = [p for p in result.report.problems if p.code == "text-cleaned"]
    assert sorted(p.flat() for p in cleaned) == [
        ("Projects", 2, "Client Name", "text-cleaned"),
        ("Projects", 2, "Project Name", "text-cleaned"),
        ("Settings", 2, "Value", "text-cleaned"),
    ]
    assert (not result.failed and result.ok is False) or not result.report.errors
    document = docx.Document(str(tmp_path / "out" / "P-1-implementation-plan.docx"))
    assert document.core_properties.title == "Implementation Plan: Order sync"


def _with_characters(path: Path) -> Path:
    """The workbook with @FFFE@ / @FFFF@ replaced by those characters in its XML (openpyxl refuses to
    write them; other programs do, and calamine reads them)."""
    target = path.with_name("intake.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            for code in ("FFFE", "FFFF"):
                data = data.replace(f"@{code}@".encode(), chr(int(code, 16)).encode("utf-8", "surrogatepass"))
            out.writestr(item, data)
    return target


@pytest.mark.parametrize(("column", "length"), [("Project Name", 235), ("Client Name", 226), ("Project Name", 5000)])
def test_long_names_fit_the_docx_property_limit(tmp_path, column, length):
    row = list(PROJECT_ROW)
    row[PROJECT_HEADER.index(column)] = "N" * length
    book = write_book(tmp_path / "intake.xlsx", {"Projects": [PROJECT_HEADER, row]})
    result = generate([book], tmp_path / "out", plan_date=DAY, formats=["docx"], jobs=1)
    assert not result.failed
    props = docx.Document(str(tmp_path / "out" / "P-1-implementation-plan.docx")).core_properties
    assert all(len(v) <= 255 for v in (props.title, props.subject, props.comments))
    assert (props.title if column == "Project Name" else props.subject).endswith(("NNN", "N\u2026"))


def test_truncate_and_capped():
    assert truncate("abc", 3) == "abc" and truncate("abcd", 3) == "ab\u2026"

    class Props:
        title = ""
        revision = 0

    props = Props()
    capped = Capped(props, 5)
    capped.title, capped.revision = "x" * 9, 7
    assert (props.title, props.revision, capped.title) == ("xxxx\u2026", 7, "xxxx\u2026")


# --- deterministic PDF ---------------------------------------------------------------------------


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_reruns_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        generate(
            [SAMPLE],
            tmp_path / name,
            plan_date=DAY,
            formats=["pdf"],
            only=["ACME-001"],
            summary=False,
            pdf_engine="libreoffice",
        )
    first = (tmp_path / "a" / "ACME-001-implementation-plan.pdf").read_bytes()
    assert first.startswith(b"%PDF") and b"D:20260302000000Z" in first
    assert first == (tmp_path / "b" / "ACME-001-implementation-plan.pdf").read_bytes()


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_docx_libreoffice_cannot_convert_costs_only_that_pdf(tmp_path, monkeypatch):
    from planforge.formats import pdf

    real = pdf._convert

    def refuses_victim(soffice, work, sources):  # as LibreOffice does with a document it cannot open
        return real(soffice, work, [s for s in sources if not s.name.startswith(VICTIM)]) or "cannot open"

    monkeypatch.setattr(pdf, "_convert", refuses_victim)
    out = tmp_path / "out"
    result = generate(
        [SAMPLE],
        out,
        plan_date=DAY,
        formats=["docx", "pdf"],
        only=[VICTIM, "BLOOM-002"],
        summary=False,
        pdf_engine="libreoffice",
    )
    assert (out / "BLOOM-002-implementation-plan.pdf").exists()
    assert not (out / f"{VICTIM}-implementation-plan.pdf").exists()
    assert [p.code for p in result.failed[VICTIM]] == ["internal-error"]


# --- issue 11's value-level reproductions, each applied to ACME-001 in a copy of the sample -------

REPRODUCTIONS = {
    "hours-per-week-1e30": ("Pain Points", "C2", 1e30),
    "hours-per-week-1e30-text": ("Pain Points", "C2", "1e30"),
    "monitoring-hours-400-nines": ("Projects", "AW2", "9" * 400),
    "monitoring-hours-inf-text": ("Projects", "AW2", "inf"),
    "monitoring-hours-1e309": ("Projects", "AW2", "1e309"),
    "kickoff-9999": ("Projects", "I2", date(9999, 12, 1)),
    "kickoff-9999-text": ("Projects", "I2", "9999-12-01"),
    "project-name-235": ("Projects", "B2", "P" * 235),
    "client-name-226": ("Projects", "C2", "C" * 226),
    "review-interval-3000000": ("Settings", "Review Interval Days", 3000000),
    "phase-days-1e999": ("Settings", "Phase Days Medium", "1e999, 1, 1, 1, 1"),
    "phase-days-600000": ("Settings", "Phase Days Medium", "600000, 600000, 600000, 600000, 600000"),
    "working-weeks-1e26": ("Settings", "Working Weeks per Year", 1e26),
}


def _sample_with(tmp_path: Path, sheet: str, where: str, value) -> Path:
    book = openpyxl.load_workbook(SAMPLE)
    ws = book[sheet]
    if sheet == "Settings":
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == where)
        ws.cell(row, 2).value = value
    else:
        ws[where].value = value
    path = tmp_path / "intake.xlsx"
    book.save(path)
    return path


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory) -> dict[str, bytes]:
    """A clean run of the sample as openpyxl saves it (the reproductions are saved the same way)."""
    tmp = tmp_path_factory.mktemp("copy")
    book = openpyxl.load_workbook(SAMPLE)
    book.save(tmp / "intake.xlsx")
    generate([tmp / "intake.xlsx"], tmp / "out", plan_date=DAY, formats=FORMATS, jobs=1)
    return _files(tmp / "out")


@pytest.mark.parametrize("case", REPRODUCTIONS)
def test_each_reproduction_costs_at_most_acme_001(clean_copy, tmp_path, case):
    sheet, where, value = REPRODUCTIONS[case]
    intake = _sample_with(tmp_path, sheet, where, value)
    out = tmp_path / "out"
    run = CliRunner().invoke(
        main,
        ["generate", str(intake), "-o", str(out), "--date", "2026-03-02", "--format", "md,html,docx", "--json", "-q"],
    )
    assert run.exit_code in (0, 1) and "Traceback" not in run.output, run.output
    data = json.loads(run.stdout)
    status = {p["project_id"]: p["status"] for p in data["projects"]}
    assert [pid for pid, s in status.items() if s != "written"] in ([], [VICTIM])
    assert not [p for p in data["problems"] if p["code"] == "internal-error"]
    if sheet == "Settings":  # a bad setting is an error at its cell; the built-in default is kept
        errors = [p for p in data["problems"] if p["severity"] == "error"]
        assert run.exit_code == 1 and errors and all(p["sheet"] == "Settings" and p["row"] for p in errors)
        assert _files(out) == clean_copy
        return
    assert _others(_files(out)) == _others(clean_copy)
    if status[VICTIM] == "written":  # a long name is simply written (its DOCX properties shortened)
        assert (out / f"{VICTIM}-implementation-plan.docx").exists()
    else:
        errors = [p for p in data["problems"] if p["severity"] == "error"]
        assert errors and all(p["project_id"] == VICTIM and p["cell"] == where for p in errors)
        assert run.exit_code == 1


def test_plan_date_9999_is_a_usage_error(tmp_path):
    run = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(tmp_path), "--date", "9999-12-31"])
    assert run.exit_code == 2 and "Traceback" not in run.output


# ---------------------------------------------------------------- work done in a forked child


def test_in_background_returns_the_childs_value():
    parent = os.getpid()
    assert outputs.in_background(lambda: os.getpid() != parent, fork=True)() is True
    assert outputs.in_background(lambda: os.getpid() == parent, fork=False)() is True


def test_a_child_that_fails_or_dies_costs_nothing_but_time(tmp_path):
    marker = tmp_path / "calls"

    def failing() -> int:
        with marker.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        raise ValueError("bad value")

    with pytest.raises(ValueError, match="bad value"):  # the parent meets the same error itself
        outputs.in_background(failing, fork=True)()
    assert len(set(marker.read_text().split())) == 2  # tried in the child, then here
    parent = os.getpid()

    def dying() -> str:
        if os.getpid() != parent:
            os._exit(3)  # a crash in the child: no answer on the pipe
        return "computed here"

    assert outputs.in_background(dying, fork=True)() == "computed here"
