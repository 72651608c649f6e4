"""The one calendar: business days, holidays and closures, windows, countdown days and week starts,
and the stages that used to keep their own copy now read it."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import planforge
from planforge.context import documents
from planforge.core.model import Settings
from planforge.derive import calendar, rules
from planforge.pipeline import generate
from support import PROJECT_HEADER, PROJECT_ROW, make_project

GOOD_FRIDAY, EASTER_MONDAY = date(2026, 4, 3), date(2026, 4, 6)
EASTER = frozenset({GOOD_FRIDAY, EASTER_MONDAY})


def test_week_start_is_the_monday_of_the_week():
    assert calendar.week_start(date(2026, 1, 12)) == date(2026, 1, 12)  # a Monday stays
    assert calendar.week_start(date(2026, 1, 15)) == date(2026, 1, 12)  # Thursday
    assert calendar.week_start(date(2026, 1, 18)) == date(2026, 1, 12)  # Sunday ends the week
    assert calendar.week_start(date(2026, 1, 1)) == date(2025, 12, 29)  # across a year end


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_week_start_is_a_monday_at_most_six_days_back(day):
    start = calendar.week_start(day)
    assert start.weekday() == 0
    assert timedelta(0) <= day - start <= timedelta(days=6)


def test_business_days_skip_weekends_and_closed_days():
    assert calendar.is_business_day(date(2026, 4, 2))  # Thursday
    assert not calendar.is_business_day(date(2026, 4, 4))  # Saturday
    assert calendar.is_business_day(GOOD_FRIDAY)
    assert not calendar.is_business_day(GOOD_FRIDAY, EASTER)


def test_next_business_day_skips_a_weekend_and_a_holiday_after_it():
    saturday = date(2026, 4, 4)
    assert calendar.next_business_day(saturday) == EASTER_MONDAY
    assert calendar.next_business_day(saturday, EASTER) == date(2026, 4, 7)
    assert calendar.next_business_day(date(2026, 4, 7), EASTER) == date(2026, 4, 7)  # already one


def test_closed_days_are_public_holidays_and_closures():
    closed, problem = calendar.closed_days("GB-ENG", (date(2026, 12, 24),), range(2026, 2027))
    assert problem is None
    assert {GOOD_FRIDAY, EASTER_MONDAY, date(2026, 12, 24), date(2026, 12, 25)} <= closed
    closed, problem = calendar.closed_days(None, (date(2026, 12, 24),), range(2026, 2027))
    assert (closed, problem) == (frozenset({date(2026, 12, 24)}), None)


def test_closures_are_iso_dates_and_the_rest_is_reported():
    text = "2026-12-24; 2026-12-31, 24/12/2026,,"
    assert calendar.parse_closures(text) == ((date(2026, 12, 24), date(2026, 12, 31)), ("24/12/2026",))
    assert calendar.parse_closures(None) == ((), ())


def test_a_plans_calendar_spans_its_kickoff_year_and_two_more():
    assert calendar.plan_years(date(2026, 12, 31)) == range(2026, 2029)


def test_countdown_days_move_away_from_go_live_onto_business_days():
    sunday = date(2026, 4, 5)
    assert calendar.countdown_day(sunday, 0, EASTER) == sunday
    assert calendar.countdown_day(sunday, -1, EASTER) == date(2026, 4, 2)  # Sat, then Good Friday: Thursday
    assert calendar.countdown_day(sunday, 1, EASTER) == date(2026, 4, 7)  # Easter Monday closed: Tuesday


def test_windows_open_on_their_first_weekday():
    window = calendar.deployment_window("Saturday 20:00 - Sunday 02:00 ET")
    assert window == calendar.Window(5, "20:00", False)
    assert window is not None and window.day_name == "Saturday"
    assert calendar.go_live_date(date(2026, 4, 1), window) == date(2026, 4, 4)


def test_the_stages_read_the_calendar_rather_than_a_copy():
    """``rules`` and ``documents`` hand out the calendar's own functions, not look-alikes."""
    for name in ("is_business_day", "next_business_day", "add_business_days", "schedule", "closed_days"):
        assert getattr(rules, name) is getattr(calendar, name)
    assert rules.Window is calendar.Window
    assert documents.countdown_day is calendar.countdown_day


