"""The portfolio summary read back with openpyxl and checked against the model."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from planforge.core.errors import make_problem
from planforge.pipeline import generate
from planforge.portfolio.summary import CELL_TEXT_LIMIT, _phase_of_week, _phases_by_week, data_quality_rows
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


def table_rows(ws, name):
    """The rows of one Excel table, as dicts by its header (a table may sit under notes)."""
    values = [[c.value for c in row] for row in ws[ws.tables[name].ref]]
    return [dict(zip(values[0], r)) for r in values[1:]]


def test_sheets(sample_summary):
    wb, _ = sample_summary
    assert wb.sheetnames == [
        "Overview",
        "Portfolio",
        "Timeline",
        "Gantt",
        "Confidence",
        "Risks",
        "People",
        "People Flags",
        "Data Quality",
    ]


def test_overview_figures(sample_summary):
    wb, result = sample_summary
    figures = {r[0]: r[1] for r in wb["Overview"].iter_rows(min_row=3, max_row=10, values_only=True)}
    assert figures["Projects with a plan"] == 10
    assert figures["High risks (likelihood x impact)"] == sum(
        1
        for c in result.contexts
        for r in c.risks
        if "High" in (r.likelihood, r.impact) and "Low" not in (r.likelihood, r.impact)
    )


def test_portfolio_values_match_the_model(sample_summary):
    wb, result = sample_summary
    table = {r["Project ID"]: r for r in rows(wb["Portfolio"])}
    assert len(table) == 10
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
    assert len(timeline) == 10
    acme = timeline["ACME-001"]
    ctx = next(c for c in result.contexts if c.project.project_id == "ACME-001")
    ends = [acme[k] for k in ("Discovery End", "Development End", "Testing End", "Go-Live", "Support End")]
    assert acme["Kickoff"] == datetime.combine(ctx.phases[0].start, datetime.min.time())
    assert ends == [datetime.combine(ph.end, datetime.min.time()) for ph in ctx.phases]
    assert acme["Go-Live"] == datetime.combine(ctx.go_live, datetime.min.time())  # deployment ends on go-live
    # compact: each phase starts the business day after the one before it ends, so the ends say it all
    assert all(b.start > a.end for a, b in zip(ctx.phases, ctx.phases[1:]))
    acting = next(ph for ph in ctx.phases if ph.status != "Complete")  # in progress, or the next to start
    assert acme["Owner (Current or Next Phase)"] == acting.owner
    assert timeline["FJORD-009"]["Kickoff"] is None  # no kickoff date: no invented dates
    assert timeline["FJORD-009"]["Discovery End"] is None
    assert len(wb["Confidence"]._charts) == 2


def test_risks_and_heat_map(sample_summary):
    wb, result = sample_summary
    risks = [r for r in rows(wb["Risks"]) if r["Project ID"]]
    high = [
        (c.project.project_id, r.risk)
        for c in result.contexts
        for r in c.risks
        if r.likelihood != "Low" != r.impact and "High" in (r.likelihood, r.impact)
    ]
    assert sorted((r["Project ID"], r["Risk"]) for r in risks) == sorted(high)  # the register: High risks only
    assert {r["Level"] for r in risks} == {"High"}
    overview = {r[0]: r[1] for r in wb["Overview"].iter_rows(min_row=3, max_row=10, values_only=True)}
    assert overview["High risks (likelihood x impact)"] == len(risks)  # the Overview figure is the register's length
    scores = [{"Medium": 2, "High": 3}[r["Likelihood"]] * {"Medium": 2, "High": 3}[r["Impact"]] for r in risks]
    assert scores == sorted(scores, reverse=True)  # the most severe first
    ws = wb["Risks"]
    grid = {(ws.cell(r, 10).value, ws.cell(2, c).value): ws.cell(r, c) for r in (3, 4, 5) for c in (11, 12, 13)}
    counts = Counter((r.likelihood, r.impact) for c in result.contexts for r in c.risks)
    assert {k: cell.value for k, cell in grid.items()} == {k: counts[k] for k in grid}
    assert grid[("High", "High")].value == 2
    # coloured by severity (likelihood x impact), not by count: Medium x Medium is amber whatever its count
    fills = {k: cell.fill.fgColor.rgb[-6:] for k, cell in grid.items()}
    assert fills[("High", "High")] == fills[("High", "Medium")] == fills[("Medium", "High")] == "F4B183"
    assert fills[("Medium", "Medium")] == fills[("High", "Low")] == fills[("Low", "High")] == "FFE699"
    assert fills[("Low", "Low")] == fills[("Low", "Medium")] == fills[("Medium", "Low")] == "C6E0B4"
    assert grid[("Medium", "Medium")].number_format == '0" · Medium"'  # the count is shown with its severity
    assert ws.cell(7, 11).value == sum(counts.values())  # the heat map counts every risk, not only the register
    assert "counted per project on Portfolio" in ws.cell(9, 10).value


def test_data_quality_lists_problems_and_tbds(sample_summary):
    wb, result = sample_summary
    entries = table_rows(wb["Data Quality"], "DataQuality")
    assert any(
        e["Kind"] == "Problem"
        and e["Code or TBD Count"] == "ambiguous-system"
        and e["Location"] == "Projects!E10 (System B)"
        for e in entries
    )
    fjord = next(e for e in entries if e["Kind"] == "TBD" and e["Project ID"] == "FJORD-009")
    ctx = next(c for c in result.contexts if c.project.project_id == "FJORD-009")
    n = len(ctx.completeness.missing)
    assert fjord["Code or TBD Count"] == f"{n} fields"
    # the count and where the list lives; the list itself (with each cell to fill) is the review file's
    message = fjord["Message, or TBD Fields and Where to Fill Them"]
    assert message == f"{n} fields to fill, each with its sheet and column in review/FJORD-009-review.md"
    assert not any(e["Project ID"] == "ACME-001" and e["Kind"] == "TBD" for e in entries)  # ACME is complete


def untraced(row, what="field mapping", project="A-1", file="a.xlsx"):
    return make_problem(
        "untraced-workflow",
        file=file,
        sheet="Workflows",
        row=row,
        column="Workflow",
        cell=f"B{row}",
        value=f"Workflow {row}",
        what=what,
        other="Field Mappings",
        project_id=project,
    )


def unowned(sheet, cell, project="A-1"):
    row = int(cell[1:])
    return make_problem(
        "unowned-item",
        file="a.xlsx",
        sheet=sheet,
        row=row,
        column="Owner",
        cell=cell,
        what="Risk",
        value=f"Risk at {cell}",
        project_id=project,
    )


DQ = ("Kind", "Severity", "Project ID", "File", "Location", "Code", "Problems", "Message")


def dq(problems, **kwargs):
    return [dict(zip(DQ, row)) for row in data_quality_rows(problems, **kwargs)]


def test_data_quality_groups_a_projects_warnings_by_file_and_code():
    found = [
        untraced(12),
        untraced(10),
        untraced(10, what="test scenario"),  # a second problem at the same cell: counted, cell named once
        unowned("Risks", "F7"),
        untraced(11),
        untraced(3, project="B-1"),
        untraced(4, file="b.xlsx"),  # same project, another workbook: its own row
        unowned("Open Items", "D4"),
        unowned("Risks", "F5"),
    ]
    rows_ = dq(found)
    assert [(r["Project ID"], r["File"], r["Code"], r["Problems"]) for r in rows_] == [
        ("A-1", "a.xlsx", "untraced-workflow", 4),  # in the order each group's first problem was found
        ("A-1", "a.xlsx", "unowned-item", 3),
        ("B-1", "a.xlsx", "untraced-workflow", 1),
        ("A-1", "b.xlsx", "untraced-workflow", 1),
    ]
    workflows, owners, single, other_file = rows_
    assert workflows["Location"] == "Workflows!B10, B11, B12 (Workflow)"  # sheet order, each cell once
    assert workflows["Severity"] == "warning" and workflows["Kind"] == "Problem"
    assert workflows["Message"] == (
        "Workflow not traced: 4 problems at 3 cells. The first: "
        'Workflow "Workflow 10" has no field mapping: no Field Mappings row names it'
    )
    # sheets in the order found; within one, by row
    assert owners["Location"] == "Risks!F5, F7 (Owner); Open Items!D4 (Owner)"
    assert owners["Message"].startswith('No owner: 3 problems. The first: Risk "Risk at F5" has no owner')
    # a group of one reads exactly as the problem itself
    assert (single["Location"], single["Message"]) == ("Workflows!B3 (Workflow)", found[5].message)
    assert other_file["Location"] == "Workflows!B4 (Workflow)"


def test_data_quality_keeps_errors_and_run_level_problems_one_row_each():
    errors = [
        make_problem(
            "invalid-choice",
            file="a.xlsx",
            sheet="Risks",
            row=row,
            column="Likelihood",
            cell=f"D{row}",
            value="Hgh",
            choices="Low, Medium, High",
            project_id="A-1",
        )
        for row in (4, 5)
    ]
    run_level = [make_problem("lock-file-skipped", file=f"~$a{n}.xlsx") for n in (1, 2)]
    rows_ = dq([errors[0], untraced(2), *run_level, errors[1], untraced(3)])
    assert [(r["Severity"], r["Project ID"], r["Location"], r["Problems"]) for r in rows_] == [
        ("error", "A-1", "Risks!D4 (Likelihood)", 1),
        ("warning", "A-1", "Workflows!B2, B3 (Workflow)", 2),
        ("warning", None, "~$a1.xlsx", 1),
        ("warning", None, "~$a2.xlsx", 1),
        ("error", "A-1", "Risks!D5 (Likelihood)", 1),
    ]
    assert [r["Message"] for r in rows_ if r["Severity"] == "error"] == [e.message for e in errors]


def test_data_quality_caps_a_long_location_and_says_how_many_more():
    found = [untraced(row) for row in range(2, 10_002)]  # 10,000 cells: ~70,000 characters joined
    (row,) = dq(found)
    location = row["Location"]
    assert row["Problems"] == 10_000
    assert len(location) <= CELL_TEXT_LIMIT
    shown = location.split(" (Workflow) and ")[0].split(", ")
    assert shown[0] == "Workflows!B2" and shown[1:4] == ["B3", "B4", "B5"]
    assert location.endswith(f" (Workflow) and {10_000 - len(shown):,} more")
    assert len(location) > CELL_TEXT_LIMIT - 20  # as many cells as fit, not a silent cut
    assert dq(found[:5], limit=38)[0]["Location"] == "Workflows!B2, B3 (Workflow) and 3 more"  # at any limit
    assert dq(found[:5], limit=37)[0]["Location"] == "Workflows!B2 (Workflow) and 4 more"


def test_data_quality_sheet_says_how_it_is_grouped(sample_summary):
    wb, result = sample_summary
    ws = wb["Data Quality"]
    notes = " ".join(str(ws.cell(r, 1).value) for r in (2, 3))
    assert "one row per project, file and code" in notes and "planforge validate --json" in notes
    assert "review/<Project ID>-review.md" in notes
    problems = [e for e in table_rows(ws, "DataQuality") if e["Kind"] == "Problem"]
    assert sum(e["Problems"] for e in problems) == len(result.report.problems)  # every problem counted once


def test_data_quality_sheet_writes_one_row_for_a_projects_untraced_workflows(book, tmp_path):
    workflows = [["Project ID", "Workflow", "Trigger"]] + [["P-1", f"Sync {what}", "Real-time"] for what in "ABC"]
    result = generate([book(Workflows=workflows)], tmp_path, plan_date=DAY)
    found = [p for p in result.report.problems if p.code == "untraced-workflow"]
    assert len(found) > 3  # each workflow lacks more than one kind of trace
    wb = openpyxl.load_workbook(tmp_path / "portfolio-summary.xlsx")
    entries = [
        e for e in table_rows(wb["Data Quality"], "DataQuality") if e["Code or TBD Count"] == "untraced-workflow"
    ]
    assert len(entries) == 1
    (entry,) = entries
    assert (entry["Project ID"], entry["Problems"]) == ("P-1", len(found))
    assert entry["Location"] == "Workflows!B2, B3, B4 (Workflow)"
    assert entry["Message, or TBD Fields and Where to Fill Them"].startswith(
        f'Workflow not traced: {len(found)} problems at 3 cells. The first: Workflow "Sync A" has no '
    )


def test_counts_add_up_to_the_number_of_projects(sample_summary):
    wb, result = sample_summary
    ws = wb["Overview"]
    values = list(ws.iter_rows(values_only=True))
    totals = [row[1] for row in values if row[0] == "Total"]
    assert totals == [len(result.contexts)] * 3  # by status, by integration type, go-lives by month
    by_type = {}
    start = next(i for i, row in enumerate(values) if row[0] and str(row[0]).startswith("Projects by integration"))
    for row in values[start + 1 :]:
        if row[0] == "Total":
            break
        by_type[row[0]] = row[1]
    assert by_type["accounting + inventory"] == 1  # HARBOR-004 counted once, under its combination
    assert sum(by_type.values()) == len(result.contexts)
    conf = wb["Confidence"]
    rows_ = list(conf.iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows_) if row[0] == "Integration Type")
    table = []
    for row in rows_[head + 1 :]:
        table.append(row)
        if row[0] == "All projects":
            break
    *types, everyone = table
    assert sum(r[1] for r in types) == everyone[1] == len(result.contexts)
    for name, _projects, average, _lowest, with_confidence in types:
        values_ = [
            c.project.confidence
            for c in result.contexts
            if (" + ".join(c.types) or "not determined") == name and c.project.confidence is not None
        ]
        assert with_confidence == len(values_)
        assert average == (pytest.approx(sum(values_) / len(values_), abs=1e-4) if values_ else None)


def test_gantt_weeks_are_readable_to_the_week(sample_summary):
    wb, result = sample_summary
    ws = wb["Gantt"]
    mondays = {c: ws.cell(4, c).value for c in range(5, ws.max_column + 1) if ws.cell(4, c).value}
    assert mondays and all(d.weekday() == 0 for d in mondays.values())
    assert all(b - a == timedelta(weeks=1) for a, b in zip(list(mondays.values()), list(mondays.values())[1:]))
    projects = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value}
    dated = [c for c in result.contexts if c.go_live]
    assert {c.project.project_id for c in dated} <= set(projects)
    for ctx in dated:
        row = projects[ctx.project.project_id]
        live = [mondays[c].date() for c in mondays if ws.cell(row, c).value == "GL"]
        assert len(live) == 1 and live[0] <= ctx.go_live < live[0] + timedelta(days=7)
        first = min(mondays[c].date() for c in mondays if ws.cell(row, c).value == "1")
        assert first <= ctx.phases[0].start < first + timedelta(days=7)
    assert "FJORD-009" not in projects  # undated: named under the grid and on Data Quality
    assert any("FJORD-009" in str(v) for row in ws.iter_rows(values_only=True) for v in row if v)


def test_gantt_week_walk_gives_each_weeks_phase_as_asking_every_phase():
    d = date(2026, 1, 5)  # a Monday
    day = timedelta(days=1)
    shapes = [
        [(d, d + 10 * day), (d + 11 * day, d + 12 * day), (d + 13 * day, d + 40 * day)],  # in order, as derived
        [(d + 2 * day, d + 2 * day), (d + 3 * day, d + 3 * day), (d + 6 * day, d + 30 * day)],  # one-day phases
        [(d, d + 20 * day), (d + 5 * day, d + 9 * day), (d + 15 * day, d + 40 * day)],  # overlapping: asked weekly
        [(d + 9 * day, d + 3 * day), (d + 10 * day, d + 30 * day)],  # ends before it starts: asked weekly
    ]
    weeks = [d + timedelta(weeks=k) for k in range(8)]
    for spans in shapes:
        walked = list(_phases_by_week(spans, weeks, 0, 7))
        assert walked == [(j, _phase_of_week(spans, weeks[j])) for j in range(8)], spans


def test_undated_projects_are_listed_not_dropped(sample_summary):
    wb, _ = sample_summary
    entries = table_rows(wb["Data Quality"], "DataQuality")
    assert any(e["Kind"] == "Not scheduled" and e["Project ID"] == "FJORD-009" for e in entries)
    assert "FJORD-009" in wb["People"]["A2"].value


def test_every_sheet_prints_landscape_one_page_wide_with_repeated_headers(sample_summary):
    wb, _ = sample_summary
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title  # 1 is the default
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    for name in ("Portfolio", "Timeline", "Risks", "People Flags"):
        assert wb[name].print_title_rows == "$1:$1", name
    assert wb["Data Quality"].print_title_rows == "$4:$4"  # under its title and the notes on how it is grouped
    assert wb["Gantt"].print_title_rows == "$1:$4"
    assert wb["Portfolio"]["B2"].alignment.wrap_text


def test_plan_link_opens_the_richest_format_written(tmp_path):
    generate([SAMPLE], tmp_path, plan_date=DAY, formats=("md", "html", "docx"), only=["ACME-001"])
    ws = openpyxl.load_workbook(tmp_path / "portfolio-summary.xlsx")["Portfolio"]
    assert ws["W2"].hyperlink.target == "ACME-001-implementation-plan.docx"
    assert wb_author(tmp_path / "portfolio-summary.xlsx") != "planforge"


def wb_author(path) -> str:
    return openpyxl.load_workbook(path).properties.creator


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
