"""Issue 21, second slice: the companion documents speak of each workflow from its own rows: test
cases from its Test Scenarios and Field Mappings rows, specification alerts from its Alerts rows, and
the key facts' systems line from the workflows' directions."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.context.documents import build_specs, build_test_cases
from planforge.context.plan import build_context
from planforge.core.model import Alert, FieldMapping, Settings, SystemFacts, Workflow
from planforge.core.model import TestScenario as Scenario
from planforge.render.environment import render_document, render_review
from support import make_project

DAY = date(2026, 1, 15)
_HOOKS = (SystemFacts(3, "Shopify", webhooks="Yes"), SystemFacts(4, "NetSuite", webhooks="No"))
_ORDERS = Workflow(2, "Create NetSuite orders from Shopify", "Real-time", None, "Shopify", "NetSuite")
_STOCK = Workflow(3, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")


def _ctx(*workflows: Workflow, **kw: object):
    base = dict(system_a="Shopify", system_b="NetSuite", workflows=list(workflows), systems=list(_HOOKS))
    return build_context(make_project(**(base | kw)), Settings(), DAY)


def _agreed(ctx):
    """The cases of the intake's own scenarios, without the standard ones the document adds."""
    return tuple(c for c in build_test_cases(ctx).cases if not c.standard)


def test_a_scenario_naming_two_workflows_is_two_distinct_cases():
    ctx = _ctx(
        _ORDERS,
        _STOCK,
        test_scenarios=[Scenario(2, "NetSuite concurrency limit reached", "Error Handling", "1; 2")],
    )
    cases = _agreed(ctx)
    assert [(c.workflow, c.scenario) for c in cases] == [
        (_ORDERS.workflow, "NetSuite concurrency limit reached (Shopify to NetSuite)"),
        (_STOCK.workflow, "NetSuite concurrency limit reached (NetSuite to Shopify)"),
    ]
    assert cases[0].steps[1] == (  # a limit is reached by load: the step says how a tester makes it
        "In the NetSuite test environment, hold the account's load near its limit, not at it, with a load script "
        "(standing in for other clients' share of it), so that some of the integration's calls are throttled"
    )
    assert cases[1].steps[-1] == "Check Shopify for duplicate or partial records"


def test_a_concurrency_limit_case_pushes_the_integration_against_the_limit():
    """NetSuite's limit counts requests in flight (catalog): with 15 stated for the account and the
    integration capped at 5 (a risk's mitigation), the load script holds all but 2, fewer than the cap,
    and a bulk load the size of a day's stated volume follows, so the integration meets the limit; a
    load at the limit would leave it none. The throttling pauses the queue, and the backlog clears."""
    from planforge.core.model import Risk

    systems = [
        SystemFacts(3, "Shopify", webhooks="Yes"),
        SystemFacts(4, "NetSuite", "15 concurrent requests, shared with the 3PL connector"),
    ]
    risk = Risk(2, "NetSuite concurrency shared", "High", "High", "Queue with a concurrency cap of 5")
    scenario = Scenario(2, "NetSuite concurrency limit reached", "Error Handling", "1")
    alerts = [Alert(2, "Queue backlog", "> 500 pending jobs for 10 minutes", "Medium", "2 hours")]
    (case,) = _agreed(
        _ctx(
            _ORDERS,
            systems=systems,
            risks=[risk],
            test_scenarios=[scenario],
            alerts=alerts,
            data_volume="600 orders a day across 3 warehouses, 11,000 SKUs",
        )
    )
    assert case.steps[1] == (
        "In the NetSuite test environment, hold 13 of the account's 15 concurrent requests with a load script "
        "(standing in for the 3PL connector), so that only 2 remain, fewer than the 5 the integration's "
        "concurrency cap allows"
    )
    assert case.steps[0].startswith("Ahead of the test, make the load in Shopify: ")
    assert "600 in all (a day's volume: 600 orders a day)" in case.steps[0]
    assert (
        case.steps[2]
        == "Start the bulk load: replay the 600 captured change events to the integration's webhook endpoint at once"
    )
    assert case.expected.startswith(
        "The integration never exceeds its cap of 5 concurrent requests; NetSuite throttles some of the "
        "integration's requests, and the integration pauses its queue and backs off rather than failing"
    )
    assert "no record is lost, parked or written twice" in case.expected
    assert case.expected.endswith(
        "the queue backlog alert is raised if, and only if, the backlog noted as it clears crosses its threshold "
        "(> 500 pending jobs for 10 minutes)"
    )
    assert "refuses none" not in case.expected
    # without a stated cap the load stays near the limit, and only the backlog's clearing is timed
    (near,) = _agreed(_ctx(_ORDERS, systems=systems, test_scenarios=[scenario]))
    assert near.steps[1] == (
        "In the NetSuite test environment, hold the account's load near its limit, not at it, with a load script "
        "(standing in for the 3PL connector), so that some of the integration's calls are throttled"
    )
    assert "refuses none" not in near.expected


