"""Phase 5 and section 8 as a client reads them: one measure stated once, the stated platform (issue 21)."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.context.plan import Tbd, build_context
from planforge.core.model import ScopeItem, Settings
from planforge.derive.rules import DailyRecords, daily_records, one_rate_measure, too_few_for_rate
from planforge.render.environment import render_markdown
from support import make_project

DAY = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("success", "error", "shown"),
    [
        (None, None, (None, None)),  # neither stated: the firm's success rate, assumed, and no error rate
        (0.995, None, (0.995, None)),
        (None, 0.002, (0.998, None)),  # the error rate stated alone is printed as the success rate it implies
        (0.99, 0.01, (0.99, None)),  # complements: one measure
        (0.99, 0.001, (0.99, 0.001)),  # both stated, not complements: two measures
    ],
)
def test_a_success_rate_and_its_complement_are_one_measure(success, error, shown):
    assert one_rate_measure(success, error) == shown


def test_the_default_rates_print_once():
    metrics = build_context(make_project(), Settings(), DAY).monitoring.metrics
    assert str(metrics.success_rate) == "99.5% (assumed)"
    assert metrics.error_rate is None


def test_a_stated_error_rate_alone_becomes_the_success_rate_not_an_assumption():
    metrics = build_context(make_project(target_error_rate=0.01), Settings(), DAY).monitoring.metrics
    assert str(metrics.success_rate) == "99%"
    assert "(assumed)" not in str(metrics.success_rate) and metrics.error_rate is None


def test_no_dashboard_link_names_the_stated_monitoring_platform_not_tbd():
    ctx = build_context(make_project(), Settings(monitoring_tool="Datadog"), DAY)
    assert ctx.monitoring.tools.dashboard == "Datadog (link shared before go-live)"
    assert "Dashboard URL" in [t.label for t in ctx.completeness.missing]  # the review still asks for the link


def test_a_dashboard_link_or_no_platform_is_as_before():
    linked = build_context(make_project(dashboard_url="https://d.example/x"), Settings(monitoring_tool="Datadog"), DAY)
    assert linked.monitoring.tools.dashboard == "https://d.example/x"
    assert isinstance(build_context(make_project(), Settings(), DAY).monitoring.tools.dashboard, Tbd)


def test_the_stability_criterion_names_the_support_phase_it_fits():
    ctx = build_context(make_project(stabilization_period_days=45), Settings(), DAY)
    support = ctx.schedule.phases[4].days
    assert support == 33  # 45 calendar days need 33 business days from a Monday
    assert "for 45 consecutive calendar days counted from go-live (this phase's 33 business days)" in (
        ctx.schedule.stable_exit
    )


@pytest.mark.parametrize(("records", "few"), [(1, True), (199, True), (200, False), (5000, False)])
def test_a_success_rate_cannot_be_observed_when_it_allows_less_than_one_failure_a_day(records, few):
    """99.5% of fewer than 200 records a day allows less than one failed record: one failure breaks it."""
    assert too_few_for_rate(records, 0.995) is few
    assert too_few_for_rate(records, 1.0) is False


def test_a_handful_of_records_a_day_is_held_to_every_failure_not_a_percentage():
    """A daily payout (FJORD-009): '99.5% of records succeed' meant nothing; every failed record raises an
    alert and is retried or resolved within the response time section 8.3 gives failed records."""
    payouts = make_project(
        system_a="Etsy", system_b="QuickBooks", scope=[ScopeItem(2, "Etsy payouts recorded in QuickBooks", "In scope")]
    )
    ctx = build_context(payouts, Settings(), DAY)
    assert daily_records(payouts) == DailyRecords(1.0, "payouts")
    metrics = ctx.monitoring.metrics
    assert metrics.success_rate is None
    assert str(metrics.failures) == (
        "At most one payout a day is too few to measure a 99.5% success rate against, so every"
        " record that fails raises an alert and is retried or resolved within 1 business day (assumed)"
    )
    plan = render_markdown(ctx)
    assert "Sync Success Rate" not in plan and "at least 99.5%" not in plan
    assert "- **Failed records** (section 8.1): At most one payout a day is too few" in plan.split("### 9.3", 1)[1]
    assert [a.label for a in ctx.review.assumptions if "success rate" in a.label.casefold()] == []
    # a stated daily volume counts too; enough records keep the percentage
    assert build_context(make_project(data_volume="150 orders a day"), Settings(), DAY).monitoring.metrics.failures
    many = build_context(make_project(data_volume="600 orders a day"), Settings(), DAY).monitoring.metrics
    assert many.failures is None and str(many.success_rate) == "99.5% (assumed)"
    assert daily_records(make_project()) is None  # nothing said: the firm's rate stands, assumed


def test_a_stated_success_rate_is_kept_and_the_review_flags_it_at_a_low_volume():
    ctx = build_context(make_project(data_volume="20 orders a day", target_success_rate=0.99), Settings(), DAY)
    assert str(ctx.monitoring.metrics.success_rate) == "99%" and ctx.monitoring.metrics.failures is None
    assert [f.rule for f in ctx.review.findings if f.rule == "success-rate-volume"] == ["success-rate-volume"]
