"""The Python API as a notebook user meets it: planforge.validate/load/render_plan/generate,
the options object, errors naming parameters, DataFrames, and writers without hidden state."""

from __future__ import annotations

import gc
import os
from datetime import date

import docx
import pandas as pd
import pytest

import planforge
from planforge.context.plan import build_context
from planforge.core.errors import UsageError
from planforge.formats.options import WriteOptions
from planforge.outputs.batch import write_plans
from planforge.pipeline import generate as pipeline_generate
from planforge.render.environment import templates_dir
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, ROOT, SAMPLE

DAY = date(2026, 1, 15)


def test_the_package_exports_the_api():
    for name in ("validate", "load", "render_plan", "generate", "Report", "Problem", "Portfolio", "RunResult"):
        assert name in planforge.__all__ and hasattr(planforge, name)
    assert planforge.__version__ == planforge._version.__version__


def test_validate_returns_a_report(book):
    report = planforge.validate([book(Projects=[PROJECT_HEADER, PROJECT_ROW[:5] + ["x", None]])])
    assert isinstance(report, planforge.Report) and not report.valid
    assert [p.flat() for p in report.errors] == [("Projects", 2, "Confidence", "wrong-type")]
    assert report.errors[0].severity == planforge.Severity.ERROR == "error"
    assert report.to_dict()["problems"][0]["severity"] == "error"


def test_report_to_frame_is_typed(book):
    report = planforge.validate([book(Projects=[PROJECT_HEADER, PROJECT_ROW[:5] + ["x", None]])])
    frame = report.to_frame()
    assert list(frame["code"]) == ["wrong-type"] and list(frame["row"]) == [2]
    assert str(frame["row"].dtype) == "Int64" and str(frame["code"].dtype) == "string"
    assert list(frame["severity"].cat.categories) == ["error"]


def test_paths_must_be_a_list():
    with pytest.raises(UsageError, match=r"paths=") as caught:
        planforge.validate(str(SAMPLE))
    assert caught.value.parameter == "paths"


def test_load_frames_hold_the_risks_typed():
    portfolio = planforge.load([SAMPLE])
    frames = portfolio.frames()
    risks = frames["Risks"]
    assert isinstance(risks, pd.DataFrame)
    assert len(risks) == sum(len(p.risks) for p in portfolio.projects) > 0
    assert list(risks.columns[:4]) == ["File", "Row", "Project ID", "Risk"]
    assert str(risks["Row"].dtype) == "Int64" and str(risks["Likelihood"].dtype) == "string"
    projects = frames["Projects"]
    assert list(projects["Project ID"]) == [p.project_id for p in portfolio.projects]
    assert str(projects["Kickoff Date"].dtype).startswith("datetime64")
    assert str(projects["Confidence"].dtype) == "Float64"
    derived = frames["Derived"]
    assert list(derived["Project ID"]) == list(projects["Project ID"])
    assert str(derived["Go-Live"].dtype).startswith("datetime64")
    # the same figures the plans print: go-live and the weeks to it, from the plan contexts
    contexts = {p.project_id: build_context(p, portfolio.settings_for(p), DAY) for p in portfolio.projects}
    for row in derived.itertuples(index=False):
        ctx = contexts[row[0]]
        go_live = row[derived.columns.get_loc("Go-Live")]
        assert (None if pd.isna(go_live) else go_live.date()) == ctx.go_live
        assert row[derived.columns.get_loc("Days to Go-Live")] == sum(ph.days for ph in ctx.phases[:4])


def test_render_plan_equals_the_generated_plan():
    portfolio = planforge.load([SAMPLE])
    acme = next(p for p in portfolio.projects if p.project_id == "ACME-001")
    golden = ROOT / "tests" / "golden"
    text = planforge.render_plan(acme, portfolio=portfolio, plan_date=DAY)
    assert text == (golden / "ACME-001-implementation-plan.md").read_text("utf-8")
    page = planforge.render_plan(acme, portfolio=portfolio, plan_date=DAY, format="html")
    assert page == (golden / "ACME-001-implementation-plan.html").read_text("utf-8")
    with pytest.raises(UsageError, match="format="):
        planforge.render_plan(acme, format="rtf")