def test_weekday_arithmetic_lives_in_the_calendar_only():
    """Only the calendar calls ``.weekday()`` (``window.weekday``, a field, is not a call)."""
    package = Path(planforge.__file__).parent
    users = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("weekday", "isoweekday")
    }
    assert users == {"derive/calendar.py"}


@pytest.mark.parametrize(
    ("kickoff", "settings", "start", "plan_start"),
    [
        ("2026-02-07", [], "Monday 9 February 2026", "9 Feb 2026"),
        ("2026-02-07", [["Closure Dates", "2026-02-09"]], "Tuesday 10 February 2026", "10 Feb 2026"),
        ("2026-01-17", [["Holiday Country", "US"]], "Tuesday 20 January 2026", "20 Jan 2026"),  # MLK Day
    ],
)
def test_a_weekend_kickoff_warning_names_the_day_the_plan_starts(book, tmp_path, kickoff, settings, start, plan_start):
    """The warning asks the plan's own calendar: a holiday or closure on the Monday after a weekend
    kickoff moves the start in the warning as in the plan (it used to say Monday regardless)."""
    path = book(
        Projects=[PROJECT_HEADER, [*PROJECT_ROW[:6], kickoff]],  # a Saturday
        Settings=[["Setting", "Value"], *settings],
    )
    result = generate([path], tmp_path / "out", plan_date=date(2026, 1, 15))
    problem = next(p for p in result.report.problems if p.code == "kickoff-on-weekend")
    assert problem.message.endswith(f"the plans start work on {start}")
    plan = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    assert f"from kickoff on {plan_start}" in plan


@pytest.mark.parametrize(
    "text, hours",
    [("Friday evenings", 7), ("Fri evening", 7), ("Saturday night", 12), ("Sunday mornings", 6), ("Friday", 24)],
)
def test_an_untimed_window_is_bounded_by_the_part_of_the_day_it_names(text, hours):
    """A 12-hour load cannot fit a "Friday evenings" window: an evening ends at midnight."""
    window = calendar.deployment_window(text)
    assert window is not None and window.longest == timedelta(hours=hours)


# --- per-project holiday calendars (issue 22) ---------------------------------------------------

BW_2026 = {
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 1): "1 May",
    date(2026, 5, 14): "Ascension",
    date(2026, 5, 25): "Whit Monday",
    date(2026, 6, 4): "Corpus Christi",
}


def test_a_subdivision_code_is_the_country_and_its_region():
    assert calendar.split_country(" de-bw ") == ("DE", "BW")
    assert calendar.split_country("US") == ("US", None)


def test_baden_wuerttemberg_skips_its_spring_holidays():
    closed, problem = calendar.closed_days("DE-BW", (), calendar.plan_years(date(2026, 2, 23)))
    assert problem is None
    assert set(BW_2026) <= closed, {d: n for d, n in BW_2026.items() if d not in closed}
    # Corpus Christi is Baden-Württemberg's, not Germany's: the region is applied, not only the country
    assert date(2026, 6, 4) not in calendar.closed_days("DE", (), range(2026, 2027))[0]
    days = calendar.business_days_between(date(2026, 3, 30), date(2026, 6, 5), closed)
    assert days == calendar.business_days_between(date(2026, 3, 30), date(2026, 6, 5)) - len(BW_2026)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("GB-ENG", "England (GB-ENG)"),
        ("DE-BW", "Baden-Württemberg (DE-BW)"),
        ("DE", "Germany (DE)"),
        ("US", "the United States (US)"),
        ("us-ny", "New York (US-NY)"),
    ],
)
def test_a_calendar_is_named_by_the_holidays_library_and_cldr(code, name):
    assert calendar.calendar_name(code) == name


def test_a_project_follows_its_own_holiday_country_else_the_settings_one():
    settings = Settings(holiday_country="US")
    assert calendar.project_holiday_country(make_project(holiday_country="DE-BW"), settings) == "DE-BW"
    assert calendar.project_holiday_country(make_project(), settings) == "US"
    assert calendar.project_holiday_country(make_project(), Settings()) is None
