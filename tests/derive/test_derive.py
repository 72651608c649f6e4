"""Every derivation rule, with expectations computed by hand in the comments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planforge.core.model import PainPoint, Project, Settings, Workflow
from planforge.derive import rules as derive

S = Settings()


def project(**kw) -> Project:
    base = dict(
        file="t.xlsx", row=2, project_id="P", project_name="n", client_name="c", system_a="Shopify", system_b="Xero"
    )
    return Project(**(base | kw))


@pytest.mark.parametrize(
    "confidence, buffer",
    [(0.95, 0.0), (0.85, 0.0), (0.84, 0.15), (0.70, 0.15), (0.69, 0.30), (0.50, 0.30), (0.49, 0.50), (None, 0.30)],
)
def test_confidence_buffer(confidence, buffer):
    assert derive.confidence_buffer(confidence, S) == buffer


def test_phase_days_buffer_phases_one_to_four_and_round_up():
    # Medium base 10, 20, 10, 3, 20 at 75% -> x1.15 = 11.5, 23, 11.5, 3.45 -> 12, 23, 12, 4; support stays 20
    assert derive.phase_days("Medium", 0.75, S) == (12, 23, 12, 4, 20)
    assert derive.phase_days("Low", 0.9, S) == (5, 10, 5, 2, 10)
    # High at 40%: 15, 35, 15, 5 x1.5 = 22.5, 52.5, 22.5, 7.5 -> 23, 53, 23, 8
    assert derive.phase_days("High", 0.4, S) == (23, 53, 23, 8, 30)


def test_settings_change_the_model():
    settings = Settings(phase_days_low=(1, 1, 1, 1, 1), buffer_below_85=1.0)
    assert derive.phase_days("Low", 0.8, settings) == (2, 2, 2, 2, 1)


def test_business_days_skip_weekends():
    assert derive.add_business_days(date(2026, 1, 30), 1) == date(2026, 2, 2)  # Fri + 1 -> Mon
    assert derive.add_business_days(date(2026, 2, 2), 4) == date(2026, 2, 6)  # Mon + 4 -> Fri
    assert derive.add_business_days(date(2026, 2, 2), 5) == date(2026, 2, 9)


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(0, 400))
def test_add_business_days_equals_counting_day_by_day(start, days):
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    assert derive.add_business_days(start, days) == current


def test_schedule_is_back_to_back_from_the_kickoff():
    spans = derive.schedule(date(2026, 1, 31), (5, 10, 1, 2, 3))  # Saturday kickoff moves to Monday 2 Feb
    assert spans[0] == (date(2026, 2, 2), date(2026, 2, 6))
    assert spans[1] == (date(2026, 2, 9), date(2026, 2, 20))
    assert spans[2] == (date(2026, 2, 23), date(2026, 2, 23))
    assert spans[3] == (date(2026, 2, 24), date(2026, 2, 25))


@pytest.mark.parametrize(
    "today, status, expected",
    [
        (date(2026, 2, 1), None, "Not Started"),
        (date(2026, 2, 2), None, "In Progress"),
        (date(2026, 2, 7), None, "Complete"),
        (date(2026, 2, 3), "On Hold", "On Hold"),
    ],
)
def test_phase_status(today, status, expected):
    assert derive.phase_status((date(2026, 2, 2), date(2026, 2, 6)), today, status) == expected


@pytest.mark.parametrize(
    "text, hours",
    [
        ("Order entry takes 15 hours a week", 15),
        ("3 hrs/day of copying", 15),
        ("40 hours per month", 9.23),
        ("2-3 hours a day", 12.5),
        ("two hours a day", 10),
        ("takes most of a day", None),
        ("20-30 corrections a month", None),
        ("6 hours a week plus 1 hour a day", 11),
        ("half an hour a day", 2.5),
        ("10 hrs per week", 10),
        ("100 hours a year", 1.92),
    ],
)
def test_hours_in_text(text, hours):
    assert derive.hours_in_text(text) == hours


def test_time_savings_prefers_the_column_and_annualises():
    points = [PainPoint(2, "manual work", 6), PainPoint(3, "copying 3 hrs/day", None), PainPoint(4, "errors", None)]
    savings = derive.time_savings(points, S)
    # 6 + 15 = 21 hours a week; x 48 weeks = 1008
    assert (savings.weekly_hours, savings.annual_hours, len(savings.uncounted)) == (21, 1008, 1)
    assert derive.time_savings([PainPoint(2, "errors", None)], S) is None


def test_roi_and_payback():
    savings = derive.time_savings([PainPoint(2, "x", 21)], S)
    result = derive.roi(savings, project(budget=Decimal(20000)), S)
    # 1008 h x $45 = $45,360; ROI = (45,360 - 20,000) / 20,000 = 126.8%; payback = 20,000 / 3,780 = 5.3 months
    assert result.annual_value == Decimal(45360)
    assert (result.roi, result.payback_months) == (1.268, 5.3)
    no_budget = derive.roi(savings, project(hourly_rate=Decimal(30)), S)
    assert (no_budget.annual_value, no_budget.roi, no_budget.rate_source) == (Decimal(30240), None, "project rate")


def test_error_reduction_project_value_else_estimate():
    assert derive.error_reduction(project(error_reduction=0.9), S) == (0.9, False)
    assert derive.error_reduction(project(), S) == (0.8, True)


def test_complexity_rule():
    five = [Workflow(i, f"w{i}") for i in range(5)]
    assert derive.complexity(project(complexity="Low", workflows=five))[0] == "Low"  # the analyst wins
    assert derive.complexity(project())[0] == "Low"  # score 0
    assert derive.complexity(project(workflows=five[:3]))[0] == "Medium"  # 3 workflows: 1
    assert derive.complexity(project(workflows=five, data_migration=True))[0] == "High"  # 2 + 1 = 3
    assert derive.complexity(project(workflows=five[:3], data_volume="1,200 orders a day"))[0] == "Medium"  # 1 + 1


@pytest.mark.parametrize(
    "text, per_day",
    [
        ("1,200 orders a day", 1200),
        ("2,500 orders a day, peaks of 9,000 during promotions", 2500),
        ("5,000 orders per week", 1000),
        ("42,000 orders/month", 2000),
        ("65k profiles", None),
        (None, None),
    ],
)
def test_daily_volume(text, per_day):
    assert derive.daily_volume(text) == per_day


def test_migration_flag():
    assert derive.has_migration(project(migration_scope="2 years")) is True
    assert derive.has_migration(project(migration_scope="2 years", data_migration=False)) is False
    assert derive.has_migration(project()) is False


@pytest.mark.parametrize(
    "likelihood, impact, level",
    [
        ("High", "High", "High"),
        ("Medium", "High", "High"),
        ("Medium", "Medium", "Medium"),
        ("Low", "High", "Medium"),
        ("Low", "Medium", "Low"),
    ],
)
def test_risk_level(likelihood, impact, level):
    assert derive.risk_level(likelihood, impact) == level


@pytest.mark.parametrize("days, text", [(5, "1 week"), (12, "2.4 weeks"), (3, "3 days"), (1, "1 day"), (40, "8 weeks")])
def test_weeks(days, text):
    assert derive.weeks(days) == text


@pytest.mark.parametrize(
    "days, text",
    [
        (1, "1 business day"),
        (3, "3 business days"),
        (10, "10 business days (2 weeks)"),
        (18, "18 business days (about 3.5 weeks)"),
        (13, "13 business days (about 2.5 weeks)"),
        (7, "7 business days (about 1.5 weeks)"),
        (6, "6 business days (about 1 week)"),
        (22, "22 business days (about 4.5 weeks)"),
    ],
)
def test_duration_is_business_days_and_weeks_to_the_half(days, text):
    assert derive.duration(days) == text


@pytest.mark.parametrize("value, text", [(17.0, "17"), (6.2, "6.2"), (1234.0, "1,234")])
def test_number_drops_a_trailing_zero(value, text):
    assert derive.number(value) == text


@pytest.mark.parametrize(
    "text, weekday, opens, exclusion",
    [
        ("Sunday 06:00-09:00 ET", 6, "06:00", False),
        ("Saturday 20:00 - Sunday 02:00 ET", 5, "20:00", False),
        ("Monday 14:00-16:00 (after the lunch rush)", 0, "14:00", False),
        ("Month-end close week excluded; Friday evenings", 4, None, True),
        ("Tues 9pm", 1, "9pm", False),
    ],
)
def test_deployment_window_is_read_from_its_first_weekday(text, weekday, opens, exclusion):
    window = derive.deployment_window(text)
    assert window is not None
    assert (window.weekday, window.opens, window.has_exclusion) == (weekday, opens, exclusion)


@pytest.mark.parametrize("text", ["after hours", "weekends", "", None, "a" * 100_000])
def test_deployment_window_without_a_weekday_is_none(text):
    assert derive.deployment_window(text) is None


def test_go_live_moves_to_the_next_window_day_and_skips_closed_days():
    sunday = derive.Window(6, "06:00", False)
    assert derive.go_live_date(date(2026, 4, 1), sunday) == date(2026, 4, 5)  # Wed -> Sun
    assert derive.go_live_date(date(2026, 4, 5), sunday) == date(2026, 4, 5)  # already the day
    monday = derive.Window(0, None, False)
    assert derive.go_live_date(date(2026, 5, 21), monday, frozenset({date(2026, 5, 25)})) == date(2026, 6, 1)


@pytest.mark.parametrize(
    "planned, stable, days", [(20, 30, 22), (30, 30, 30), (10, 14, 11), (10, 12, 10), (2, 30, 22), (4, 6, 6)]
)
def test_support_covers_the_stabilisation_period(planned, stable, days):
    assert derive.support_days(planned, stable) == days


@pytest.mark.parametrize("start", [date(2026, 3, 2) + timedelta(days=i) for i in range(5)])
@pytest.mark.parametrize("stable", [1, 6, 7, 14, 30, 31, 45])
def test_the_support_phase_spans_its_stable_period_from_any_weekday(start, stable):
    """Ten business days from a Monday end on day 12, so a 14-day criterion would outlast the phase."""
    days = derive.support_days(1, stable)
    ((first, last),) = derive.schedule(start, (days,))
    assert (last - first).days + 1 >= stable
    assert derive.calendar_span(days) <= (last - first).days + 1


def test_fixed_holidays_move_phase_dates():
    plain = derive.schedule(date(2026, 3, 30), (5, 5))
    good_friday, easter_monday = date(2026, 4, 3), date(2026, 4, 6)
    closed = derive.schedule(date(2026, 3, 30), (5, 5), frozenset({good_friday, easter_monday}))
    assert plain == [(date(2026, 3, 30), date(2026, 4, 3)), (date(2026, 4, 6), date(2026, 4, 10))]
    assert closed == [(date(2026, 3, 30), date(2026, 4, 7)), (date(2026, 4, 8), date(2026, 4, 14))]


def test_closed_days_from_the_holidays_library_and_closures():
    closed, problem = derive.closed_days("US", (date(2026, 12, 24),), range(2026, 2027))
    assert problem is None
    assert {date(2026, 5, 25), date(2026, 7, 3), date(2026, 12, 24)} <= closed  # Memorial Day, 4 July observed
    closed, problem = derive.closed_days("ZZ", (), range(2026, 2027))
    assert closed == frozenset() and "ZZ" in problem


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(0, 60))
def test_add_business_days_agrees_with_and_without_closed_days(start, days):
    assert derive.add_business_days(start, days) == derive.add_business_days(start, days, frozenset({date(1999, 1, 1)}))


@given(
    st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    st.integers(-3, 400),
    st.frozensets(st.dates(date(2024, 12, 1), date(2030, 1, 31)), max_size=30),
)
def test_business_days_between_counts_what_a_walk_over_the_days_counts(start, span, closed):
    """The arithmetic count (whole weeks, the days left over, closed weekdays by bisection) is the
    definition: walk the days from start to end, count each business day."""
    end = start + timedelta(days=span)
    walked = sum(
        derive.is_business_day(start + timedelta(days=k), closed) for k in range(max((end - start).days + 1, 0))
    )
    assert derive.business_days_between(start, end, closed) == walked
    assert derive.business_days_between(start, end) == sum(
        (start + timedelta(days=k)).weekday() < 5 for k in range(max((end - start).days + 1, 0))
    )
