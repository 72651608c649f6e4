"""Issue 21, a client architect's read of the technical specifications: what a workflow's records need
beyond the mappings the intake lists is stated from the catalog as the design to confirm, never invented:
a stock quantity written to a system that sells from it is a compare-and-set net of the orders on their
way; fields the target requires and no mapping sets are listed to confirm; a net amount posted as one
figure is raised against the success criterion it cannot meet; a key naming only the parent record gets
the key that tells records apart; a key matching by a business value (a SKU) is assumed unique."""

from __future__ import annotations

import re
from datetime import date

from planforge.context.documents import build_specs
from planforge.context.plan import build_context
from planforge.core.model import FieldMapping, OpenItem, Settings, SuccessCriterion, SystemFacts, Workflow
from planforge.intake.parse import parse_span
from planforge.render.environment import render_document
from planforge.validation.mappings import natural_keys
from support import make_project

DAY = date(2026, 1, 15)
_SYSTEMS = (SystemFacts(3, "Shopify", webhooks="Yes"), SystemFacts(4, "NetSuite", webhooks="No"))
_ORDERS = Workflow(2, "Create NetSuite orders from Shopify", "Real-time", None, "Shopify", "NetSuite")
_STOCK = Workflow(3, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")
_PAYOUTS = Workflow(4, "Post payouts as deposits", "Scheduled", None, "Shopify", "NetSuite")
_SHIPPED = Workflow(5, "Sync fulfilments to Shopify", "Scheduled", None, "NetSuite", "Shopify")
_ORDER_ID = FieldMapping(2, "1", "id", "externalId", "Order", "SalesOrder", required=True, key=True)


def _ctx(*workflows: Workflow, **kw: object):
    base = dict(system_a="Shopify", system_b="NetSuite", workflows=list(workflows), systems=list(_SYSTEMS))
    return build_context(make_project(**(base | kw)), Settings(), DAY)


def _stock(workflow: str, transform: str | None = None) -> FieldMapping:
    return FieldMapping(3, workflow, "quantityAvailable", "available", "InventoryBalance", "InventoryLevel", transform)


def test_a_quantity_the_target_sells_from_is_a_compare_and_set_net_of_the_orders_on_their_way():
    ctx = _ctx(_ORDERS, _STOCK, field_mappings=[_ORDER_ID, _stock("2")])
    orders, stock = build_specs(ctx).workflows
    assert orders.concurrent_sales == ""  # a sales order is not a quantity Shopify sells from
    note = stock.concurrent_sales
    assert note.startswith("Shopify sells from InventoryLevel.available while this workflow writes it")
    # the orders still on their way are the ones section 4.1 carries; the write is a compare-and-set
    assert "Shopify orders still on their way to NetSuite (section 4.1)" in note
    assert "less the units of the Shopify orders NetSuite does not count yet" in note
    assert "changeFromQuantity" in note and "(source: shopify.dev/" in note
    assert "The design, to be confirmed before build: " in note and "since it was read (assumed);" in note
    assert "the guard against concurrent sales" in stock.to_confirm
    assert "**Concurrent sales**: Shopify sells from" in render_document("technical-specs", ctx)


def test_without_an_order_workflow_back_the_quantity_is_only_compare_and_set():
    (stock,) = build_specs(_ctx(_STOCK, field_mappings=[_stock("1")])).workflows
    assert "changeFromQuantity" in stock.concurrent_sales
    assert "on their way" not in stock.concurrent_sales and "less the units" not in stock.concurrent_sales


def test_a_transform_that_states_the_guard_is_not_second_guessed():
    stated = _stock("1", "Delta since the last read, applied as an adjustment")
    (stock,) = build_specs(_ctx(_STOCK, field_mappings=[stated])).workflows
    assert stock.concurrent_sales == ""
    # a field Shopify does not sell from is written as mapped
    title = FieldMapping(3, "1", "displayName", "title", "InventoryItem", "Product")
    (plain,) = build_specs(_ctx(_STOCK, field_mappings=[title])).workflows
    assert plain.concurrent_sales == ""


def test_the_fields_the_target_requires_and_no_mapping_sets_are_listed_to_confirm():
    maps = [
        FieldMapping(2, "1", "id", "externalId", "Payout", "Deposit", required=True, key=True),
        FieldMapping(3, "1", "net", "other.amount", "Payout", "Deposit", "Clearing account line", required=True),
        FieldMapping(4, "1", "currency", "currency", "Payout", "Deposit", required=True),
    ]
    ctx = _ctx(_PAYOUTS, field_mappings=maps)
    (spec,) = build_specs(ctx).workflows
    unmapped = [m for m in spec.mappings if m.source == "To be confirmed"]
    # the currency is mapped, so only the account and subsidiary are to confirm, with no value invented
    assert [m.target for m in unmapped] == ["Deposit.account", "Deposit.subsidiary"]
    assert all(m.transform.startswith("To be confirmed: ") and m.required == "Yes" for m in unmapped)
    assert spec.required_fields.startswith("NetSuite requires Deposit.account and Deposit.subsidiary (source: ")
    assert "the required fields not yet mapped" in spec.to_confirm
    assert "the mapping of Deposit.account" not in spec.to_confirm  # said once, not per row
    assert "**Required fields to confirm**: NetSuite requires" in render_document("technical-specs", ctx)


def test_a_net_amount_posted_as_one_figure_is_raised_against_the_criterion_it_cannot_meet():
    maps = [FieldMapping(3, "1", "net", "other.amount", "Payout", "Deposit", "One line on clearing", required=True)]
    criterion = SuccessCriterion(2, "Daily payout reconciliation without manual steps", "1")
    ctx = _ctx(_PAYOUTS, field_mappings=maps, success_criteria=[criterion])
    (spec,) = build_specs(ctx).workflows
    note = spec.net_amount
    assert note.startswith("Payout.net is posted as one amount, so the charges, refunds")
    assert "in transit" in note
    assert 'cannot meet the success criterion "Daily payout reconciliation without manual steps"' in note
    assert note.endswith("is an open question, agreed with the client before build.")
    assert "how the net amount's parts are posted" in spec.to_confirm
    text = render_document("technical-specs", ctx)
    assert "**Reconciliation to agree**: Payout.net is posted as one amount" in text
    # no criterion tied to the workflow: the parts are still raised, no criterion is named
    (loose,) = build_specs(_ctx(_PAYOUTS, field_mappings=maps)).workflows
    assert loose.net_amount and "success criteri" not in loose.net_amount


def test_a_net_amount_posted_with_its_parts_raises_nothing():
    maps = [
        FieldMapping(3, "1", "net", "other.amount", "Payout", "Deposit", required=True),
        FieldMapping(4, "1", "fees", "cashback.amount", "Payout", "Deposit", required=True),
    ]
    (spec,) = build_specs(_ctx(_PAYOUTS, field_mappings=maps)).workflows
    assert spec.net_amount == ""


def test_a_key_naming_the_parent_record_gets_the_key_that_tells_records_apart():
    key = FieldMapping(3, "1", "createdFrom", "order_id", "ItemFulfillment", "Fulfillment", required=True, key=True)
    (spec,) = build_specs(_ctx(_SHIPPED, field_mappings=[key])).workflows
    (note,) = spec.key_notes
    assert "Proposed in its place, to be confirmed before build:" in note
    # the source record's own ID, kept against the record written, and the lines each write names
    assert "(ItemFulfillment.internalId)" in note
    assert "fulfillmentOrderId" in note and "fulfillmentOrderLineItems" in note


def test_a_key_matching_by_a_business_value_is_found_by_field_or_transform():
    by_field = FieldMapping(2, "1", "itemId", "variants.sku", "InventoryItem", "Product", key=True)
    by_lookup = FieldMapping(
        3, "1", "item", "inventory_item_id", "InventoryBalance", "InventoryLevel", "By SKU", key=True
    )
    by_email = FieldMapping(4, "1", "email", "email", "Customer", "Profile", key=True)
    by_id = FieldMapping(5, "1", "id", "externalId", "Order", "SalesOrder", key=True)
    not_key = FieldMapping(6, "1", "sku", "sku", "Item", "Item")
    found = [(k.mapping.row, k.value) for k in natural_keys([by_field, by_lookup, by_email, by_id, not_key])]
    assert found == [(2, "SKU"), (3, "SKU"), (4, "email")]


def test_a_sku_key_is_assumed_unique_and_listed_to_confirm():
    key = FieldMapping(2, "1", "itemId", "variants.sku", "InventoryItem", "Product", key=True)
    question = OpenItem(2, "Which location is the default?", "Question", workflow="1")
    ctx = _ctx(_STOCK, field_mappings=[key], open_items=[question])
    (spec,) = build_specs(ctx).workflows
    (note,) = spec.key_assumptions
    assert note.startswith("Matching by SKU (Product.variants.sku) assumes each SKU is unique in the NetSuite catalog")
    assert "permanent error (section 3)" in note
    assert spec.to_confirm == "that each SKU is unique"
    text = render_document("technical-specs", ctx)
    assert "**Key assumption**: Matching by SKU" in text
    # a section with open questions of its own still lists what it raises itself
    assert "- Which location is the default?\n\nAlso to agree before build (set out above): " in text


def test_every_workflow_heading_starts_a_paragraph_of_its_own():
    key = FieldMapping(3, "1", "createdFrom", "order_id", "ItemFulfillment", "Fulfillment", key=True)
    text = render_document("technical-specs", _ctx(_SHIPPED, _STOCK, field_mappings=[key]))
    assert "**Open questions**: the matching key (see above)" in text
    headings = [m.start() for m in re.finditer(r"^### 4\.\d", text, re.MULTILINE)]
    assert len(headings) == 2
    assert all(text[h - 2 : h] == "\n\n" for h in headings)
    # and every section heading, after a paragraph whose wording depends on the dates
    for ctx in (_ctx(_ORDERS), build_context(make_project(workflows=[_ORDERS]), Settings(), date(2026, 12, 1))):
        rendered = render_document("technical-specs", ctx)
        starts = [m.start() for m in re.finditer(r"^##+ ", rendered, re.MULTILINE)][1:]  # after the title
        assert starts and all(rendered[s - 2 : s] == "\n\n" for s in starts), rendered[:1500]


def test_an_event_driven_workflow_says_how_a_missed_event_is_caught():
    timed = Workflow(
        2,
        "Create NetSuite orders from Shopify",
        "Real-time",
        None,
        "Shopify",
        "NetSuite",
        None,
        parse_span("15 minutes"),
    )
    ctx = _ctx(timed, _STOCK, field_mappings=[_ORDER_ID, _stock("2")])
    orders, stock = build_specs(ctx).workflows
    assert orders.missed_events.startswith("Shopify change events are delivered at least once but not always")
    # the reconciliation runs as often as the target it is to keep near, and says what it cannot keep
    assert "A reconciliation run every 15 minutes (assumed) reads the Shopify orders changed" in orders.missed_events
    assert orders.missed_events.endswith(
        "An order whose event is missed is written within twice the latency target, not within it."
    )
    assert stock.missed_events == ""  # a scheduled read position already covers every change
    assert "**Missed events**: Shopify change events" in render_document("technical-specs", ctx)
    # a criterion on the workflow that states the latency is named as not covering the missed-event path
    stated = SuccessCriterion(2, "Sales orders in NetSuite within 15 minutes", "1")
    loose = SuccessCriterion(3, "Orders in NetSuite within 1 hour", "1")  # twice the target still meets it
    criteria = [stated, loose]
    (tied, _) = build_specs(_ctx(timed, _STOCK, field_mappings=[_ORDER_ID], success_criteria=criteria)).workflows
    assert tied.missed_events.endswith(
        'not within it. That is the exception the success criterion "Sales orders in NetSuite within 15 minutes" '
        "does not cover: it holds for the events that arrive; the exception is agreed with the client before "
        "build, or the reconciliation runs often enough to meet it."
    )


def test_section_3_excepts_a_status_set_only_at_creation_and_orders_computed_records_by_transaction():
    drafts = Workflow(3, "Sync new items to Shopify as draft products", "Scheduled", None, "NetSuite", "Shopify")
    title = FieldMapping(3, "2", "displayName", "title", "InventoryItem", "Product")
    specs = build_specs(_ctx(_STOCK, drafts, field_mappings=[_stock("1"), title]))
    assert specs.status_once == "section 4.2"
    assert specs.computed == "section 4.1"  # InventoryBalance: computed from transactions, no change time
    text = render_document("technical-specs", _ctx(_STOCK, drafts, field_mappings=[_stock("1"), title]))
    assert "statuses stay in step with their source, except the status that section 4.2 sets only when" in text
    assert "with no change time of its own, as in section 4.1: the time of the latest transaction read" in text
    plain = build_specs(_ctx(_ORDERS, field_mappings=[_ORDER_ID]))
    assert (plain.status_once, plain.computed) == ("", "")


def test_the_quantity_row_says_what_the_concurrent_sales_design_nets():
    ctx = _ctx(_ORDERS, _STOCK, field_mappings=[_ORDER_ID, _stock("2")], integration_type=("inventory",))
    (row,) = build_specs(ctx).workflows[1].mappings
    assert row.transform == (
        "To be confirmed: less the orders not yet counted (see Concurrent sales), and whether also net of buffer stock"
    )
    # nothing carries orders back: the quantity is not netted, so its cell is left as it was
    (alone,) = build_specs(_ctx(_STOCK, field_mappings=[_stock("1")])).workflows[0].mappings
    assert alone.transform == "Copied as is"


def test_a_key_found_by_a_sku_says_so():
    looked_up = FieldMapping(
        2, "1", "item", "inventory_item_id", "InventoryBalance", "InventoryLevel", "By SKU", key=True
    )
    (spec,) = build_specs(_ctx(_STOCK, field_mappings=[looked_up])).workflows
    (note,) = spec.key_assumptions
    assert note.startswith("Matching by SKU (InventoryLevel.inventory_item_id, found by its SKU) assumes")


def test_mappings_due_before_the_documents_date_are_outstanding_not_future():
    late = build_context(
        make_project(system_a="Shopify", system_b="NetSuite", workflows=[_ORDERS], systems=list(_SYSTEMS)),
        Settings(),
        date(2026, 12, 1),
    )
    text = render_document("technical-specs", late)
    assert "the complete mappings were due for the client's approval at the end of Discovery & Design" in text
    assert "are drawn up and approved" not in text
    early = render_document("technical-specs", _ctx(_ORDERS))
    assert "the complete mappings are drawn up and approved by the client" in early


def test_an_endpoint_for_change_events_is_specified_only_when_a_workflow_runs_on_them():
    evented = render_document("technical-specs", _ctx(_ORDERS))
    assert (
        "- **Inbound change events**: received on an HTTPS endpoint that accepts an event only with a valid" in evented
    )
    assert "Inbound change events" not in render_document("technical-specs", _ctx(_STOCK))


def test_a_parent_key_on_a_record_the_target_keeps_unique_proposes_those_fields():
    square = Workflow(2, "Publish Square counts to Shopify", "Scheduled", None, "Square", "Shopify")
    key = FieldMapping(2, "1", "location_id", "location_id", "InventoryCount", "InventoryLevel", key=True)
    ctx = build_context(
        make_project(system_a="Square", system_b="Shopify", workflows=[square], field_mappings=[key]), Settings(), DAY
    )
    (note,) = build_specs(ctx).workflows[0].key_notes
    assert note.endswith(
        "Proposed in its place, to be confirmed before build: InventoryLevel.inventory_item_id and "
        "InventoryLevel.location_id together, by which Shopify keeps one inventory level for each pair."
    )
    assert "own ID" not in note
