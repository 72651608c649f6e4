"""Plan section 1.3 explains each system's lack of events once, and a schedule as a schedule."""

from __future__ import annotations

from datetime import date

import pytest

import planforge
from planforge.context.plan import build_context
from planforge.core.model import Settings, Workflow
from planforge.derive.catalog import lookup
from support import SAMPLE, make_project


def _approach(project_id: str) -> str:
    portfolio = planforge.load([SAMPLE])
    project = next(p for p in portfolio.projects if p.project_id == project_id)
    text = planforge.render_plan(project, portfolio=portfolio, plan_date=date(2026, 1, 15))
    return text.split("### 1.3", 1)[1].split("\n## ", 1)[0]


def test_a_polled_source_is_explained_once():
    approach = _approach("HARBOR-004")
    assert "NetSuite publishes no change events, so the integration polls NetSuite every 5 minutes" in approach
    assert approach.count("NetSuite does not publish webhooks") == 0
    assert approach.count("publishes no change events") == 1


def test_an_interval_workflow_is_not_said_to_run_at_set_times():
    approach = _approach("HARBOR-004")
    assert "every 5 minutes" in approach and "at set times" not in approach
    assert "run on a fixed schedule" in approach


def test_without_workflows_only_the_source_system_can_drive_events():
    approach = _approach("FJORD-009")  # Etsy -> QuickBooks Online, no workflow yet
    assert "QuickBooks publishes change events" not in approach
    assert "Etsy offers webhooks only under conditions" in approach


def test_catalog_facts_of_an_ambiguous_system_read_as_that_assumption():
    portfolio = planforge.load([SAMPLE])
    project = next(p for p in portfolio.projects if p.project_id == "FJORD-009")  # System B "QuickBooks"
    plan = planforge.render_plan(project, portfolio=portfolio, plan_date=date(2026, 1, 15))
    limits = plan.split("### 4.3 Third-Party API Limitations", 1)[1].split("\n---", 1)[0]
    assert "above are those of QuickBooks Online, the product assumed for QuickBooks: they are taken from" in limits
    assert "assumed for Etsy" not in limits  # an unambiguous system carries no such reading


def _reasons(**kw) -> list[str]:
    ctx = build_context(make_project(**kw), Settings(), date(2026, 1, 15))
    return [r.title for r in ctx.context.rationale]


def test_the_rationale_leads_with_the_projects_own_workflows():
    # scheduled work only: the schedule leads, and webhook availability is not argued at all
    batch = _reasons(system_a="Etsy", workflows=[Workflow(2, "Post Etsy payouts to Xero", "Scheduled")])
    assert batch[0] == "Scheduled where the business runs on a schedule"
    assert "Webhooks only where available" not in batch
    # no workflow yet and a source without unconditional webhooks: scheduled runs lead, why not webhooks follows
    sparse = _reasons(system_a="Etsy")
    assert sparse[0] == "Scheduled runs"
    # the design already reads on a schedule: webhooks under conditions are a later option, not a second reason
    assert sparse.index("Books stay auditable") < sparse.index("Webhooks if granted")
    assert "Webhooks only where available" not in sparse
    # real-time work keeps its order: the events lead
    live = _reasons(workflows=[Workflow(2, "Send Shopify orders to Xero", "Real-time")])
    assert live[0] == "Event-driven where the work is time-sensitive"


@pytest.mark.parametrize(
    ("system", "ending"),
    [
        ("Etsy", "Etsy has no plan tiers for API access (its limits are set for each app's API key), so they are"),
        ("WooCommerce", "WooCommerce is self-hosted, so any rate limit is set by the client's hosting"),
        ("Xero", "and are assumed until confirmed for the account's plan and tier."),
    ],
)
def test_the_catalog_note_says_what_the_figures_are_confirmed_for_as_the_vendor_sets_limits(system, ending):
    """'Confirmed for the account's plan and tier' read oddly for Etsy, whose limits are per API key with
    no plan tiers: the catalog's limits_by says how each system sets them, and the note follows it."""
    ctx = build_context(make_project(system_a=system, system_b="QuickBooks Online"), Settings(), date(2026, 1, 15))
    note = next(f.source for f in ctx.dependencies.api if f.name == system)
    assert ending in note
    assert ("plan and tier" in note) is (lookup(system).system.limits_by == "plan")
