"""Issue 21: the technical specifications and the support playbook say nothing the intake contradicts:
a matching key that cannot tell records apart is printed as one to confirm, a transform that a stated
rule touches is not "copied as is", retries stay within each workflow's latency target, rate limits
are described once, and each alert play names its workflows and their systems."""

from __future__ import annotations

import re
from datetime import date

from planforge.context.documents import build_playbook, build_specs
from planforge.context.plan import build_context
from planforge.core.model import Alert, FieldMapping, Risk, Settings, SystemFacts, Workflow
from planforge.derive.calendar import time_zone, zone_words
from planforge.intake.parse import parse_frequency, parse_span
from planforge.render.environment import render_document
from support import make_project

DAY = date(2026, 1, 15)
_HOOKS = (SystemFacts(3, "Shopify", webhooks="Yes"), SystemFacts(4, "NetSuite", webhooks="No"))
_ORDERS = Workflow(2, "Create NetSuite orders from Shopify", "Real-time", None, "Shopify", "NetSuite")
_STOCK = Workflow(3, "Publish on-hand to Shopify", "Scheduled", None, "NetSuite", "Shopify")


def _ctx(*workflows: Workflow, **kw: object):
    base = dict(system_a="Shopify", system_b="NetSuite", workflows=list(workflows), systems=list(_HOOKS))
    return build_context(make_project(**(base | kw)), Settings(), DAY)


def _mapped(spec):
    """The rows the intake's mappings give, without the catalog's required fields no mapping sets."""
    return [m for m in spec.mappings if m.source != "To be confirmed"]


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
    assert own.idempotency == ""  # section 3's rule holds as stated
    assert parent.keys == "Fulfillment.order_id (to be confirmed)"
    (note,) = parent.key_notes
    assert note.startswith("Fulfillment.order_id identifies the order each fulfillment belongs to, not the fulfillment")
    assert "to be confirmed before build" in note
    assert parent.idempotency == ""
    text = render_document("technical-specs", ctx)
    assert " A matching key marked to be confirmed in section 4 is agreed before build.\n" in text
    assert text.count("**Idempotency**") == 1
    # the section that raises the key to confirm never says it raises nothing
    assert parent.to_confirm == "the matching key"
    # the catalog's required sales-order fields no row maps (the customer, the item lines) are all it raises
    assert own.to_confirm == "the required fields not yet mapped"
    stock = text[text.index("### 4.2") :]
    assert "**Open questions**: the matching key (see above); none else raised for this workflow" in stock
    assert "**Open questions**: none" not in stock
    assert "**Matching key to confirm**: Fulfillment.order\\_id identifies the order" in text


def test_a_key_to_confirm_with_a_proposal_shows_the_proposed_key_in_the_table_not_the_flagged_one():
    """Issue 21 (client read): the 4.x table showed 'Fulfillment.order_id (to be confirmed)' beside a note
    proposing the item fulfillment's own ID; the table shows the proposed key, marked proposed."""
    fulfil = Workflow(3, "Sync fulfilments from NetSuite", "Scheduled", None, "NetSuite", "Shopify")
    maps = [FieldMapping(3, "1", "createdFrom", "order_id", "ItemFulfillment", "Fulfillment", key=True)]
    (spec,) = build_specs(_ctx(fulfil, field_mappings=maps)).workflows
    assert spec.keys == "ItemFulfillment.internalId (proposed, to be confirmed before build)"
    assert "order_id" not in spec.keys
    (note,) = spec.key_notes
    assert "(ItemFulfillment.internalId)" in note
    # a key the target keeps unique by two fields: both are shown, proposed
    levels = [FieldMapping(4, "1", "location", "location_id", "InventoryBalance", "InventoryLevel", key=True)]
    (stock,) = build_specs(_ctx(_STOCK, field_mappings=levels)).workflows
    assert stock.keys == (
        "InventoryLevel.inventory_item_id, InventoryLevel.location_id (proposed, to be confirmed before build)"
    )


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


def _delays(text: str) -> list[float]:
    m = re.search(r"after ([\d, and]+) (minute|second)s?", text)
    assert m, text
    numbers = [int(n) for n in re.findall(r"\d+", m.group(1))]
    return [float(n) for n in numbers] if m.group(2) == "minute" else [n / 60 for n in numbers]


