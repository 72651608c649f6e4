"""The technical specifications and the test cases state one rule each, read from one place: the catch-up
cadence of an event-driven workflow (``common.catch_up_every``), the specs section a case cites
(``common.specs_section``) and the keys that match by a business value (``validation.mappings.natural_keys``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from planforge.context.companions.specs import build_specs
from planforge.context.documents import build_test_cases
from planforge.context.plan import build_context
from planforge.core.model import FieldMapping, Settings, Span, SystemFacts, Workflow
from support import make_project

DAY = date(2026, 1, 15)
_HOOKS = (SystemFacts(3, "Shopify", webhooks="Yes"), SystemFacts(4, "NetSuite", webhooks="No"))


def _ctx(workflows: list[Workflow], maps: list[FieldMapping]):
    project = make_project(
        system_a="Shopify", system_b="NetSuite", workflows=workflows, systems=list(_HOOKS), field_mappings=maps
    )
    return build_context(project, Settings(), DAY)


@pytest.mark.parametrize(
    ("latency", "every"),
    [
        (Span("20 minutes", timedelta(minutes=20)), "every 20 minutes"),
        (Span("4 hours", timedelta(hours=4)), "every hour"),
    ],
)
def test_the_specs_and_the_test_cases_state_one_catch_up_cadence_and_section(latency: Span, every: str):
    """A real-time workflow from a system that pushes events (second in the intake, so its section is 4.2):
    the specs' Missed events paragraph and the revoked-credential case name the same cadence and section."""
    stock = Workflow(2, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")
    orders = Workflow(
        3, "Create NetSuite orders from Shopify", "Real-time", None, "Shopify", "NetSuite", latency_target=latency
    )
    maps = [FieldMapping(4, "2", "id", "externalId", "Order", "SalesOrder", key=True)]
    ctx = _ctx([stock, orders], maps)
    spec = build_specs(ctx).workflows[1]
    assert spec.number == "4.2"
    assert f"A reconciliation run {every} (assumed)" in spec.missed_events
    recovery = [c.expected for c in build_test_cases(ctx).cases if "reconciliation run (" in c.expected]
    assert recovery
    for text in recovery:
        assert re.search(rf"reconciliation run \({every}, assumed; technical specifications, section 4\.2\)", text)


def _dup_keys(ctx) -> list[str]:
    return [
        c.scenario.rsplit("with the same ", 1)[1]
        for c in build_test_cases(ctx).cases
        if c.standard and c.scenario.startswith("Two ") and " with the same " in c.scenario
    ]


def test_each_natural_key_the_specs_flag_gets_a_duplicate_case():
    """A barcode key and a key found by its SKU through the Transform (the specs' natural keys) each get
    the duplicate case, not only a field named 'sku'; a key by the system's ID gets none in either."""
    items = Workflow(2, "Sync NetSuite items to Shopify", "Scheduled", None, "NetSuite", "Shopify")
    stock = Workflow(3, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")
    orders = Workflow(4, "Create NetSuite orders from Shopify", "Scheduled", None, "Shopify", "NetSuite")
    maps = [
        FieldMapping(5, "1", "upcCode", "variants.barcode", "InventoryItem", "Product", key=True),
        FieldMapping(
            6, "2", "item", "inventory_item_id", "InventoryBalance", "InventoryLevel", "The item with the SKU", key=True
        ),
        FieldMapping(
            8, "2", "location", "location_id", "InventoryBalance", "InventoryLevel", "Location table", key=True
        ),
        FieldMapping(7, "3", "id", "externalId", "Order", "SalesOrder", key=True),
    ]
    ctx = _ctx([items, stock, orders], maps)
    specs = build_specs(ctx).workflows
    assert [w.assumed_unique for w in specs] == [("barcode",), ("SKU",), ()]
    assert _dup_keys(ctx) == ["Product.variants.barcode", "SKU"]
    case = next(c for c in build_test_cases(ctx).cases if c.scenario.endswith("with the same SKU"))
    assert "whose SKU is that value" in case.steps[1]
    assert "two Shopify inventory items match its SKU)" in case.expected
