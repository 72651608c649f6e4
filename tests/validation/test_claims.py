"""Issue 21: coherence of the text's claims. A success criterion's duration against its workflow's
stated Frequency, an open question its workflow's row already answers, and an open question on a
system the plans resolve by default; each a located warning, in ``validate --json`` and the review."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.context.flows import build_flows
from planforge.core.model import OpenItem, SuccessCriterion, Workflow
from planforge.derive.completeness import Assumed
from planforge.intake.parse import parse_frequency, parse_span
from planforge.pipeline import generate
from planforge.validation.claims import answered_topic, asks_assumed_system, assumed_systems, stated_duration
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, flat, make_project

WF_HEADER = ["Project ID", "Workflow", "Trigger", "Source System", "Target System", "Frequency", "Latency Target"]
SC_HEADER = ["Project ID", "Criterion", "Workflow"]
OI_HEADER = ["Project ID", "Item", "Type", "Owner", "Due Date", "Workflow"]
STOCK = ["P-1", "Publish stock levels to Shopify", "Scheduled", "QuickBooks Online", "Shopify", "hourly", ""]
ORDERS = ["P-1", "Create invoices from Shopify orders", "Real-time", "Shopify", "QuickBooks Online", "", ""]


def _book(book, criteria=(), items=(), workflows=(STOCK, ORDERS), projects=None):
    return book(
        Projects=projects or [PROJECT_HEADER, PROJECT_ROW],
        Workflows=[WF_HEADER, *workflows],
        **{"Success Criteria": [SC_HEADER, *criteria], "Open Items": [OI_HEADER, *items]},
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Inventory within 5 minutes", "5 minutes"),
        ("Stock in Shopify in under 10 min.", "10 minutes"),
        ("Orders post <15 min after payment", "15 minutes"),
        ("Tracking visible within 1 hour of label creation", "1 hour"),
        ("Stock levels at most 2 hours old", "2 hours"),
        ("30 consecutive days with zero unreconciled orders", None),  # no lead word: not a latency
        ("Invoice corrections under 2 per month", None),  # "2 per" is no span
        ("95% within 5 minutes, all within 1 hour", None),  # two durations: not one clear claim
        ("Orders within five minutes", None),  # the strict parser reads digits only
    ],
)
def test_a_criterion_states_one_duration_read_by_the_span_parser(text, shown):
    span = stated_duration(text)
    assert (span.text if span else None) == shown


def test_a_criterion_faster_than_its_workflows_frequency_is_a_located_warning(book):
    path = _book(book, criteria=[["P-1", "Inventory within 5 minutes", "1"]])
    report = validate_files([path])
    (problem,) = [p for p in report.problems if p.code == "criterion-cadence-slower"]
    assert problem.flat() == ("Success Criteria", 2, "Criterion", "criterion-cadence-slower")
    assert problem.cell == "B2" and problem.severity == "warning"
    assert (
        "promises 5 minutes" in problem.message and '"Publish stock levels to Shopify" runs hourly' in problem.message
    )
    assert "up to 1 hour" in problem.message and "every 2 minutes" in problem.hint
    assert report.valid


@pytest.mark.parametrize(
    ("criterion", "workflow", "frequency"),
    [
        ("Inventory within 5 minutes", "", "hourly"),  # blank Workflow: about the whole project, not checked
        ("Inventory within 2 hours", "1", "hourly"),  # hourly meets 2 hours
        ("Inventory is always accurate", "1", "hourly"),  # no duration
        ("Inventory within 5 minutes", "1", ""),  # no stated Frequency
        ("Inventory within 5 minutes", "1", "real-time"),
    ],
)
def test_criteria_the_cadence_meets_or_that_are_not_checked_have_no_warning(book, criterion, workflow, frequency):
    stock = [*STOCK[:5], frequency, ""]
    path = _book(book, criteria=[["P-1", criterion, workflow]], workflows=(stock, ORDERS))
    assert not [p for p in validate_files([path]).problems if p.code == "criterion-cadence-slower"]


def test_a_criterion_tied_to_an_on_demand_workflow_cannot_be_met(book):
    stock = [*STOCK[:2], "Manual", *STOCK[3:5], "on demand", ""]
    path = _book(book, criteria=[["P-1", "Stock within 1 hour", "Publish stock levels to Shopify"]], workflows=(stock,))
    (problem,) = [p for p in validate_files([path]).problems if p.code == "criterion-cadence-slower"]
    assert "until someone starts a run" in problem.message


@pytest.mark.parametrize("sheet", ["Success Criteria", "Open Items"])
def test_an_unknown_workflow_is_a_located_warning_with_the_closest_name(book, sheet):
    row = ["P-1", "Inventory within 5 minutes", "Publish stock level"]
    if sheet == "Open Items":
        row = ["P-1", "Who signs off the stock feed?", "Question", "", "", "Publish stock level"]
    path = _book(book, **({"criteria": [row]} if sheet == "Success Criteria" else {"items": [row]}))
    report = validate_files([path])
    column = "C" if sheet == "Success Criteria" else "F"
    (problem,) = [p for p in report.problems if p.code == "unknown-workflow"]
    assert problem.flat() == (sheet, 2, "Workflow", "unknown-workflow") and problem.cell == f"{column}2"
    assert '(closest: "Publish stock levels to Shopify")' in problem.message
    assert report.valid


def test_workflow_cells_match_by_number_name_and_several(book):
    criteria = [
        ["P-1", "Stock within 1 day", "#1"],
        ["P-1", "Both within 1 day", "W1; create invoices from shopify orders"],
    ]
    report = validate_files([_book(book, criteria=criteria)])
    assert not [p for p in report.problems if p.code == "unknown-workflow"]
    (project,) = report.portfolio.projects
    assert [s.workflow for s in project.success_criteria] == ["#1", "W1; create invoices from shopify orders"]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Should stock sync in real time?", "frequency"),
        ("Should stock publish hourly or every 15 minutes?", "frequency"),
        ("How often should stock sync?", "frequency"),
        ("Which way does stock flow?", "direction"),
        ("Is the stock feed one-way?", "direction"),
        ("Should the stock feed be triggered by webhooks?", "trigger"),
        ("Is the stock feed started manually?", "frequency"),  # hourly: the row says it is not
    ],
)
def test_a_question_the_tied_workflow_row_answers_is_a_located_warning(book, question, topic):
    path = _book(book, items=[["P-1", question, "Question", "", "", "1"]])
    report = validate_files([path])
    (problem,) = [p for p in report.problems if p.code == "question-answered-by-row"]
    assert problem.flat() == ("Open Items", 2, "Item", "question-answered-by-row") and problem.cell == "B2"
    assert f"asks about the {topic} of workflow" in problem.message
    assert report.valid


@pytest.mark.parametrize(
    ("question", "kind", "workflow"),
    [
        ("Should stock sync in real time?", "Question", ""),  # not tied: never guessed from the text
        ("Should stock sync in real time?", "Assumption", "1"),  # not a question
        ("Which location is the default for unassigned stock?", "Question", "1"),  # not about a stated fact
        ("Does the daily summary include refunds?", "Question", "1"),  # 'daily' names a report, not a cadence
        ("Should we go live in March?", "Question", "1"),
        ("Is a real-time dashboard needed?", "Question", "1"),
        ("Is the manual stock export still needed?", "Question", "1"),
        ("Which system holds the tax rates?", "Question", "1"),
        ("Is there one way to look up SKUs?", "Question", "1"),
    ],
)
def test_questions_not_certainly_about_a_stated_fact_are_not_findings(book, question, kind, workflow):
    path = _book(book, items=[["P-1", question, kind, "", "", workflow]])
    assert not [p for p in validate_files([path]).problems if p.code == "question-answered-by-row"]


def test_a_frequency_question_on_a_row_without_a_frequency_is_not_answered():
    w = Workflow(2, "Publish stock", "Scheduled", None, "NetSuite", "Shopify")
    assert answered_topic("Should stock publish hourly or every 15 minutes?", w) is None
    assert answered_topic("Should stock publish hourly?", Workflow(2, "Publish stock", None, None)) is None
    hourly = Workflow(2, "Publish stock", None, None, frequency=parse_frequency("hourly"))
    assert answered_topic("Which way does stock flow?", hourly) is None  # no stated ends
    manual = Workflow(2, "Create return labels", "Manual")
    assert answered_topic("Are return labels created manually?", manual) == ("trigger", "Trigger Manual", "Trigger")


FJORD = ["P-1", "Marketplace bookkeeping", "Fjord Knitwear", "Etsy", "QuickBooks", 0.6, "2026-02-02"]


def test_a_question_on_an_assumed_system_is_a_located_warning_and_the_question_stays(book, tmp_path):
    path = _book(
        book,
        items=[["P-1", "QuickBooks Online or Desktop?", "Question", "", "", ""]],
        workflows=(),
        projects=[PROJECT_HEADER, FJORD],
    )
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    found = [p for p in json.loads(result.output)["problems"] if p["code"] == "question-on-assumed-system"]
    assert [(p["sheet"], p["row"], p["column"], p["cell"]) for p in found] == [("Open Items", 2, "Item", "B2")]
    assert "the plans assume QuickBooks Online" in found[0]["message"]
    assert "Projects > System B" in found[0]["hint"]
    generate([path], tmp_path / "out", plan_date=date(2026, 1, 15), summary=False)
    review = (tmp_path / "out" / "review" / "P-1-review.md").read_text("utf-8")
    assert 'Open Items!B2 (Item): Open question "QuickBooks Online or Desktop?" asks which QuickBooks' in review


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("QuickBooks Online or Desktop?", True),
        ("Is it QuickBooks Desktop?", True),
        ("Which QuickBooks class should online orders use?", False),  # 'class' is no variant
        ("Who owns the QuickBooks login?", False),
    ],
)
def test_only_a_question_naming_a_variant_of_the_system_is_about_it(question, asked):
    project = make_project(system_a="Etsy", system_b="QuickBooks")
    found = asks_assumed_system(OpenItem(2, question, "Question"), assumed_systems(project))
    assert (found is not None) is asked


def test_a_system_written_in_full_is_not_assumed():
    assert assumed_systems(make_project(system_a="Shopify", system_b="QuickBooks Online")) == []


def test_the_criterion_finding_reaches_json_and_the_review(book, tmp_path):
    path = _book(book, criteria=[["P-1", "Inventory within 5 minutes", "1"]])
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    found = [p for p in json.loads(result.output)["problems"] if p["code"] == "criterion-cadence-slower"]
    assert [(p["sheet"], p["cell"], p["severity"]) for p in found] == [("Success Criteria", "B2", "warning")]
    generate([path], tmp_path / "out", plan_date=date(2026, 1, 15), summary=False)
    review = (tmp_path / "out" / "review" / "P-1-review.md").read_text("utf-8")
    assert (
        'Success Criteria!B2 (Criterion): Success criterion "Inventory within 5 minutes" promises 5 minutes' in review
    )


def test_flat_locations_of_all_three_findings(book):
    path = _book(
        book,
        criteria=[["P-1", "Inventory within 5 minutes", "1"]],
        items=[["P-1", "Should stock sync in real time?", "Question", "", "", "1"]],
    )
    found = [
        f
        for f in flat(validate_files([path]), "warning")
        if f[3] in {"criterion-cadence-slower", "question-answered-by-row"}
    ]
    assert found == [
        ("Success Criteria", 2, "Criterion", "criterion-cadence-slower"),
        ("Open Items", 2, "Item", "question-answered-by-row"),
    ]


def test_a_criterion_tighter_than_its_workflows_latency_target_is_a_located_warning(book):
    orders = [*ORDERS[:6], "5 minutes"]
    path = _book(book, criteria=[["P-1", "Invoices within 2 minutes of payment", "2"]], workflows=(STOCK, orders))
    (problem,) = [p for p in validate_files([path]).problems if p.code == "criterion-tighter-than-target"]
    assert problem.flat() == ("Success Criteria", 2, "Criterion", "criterion-tighter-than-target")
    assert "promises 2 minutes" in problem.message and "Latency Target of 5 minutes" in problem.message


def test_a_criterion_the_latency_target_meets_has_no_tighter_warning(book):
    orders = [*ORDERS[:6], "5 minutes"]
    path = _book(book, criteria=[["P-1", "Invoices within 10 minutes of payment", "2"]], workflows=(STOCK, orders))
    assert not [p for p in validate_files([path]).problems if p.code == "criterion-tighter-than-target"]


def test_a_polled_workflow_is_sized_to_the_tighter_of_its_target_and_its_criterion():
    orders = Workflow(
        row=2,
        workflow="Create invoices from Shopify orders",
        trigger="Real-time",
        latency_target=parse_span("5 minutes"),
    )
    promise = SuccessCriterion(row=2, criterion="Invoices within 2 minutes", workflow="1")
    (alone,) = build_flows(make_project(workflows=[orders]), {"Shopify": "No"})
    (promised,) = build_flows(make_project(workflows=[orders], success_criteria=[promise]), {"Shopify": "No"})
    assert alone.poll == "every 2 minutes"  # the slowest standard interval under the 5-minute target
    assert promised.poll == "every minute"  # under the criterion's 2 minutes, not the target's 5
    assert isinstance(promised.cadence, Assumed) and "success criterion's 2 minutes" in promised.cadence.basis
    assert promised.latency == alone.latency  # the stated target is still what the documents show as the target
    assert promised.promise == parse_span("2 minutes") and alone.promise is None  # what the timed test case checks
