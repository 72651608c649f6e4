"""Coherence findings of issue 21 on the intake: a kickoff on a non-working day, several systems in
one System cell, phase statuses that contradict the project's status. Each is a located warning."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.pipeline import generate
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW


def _kickoff(report):
    return next(p for p in report.problems if p.code == "kickoff-on-weekend")


def test_a_kickoff_on_a_public_holiday_is_a_located_warning_naming_the_holiday(book):
    path = book(
        Projects=[PROJECT_HEADER, [*PROJECT_ROW[:6], "2026-02-16"]],  # a Monday, Presidents' Day in the US
        Settings=[["Setting", "Value"], ["Holiday Country", "US"]],
    )
    problem = _kickoff(validate_files([path]))
    assert problem.flat() == ("Projects", 2, "Kickoff Date", "kickoff-on-weekend")
    assert "a public holiday (US)" in problem.message
    assert problem.message.endswith("the plans start work on Tuesday 17 February 2026")


def test_a_kickoff_on_a_closure_date_is_a_located_warning(book):
    path = book(
        Projects=[PROJECT_HEADER, [*PROJECT_ROW[:6], "2026-02-04"]],  # a Wednesday
        Settings=[["Setting", "Value"], ["Closure Dates", "2026-02-04"]],
    )
    problem = _kickoff(validate_files([path]))
    assert "a day the office is closed" in problem.message and "Thursday 5 February 2026" in problem.message


def test_a_working_day_kickoff_has_no_warning(book):
    path = book(Settings=[["Setting", "Value"], ["Holiday Country", "US"]])
    assert not any(p.code == "kickoff-on-weekend" for p in validate_files([path]).problems)


def test_the_plan_says_a_holiday_kickoff_moves_and_why(book, tmp_path):
    path = book(
        Projects=[PROJECT_HEADER, [*PROJECT_ROW[:6], "2026-02-16"]],
        Settings=[["Setting", "Value"], ["Holiday Country", "US"]],
    )
    generate([path], tmp_path / "out", plan_date=date(2026, 1, 15))
    plan = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    assert "from kickoff on 17 Feb 2026" in plan
    assert "the kickoff date given, 16 Feb 2026, is" in plan and "a public holiday (US)" in plan
    assert "so work starts on the next business day" in plan


SYSTEMS_HEADER = ["Project ID", "System"]


def _several(report):
    return [p for p in report.problems if p.code == "several-systems-in-cell"]


def test_two_catalog_systems_in_one_cell_are_read_as_the_first_with_a_located_warning(book):
    row = ["P-1", "Order sync", "Client One", "Shopify", "Klaviyo, Mailchimp", 0.85, "2026-02-02"]
    report = validate_files([book(Projects=[PROJECT_HEADER, row])])
    (problem,) = _several(report)
    assert problem.flat() == ("Projects", 2, "System B", "several-systems-in-cell")
    assert problem.cell == "E2"
    assert 'the plans read "Klaviyo" here and "Mailchimp" as further systems' in problem.message
    assert "two systems" in problem.message
    assert '"Mailchimp" on the Systems sheet' in problem.hint
    project = report.portfolio.projects[0]
    assert (project.system_b, project.further_systems) == ("Klaviyo", ("Mailchimp",))


def test_a_second_system_with_no_systems_row_is_still_a_full_participant(book, tmp_path):
    row = ["P-1", "Order sync", "Client One", "Shopify Plus", "Klaviyo + Gorgias", 0.85, "2026-02-02"]
    result = generate([book(Projects=[PROJECT_HEADER, row])], tmp_path / "out", plan_date=date(2026, 1, 15))
    assert result.written
    plan = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    assert "## Order sync - Shopify Plus → Klaviyo + Gorgias Integration" in plan
    assert "Gorgias" in plan.split("**Key Facts**", 1)[1].split("---", 1)[0]
    assert "- [ ] Obtain API credentials for Gorgias" in plan


def test_a_second_system_on_the_systems_sheet_counts_as_known(book):
    row = ["P-1", "Order sync", "Client One", "Shopify", "Klaviyo + Gorgias", 0.85, "2026-02-02"]
    report = validate_files([book(Projects=[PROJECT_HEADER, row], Systems=[SYSTEMS_HEADER, ["P-1", "Gorgias"]])])
    (problem,) = _several(report)
    assert problem.value == "Klaviyo + Gorgias"
    assert report.portfolio.projects[0].system_b == "Klaviyo"


@pytest.mark.parametrize("cell", ["Klaviyo & Mailchimp", "Klaviyo and Mailchimp", "Klaviyo  +  Mailchimp"])
def test_every_joiner_splits(book, cell):
    row = ["P-1", "Order sync", "Client One", "Shopify", cell, 0.85, "2026-02-02"]
    report = validate_files([book(Projects=[PROJECT_HEADER, row])])
    assert len(_several(report)) == 1 and report.portfolio.projects[0].system_b == "Klaviyo"


@pytest.mark.parametrize("cell", ["Klaviyo + Acme Desk", "Johnson & Johnson ERP", "QuickBooks Online"])
def test_a_cell_whose_parts_are_not_all_known_systems_is_kept_whole(book, cell):
    row = ["P-1", "Order sync", "Client One", "Shopify", cell, 0.85, "2026-02-02"]
    report = validate_files([book(Projects=[PROJECT_HEADER, row])])
    assert not _several(report)
    assert report.portfolio.projects[0].system_b == cell


def test_the_plan_names_the_first_system_never_the_joined_cell(book, tmp_path):
    row = ["P-1", "Order sync", "Client One", "Shopify", "Klaviyo + Gorgias", 0.85, "2026-02-02"]
    path = book(Projects=[PROJECT_HEADER, row], Systems=[SYSTEMS_HEADER, ["P-1", "Gorgias"]])
    result = generate([path], tmp_path / "out", plan_date=date(2026, 1, 15))
    plan = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    assert "Klaviyo, Gorgias" not in plan and "Klaviyo + Gorgias API" not in plan
    # Gorgias, on the Systems sheet, is a system of its own: the title names it with the primary pair
    assert "Shopify → Klaviyo + Gorgias Integration" in plan
    assert "- [ ] Klaviyo API credentials" in plan and "- [ ] Gorgias API credentials" in plan
    assert any(p.code == "several-systems-in-cell" for p in result.report.problems)


STATUS_HEADER = [*PROJECT_HEADER, "Status"]


def _status_problems(report):
    return [p for p in report.problems if p.code == "phase-status-contradiction"]


def test_a_discovery_project_whose_phases_are_complete_is_a_located_warning(book):
    path = book(Projects=[STATUS_HEADER, [*PROJECT_ROW, "Discovery"]])
    report = validate_files([path], as_of=date(2026, 9, 1))
    (problem,) = _status_problems(report)
    assert problem.flat() == ("Projects", 2, "Status", "phase-status-contradiction")
    assert problem.cell == "H2"
    assert "phase 1 is Complete while the project is in Discovery" in problem.message
    assert "Live" in problem.hint


def test_a_live_project_whose_kickoff_is_ahead_is_a_located_warning(book):
    path = book(Projects=[STATUS_HEADER, [*PROJECT_ROW, "Live"]])
    (problem,) = _status_problems(validate_files([path], as_of=date(2026, 1, 15)))
    assert "phase 1 is Not Started while the project is Live" in problem.message
    assert "Planning" in problem.hint


@pytest.mark.parametrize(
    ("status", "as_of"),
    [("Discovery", date(2026, 2, 3)), ("In Progress", date(2026, 9, 1)), ("On Hold", date(2026, 9, 1))],
)
def test_statuses_that_agree_with_the_phases_have_no_warning(book, status, as_of):
    path = book(Projects=[STATUS_HEADER, [*PROJECT_ROW, status]])
    assert not _status_problems(validate_files([path], as_of=as_of))


def test_without_a_plan_date_phase_status_is_not_judged(book):
    path = book(Projects=[STATUS_HEADER, [*PROJECT_ROW, "Discovery"]])
    assert not _status_problems(validate_files([path]))


def test_the_review_file_lists_the_phase_status_contradiction(book, tmp_path):
    path = book(Projects=[STATUS_HEADER, [*PROJECT_ROW, "Discovery"]])
    generate([path], tmp_path / "out", plan_date=date(2026, 9, 1))
    reviews = [p for p in (tmp_path / "out").rglob("*review*") if p.is_file()]
    assert reviews and "contradicts the phase dates" in reviews[0].read_text("utf-8")


def test_a_systems_sheet_row_naming_two_systems_is_read_as_the_first_with_a_located_warning(book):
    row = ["P-1", "Order sync", "Client One", "Shopify", "Klaviyo", 0.85, "2026-02-02"]
    systems = [SYSTEMS_HEADER, ["P-1", "Zendesk / Gorgias"]]
    report = validate_files([book(Projects=[PROJECT_HEADER, row], Systems=systems)])
    (problem,) = _several(report)
    assert problem.flat() == ("Systems", 2, "System", "several-systems-in-cell") and problem.cell == "B2"
    assert [f.system for f in report.portfolio.projects[0].systems] == ["Zendesk"]
    assert report.portfolio.projects[0].further_systems == ("Gorgias",)  # a participant without facts


def test_a_target_system_naming_two_systems_is_read_as_the_first_with_a_located_warning(book):
    row = ["P-1", "Order sync", "Client One", "Shopify", "Klaviyo", 0.85, "2026-02-02"]
    workflows = [
        ["Project ID", "Workflow", "Trigger", "Source System", "Target System"],
        ["P-1", "Send orders to Klaviyo and Gorgias", "Real-time", "Shopify", "Klaviyo + Gorgias"],
    ]
    path = book(Projects=[PROJECT_HEADER, row], Systems=[SYSTEMS_HEADER, ["P-1", "Gorgias"]], Workflows=workflows)
    report = validate_files([path])
    (problem,) = [p for p in report.problems if p.code == "several-systems-in-workflow"]
    assert problem.flat() == ("Workflows", 2, "Target System", "several-systems-in-workflow")
    assert 'read it as "Klaviyo"' in problem.message and 'a workflow row for "Gorgias"' in problem.hint
    assert report.portfolio.projects  # a warning: the project is still planned


def test_a_two_way_workflow_with_stated_ends_is_a_located_warning(book):
    row = ["P-1", "Customer sync", "Client One", "Shopify", "NetSuite", 0.85, "2026-02-02"]
    workflows = [
        ["Project ID", "Workflow", "Trigger", "Source System", "Target System"],
        ["P-1", "Sync customers both ways", "Real-time", "Shopify", "NetSuite"],
    ]
    report = validate_files([book(Projects=[PROJECT_HEADER, row], Workflows=workflows)])
    (problem,) = [p for p in report.problems if p.code == "two-way-stated-one-way"]
    assert problem.flat() == ("Workflows", 2, "Workflow", "two-way-stated-one-way")
    assert "(Shopify to NetSuite)" in problem.message
