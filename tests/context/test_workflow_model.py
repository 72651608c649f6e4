"""Issue 21: each workflow's Source System, Target System, Frequency and Latency Target, read strictly,
checked against its project, and used as stated (or derived and marked assumed) by every document."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.context.documents import build_runbook, build_specs, build_test_cases
from planforge.context.plan import build_context
from planforge.core.model import Cadence, Settings, Span, SuccessCriterion, SystemFacts, Workflow
from planforge.core.model import TestScenario as Scenario
from planforge.intake.parse import BadValue, parse_frequency, parse_span
from planforge.pipeline import generate
from planforge.render.environment import render_review
from planforge.validation.validate import validate_files
from support import flat, make_project

WF_HEADER = ["Project ID", "Workflow", "Trigger", "Source System", "Target System", "Frequency", "Latency Target"]


@pytest.mark.parametrize(
    ("text", "shown", "every"),
    [
        ("real-time", "real-time", None),
        ("Real time", "real-time", None),
        ("webhook", "real-time", None),
        ("every 15 minutes", "every 15 minutes", timedelta(minutes=15)),
        ("Every 15 min", "every 15 minutes", timedelta(minutes=15)),
        ("every hour", "every hour", timedelta(hours=1)),
        ("every 90 minutes", "every 90 minutes", timedelta(minutes=90)),
        ("hourly", "hourly", timedelta(hours=1)),
        ("daily", "daily", timedelta(days=1)),
        ("daily at 02:00", "daily at 02:00", timedelta(days=1)),
        ("Nightly at 2am", "daily at 02:00", timedelta(days=1)),
        ("every day at 2:30 pm", "daily at 14:30", timedelta(days=1)),
        ("weekly", "weekly", timedelta(days=7)),
        ("on demand", "on demand", None),
        ("Manual", "on demand", None),
    ],
)
def test_frequency_forms(text, shown, every):
    cadence = parse_frequency(text)
    assert (cadence.text, cadence.every) == (shown, every)


@pytest.mark.parametrize(
    "text", ["15 minutes", "daily at 2", "twice a day", "soon", "every fortnight", "weekly at 02:00", "monthly", "5"]
)
def test_frequency_that_cannot_be_read_certainly_is_an_error(text):
    with pytest.raises(BadValue) as e:
        parse_frequency(text)
    assert e.value.code == "wrong-type"


def test_frequency_out_of_range():
    for text in ("every 0 minutes", "every 40 days"):
        with pytest.raises(BadValue) as e:
            parse_frequency(text)
        assert e.value.code == "out-of-range"


@pytest.mark.parametrize(
    ("text", "shown", "seconds"),
    [
        ("5 minutes", "5 minutes", 300),
        ("within 5 min", "5 minutes", 300),
        ("< 2 hours", "2 hours", 7200),
        ("1.5 hours", "90 minutes", 5400),
        ("30s", "30 seconds", 30),
        ("1 day", "1 day", 86400),
        (timedelta(minutes=10), "10 minutes", 600),
    ],
)
def test_latency_target_forms(text, shown, seconds):
    span = parse_span(text)
    assert (span.text, span.length.total_seconds()) == (shown, seconds)


@pytest.mark.parametrize("text", ["5", 5, "5 m", "soon", "real-time"])
def test_latency_target_without_a_unit_is_an_error(text):
    with pytest.raises(BadValue):
        parse_span(text)


def _report(book, *rows, systems=None):
    sheets = {"Workflows": [WF_HEADER, *rows]}
    if systems:
        sheets["Systems"] = [["Project ID", "System", "Webhooks"], *systems]
    return validate_files([book(**sheets)])


def test_stated_columns_reach_the_model(book):
    report = _report(book, ["P-1", "Sync orders", "", "Shopify", "QuickBooks Online", "every 15 minutes", "30 minutes"])
    assert report.valid, [p.line() for p in report.problems]
    (w,) = report.portfolio.projects[0].workflows
    assert (w.source_system, w.target_system) == ("Shopify", "QuickBooks Online")
    assert w.frequency == Cadence("every 15 minutes", "interval", timedelta(minutes=15))
    assert w.latency_target == Span("30 minutes", timedelta(minutes=30))


def test_unreadable_frequency_and_latency_are_located_errors(book):
    report = _report(book, ["P-1", "Sync orders", "", "", "", "15 minutes", "5"])
    assert ("Workflows", 2, "Frequency", "wrong-type") in flat(report, "error")
    assert ("Workflows", 2, "Latency Target", "wrong-type") in flat(report, "error")
    assert "every 15 minutes" in next(p.hint for p in report.problems if p.column == "Frequency")
    assert not report.portfolio.projects


def test_unknown_source_system_is_a_located_error_with_the_closest_name(book):
    report = _report(book, ["P-1", "Sync orders", "", "Shopfy", "QuickBooks Online", "", ""])
    assert flat(report, "error") == [("Workflows", 2, "Source System", "workflow-system-unknown")]
    problem = report.errors[0]
    assert problem.cell == "D2"
    assert 'closest: "Shopify"' in problem.message
    assert not report.portfolio.projects


def test_systems_sheet_system_may_be_a_source(book):
    report = _report(
        book,
        ["P-1", "Push CSAT scores", "", "Gorgias", "shopify", "", ""],
        systems=[["P-1", "Gorgias", "Yes"]],
    )
    assert report.valid, [p.line() for p in report.problems]


def test_same_source_and_target_is_an_error(book):
    report = _report(book, ["P-1", "Sync orders", "", "Shopify", "Shopify", "", ""])
    assert ("Workflows", 2, "Target System", "same-source-target") in flat(report, "error")


@pytest.mark.parametrize(("frequency", "slow"), [("daily", True), ("on demand", True), ("every 5 minutes", False)])
def test_cadence_slower_than_latency_target_is_a_coherence_warning(book, frequency, slow):
    report = _report(book, ["P-1", "Publish stock", "", "", "", frequency, "5 minutes"])
    found = ("Workflows", 2, "Frequency", "cadence-slower-than-target") in flat(report, "warning")
    assert found is slow
    assert report.valid


def test_slow_cadence_message_offers_a_faster_one(book):
    report = _report(book, ["P-1", "Publish stock", "Scheduled", "", "", "hourly", "20 minutes"])
    (problem,) = [p for p in report.problems if p.code == "cadence-slower-than-target"]
    assert problem.cell == "F2"
    assert "up to 1 hour" in problem.message and "every 15 minutes" in problem.hint


def test_trigger_that_contradicts_the_frequency_is_a_warning(book):
    report = _report(book, ["P-1", "Publish stock", "Scheduled", "", "", "real-time", ""])
    assert ("Workflows", 2, "Frequency", "trigger-frequency-mismatch") in flat(report, "warning")


# ---------------------------------------------------------------- every document from the Flow

DAY = date(2026, 1, 15)


def _ctx(*workflows: Workflow, systems: tuple[SystemFacts, ...] = (), **kw):
    base = dict(system_a="Shopify", system_b="NetSuite", workflows=list(workflows), systems=list(systems))
    return build_context(make_project(**(base | kw)), Settings(), DAY)


_NO_HOOKS = SystemFacts(3, "NetSuite", webhooks="No")


def test_stated_values_are_used_as_stated_in_the_specs():
    ctx = _ctx(
        Workflow(
            2,
            "Publish on-hand to Shopify",
            "Scheduled",
            None,
            "NetSuite",
            "Shopify",
            parse_frequency("every 5 minutes"),
            parse_span("5 minutes"),
        ),
        systems=(_NO_HOOKS,),
    )
    (spec,) = build_specs(ctx).workflows
    assert (spec.trigger, spec.direction, spec.frequency, spec.latency_target) == (
        "Scheduled",
        "NetSuite to Shopify",
        "Every 5 minutes",
        "5 minutes",
    )


def test_a_stated_direction_wins_over_the_wording():
    ctx = _ctx(Workflow(2, "Send orders to NetSuite", "Real-time", None, "NetSuite", "Shopify"), systems=(_NO_HOOKS,))
    (flow,) = ctx.flows
    assert (flow.source, flow.target, flow.direction) == ("NetSuite", "Shopify", "NetSuite to Shopify")
    one_end = _ctx(Workflow(2, "Send orders", "Real-time", None, "NetSuite"), systems=(_NO_HOOKS,)).flows[0]
    assert str(one_end.direction) == "NetSuite to Shopify (assumed)"


def test_blank_trigger_and_frequency_follow_the_source_webhooks_and_are_assumed():
    polled = _ctx(
        Workflow(2, "Sync items from NetSuite to Shopify", latency_target=parse_span("20 minutes")),
        systems=(_NO_HOOKS,),
    )
    (flow,) = polled.flows
    assert (str(flow.trigger), str(flow.cadence)) == ("Scheduled (assumed)", "Every 15 minutes (assumed)")
    assert not flow.event_driven
    pushed = _ctx(
        Workflow(2, "Send orders to NetSuite"), systems=(SystemFacts(3, "Shopify", webhooks="Yes"), _NO_HOOKS)
    )
    (flow,) = pushed.flows
    assert str(flow.trigger) == "Real-time (assumed)" and flow.event_driven
    assert str(flow.cadence).startswith("On each change event (webhook)") and str(flow.cadence).endswith("(assumed)")
    review = render_review(pushed)
    assert "Workflow 1 (Send orders to NetSuite) trigger: Real-time (basis: Shopify publishes change events" in review
    assert "Workflows > Trigger or Frequency, row 2" in review


def test_a_stated_real_time_trigger_on_a_source_with_events_runs_on_them_without_assuming():
    ctx = _ctx(
        Workflow(2, "Send orders to NetSuite", "Real-time", latency_target=parse_span("15 minutes")),
        Workflow(3, "Send refunds to NetSuite"),
        systems=(SystemFacts(3, "Shopify", webhooks="Yes"), _NO_HOOKS),
    )
    stated, derived = ctx.flows
    assert stated.cadence == "On each Shopify change event (webhook), processed within 15 minutes"
    assert str(derived.cadence).endswith("(assumed)")  # its trigger is assumed, so its cadence is too
    review = render_review(ctx)
    assert "Workflow 1 (Send orders to NetSuite) frequency" not in review
    assert "Workflow 2 (Send refunds to NetSuite) frequency" in review


def test_real_time_from_a_source_without_events_is_polled_not_event_driven():
    ctx = _ctx(
        Workflow(2, "Create NetSuite orders from Shopify", "Real-time"),
        Workflow(3, "Sync fulfilments from NetSuite to Shopify", "Real-time", latency_target=parse_span("10 minutes")),
        systems=(SystemFacts(3, "Shopify", webhooks="Yes"), _NO_HOOKS),
    )
    reasons = {r.title: r.text for r in ctx.context.rationale}
    events = reasons["Event-driven where the work is time-sensitive"]
    assert events.startswith("Shopify publishes change events") and "fulfilments" not in events
    polling = reasons["Frequent polling for time-sensitive work"]
    assert "sync fulfilments from NetSuite to Shopify" in polling and "polls NetSuite every 5 minutes" in polling
    assert str(ctx.flows[1].cadence) == "On each change, detected by polling NetSuite every 5 minutes (assumed)"


def test_test_case_steps_name_the_workflows_source_and_target():
    ctx = _ctx(
        Workflow(2, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify"),
        systems=(_NO_HOOKS,),
        test_scenarios=[Scenario(2, "Stock change updates one location", "Happy Path", "1")],
    )
    case = build_test_cases(ctx).cases[0]
    assert case.steps[0] == "In NetSuite, change a record"
    assert case.steps[2] == "Open the resulting record in Shopify and compare it with the NetSuite record"
    assert case.expected.startswith("In Shopify, every field the technical specifications map matches the NetSuite")


def test_runbook_rollback_and_verification_aim_at_the_systems_written_to():
    ctx = _ctx(
        Workflow(2, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify"), systems=(_NO_HOOKS,)
    )
    runbook = build_runbook(ctx)
    assert any(s.step.startswith("Check Shopify for records Workflow 1 wrote") for s in runbook.rollback_steps)
    assert not any("NetSuite" in s.step for s in runbook.rollback_steps)
    assert any(
        "Workflow 1 (Publish on-hand to Shopify)" in v and v.endswith("in Shopify") for v in runbook.verification
    )


def test_a_third_system_from_the_systems_sheet_is_a_workflow_end():
    ctx = _ctx(
        Workflow(2, "Push CSAT scores", "Scheduled", None, "Gorgias", "NetSuite"),
        systems=(SystemFacts(3, "Gorgias", webhooks="Yes"),),
    )
    assert ctx.flows[0].direction == "Gorgias to NetSuite"


def test_slow_cadence_is_in_validate_json_and_the_review_file(book, tmp_path):
    path = book(Workflows=[WF_HEADER, ["P-1", "Publish stock", "Scheduled", "", "", "daily", "5 minutes"]])
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    found = [p for p in json.loads(result.output)["problems"] if p["code"] == "cadence-slower-than-target"]
    assert [(p["sheet"], p["cell"], p["severity"]) for p in found] == [("Workflows", "F2", "warning")]
    generate([path], tmp_path / "out", plan_date=DAY, summary=False)
    review = (tmp_path / "out" / "review" / "P-1-review.md").read_text("utf-8")
    assert 'Workflows!F2 (Frequency): Frequency "daily" cannot meet the Latency Target of 5 minutes' in review


def test_stated_real_time_from_a_source_without_events_is_polled_and_says_so():
    ctx = _ctx(
        Workflow(2, "Sync fulfilments", None, None, "NetSuite", "Shopify", parse_frequency("real-time")),
        systems=(_NO_HOOKS,),
    )
    (flow,) = ctx.flows
    assert flow.trigger == "Real-time" and not flow.event_driven
    assert str(flow.cadence) == "Real-time: NetSuite polled every 5 minutes (assumed)"
    assert "basis: NetSuite publishes no change events" in render_review(ctx)


def test_a_two_way_workflow_writes_to_both_systems():
    hooks = (SystemFacts(3, "Shopify", webhooks="Yes"), SystemFacts(4, "NetSuite", webhooks="Yes"))
    ctx = _ctx(Workflow(2, "Sync inventory counts both ways", "Real-time"), systems=hooks)
    (flow,) = ctx.flows
    assert flow.two_way and flow.event_driven and flow.writes_to == ("Shopify", "NetSuite")
    assert str(flow.direction) == "Both ways between Shopify and NetSuite (assumed)"
    checks = [s.step for s in build_runbook(ctx).rollback_steps if s.step.startswith("Check ")]
    assert [c.split(" for ")[0] for c in checks] == ["Check Shopify", "Check NetSuite"]


def test_unknown_webhook_support_leaves_a_blank_trigger_to_be_filled():
    ctx = _ctx(Workflow(2, "Sync orders"), system_a="Acme ERP", system_b="Other Shop")
    (flow,) = ctx.flows
    assert (str(flow.trigger), str(flow.cadence)) == ("[TBD]", "[TBD]")


def test_a_blank_frequency_is_sized_to_the_success_criterion_its_workflow_promises():
    """No Latency Target on the row, but a criterion tied to the workflow promises 2 minutes: the
    derived cadence meets it instead of falling back to once a day."""
    stock = Workflow(2, "Publish NetSuite prices to Shopify", None, None, "NetSuite", "Shopify")
    criteria = [SuccessCriterion(2, "Prices on Shopify within 2 minutes of a change", "1")]
    (flow,) = _ctx(stock, success_criteria=criteria).flows
    assert flow.latency is not None and flow.latency.text == "2 minutes"
    assert "once a day" not in str(flow.cadence).casefold()
    assert flow.frequency is None  # still derived and marked, not stated
    (untied,) = _ctx(stock, success_criteria=[SuccessCriterion(2, "Prices within 2 minutes", None)]).flows
    assert untied.latency is None


def test_a_two_way_workflow_polls_the_end_that_publishes_no_events():
    """Shopify pushes, NetSuite does not: the two-way workflow polls NetSuite, never Shopify."""
    both = Workflow(2, "Sync customers both ways between Shopify and NetSuite", "Real-time")
    hooks = (SystemFacts(3, "Shopify", webhooks="Yes"), _NO_HOOKS)
    (flow,) = _ctx(both, systems=hooks).flows
    assert flow.two_way and not flow.event_driven
    assert flow.polled_from == "NetSuite" and "polling NetSuite" in str(flow.cadence)


def test_an_interval_as_long_as_the_target_is_a_coherence_warning(book):
    report = _report(book, ["P-1", "Publish stock", "Scheduled", "", "", "every 5 minutes", "5 minutes"])
    (problem,) = [p for p in report.problems if p.code == "cadence-no-headroom"]
    assert problem.cell == "F2" and "every 2 minutes" in problem.hint
    shorter = _report(book, ["P-1", "Publish stock", "Scheduled", "", "", "every 2 minutes", "5 minutes"])
    assert not [p for p in shorter.problems if p.code == "cadence-no-headroom"]


@pytest.mark.parametrize(("frequency", "verdict"), [("every 5 minutes", "leaves no time"), ("hourly", "cannot be met")])
def test_the_specs_say_a_target_the_interval_does_not_leave_room_for_is_to_be_confirmed(frequency, verdict):
    ctx = _ctx(
        Workflow(
            2,
            "Publish on-hand",
            "Scheduled",
            None,
            "NetSuite",
            "Shopify",
            parse_frequency(frequency),
            parse_span("5 minutes"),
        ),
        systems=(_NO_HOOKS,),
    )
    (spec,) = build_specs(ctx).workflows
    assert verdict in spec.timing and "to be confirmed" in spec.timing
    quick = _ctx(
        Workflow(
            2,
            "Publish on-hand",
            "Scheduled",
            None,
            "NetSuite",
            "Shopify",
            parse_frequency("every 2 minutes"),
            parse_span("5 minutes"),
        ),
        systems=(_NO_HOOKS,),
    )
    assert build_specs(quick).workflows[0].timing == ""


def test_a_clock_time_in_a_frequency_names_whose_local_time_it_is():
    daily = _ctx(
        Workflow(2, "Post payouts", "Scheduled", None, "Shopify", "NetSuite", parse_frequency("daily at 06:00"))
    )
    assert build_specs(daily).clock_times
    hourly = _ctx(Workflow(2, "Post payouts", "Scheduled", None, "Shopify", "NetSuite", parse_frequency("hourly")))
    assert not build_specs(hourly).clock_times