def test_retries_end_well_inside_each_workflows_latency_target():
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
    specs = build_specs(_ctx(fast, slow, tight, free))
    for spec, target in zip(specs.workflows[:3], (5, 15, 2), strict=True):
        assert sum(_delays(spec.retries)) <= target * 2 / 3, spec.retries  # headroom for the write itself
    assert specs.workflows[1].retries == (
        "Transient errors are retried after 1, 2, and 4 minutes: the last retry runs 7 minutes after the first "
        "failure, so a record whose first attempt fails within 8 minutes of the change still has its last retry "
        "inside the 15-minute latency target; one whose first attempt fails later may be written after it."
    )  # the back-off counts from the first failure, not from the change: only an early failure fits the target
    assert "after 1 and 2 minutes: the last retry runs 3 minutes after" in specs.workflows[0].retries
    assert "fails within 2 minutes of the change" in specs.workflows[0].retries
    assert "after 15 and 30 seconds: the last retry runs 45 seconds after" in specs.workflows[2].retries
    assert "fails within 75 seconds of the change" in specs.workflows[2].retries
    assert specs.workflows[3].retries == ""  # the standard schedule, stated once in section 3
    assert "in every other workflow a failed record is retried five times, after 1, 2, 4, 8, and 16" in (
        specs.retry_policy
    )
    assert "not paged one by one" in specs.late_policy
    text = render_document("technical-specs", _ctx(fast, slow, tight, free))
    assert "alert channel" not in text and text.count("**Retries**") == 3


def test_without_latency_targets_the_standard_schedule_is_stated_once_and_no_late_rule():
    specs = build_specs(_ctx(_ORDERS, _STOCK))
    assert specs.retry_policy == "A failed record is retried five times, after 1, 2, 4, 8, and 16 minutes."
    assert specs.late_policy == "" and all(w.retries == "" for w in specs.workflows)
    assert "**Retries**" not in render_document("technical-specs", _ctx(_ORDERS, _STOCK))


def test_repeated_writes_are_named_by_the_workflows_triggers():
    assert build_specs(_ctx(_ORDERS)).repeats == "a retry or a repeated change event"
    assert build_specs(_ctx(_STOCK)).repeats == "a retry or a re-run"
    assert build_specs(_ctx(_ORDERS, _STOCK)).repeats == "a retry, a repeated change event, or a re-run"
    text = render_document("technical-specs", _ctx(_STOCK))
    assert "replayed event" not in text and "updates the record instead" not in text
    assert "updates the record found" in text and "a transaction already written to its system" in text
    # a NetSuite sales order is non-posting: no document calls an order posted
    orders = render_document("technical-specs", _ctx(_ORDERS, _STOCK))
    assert "posted order" not in orders and "once posted" not in orders and "already posted" not in orders


def test_a_real_time_workflow_whose_source_is_polled_says_so_in_its_trigger():
    polled = Workflow(2, "Send fulfilments to Shopify", "Real-time", None, "NetSuite", "Shopify")
    orders, fulfilments = build_specs(_ctx(_ORDERS, polled)).workflows
    assert orders.trigger == "Real-time"
    assert str(fulfilments.trigger) == "Near real-time, by polling"


def test_a_constant_transform_reads_no_source_field():
    maps = [FieldMapping(2, "1", "source_name", "custbody_channel", "Order", "SalesOrder", "Always 'Shopify'")]
    (spec,) = build_specs(_ctx(_ORDERS, field_mappings=maps)).workflows
    (row,) = _mapped(spec)
    assert (row.source, row.target, row.transform) == ("(constant)", "SalesOrder.custbody_channel", "Set to 'Shopify'")


def test_the_field_mappings_are_to_be_approved_at_the_end_of_phase_1():
    ctx = _ctx(_ORDERS)
    specs = build_specs(ctx)
    assert specs.approval_due == ctx.phases[0].end
    text = render_document("technical-specs", ctx)
    assert "approved by the client at the end of Discovery & Design (phase 1" in text
    assert "are approved at the end" not in text


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