def test_workflows_sharing_a_direction_are_told_apart_by_number():
    second = Workflow(4, "Post payouts to NetSuite", "Scheduled", None, "Shopify", "NetSuite")
    ctx = _ctx(_ORDERS, second, test_scenarios=[Scenario(2, "Token expires", "Error Handling", "1; 2")])
    assert [c.scenario for c in _agreed(ctx)] == [
        "Token expires (workflow 1)",
        "Token expires (workflow 2)",
    ]


def test_a_scenario_repeated_for_the_same_workflow_is_one_case():
    ctx = _ctx(
        _ORDERS,
        test_scenarios=[
            Scenario(2, "Order creates a sales order", "Happy Path", "1"),
            Scenario(3, "order creates a  sales order", "Happy Path", "1"),
            Scenario(4, "Unassigned scenario", "Happy Path", None),
            Scenario(5, "Unassigned  scenario", "Happy Path", None),
        ],
    )
    assert [c.scenario for c in _agreed(ctx)] == ["Order creates a sales order", "Unassigned scenario"]


def test_a_scenario_typed_for_one_workflow_and_again_for_two_is_one_case_for_the_first():
    ctx = _ctx(
        _ORDERS,
        _STOCK,
        test_scenarios=[
            Scenario(2, "Price change reaches the other system", "Happy Path", "1"),
            Scenario(3, "Price change reaches the other system", "Happy Path", "1; 2"),
        ],
    )
    assert [(c.workflow, c.scenario) for c in _agreed(ctx)] == [
        (_ORDERS.workflow, "Price change reaches the other system"),
        (_STOCK.workflow, "Price change reaches the other system (NetSuite to Shopify)"),
    ]


def test_happy_path_expects_the_workflows_own_field_mappings():
    maps = [
        FieldMapping(2, "2", "quantityAvailable", "available", "InventoryBalance", "InventoryLevel"),
        FieldMapping(3, "2", "location", "location_id", "InventoryBalance", "InventoryLevel", "Location table"),
        FieldMapping(4, "1", "id", "externalId", "Order", "SalesOrder"),
    ]
    ctx = _ctx(
        _ORDERS,
        _STOCK,
        field_mappings=maps,
        test_scenarios=[Scenario(2, "Stock change", "Happy Path", "2"), Scenario(3, "Bundle SKU", "Edge Case", "2")],
    )
    happy, edge = _agreed(ctx)
    assert happy.expected == (
        "In Shopify: InventoryLevel.available equals NetSuite InventoryBalance.quantityAvailable; "
        "InventoryLevel.location_id is NetSuite InventoryBalance.location mapped through the location table; "
        "and no alert is raised"
    )
    assert "SalesOrder" not in happy.expected and "as the scenario states" not in happy.expected
    # the intake states no expected result for an edge case: it expects what the mappings give, never a TBD
    # mark that reads like template text (the review lists it as an expected result to agree)
    assert not edge.open_outcome and edge.expected.startswith("In Shopify: InventoryLevel.available equals")


def test_security_case_names_both_systems():
    ctx = _ctx(_ORDERS, test_scenarios=[Scenario(2, "Replayed webhook with a bad signature", "Security", "1")])
    (case,) = _agreed(ctx)
    assert (
        case.steps[0]
        == 'Attempt "Replayed webhook with a bad signature" against the Shopify and NetSuite test environments'
    )
    assert case.expected.endswith("no data is read from Shopify or written to NetSuite")


