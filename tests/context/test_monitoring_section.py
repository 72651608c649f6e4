"""Phase 5 and section 8 as a client reads them: one measure stated once, the stated platform (issue 21)."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.context.plan import Tbd, build_context
from planforge.core.model import Settings
from planforge.derive.rules import one_rate_measure
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