def test_a_required_field_set_only_for_some_records_is_to_be_confirmed_for_the_others():
    maps = [
        FieldMapping(2, "1", "location_id", "subsidiary", "Order", "SalesOrder", "Location table", required=True),
        FieldMapping(3, "1", "location_id", "department", "Order", "SalesOrder", "Location table", required=False),
    ]
    ctx = _ctx(_ORDERS, field_mappings=maps)
    (spec,) = build_specs(ctx).workflows
    partial, optional = _mapped(spec)
    # the cells stay short; the note says why, once, with the catalog's caveat and its source
    assert (partial.transform, partial.required) == ("Location table", "Yes; to be confirmed for online orders")
    assert (optional.transform, optional.required) == ("Location table", "No")
    (note,) = spec.mapping_notes
    assert note.startswith("SalesOrder.subsidiary is required, but Shopify sets an order's location_id only for")
    assert "(source: shopify.dev" in note and note.endswith("is agreed with the client before build.")
    assert "parks" not in note
    # the caveat is not repeated as a platform note
    assert not any("location_id" in n for n in spec.platform_notes)
    assert "**Mapping to confirm**: SalesOrder.subsidiary is required" in render_document("technical-specs", ctx)


def test_a_late_record_counts_only_toward_alerts_the_specifications_define():
    timed = Workflow(
        2, "Create orders in NetSuite", "Real-time", None, "Shopify", "NetSuite", None, parse_span("15 minutes")
    )
    backlog = Alert(2, "Queue backlog", "> 500 pending jobs for 10 minutes", "Medium", "2 hours")
    failures = Alert(3, "Sync failure rate", "> 2% of syncs in 15 minutes", "High", "30 minutes")
    named = build_specs(_ctx(timed, alerts=[backlog, failures])).late_policy
    assert "counted toward the Queue backlog alert (section 1);" in named and "latency alerting" not in named
    unwatched = build_specs(_ctx(timed, alerts=[failures])).late_policy
    assert "no alert is defined for a late record" in unwatched and "counted toward" not in unwatched
    # without Alerts rows the workflow's standard alerts include one on its target falling behind
    default = build_specs(_ctx(timed)).late_policy
    assert "counted toward the Workflow 1: NetSuite behind Shopify alert (section 4.1)" in default


def test_the_rate_limit_plan_says_per_system_what_its_queue_keeps_below_the_limit():
    plan = build_specs(_ctx(_ORDERS, _STOCK)).rate_plan
    assert (
        "For Shopify it paces the calls by their query cost, using the throttle status each response reports; "
        "for NetSuite it keeps the number of requests in flight below the cap." in plan
    )
    # the catalog's Shopify limit is cost-based and per app: no request rate, and no others share it
    assert "request rate" not in plan and "Shopify queue leaves headroom" not in plan
    both = (
        SystemFacts(3, "Shopify", rate_limit="2 req/s"),
        SystemFacts(4, "NetSuite", rate_limit="500/min, 10 concurrent"),
    )
    plan = build_specs(_ctx(_ORDERS, systems=list(both))).rate_plan
    assert "for NetSuite it keeps the request rate below the limit and the number of requests in flight below" in plan
    alike = (
        SystemFacts(3, "Shopify", rate_limit="2 req/s"),
        SystemFacts(4, "NetSuite", rate_limit="40 requests per 20 s"),
    )
    assert (
        "For Shopify and NetSuite it keeps the request rate below the limit."
        in build_specs(_ctx(_ORDERS, systems=list(alike))).rate_plan
    )


def test_a_concurrency_cap_the_risk_register_sets_is_stated_with_what_it_leaves_the_account():
    shared = (
        SystemFacts(3, "Shopify", webhooks="Yes"),
        SystemFacts(4, "NetSuite", rate_limit="15 concurrent requests"),
    )
    risk = Risk(
        2, "NetSuite concurrency shared with the 3PL connector", "High", "High", "Queue with a concurrency cap of 5"
    )
    plan = build_specs(_ctx(_ORDERS, systems=list(shared), risks=[risk])).rate_plan
    assert (
        "for NetSuite it keeps at most 5 requests in flight from the integration (the cap the implementation plan's "
        "risk register sets), leaving 10 of the account's 15 for the other applications sharing it." in plan
    )
    # Shopify's limit is per app (the catalog): no other application shares it
    assert plan.endswith("for the other applications sharing it.") and "headroom" not in plan
    # without the risk, the account's own cap is stated
    plain = build_specs(_ctx(_ORDERS, systems=list(shared))).rate_plan
    assert "for NetSuite it keeps the number of requests in flight below the cap of 15." in plain
    # a cap in a risk about another system is not NetSuite's
    other = Risk(2, "Shopify throttling at peak", "High", "High", "Queue with a concurrency cap of 5")
    assert "at most 5" not in build_specs(_ctx(_ORDERS, systems=list(shared), risks=[other])).rate_plan


