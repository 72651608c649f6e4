"""Standard alerts fit the workflows' cadence: batch work (every workflow scheduled at most hourly,
or started by the team) is watched run by run, with responses in business hours; real-time work
keeps the per-15-minute defaults."""

from __future__ import annotations

from datetime import date

from planforge.context.plan import build_context
from planforge.core.model import Settings, Workflow
from support import make_project

DAY = date(2026, 1, 15)


def _alerts(**kw):
    return [(a.alert, a.response_time) for a in build_context(make_project(**kw), Settings(), DAY).monitoring.alerts]


def test_scheduled_daily_workflows_get_run_by_run_alerts():
    alerts = _alerts(workflows=[Workflow(2, "Post daily payouts to Xero", "Scheduled")])
    assert [name for name, _ in alerts] == [
        "Scheduled run not completed",
        "Records a run could not write",
        "Authentication failure",
    ]
    assert all("minutes" not in response for _, response in alerts)


def test_a_real_time_workflow_keeps_the_standard_alerts():
    alerts = _alerts(
        workflows=[
            Workflow(2, "Post daily payouts to Xero", "Scheduled"),
            Workflow(3, "Send orders to Xero", "Real-time"),
        ]
    )
    assert alerts[0] == ("Sync failure rate", "30 minutes")


def test_no_workflow_yet_follows_the_source_webhooks():
    # Shopify publishes webhooks: the design is event-driven, so the real-time defaults stand
    assert _alerts()[0][0] == "Sync failure rate"
    # Etsy offers webhooks only under conditions: the design reads on a schedule
    assert _alerts(system_a="Etsy", system_b="QuickBooks Online")[0][0] == "Scheduled run not completed"


def test_a_batch_workflows_own_defaults_respond_in_business_hours():
    ctx = build_context(make_project(workflows=[Workflow(2, "Post payouts to Xero", "Scheduled")]), Settings(), DAY)
    (found,) = ctx.flow_alerts
    assert found.assumed
    assert [a.response_time for a in found.own] == ["4 business hours", "1 business day", "2 business hours"]
    assert "in 15 minutes" not in str(found.own[0].threshold)


def test_the_authentication_alert_does_not_page_on_a_routine_token_expiry():
    """An OAuth access token expires every hour or so and is refreshed: only a failed refresh, or a
    refusal that outlasts a successful one, is Critical, whatever the cadence."""
    for workflows in (
        [Workflow(2, "Post daily payouts to Xero", "Scheduled")],
        [Workflow(3, "Send orders to Xero", "Real-time")],
    ):
        ctx = build_context(make_project(workflows=workflows), Settings(), DAY)
        (auth,) = [a for a in ctx.monitoring.alerts if a.alert == "Authentication failure"]
        assert (
            auth.threshold == "A failed token refresh, or an HTTP 401 or 403 that persists after a successful refresh"
        )
        assert "Any rejected credential" not in str(auth.threshold)