def test_render_plan_takes_the_templates_and_documents_generate_takes(tmp_path):
    shipped = (templates_dir() / "plan" / "00-header.md.j2").read_text("utf-8")
    folder = tmp_path / "firm"
    (folder / "plan").mkdir(parents=True)
    (folder / "plan" / "00-header.md.j2").write_text(shipped.replace("IMPLEMENTATION PLAN", "DELIVERY PLAN"))
    kinds = ("plan", "sow", "test-cases")
    out = tmp_path / "out"
    planforge.generate([SAMPLE], out, plan_date=DAY, templates=folder, documents=kinds, formats=["md", "html"])
    portfolio = planforge.load([SAMPLE])
    acme = next(p for p in portfolio.projects if p.project_id == "ACME-001")
    options = {"portfolio": portfolio, "plan_date": DAY, "templates": folder, "documents": kinds}
    text = planforge.render_plan(acme, **options)
    assert text.startswith("# DELIVERY PLAN") and "](ACME-001-sow.md)" in text
    assert text == (out / "ACME-001-implementation-plan.md").read_text("utf-8")
    page = planforge.render_plan(acme, **options, format="html")
    assert 'href="ACME-001-sow.html"' in page
    assert page == (out / "ACME-001-implementation-plan.html").read_text("utf-8")
    with pytest.raises(UsageError, match="documents=") as info:
        planforge.render_plan(acme, documents=["handbook"])
    assert info.value.parameter == "documents"
    with pytest.raises(UsageError, match="templates="):
        planforge.render_plan(acme, templates=tmp_path / "missing")


def test_validate_takes_the_run_date_validate_takes(book):
    path = book()  # kickoff 2026-02-02
    horizon = ("Projects", 2, "Kickoff Date", "implausible-value")
    assert horizon not in [p.flat() for p in planforge.validate([path]).problems]
    assert horizon not in [p.flat() for p in planforge.validate([path], plan_date=date(2026, 1, 15)).problems]
    assert horizon in [p.flat() for p in planforge.validate([path], plan_date=date(2030, 1, 1)).problems]
    with pytest.raises(UsageError, match="plan_date=") as info:
        planforge.validate([path], plan_date=date(1800, 1, 1))
    assert info.value.parameter == "plan_date"


def test_generate_takes_one_options_object(tmp_path):
    options = planforge.GenerateOptions(plan_date=DAY, formats=("md", "html"), only=("BLOOM-002",), summary=False)
    result = planforge.generate([SAMPLE], tmp_path, options)
    assert isinstance(result, planforge.RunResult) and result.ok
    assert sorted(p.name for p in result.written) == [
        "BLOOM-002-implementation-plan.html",
        "BLOOM-002-implementation-plan.md",
        "BLOOM-002-review.md",
        "index.html",
    ]
    again = planforge.generate([SAMPLE], tmp_path / "b", options, formats=["md"])  # keywords override fields
    assert [p.name for p in again.written] == ["BLOOM-002-implementation-plan.md", "BLOOM-002-review.md"]


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"only": ["NOPE-1"]}, "only"),
        ({"only": "ACME-001"}, "only"),
        ({"formats": ["rtf"]}, "formats"),
        ({"plan_date": date(9999, 12, 31)}, "plan_date"),
        ({"jobs": 0}, "jobs"),
        ({"reference_docx": SAMPLE, "formats": ["docx"]}, "reference_docx"),
        ({"reference_docx": SAMPLE}, "reference_docx"),  # md only: the reference would be ignored
        ({"colour": "blue"}, "colour"),
    ],
)
def test_library_errors_name_the_parameter(tmp_path, kwargs, parameter):
    with pytest.raises(UsageError) as caught:
        planforge.generate([SAMPLE], tmp_path / "out", **({"plan_date": DAY} | kwargs))
    assert caught.value.parameter == parameter
    assert f"{parameter}=" in str(caught.value) or parameter in str(caught.value)
    assert "--" not in str(caught.value)  # flags are the CLI's business
    assert not (tmp_path / "out").exists()


def test_reference_docx_travels_in_the_options_not_in_the_process(tmp_path):
    """A run with a reference document leaves nothing behind: the next run uses the default styles."""
    reference = docx.Document()
    reference.styles["Heading 1"].font.size = docx.shared.Pt(21)
    reference.save(tmp_path / "firm.docx")
    common = dict(plan_date=DAY, formats=["docx"], only=["ACME-001"], summary=False)
    pipeline_generate([SAMPLE], tmp_path / "styled", reference_docx=tmp_path / "firm.docx", **common)
    pipeline_generate([SAMPLE], tmp_path / "plain", **common)
    styled = docx.Document(str(tmp_path / "styled" / "ACME-001-implementation-plan.docx"))
    plain = docx.Document(str(tmp_path / "plain" / "ACME-001-implementation-plan.docx"))
    assert styled.styles["Heading 1"].font.size.pt == 21
    assert plain.styles["Heading 1"].font.size is None or plain.styles["Heading 1"].font.size.pt != 21