def test_key_facts_systems_read_both_ways_when_the_workflows_do():
    assert _ctx(_ORDERS, _STOCK).header.systems == "Shopify \u2194 NetSuite"
    assert _ctx(_ORDERS).header.systems == "Shopify \u2192 NetSuite"
    assert _ctx(_STOCK).header.systems == "NetSuite \u2192 Shopify"
    assert _ctx().header.systems == "Shopify \u2192 NetSuite"


def test_key_facts_systems_resting_on_assumed_directions_are_marked_and_reviewed():
    ctx = _ctx(_ORDERS, Workflow(3, "Send stock levels back to Shopify", "Scheduled"))
    assert str(ctx.header.systems) == "Shopify \u2194 NetSuite (assumed)"
    assert "Key facts systems: Shopify \u2194 NetSuite (basis: from the workflows' assumed directions" in render_review(
        ctx
    )


def _alert(row: int, name: str, workflow: str | None = None) -> Alert:
    return Alert(row, name, "> 1%", "High", "1 hour", workflow)


def test_specs_list_each_workflows_own_alerts_and_refer_to_the_shared_ones_once():
    ctx = _ctx(_ORDERS, _STOCK, alerts=[_alert(2, "Sync failure rate"), _alert(3, "Inventory drift", "2")])
    specs = build_specs(ctx)
    assert [a.alert for a in specs.shared_alerts] == ["Sync failure rate"]
    orders, stock = specs.workflows
    assert orders.alerts == () and stock.alerts[0].alert == "Inventory drift"
    text = render_document("technical-specs", ctx)
    assert text.count("**Sync failure rate**") == 1  # in section 1 only, not repeated per workflow
    # workflow 1 has nothing of its own to add, and says so: every workflow section closes alike
    assert text.count("**Alerting**") == 2
    assert "**Alerting**: the alerts on every workflow (section 1); none of its own." in text
    assert "**Platform notes**" not in text and text.count("**Open questions**") == 2  # no notes: no line


def test_a_workflow_no_alert_covers_gets_defaults_named_for_it_marked_and_reviewed():
    ctx = _ctx(_ORDERS, _STOCK, alerts=[_alert(2, "Inventory drift", "2")])
    orders, stock = build_specs(ctx).workflows
    assert [a.alert for a in stock.alerts] == ["Inventory drift"]
    names = [str(a.alert) for a in orders.alerts]
    assert names == [
        "Workflow 1: failed writes to NetSuite (assumed)",
        "Workflow 1: NetSuite behind Shopify (assumed)",
        "Workflow 1: sign-in refused by Shopify or NetSuite (assumed)",
    ]
    assert orders.alerts[1].threshold == "A Shopify change not in NetSuite within 15 minutes"
    review = render_review(ctx)
    assert "Workflow 1 (Create NetSuite orders from Shopify) alerts: Workflow 1: failed writes to NetSuite;" in review
    assert "add Alerts rows with Workflow 1" in review
    assert "Workflow 2 (Publish on-hand to Shopify) alerts" not in review


def test_with_no_alerts_at_all_every_workflow_gets_its_own_defaults():
    specs = build_specs(_ctx(_ORDERS, _STOCK))
    assert specs.shared_alerts == ()
    stock = specs.workflows[1]
    assert str(stock.alerts[0].alert) == "Workflow 2: failed writes to Shopify (assumed)"
    assert stock.alerts[1].threshold == "A scheduled run missed, or still running when the next one is due"


@pytest.mark.parametrize(
    ("scenario", "says"),
    [
        ("NetSuite concurrency limit reached", "pauses its queue and backs off rather than failing"),
        ("NetSuite times out mid-write", "retried on the schedule of the technical specifications"),
    ],
)
def test_an_error_case_expects_what_the_specs_say_of_its_kind_of_failure(scenario, says):
    ctx = _ctx(_ORDERS, test_scenarios=[Scenario(2, scenario, "Error Handling", "1")])
    (case,) = _agreed(ctx)
    assert says in case.expected
    assert "an alert reaches the support team" not in case.expected  # one record is counted, never paged
