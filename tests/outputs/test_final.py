"""generate --final: the final edition is written only for projects whose contract-bearing sections
hold no [TBD] or assumed value, and without DRAFT marks."""

from __future__ import annotations

import zipfile
from datetime import date

from click.testing import CliRunner

from planforge.api import load
from planforge.cli import main
from planforge.context.plan import build_context
from planforge.formats.options import WriteOptions
from planforge.formats.typst_pdf import typst_source
from planforge.outputs import final
from planforge.pipeline import GenerateOptions, generate
from planforge.render.environment import render_markdown
from support import PROJECT_HEADER, PROJECT_ROW, SAMPLE, write_book

DAY = date(2026, 1, 15)


def _complete(tmp_path):
    header = [*PROJECT_HEADER, "Budget", "Monitoring Tool", "Payment Terms"]
    row = [*PROJECT_ROW, 24000, "Datadog", "Kickoff 30%, UAT sign-off 40%, Go-live 30%"]
    settings = [["Setting", "Value"], ["Firm Name", "Northwind Integrations"]]
    return write_book(tmp_path / "complete.xlsx", {"Projects": [header, row], "Settings": settings})


def test_a_complete_project_is_written_final_without_draft_marks(tmp_path):
    out = tmp_path / "out"
    options = GenerateOptions(plan_date=DAY, formats=("md", "docx"), documents=("plan", "sow"), final=True)
    result = generate([_complete(tmp_path)], out, options)
    assert not [p for p in result.report.problems if p.code == "not-final"]
    sow = (out / "P-1-sow.md").read_text()
    plan = (out / "P-1-implementation-plan.md").read_text()
    assert "draft" not in sow.casefold() and "Edition**: Draft" not in plan
    for name in ("P-1-sow.docx", "P-1-implementation-plan.docx"):
        with zipfile.ZipFile(out / name) as z:
            parts = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
            assert 'string="DRAFT"' not in parts and "draft for review" not in z.read("word/document.xml").decode()
    drafts = generate(
        [_complete(tmp_path)], tmp_path / "draft", GenerateOptions(plan_date=DAY, formats=("docx",), documents=("sow",))
    )
    with zipfile.ZipFile(tmp_path / "draft" / "P-1-sow.docx") as z:  # without --final, no approval: a draft
        assert any('string="DRAFT"' in z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))
    assert drafts.report.valid


def test_the_sample_is_refused_with_each_blocking_value_at_its_cell(tmp_path):
    out = tmp_path / "out"
    options = GenerateOptions(plan_date=DAY, documents=("plan", "sow"), final=True)
    result = generate([SAMPLE], out, options)
    assert not result.ok
    held = {(p.project_id, p.sheet, p.row, p.column) for p in result.report.problems if p.code == "not-final"}
    assert ("FJORD-009", "Projects", 10, "Kickoff Date") in held  # no kickoff: the plan's timeline and the SOW's dates
    assert ("FJORD-009", "Projects", 10, "Budget") in held and ("PEAK-003", "Projects", 4, "Budget") in held
    for pid in {p for p, *_ in held}:
        assert not list(out.glob(f"{pid}-*")), pid  # nothing of a held project is written
    assert not [h for h in held if h[3] == "Firm Name"]  # the sample names its firm: the supplier is named
    messages = [p.message for p in result.report.problems if p.project_id == "FJORD-009" and p.code == "not-final"]
    assert any("Statement of Work" in m and "4. Phases and Dates" in m for m in messages)


def test_the_cli_exits_1_and_lists_the_blocking_items(tmp_path):
    run = CliRunner().invoke(
        main,
        ["generate", str(SAMPLE), "-o", str(tmp_path / "o"), "--date", "2026-01-15", "--documents", "sow", "--final"],
    )
    assert run.exit_code == 1
    assert "FJORD-009: the Statement of Work" in run.output and "Projects > Kickoff Date, row 10" in run.output


def test_the_final_edition_pdf_carries_no_draft_watermark(tmp_path):
    portfolio = load([_complete(tmp_path)])
    (project,) = portfolio.projects
    ctx = build_context(project, portfolio.settings_for(project), DAY, frozenset({"plan"}))
    markdown = render_markdown(ctx)
    final_ctx = final.edition(ctx, True)
    source = typst_source(
        final_ctx,
        render_markdown(final_ctx),
        WriteOptions(plan_date=DAY, final=True),
        "Plan",
        contents=True,
        logo_file=None,
    )
    assert "[DRAFT]" not in source and "final edition" in source
    draft = typst_source(ctx, markdown, WriteOptions(plan_date=DAY), "Plan", contents=True, logo_file=None)
    assert "[DRAFT]" in draft  # without --final and with no approval recorded: a draft
