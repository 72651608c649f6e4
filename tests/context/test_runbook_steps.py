"""The runbook's steps: every workflow switched on, freezes lifted, later windows gated, rollback owners
named, and each step's check and rollback aimed at the systems its workflows write to."""

from __future__ import annotations

from datetime import date

import pytest

import planforge
from planforge.context.documents import build_runbook
from planforge.context.plan import build_context
from planforge.core.model import DeploymentStep, Settings, Workflow
from planforge.derive.completeness import Assumed
from support import SAMPLE, make_project

DAY = date(2026, 1, 15)
KINDS = frozenset(("deployment-runbook",))


@pytest.fixture(scope="module")
def runbooks():
    portfolio = planforge.load([SAMPLE])
    return {
        p.project_id: build_runbook(build_context(p, portfolio.settings_for(p), DAY, KINDS)) for p in portfolio.projects
    }


def test_a_workflow_no_step_enables_gets_an_assumed_step_after_the_last_enabling_one(runbooks):
    steps = runbooks["HARBOR-004"].steps
    added = [s for s in steps if isinstance(s.step, Assumed)]
    assert [str(s.step) for s in added] == [
        "Enable Workflow 5 (Sync new NetSuite items to Shopify as draft products) (assumed)"
    ]
    assert added[0].number == 6 and steps[6].step.startswith("Repeat for the remaining warehouses")
    assert "Shopify" in added[0].check and "NetSuite" not in added[0].check
    assert any("Step 6 was added by us" in n and "Workflow 5" in n for n in runbooks["HARBOR-004"].step_notes)


def test_every_freeze_is_lifted_at_a_stated_point_by_a_named_owner(runbooks):
    countdown = runbooks["HARBOR-004"].countdown
    item = next(c for c in countdown if "NetSuite item changes" in c.activity)
    assert item.activity.endswith("lifted once gate 3 is passed") and item.owner == "Evelyn Park"
    review = countdown[-1]
    assert "change freeze on the integration's configuration lifted" in review.activity
    assert isinstance(review.owner, str)


def test_a_step_for_later_windows_has_its_own_gate_owner_and_check(runbooks):
    rb = runbooks["HARBOR-004"]
    gate = next(g for g in rb.gates if g.name.startswith("Gate 4"))
    assert gate.approvers[0] == "Dana Whitfield" and "Shopify" in gate.criteria
    later = rb.steps[-1]
    assert later.check.startswith("In each later window") and "Shopify" in later.check
    assert not any(g.name.startswith("Gate 4") for g in runbooks["ACME-001"].gates)


def test_steps_longer_than_the_window_are_said_to_continue_in_later_windows(runbooks):
    rb = runbooks["SUMMIT-006"]
    note = next(n for n in rb.step_notes if "continues in the following windows" in n)
    assert "From step 2" in note and "at most 7 hours" in note
    assert "continues in the following windows" in rb.countdown[5].activity
    assert rb.gates[2].when == "End of the last deployment window"
    assert not any("following windows" in n for n in runbooks["ACME-001"].step_notes)


def test_the_accuracy_check_compares_the_system_the_metric_names_with_the_one_the_workflow_writes_to(runbooks):
    check = next(v for v in runbooks["HARBOR-004"].verification if v.startswith("Accuracy"))
    assert check.startswith("Accuracy of Workflow 2 (Publish NetSuite on-hand per location to Shopify)")
    assert "its records in Shopify matches NetSuite" in check and "(cycle counts match NetSuite" in check
    two = next(v for v in runbooks["ACME-001"].verification if v.startswith("Accuracy"))
    assert two.endswith("daily order totals match between Shopify and QuickBooks to the cent")


def test_every_rollback_step_has_an_owner_from_the_team(runbooks):
    rb = runbooks["HARBOR-004"]
    assert [s.owner for s in rb.rollback_steps] == [
        "Tom Becker",
        "Tom Becker",
        "Priya Natarajan",
        "Priya Natarajan",
        "Dana Whitfield",
    ]
    assert "Check NetSuite for records Workflows 1 and 4 wrote" in rb.rollback_steps[2].step


def test_each_step_is_checked_and_rolled_back_at_the_systems_it_writes_to(runbooks):
    steps = runbooks["HARBOR-004"].steps
    stock = steps[2]
    assert stock.check == "The first records of Workflow 2 appear correctly in Shopify"
    assert stock.undo == "Switch Workflow 2 off and reverse what it wrote to Shopify"
    assert steps[1].undo == "Remove the release from production"
    peak = runbooks["PEAK-003"].steps[3]  # after every workflow is on, a step cannot claim nothing is written yet
    assert peak.check == "The step completes without errors" and peak.undo == "Restart the nightly CSV export"


def test_standard_steps_of_a_sparse_project_carry_no_invented_checks(runbooks):
    rb = runbooks["FJORD-009"]
    assert rb.steps_are_standard and all(s.check == "" for s in rb.steps)
    assert not rb.step_notes


def test_steps_whose_wording_says_nothing_claim_nothing_and_every_workflow_still_gets_switched_on():
    project = make_project(
        workflows=[Workflow(2, "Sync orders"), Workflow(3, "Sync refunds")],
        deployment_steps=[DeploymentStep(2, "Cutover step 1"), DeploymentStep(3, "Cutover step 2")],
    )
    rb = build_runbook(build_context(project, Settings(), DAY))
    assert [(s.check, s.undo) for s in rb.steps[:2]] == [
        ("The step completes without errors", "Undo the step before the next one starts")
    ] * 2
    assert [str(s.step) for s in rb.steps[2:]] == [
        "Enable Workflow 1 (Sync orders) (assumed)",
        "Enable Workflow 2 (Sync refunds) (assumed)",
    ]
    assert "Steps 3 and 4 were added by us" in rb.step_notes[0] and "owners and durations are" in rb.step_notes[0]


def test_later_windows_are_announced_to_the_client(runbooks):
    said = [c.when for c in runbooks["HARBOR-004"].communications]
    assert "End of each later window" in said
    assert "End of each later window" not in [c.when for c in runbooks["ACME-001"].communications]


@pytest.mark.parametrize("text", ["Load three years of historical invoices into Xero", "Backfill last year's orders"])
def test_a_data_load_tied_to_no_workflow_is_checked_and_undone_as_a_load(text):
    project = make_project(
        workflows=[Workflow(2, "Sync orders from Shopify to Xero"), Workflow(3, "Sync stock from Xero to Shopify")],
        deployment_steps=[DeploymentStep(2, text), DeploymentStep(3, "Enable both workflows")],
    )
    (load, *_) = build_runbook(build_context(project, Settings(), DAY)).steps
    # not "the first records of all workflows ... switch all workflows off": the load is no workflow's run
    assert "workflow" not in load.check.lower() and "workflow" not in load.undo.lower()
    assert load.check.startswith("The loaded records are counted against the source extract")
    if "into Xero" in text:  # the system the wording names, not every system the workflows write to
        assert load.check.endswith("appears correctly in Xero") and load.undo.endswith("loaded into Xero")
    else:
        assert "Xero and Shopify" in load.check or "Shopify and Xero" in load.check
