"""Issue 21: the technical specifications and the support playbook say nothing the intake contradicts:
a matching key that cannot tell records apart is printed as one to confirm, a transform that a stated
rule touches is not "copied as is", retries stay within each workflow's latency target, rate limits
are described once, and each alert play names its workflows and their systems."""

from __future__ import annotations

import re
from datetime import date

from planforge.context.documents import build_playbook, build_specs
from planforge.context.plan import build_context
from planforge.core.model import Alert, FieldMapping, Settings, SystemFacts, Workflow
from planforge.intake.parse import parse_span
from planforge.render.environment import render_document
from support import make_project

DAY = date(2026, 1, 15)
_HOOKS = (SystemFacts(3, "Shopify", webhooks="Yes"), SystemFacts(4, "NetSuite", webhooks="No"))
_ORDERS = Workflow(2, "Create NetSuite orders from Shopify", "Real-time", None, "Shopify", "NetSuite")
_STOCK = Workflow(3, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")


def _ctx(*workflows: Workflow, **kw: object):
    base = dict(system_a="Shopify", system_b="NetSuite", workflows=list(workflows), systems=list(_HOOKS))
    return build_context(make_project(**(base | kw)), Settings(), DAY)


def _key(workflow: str, target: str, field: str, row: int = 2) -> FieldMapping:
    return FieldMapping(row, workflow, "source", field, "Source", target, key=True)


def test_a_key_naming_only_the_parent_record_is_printed_as_one_to_confirm():
    ctx = _ctx(
        _ORDERS,
        _STOCK,
        field_mappings=[_key("1", "SalesOrder", "externalId"), _key("2", "Fulfillment", "order_id", 3)],
    )
    own, parent = build_specs(ctx).workflows
    assert own.keys == "SalesOrder.externalId" and not own.key_notes
    assert own.idempotency.startswith("Each record is looked up by its matching key (SalesOrder.externalId)")
    assert parent.keys == "Fulfillment.order_id (to be confirmed)"
    (note,) = parent.key_notes
    assert note.startswith("Fulfillment.order_id identifies the order each fulfillment belongs to, not the fulfillment")
    assert "must be confirmed before build" in note
    assert parent.idempotency.startswith("Once the matching key is confirmed")
    text = render_document("technical-specs", ctx)
    assert "(a matching key marked to be confirmed is agreed before build)" in text
    assert "**Matching key to confirm**: Fulfillment.order\\_id identifies the order" in text


def test_a_stock_quantity_of_an_inventory_project_is_not_copied_as_is():
    maps = [
        FieldMapping(2, "1", "quantityAvailable", "available", "InventoryBalance", "InventoryLevel"),
        FieldMapping(3, "1", "displayName", "title", "Item", "Product"),
    ]
    (spec,) = build_specs(_ctx(_STOCK, field_mappings=maps, integration_type=("inventory",))).workflows
    assert [m.transform for m in spec.mappings] == [
        "To be confirmed: copied as is, or net of buffer stock",
        "Copied as is",
    ]
    (plain,) = build_specs(_ctx(_STOCK, field_mappings=maps, integration_type=("accounting",))).workflows
    assert [m.transform for m in plain.mappings] == ["Copied as is", "Copied as is"]


def _minutes(text: str) -> list[int]:
    m = re.search(r"after ([\d, and]+) (minute|second)s?", text)
    assert m, text
    numbers = [int(n) for n in re.findall(r"\d+", m.group(1))]
    return numbers if m.group(2) == "minute" else [n / 60 for n in numbers]


def test_retries_stay_within_each_workflows_latency_target():
    fast = Workflow(
        2, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify", None, parse_span("5 minutes")
    )
    slow = Workflow(
        3, "Create orders in NetSuite", "Real-time", None, "Shopify", "NetSuite", None, parse_span("15 minutes")
    )
    tight = Workflow(
        4, "Send stock to Shopify", "Real-time", None, "NetSuite", "Shopify", None, parse_span("2 minutes")
    )
    free = Workflow(5, "Post payouts to NetSuite", "Scheduled", None, "Shopify", "NetSuite")
    specs = build_specs(_ctx(fast, slow, tight, free)).workflows
    for spec, target in zip(specs[:3], (5, 15, 2), strict=True):
        assert sum(_minutes(spec.retries)) <= target, spec.retries
        assert "latency target" in spec.retries and "the retries continue" in spec.retries
    assert "within the 5-minute latency target" in specs[0].retries
    assert _minutes(specs[1].retries) == [1, 2, 4, 8]
    assert "after 15, 30, and 60 seconds" in specs[2].retries
    assert specs[3].retries.startswith("Transient errors are retried five times, after 1, 2, 4, 8, and 16 minutes")


def test_the_specifications_state_rate_limit_handling_once_and_no_fixed_retry_schedule():
    text = render_document("technical-specs", _ctx(_ORDERS, _STOCK))
    assert text.count("429") == 1
    assert "(1, 2, 4, 8 and 16 minutes)" not in text


def _alert(row: int, name: str, workflow: str | None = None) -> Alert:
    return Alert(row, name, "> 1%", "High", "1 hour", workflow)


def test_each_alert_play_names_its_workflows_and_their_systems():
    ctx = _ctx(_ORDERS, _STOCK, alerts=[_alert(2, "Sync failure rate"), _alert(3, "Inventory drift", "2")])
    shared, drift = build_playbook(ctx).alerts
    assert shared.workflows == "Both workflows, writing from Shopify to NetSuite and from NetSuite to Shopify"
    assert shared.meaning.startswith("Writes to NetSuite or Shopify are failing")
    assert drift.workflows == "Workflow 2, Publish on-hand to Shopify (NetSuite to Shopify)"
    assert drift.fix[0] == "Correct the records from the system that owns them (NetSuite, the source of the workflow)"
    for play in (shared, drift):
        words = " ".join((play.meaning, *play.diagnose, *play.fix))
        assert "one of the systems" not in words and "both systems" not in words and "target system" not in words
    text = render_document("support-playbook", ctx)
    assert "| 2 | Publish on-hand to Shopify | NetSuite | Shopify |" in text


def test_a_workflow_no_alert_covers_gets_standard_plays_named_for_it():
    ctx = _ctx(_ORDERS, _STOCK, alerts=[_alert(2, "Order failures", "1")])
    book = build_playbook(ctx)
    assert book.has_defaults and not book.alerts_are_standard
    names = [str(a.alert) for a in book.alerts]
    assert names[0] == "Order failures"
    assert names[1:] == [
        "Workflow 2: failed writes to Shopify (assumed)",
        "Workflow 2: Shopify behind NetSuite (assumed)",
        "Workflow 2: sign-in refused by NetSuite or Shopify (assumed)",
    ]
    assert {a.workflows for a in book.alerts[1:]} == {"Workflow 2, Publish on-hand to Shopify (NetSuite to Shopify)"}
    assert book.alerts[3].diagnose[0] == "Find in the logs which system refused the credentials: NetSuite or Shopify"
    assert "standard alerts (assumed), named for it and its systems" in render_document("support-playbook", ctx)


def test_without_workflows_or_alerts_the_standard_plays_name_the_projects_systems():
    book = build_playbook(_ctx())
    assert book.alerts_are_standard and not book.flows
    auth = next(a for a in book.alerts if a.alert == "Authentication failure")
    assert auth.meaning.startswith("The integration cannot sign in to Shopify or NetSuite")
    assert auth.workflows == "Every workflow"
