"""Traceability gaps are found in the same pass as a project's errors, and the terminal shows a
project's gaps on one line while the report keeps each at its cell."""

from __future__ import annotations

from click.testing import CliRunner

from planforge.cli import main
from planforge.validation.traceability import fold_gaps
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER

WF_HEADER = ["Project ID", "Workflow", "Trigger"]
SCENARIOS = ["Project ID", "Scenario", "Workflow", "Expected Result"]


def _gappy(book, confidence: object = 0.85):
    """Three workflows, none with a test scenario or mapping, one risk without an owner."""
    row = list(PROJECT_ROW)
    row[5] = confidence
    return book(
        Projects=[PROJECT_HEADER, row],
        Workflows=[
            WF_HEADER,
            ["P-1", "Sync orders", "Real-time"],
            ["P-1", "Sync stock", "Real-time"],
            ["P-1", "Post refunds", "Scheduled"],
        ],
        Alerts=[["Project ID", "Alert"], ["P-1", "Failures"]],
        Deployment_Steps=[["Project ID", "Step"], ["P-1", "Deploy"]],
        Risks=[RISK_HEADER, ["P-1", "Data loss", "Low", "High", "Backups", None]],
    )


def test_a_held_back_project_gets_its_gaps_in_the_same_pass_as_its_error(book):
    clean = validate_files([_gappy(book)])
    broken = validate_files([_gappy(book, confidence="very")])
    assert "P-1" in broken.invalid_projects and "P-1" not in clean.invalid_projects
    gaps = {"untraced-workflow", "unowned-item"}
    assert [p.flat() for p in broken.problems if p.code in gaps] == [p.flat() for p in clean.problems if p.code in gaps]
    assert len([p for p in broken.problems if p.code == "untraced-workflow"]) == 6


def test_a_held_back_project_is_not_told_a_row_with_an_error_is_missing(book):
    path = book(
        Projects=[PROJECT_HEADER, [*PROJECT_ROW[:5], "very", PROJECT_ROW[6]]],
        Workflows=[WF_HEADER, ["P-1", "Sync orders", "Real-time"]],
        Test_Scenarios=[["Project ID", "Scenario", "Workflow", "Type"], ["P-1", "Happy path", "1", "Happyish"]],
    )
    report = validate_files([path])
    whats = [p.message for p in report.problems if p.code == "untraced-workflow"]
    assert whats and not [m for m in whats if "test scenario" in m]
    assert any(p.code == "invalid-choice" and p.sheet == "Test Scenarios" for p in report.problems)


def test_a_projects_gaps_fold_into_one_line_naming_each_need(book):
    report = validate_files([_gappy(book)])
    folded = [p for p in fold_gaps(report.problems) if p.project_id == "P-1" and p.code == "traceability-gaps"]
    assert len(folded) == 1
    line = folded[0]
    assert line.message == (
        'P-1 has 7 traceability gaps: 3 workflows have no field mapping: "Sync orders", "Sync stock" and '
        '"Post refunds"; 3 workflows have no test scenario: "Sync orders", "Sync stock" and "Post refunds"; '
        'risk "Data loss" has no owner'
    )
    assert (line.sheet, line.cell) == ("Workflows", "B2")
    assert not [p for p in fold_gaps(report.problems) if p.code in {"untraced-workflow", "unowned-item"}]
    # the report itself keeps each gap at its cell
    assert len([p for p in report.problems if p.code == "untraced-workflow"]) == 6


def test_one_gap_stays_as_it_is_and_long_lists_are_cut(book):
    report = validate_files([_gappy(book)])
    one = [p for p in report.problems if p.code == "unowned-item"]
    assert fold_gaps(one) == one
    many = [p for p in report.problems if p.code == "untraced-workflow"] * 2
    (line,) = fold_gaps(many)
    assert (
        '6 workflows have no field mapping: "Sync orders", "Sync stock", "Post refunds", "Sync orders" and 2 more'
        in (line.message)
    )


def test_the_terminal_prints_one_traceability_line_per_project(book):
    path = _gappy(book)
    result = CliRunner().invoke(main, ["validate", str(path), "--date", "2026-01-15"])
    lines = [line for line in result.output.splitlines() if "traceability gaps" in line or "has no" in line]
    assert len(lines) == 1 and "P-1 has 7 traceability gaps" in lines[0]
    assert "warning(s)" in result.output


def test_a_workflow_cell_naming_no_workflow_joins_the_line_with_its_cell(book):
    path = book(
        Workflows=[WF_HEADER, ["P-1", "Sync orders", "Real-time"]],
        Field_Mappings=[["Project ID", "Workflow", "Source Field", "Target Field"], ["P-1", "1", "id", "Ref"]],
        Test_Scenarios=[["Project ID", "Scenario", "Workflow"], ["P-1", "x", "1"], ["P-1", "y", "Sync ordrs"]],
        Alerts=[["Project ID", "Alert"], ["P-1", "Failures"]],
        Deployment_Steps=[["Project ID", "Step"], ["P-1", "Deploy"]],
        Risks=[RISK_HEADER, ["P-1", "Data loss", "Low", "High", "Backups", None]],
    )
    (line,) = [p for p in fold_gaps(validate_files([path]).problems) if p.project_id == "P-1"]
    assert line.message == (
        'P-1 has 2 traceability gaps: Workflow cell "Sync ordrs" (Test Scenarios!C3) names no workflow of the '
        'project; risk "Data loss" has no owner'
    )