def test_parallel_writing_gives_the_same_files_in_the_same_order(tmp_path):
    portfolio = planforge.load([SAMPLE])
    contexts = [build_context(p, portfolio.settings_for(p), DAY) for p in portfolio.projects]
    options = WriteOptions(plan_date=DAY, formats=("md", "html"))
    serial_dir, parallel_dir = tmp_path / "serial", tmp_path / "parallel"
    serial_dir.mkdir()
    parallel_dir.mkdir()
    serial, problems = write_plans(contexts, serial_dir, options, {}, jobs=1)
    assert problems == []
    steps: list[int] = []
    parallel, problems = write_plans(
        contexts,
        parallel_dir,
        options,
        {},
        jobs=2,
        parallel_min_plans=1,
        progress=lambda n, total: steps.append(n),
        side_job=lambda: (parallel_dir / "side.txt").write_text("ran"),
    )
    assert [p.name for p in parallel] == [p.name for p in serial]
    assert sum(steps) == len(contexts)
    assert (parallel_dir / "side.txt").read_text() == "ran"  # the side job ran in a worker
    # the workers were forked with the parent's objects frozen out of the collector, and this process
    # collects them again afterwards (a frozen parent would keep every later garbage cycle of them)
    assert gc.get_freeze_count() == 0
    for path in serial:
        assert path.read_bytes() == (parallel_dir / path.relative_to(serial_dir)).read_bytes()


def test_with_word_the_side_job_runs_in_the_parent_after_the_workers(tmp_path):
    """A Word run's workers take minutes; the summary, run in the parent once they are done, reads
    the contexts in the parent's own pages instead of a worker copying every one of them."""
    portfolio = planforge.load([SAMPLE])
    contexts = [build_context(p, portfolio.settings_for(p), DAY) for p in portfolio.projects][:3]
    ran: list[int] = []
    for formats in (("md",), ("md", "docx")):
        written, problems = write_plans(
            contexts,
            tmp_path / "-".join(formats),
            WriteOptions(plan_date=DAY, formats=formats),
            {},
            jobs=2,
            parallel_min_plans=1,
            side_job=lambda: (tmp_path / "side-pid").write_text(str(os.getpid())),
        )
        assert problems == [] and written
        ran.append(int((tmp_path / "side-pid").read_text()))
    assert ran[0] != os.getpid() and ran[1] == os.getpid()


def test_a_failure_in_a_worker_reaches_the_caller_as_a_problem(tmp_path):
    portfolio = planforge.load([SAMPLE])
    contexts = [build_context(p, portfolio.settings_for(p), DAY) for p in portfolio.projects]
    options = WriteOptions(plan_date=DAY, formats=("md",))

    def boom() -> None:
        raise RuntimeError("summary failed")

    written, problems = write_plans(contexts, tmp_path, options, {}, jobs=2, parallel_min_plans=1, side_job=boom)
    assert [(p.code, p.project_id) for p in problems] == [("internal-error", "")]
    assert "RuntimeError: summary failed" in problems[0].message
    assert len([p for p in written if p.suffix == ".md" and p.parent == tmp_path]) == len(contexts)


def test_run_result_json_has_status_outputs_and_problems(book, tmp_path):
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]]
    risks = [RISK_HEADER, ["P-1", "Data loss", "Low", "High", "Backups", "Ann"]]
    result = planforge.generate([book(Projects=projects, Risks=risks)], tmp_path, plan_date=DAY, formats=["md"])
    data = result.to_dict()
    assert data["ok"] is False
    by_id = {p["project_id"]: p for p in data["projects"]}
    assert by_id["P-1"]["status"] == "written" and by_id["P-1"]["outputs"] == [
        "P-1-implementation-plan.md",
        "review/P-1-review.md",
    ]
    assert by_id["P-2"]["status"] == "skipped" and by_id["P-2"]["outputs"] == []
    assert [p["code"] for p in by_id["P-2"]["problems"]] == ["wrong-type"]
    assert data["portfolio_outputs"] == ["portfolio-summary.xlsx"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_the_library_refuses_a_pipe_as_intake_or_reference_docx_at_once(tmp_path):
    """A FIFO with no writer would block the run on its first read; the library refuses it, as the CLI does."""
    fifo = tmp_path / "intake.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="is a pipe"):
        planforge.generate([fifo], tmp_path / "out", plan_date=DAY)
    with pytest.raises(UsageError, match="is a pipe"):
        planforge.generate([SAMPLE], tmp_path / "out", plan_date=DAY, formats=["docx"], reference_docx=fifo)
    assert not (tmp_path / "out").exists()
