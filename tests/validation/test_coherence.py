"""Coherence findings of issue 21 on the intake: a kickoff on a non-working day, several systems in
one System cell, phase statuses that contradict the project's status. Each is a located warning."""

from __future__ import annotations

from datetime import date

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
    assert "a public holiday of US" in problem.message
    assert problem.message.endswith("the plans start work on Tuesday 17 February 2026")


def test_a_kickoff_on_a_closure_date_is_a_located_warning(book):
    path = book(
        Projects=[PROJECT_HEADER, [*PROJECT_ROW[:6], "2026-02-04"]],  # a Wednesday
        Settings=[["Setting", "Value"], ["Closure Dates", "2026-02-04"]],
    )
    problem = _kickoff(validate_files([path]))
    assert "a closure date" in problem.message and "Thursday 5 February 2026" in problem.message


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
    assert "the Kickoff Date typed, 16 Feb 2026, is" in plan and "a public holiday of US" in plan
    assert "so work starts on the next business day" in plan