def test_clock_times_are_in_the_zone_the_deployment_window_is_stated_in_else_assumed():
    daily = Workflow(
        2, "Post payouts to NetSuite", "Scheduled", None, "Shopify", "NetSuite", parse_frequency("daily at 06:00")
    )
    stated_zone = render_document("technical-specs", _ctx(daily, deployment_window="Sunday 06:00-09:00 ET"))
    # said plainly; where the zone is stated is the review's note
    assert "\nAll times are US Eastern (ET).\n" in stated_zone and "deployment window is stated in" not in stated_zone
    review = _ctx(daily, deployment_window="Sunday 06:00-09:00 ET").review.conventions
    assert review.endswith(
        "Clock times are US Eastern (ET), the zone Projects > Deployment Window is stated in ('Sunday 06:00-09:00 ET')."
    )
    assert "(assumed) until the time zone is confirmed" not in stated_zone
    unstated = render_document("technical-specs", _ctx(daily, deployment_window="Sunday 06:00-09:00"))
    assert "local business time (assumed) until the time zone is confirmed" in unstated


def test_a_time_zone_is_read_only_where_the_text_states_one():
    assert time_zone("Saturday 20:00 - Sunday 02:00 ET") == "ET"
    assert time_zone("Tuesdays 22:00 Europe/Berlin") == "Europe/Berlin"
    assert time_zone("Sunday at 6 am") is None and time_zone(None) is None
    assert (zone_words("ET"), zone_words("UTC"), zone_words("Europe/Berlin")) == (
        "US Eastern (ET)",
        "UTC",
        "Europe/Berlin",
    )


def test_order_changes_no_workflow_carries_are_to_be_agreed_not_silently_left_out():
    orders = [FieldMapping(2, "1", "id", "externalId", "Order", "SalesOrder", required=True, key=True)]
    specs = build_specs(_ctx(_ORDERS, _STOCK, field_mappings=orders))
    posting, stock = specs.workflows
    assert posting.order_changes.startswith("Edits, cancellations, and refunds of a Shopify order after it is written")
    assert "open question" in posting.order_changes and stock.order_changes == ""
    # said once, in the workflow's section; section 3 points to it
    assert (
        specs.order_changes
        == "For the later edits, cancellations, and refunds of an order already written, see section 4.1."
    )
    assert "the record written there is left as it is" in posting.order_changes
    assert "posted" not in posting.order_changes
    refunds = Workflow(4, "Post refunds as NetSuite credit memos", "Scheduled", None, "Shopify", "NetSuite")
    handled = build_specs(_ctx(_ORDERS, refunds, field_mappings=orders))
    assert handled.workflows[0].order_changes.startswith("Edits and cancellations of a Shopify order")
    # orders sent to a marketing system are not posted records
    klaviyo = Workflow(2, "Send orders to Klaviyo", "Real-time", None, "Shopify", "Klaviyo")
    assert build_specs(_ctx(klaviyo, system_b="Klaviyo")).order_changes == ""


def test_a_status_the_workflow_name_states_is_mapped_as_a_constant_unless_a_mapping_sets_it():
    drafts = Workflow(
        2, "Sync new NetSuite items to Shopify as draft products", "Scheduled", None, "NetSuite", "Shopify"
    )
    sku = FieldMapping(2, "1", "itemId", "variants.sku", "InventoryItem", "Product", required=True, key=True)
    (spec,) = build_specs(_ctx(drafts, field_mappings=[sku])).workflows
    row = spec.mappings[-1]
    assert (row.source, row.target, row.transform, row.required) == (
        "(constant)",
        "Product.status",
        "Set to 'Draft' when the record is created; a later update leaves the status as it is",
        "Yes",
    )
    # a mapping that sets the status is the rule; no constant row is added
    status = FieldMapping(3, "1", "isInactive", "status", "InventoryItem", "Product", "Inactive to Archived")
    (spec,) = build_specs(_ctx(drafts, field_mappings=[sku, status])).workflows
    assert [m.target for m in spec.mappings] == ["Product.variants.sku", "Product.status"]
    # a name that states no status adds none
    (spec,) = build_specs(_ctx(_STOCK, field_mappings=[sku])).workflows
    assert len(spec.mappings) == 1


def test_a_workflow_without_platform_notes_prints_no_platform_notes_line():
    text = render_document("technical-specs", _ctx(_ORDERS))
    assert "**Platform notes**" not in text and "none recorded" not in text
    assert "**Alerting**" in text and "**Open questions**" in text
