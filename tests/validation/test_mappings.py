"""Issue 21: field mappings checked against what they must do. A matching key that only refers to
another record cannot tell two records apart; a blank Transform where a rule is stated elsewhere is
not "copied as is". Both are located coherence warnings."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.core.model import FieldMapping, ScopeItem, Workflow
from planforge.core.model import TestScenario as Scenario
from planforge.validation.mappings import ambiguous_keys, reference_to, stated_rule
from planforge.validation.validate import validate_files
from support import make_project

WF_HEADER = ["Project ID", "Workflow", "Trigger"]
MAP_HEADER = [
    "Project ID",
    "Workflow",
    "Source Object",
    "Source Field",
    "Target Object",
    "Target Field",
    "Matching Key",
]


@pytest.mark.parametrize(
    ("record", "field", "other"),
    [
        ("Fulfillment", "order_id", "order"),
        ("InventoryLevel", "location_id", "location"),
        ("Label", "orderId", "order"),
        ("Fulfillment", "order.id", "order"),
        ("InventoryLevel", "inventory_item_id", "inventory item"),
        ("Refund", "metadata.orderId", "order"),
    ],
)
def test_a_field_naming_another_record_is_a_reference(record, field, other):
    assert reference_to(record, field) == other


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ("Order", "order_id"),  # its own ID
        ("SalesOrder", "order_id"),  # the record's last word
        ("Customer", "id"),
        ("Item", "sku"),
        ("Product", "variants.sku"),
        ("Deposit", "externalId"),  # a qualifier, not a record
        ("Event", "unique_id"),
        ("Order", "reference_id"),
        ("Profile", "email"),
        ("Fulfillment", "tracking_info.number"),
    ],
)
def test_a_records_own_identifier_is_not_a_reference(record, field):
    assert reference_to(record, field) is None


def test_a_field_named_for_a_system_is_the_records_id_there():
    assert reference_to("Product", "metafields.square_id", ["Square POS", "Shopify"]) is None
    assert reference_to("Product", "metafields.square_id") == "square"


def _map(field: str, target: str = "Fulfillment", key: bool = True, row: int = 2) -> FieldMapping:
    return FieldMapping(row, "1", "src", field, None, target, key=key)


def test_a_single_reference_key_is_ambiguous_but_a_composite_or_own_id_is_not():
    (found,) = ambiguous_keys([_map("order_id"), _map("tracking", key=False)])
    assert (found.record, found.other, found.mapping.target_field) == ("Fulfillment", "order", "order_id")
    # the second part of a composite key: stock per item and location
    assert not ambiguous_keys(
        [_map("location_id", "InventoryLevel"), _map("inventory_item_id", "InventoryLevel", row=3)]
    )
    assert not ambiguous_keys([_map("order_id"), _map("id", row=3)])
    assert not ambiguous_keys([FieldMapping(2, "1", "src", "order_id", key=True)])  # no record type: not judged
    assert reference_to("Order", "shopify_order_id") is None


def test_an_ambiguous_key_is_a_located_warning_in_validate_and_its_json(book):
    path = book(
        Workflows=[WF_HEADER, ["P-1", "Sync fulfilments to Shopify", "Real-time"]],
        Field_Mappings=[
            MAP_HEADER,
            ["P-1", "1", "ItemFulfillment", "createdFrom", "Fulfillment", "order_id", "Yes"],
            ["P-1", "1", "ItemFulfillment", "trackingNumbers", "Fulfillment", "tracking_number", "No"],
        ],
    )
    report = validate_files([path])
    (problem,) = [p for p in report.problems if p.code == "ambiguous-matching-key"]
    assert problem.flat() == ("Field Mappings", 2, "Matching Key", "ambiguous-matching-key")
    assert problem.cell == "G2"
    assert "names the order each Fulfillment belongs to" in problem.message
    out = CliRunner().invoke(main, ["validate", str(path), "--json"])
    codes = [(p["code"], p["cell"]) for p in json.loads(out.output)["problems"]]
    assert ("ambiguous-matching-key", "G2") in codes


def test_own_id_keys_raise_no_warning(book):
    path = book(
        Workflows=[WF_HEADER, ["P-1", "Create orders", "Real-time"], ["P-1", "Sync customers", "Real-time"]],
        Field_Mappings=[
            MAP_HEADER,
            ["P-1", "1", "Order", "id", "Order", "order_id", "Yes"],
            ["P-1", "2", "Customer", "email", "Customer", "id", "Yes"],
        ],
    )
    assert not [p for p in validate_files([path]).problems if p.code == "ambiguous-matching-key"]


def _stock(**kw: object):
    base = dict(
        system_a="Shopify",
        system_b="NetSuite",
        integration_type=("accounting",),
        workflows=[Workflow(2, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")],
    )
    return make_project(**(base | kw))


_QTY = FieldMapping(2, "1", "quantityAvailable", "available", "InventoryBalance", "InventoryLevel")


def test_a_rule_stated_in_a_scenario_is_not_copied_as_is():
    scenario = Scenario(2, "Available stock excludes the 2-unit buffer on fast movers", "Happy Path", "1")
    assert stated_rule(_stock(test_scenarios=[scenario]), 0, _QTY) == scenario.scenario
    scope = ScopeItem(2, "On-hand published net of reserved stock", "In scope", "1")
    assert stated_rule(_stock(scope=[scope]), 0, _QTY) == scope.item


def test_an_inventory_plan_provides_buffer_stock_so_a_blank_quantity_transform_is_to_be_confirmed():
    assert stated_rule(_stock(integration_type=("inventory",)), 0, _QTY) == "buffer stock"
    assert stated_rule(_stock(), 0, _QTY) is None  # no rule anywhere: copied as is
    stated = FieldMapping(2, "1", "quantityAvailable", "available", transform="as is")
    assert stated_rule(_stock(integration_type=("inventory",)), 0, stated) is None
    not_stock = FieldMapping(2, "1", "displayName", "title")
    assert stated_rule(_stock(integration_type=("inventory",)), 0, not_stock) is None


def test_a_blank_transform_under_a_stated_rule_is_a_located_warning(book):
    path = book(
        Workflows=[WF_HEADER, ["P-1", "Publish stock to QuickBooks", "Scheduled"]],
        Test_Scenarios=[
            ["Project ID", "Scenario", "Type", "Workflow"],
            ["P-1", "Published quantity is on-hand less buffer stock", "Happy Path", "1"],
        ],
        Field_Mappings=[MAP_HEADER, ["P-1", "1", "Item", "quantity", "Item", "QtyOnHand", "No"]],
    )
    (problem,) = [p for p in validate_files([path]).problems if p.code == "transform-unstated"]
    assert problem.flat() == ("Field Mappings", 2, "Transform", "transform-unstated")
    assert '"Published quantity is on-hand less buffer stock"' in problem.message


def test_a_required_field_its_system_sets_only_for_some_records_is_a_located_warning(book):
    header = [*MAP_HEADER[:6], "Required"]
    path = book(
        Workflows=[WF_HEADER, ["P-1", "Create invoices from Shopify orders", "Real-time"]],
        Field_Mappings=[
            header,
            ["P-1", "1", "Order", "location_id", "Invoice", "ClassRef", "Yes"],
            ["P-1", "1", "Order", "id", "Invoice", "DocNumber", "Yes"],
            ["P-1", "1", "Order", "location_id", "Invoice", "DepartmentRef", "No"],
        ],
    )
    (problem,) = [p for p in validate_files([path]).problems if p.code == "required-field-partial"]
    assert problem.flat() == ("Field Mappings", 2, "Required", "required-field-partial")
    assert "online orders carry none" in problem.message
