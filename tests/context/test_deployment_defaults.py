"""Issue 21: section 7.1 said 'Approach: [TBD]' above the standard cutover steps of section 7.3, which
describe one window's cutover. With the standard steps, the strategy and rollback trigger they imply
are shown, marked assumed; stated steps or values are never overridden."""

from __future__ import annotations

from datetime import date

from planforge.context.plan import Tbd, build_context
from planforge.core.model import DeploymentStep, Settings
from support import make_project

DAY = date(2026, 1, 15)


def test_the_standard_steps_imply_a_one_window_cutover_and_its_rollback_trigger():
    ctx = build_context(make_project(), Settings(), DAY)
    dp = ctx.deployment
    assert dp.steps_are_standard
    assert str(dp.strategy) == "Big-bang cutover in one window (assumed)"
    assert str(dp.rollback_criteria).startswith("The smoke tests fail, or the first records in Xero do not match")
    assert {"Deployment strategy", "Rollback criteria"} <= {a.label for a in ctx.completeness.assumptions}


def test_stated_values_or_steps_are_not_overridden():
    stated = build_context(make_project(deployment_strategy="Canary", rollback_criteria="Any error"), Settings(), DAY)
    assert stated.deployment.strategy == "Canary" and stated.deployment.rollback_criteria == "Any error"
    steps = [DeploymentStep(2, "Switch on the nightly job")]
    own = build_context(make_project(deployment_steps=steps), Settings(), DAY).deployment
    assert isinstance(own.strategy, Tbd) and isinstance(own.rollback_criteria, Tbd)
