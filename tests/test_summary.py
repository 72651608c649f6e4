"""The portfolio summary read back with openpyxl and checked against the model."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest

from planforge.pipeline import generate
from support import PROJECT_HEADER, SAMPLE

DAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def sample_summary(tmp_path_factory):
    out = tmp_path_factory.mktemp("summary")
    result = generate([SAMPLE], out, plan_date=DAY)
    return openpyxl.load_workbook(out / "portfolio-summary.xlsx"), result


def rows(ws):
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, r)) for r in values[1:] if any(v is not None for v in r)]


def test_sheets(sample_summary):
    wb, _ = sample_summary
    assert wb.sheetnames == [
        "Overview",
        "Portfolio",
        "Timeline",
        "Gantt Data",
        "Confidence",
        "Risks",
        "People",
        "People Flags",
        "Data Quality",
    ]


def test_overview_figures(sample_summary):
    wb, result = sample_summary
    figures = {r[0]: r[1] for r in wb["Overview"].iter_rows(min_row=3, max_row=10, values_only=True)}
    assert figures["Projects with a plan"] == 9
    assert figures["High risks (likelihood x impact)"] == sum(
        1
        for c in result.contexts
        for r in c.risks
        if "High" in (r.likelihood, r.impact) and "Low" not in (r.likelihood, r.impact)
    )


def test_portfolio_values_match_the_model(sample_summary):
    wb, result = sample_summary
    table = {r["Project ID"]: r for r in rows(wb["Portfolio"])}
    assert len(table) == 9
    for ctx in result.contexts:
        row = table[ctx.project.project_id]
        assert row["Client"] == ctx.project.client_name
        assert row["Confidence"] == ctx.project.confidence
        assert row["Go-Live"] == (datetime.combine(ctx.go_live, datetime.min.time()) if ctx.go_live else None)
        assert row["High Risks"] == sum(
            1
            for r in ctx.risks
            if {r.likelihood, r.impact} <= {"High", "Medium"} and "High" in (r.likelihood, r.impact)
        )
        assert abs(row["Completeness"] - ctx.completeness.ratio) < 1e-9
    acme = table["ACME-001"]
    assert (acme["Hours Saved / Week"], acme["Annual Value"], acme["Payback (Months)"]) == (23, 46368, 6.2)
    assert wb["Portfolio"].tables["Portfolio"].ref.startswith("A1:")
    assert wb["Portfolio"]["W2"].hyperlink.target == "ACME-001-implementation-plan.md"


def test_timeline_has_five_phases_per_project_and_a_gantt(sample_summary):
    wb, result = sample_summary
    timeline = {r["Project ID"]: r for r in rows(wb["Timeline"]) if r["Project ID"]}
    assert len(timeline) == 9
    acme = timeline["ACME-001"]
    ctx = next(c for c in result.contexts if c.project.project_id == "ACME-001")
    starts = [
        acme[k] for k in ("Discovery Start", "Development Start", "Testing Start", "Deployment Start", "Support Start")
    ]
    ends = [acme[k] for k in ("Discovery End", "Development End", "Testing End", "Deployment End", "Support End")]
    assert starts == [datetime.combine(ph.start, datetime.min.time()) for ph in ctx.phases]
    assert ends == [datetime.combine(ph.end, datetime.min.time()) for ph in ctx.phases]
    assert timeline["FJORD-009"]["Discovery Start"] is None  # no kickoff date: no invented dates
    assert len(wb["Timeline"]._charts) == 1
    assert len(wb["Confidence"]._charts) == 2


def test_risks_and_heat_map(sample_summary):
    wb, result = sample_summary
    risks = rows(wb["Risks"])
    assert len([r for r in risks if r["Project ID"]]) == sum(len(c.risks) for c in result.contexts)
    ws = wb["Risks"]
    grid = {(ws.cell(r, 10).value, ws.cell(2, c).value): ws.cell(r, c).value for r in (3, 4, 5) for c in (11, 12, 13)}
    expected_high_high = sum(
        1 for c in result.contexts for r in c.risks if (r.likelihood, r.impact) == ("High", "High")
    )
    assert grid[("High", "High")] == expected_high_high == 2


def test_data_quality_lists_problems_and_tbds(sample_summary):
    wb, _ = sample_summary
    entries = rows(wb["Data Quality"])
    assert any(
        e["Kind"] == "Problem"
        and e["Code or TBD Count"] == "ambiguous-system"
        and e["Location"] == "Projects!E10 (System B)"
        for e in entries
    )
    fjord = next(e for e in entries if e["Kind"] == "TBD" and e["Project ID"] == "FJORD-009")
    assert "Kickoff date (Projects > Kickoff Date)" in fjord["Message, or TBD Fields and Where to Fill Them"]
    assert not any(e["Project ID"] == "ACME-001" and e["Kind"] == "TBD" for e in entries)  # ACME is complete


def test_overlapping_people_are_flagged(book, tmp_path):
    projects = [
        PROJECT_HEADER,
        ["A-1", "n", "c", "Shopify", "Xero", 0.9, "2026-02-02"],
        ["B-1", "n", "c", "Shopify", "Klaviyo", 0.9, "2026-02-09"],
        ["C-1", "n", "c", "Shopify", "Klaviyo", 0.9, "2027-02-09"],
    ]
    team = [
        ["Project ID", "Role", "Name", "Responsibilities", "Allocation"],
        ["A-1", "Lead Engineer", "Ana", None, None],
        ["B-1", "Lead Engineer", "Ana", None, 0.5],
        ["C-1", "Lead Engineer", "Ana", None, None],
        ["A-1", "QA Engineer", "Bo", None, 0.5],
    ]
    generate([book(Projects=projects, Team=team)], tmp_path, plan_date=DAY)
    wb = openpyxl.load_workbook(tmp_path / "portfolio-summary.xlsx")
    flags = [f for f in rows(wb["People Flags"]) if f["Person"]]
    # A-1 lead: 2 Feb + 3 buffered phases; B-1 lead from 9 Feb: one unbroken run of overlapping weeks for Ana only
    assert len(flags) == 1
    run = flags[0]
    assert (run["Person"], run["From Week"], run["Project IDs"], run["Peak Load"]) == (
        "Ana",
        datetime(2026, 2, 9),
        "A-1, B-1",
        1.5,
    )
    assert run["Over-allocated Weeks"] == run["Weeks"] > 0
    people = {r[0]: r for r in wb["People"].iter_rows(min_row=4, values_only=True)}
    assert people["Ana"][1] == run["Weeks"] and people["Bo"][1] == 0


def test_formula_and_link_text_stays_text(book, tmp_path):
    evil = '=HYPERLINK("http://evil.test","click")'
    projects = [PROJECT_HEADER, ["A-1", "+cmd|' /C calc'!A0", None, "@SUM(1)", "http://evil.test", 0.9, "2026-02-02"]]

    def as_text(wb):  # what Excel stores when an analyst types '=HYPERLINK(...) as text
        wb["Projects"]["C2"].value = evil
        wb["Projects"]["C2"].data_type = "s"

    result = generate([book(Projects=projects, after=as_text)], tmp_path, plan_date=DAY)
    assert result.ok, [p.line() for p in result.report.errors]
    wb = openpyxl.load_workbook(tmp_path / "portfolio-summary.xlsx")
    ws = wb["Portfolio"]
    assert (ws["B2"].value, ws["B2"].data_type) == (evil, "s")
    assert (ws["C2"].data_type, ws["D2"].data_type, ws["E2"].data_type) == ("s", "s", "s")
    assert ws["E2"].hyperlink is None and ws["B2"].hyperlink is None


def test_summary_bytes_are_stable(tmp_path):
    generate([SAMPLE], tmp_path / "a", plan_date=DAY, only=["ACME-001"])
    generate([SAMPLE], tmp_path / "b", plan_date=DAY, only=["ACME-001"])
    assert (tmp_path / "a" / "portfolio-summary.xlsx").read_bytes() == (
        tmp_path / "b" / "portfolio-summary.xlsx"
    ).read_bytes()
