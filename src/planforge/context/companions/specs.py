"""The technical specifications' typed context: one section per workflow (direction, trigger, cadence,
mappings, keys, alerts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planforge.context import compose
from planforge.context.alerts import WorkflowAlert, shared_alerts, stated
from planforge.context.companions.common import (
    CONSTANT_TRANSFORM,
    STANDARD_RETRIES,
    DocHeader,
    catch_up_every,
    concurrency,
    delay_words,
    header,
    named_status,
    retry_delays,
    sets_status,
    specs_section,
    tbd,
)
from planforge.context.flows import Flow
from planforge.context.plan import ApiFacts, PlanContext, Shown
from planforge.core.model import FieldMapping, Project
from planforge.core.names import TECHNICAL_SPECS, DocumentKind
from planforge.derive.calendar import time_zone, zone_words
from planforge.derive.catalog import RecordFact, lookup
from planforge.derive.completeness import Assumed, Tbd
from planforge.intake.parse import span_text
from planforge.validation.claims import stated_duration
from planforge.validation.mappings import (
    AmbiguousKey,
    NaturalKey,
    PartialField,
    ambiguous_keys,
    natural_keys,
    partial_field,
    stated_rule,
)
from planforge.validation.traceability import covered
from planforge.validation.workflows import project_systems

_COUNT = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: A Transform that sets a fixed value ("Always 'Shopify'"): its source field is never read.
#: Section 3: a record late against its workflow's target stays queued and is not paged one by one.
_LATE = "A record still not written when its workflow's latency target passes stays in the retry queue"
#: An alert that watches late or queued records, by the words of its name or threshold ("Queue backlog",
#: "> 500 pending jobs", "NetSuite behind Shopify", "Latency above target").
_WATCHES_LATE = re.compile(r"\b(?:backlog|queued?|pending|latency|behind|delay(?:ed)?|late)\b", re.IGNORECASE)
#: A rate limit that caps the requests in flight ("15 concurrent requests", "concurrency per account",
#: "12 simultaneous", "5 parallel requests").
_CONCURRENT = re.compile(r"\b(?:concurren(?:t|cy)|simultaneous|parallel)\b", re.IGNORECASE)
#: A rate limit stated as requests over time ("100 pts/s", "500 req/min", "40 requests per 20 s", "leaky bucket").
_RATE = re.compile(
    r"/\s*\d*\s*(?:s|sec|second|m|min|minute|h|hour|day)\b|\bper\s+\d*\s*(?:s|sec|second|min|minute|hour|day)\b"
    r"|\bbucket\b|\bwindow\b",
    re.IGNORECASE,
)
#: A rate limit counted in query cost rather than requests ("GraphQL 100 points/s", "cost-based bucket").
_COST = re.compile(r"\b(?:points?|pts|cost)\b", re.IGNORECASE)
#: What later happens to an order that a workflow may carry to the target, each by the words of a
#: workflow's name that say it does ("Sync order edits", "Post refunds as credit notes").
_ORDER_CHANGES = (
    ("edits", re.compile(r"\b(?:edit\w*|amend\w*|updat\w*|chang\w*|modif\w*)\b", re.IGNORECASE)),
    ("cancellations", re.compile(r"\bcancel\w*\b", re.IGNORECASE)),
    ("refunds", re.compile(r"\b(?:refund\w*|returns?|credit notes?|credit memos?)\b", re.IGNORECASE)),
)
#: The catalog categories where an order written stays as it is written (a sales order, invoice, receipt,
#: shipment). Not all of them post: a NetSuite sales order is non-posting (its deposits, invoices and cash
#: sales post), so the documents say the record is written, never that an order is posted.
_POSTED = frozenset({"accounting", "fulfillment", "inventory"})
#: A stock quantity's Transform that already says how the write keeps clear of the target's own sales.
_RACE_STATED = re.compile(
    r"\b(?:compare|delta|adjust\w*|change from|pending|unfulfilled|committed|open orders?)\b", re.IGNORECASE
)
#: Words of a source field that carries one part of a net amount (a payout's fees, refunds, gross sales).
_NET_PARTS = frozenset({"fee", "fees", "refund", "refunds", "gross", "charges", "adjustment", "adjustments"})
#: The Source cell of a row the catalog requires and no mapping sets yet.
_UNMAPPED = "To be confirmed"


@dataclass(frozen=True)
class MappingRow:
    source: str
    target: str
    transform: str
    required: str


@dataclass(frozen=True)
class WorkflowSpec:
    number: str
    name: str
    trigger: Shown
    direction: Shown
    frequency: Shown
    latency_target: str | None
    source_objects: str | Tbd
    target_objects: str | Tbd
    mappings: tuple[MappingRow, ...]
    keys: str | Tbd
    #: "" when section 3's rule holds as stated; else how this workflow's writes are keyed (no key stated)
    idempotency: str
    #: "" when section 3's standard schedule applies; else its own schedule, inside its latency target
    retries: str
    #: its own Alerts rows, else its assumed defaults (context.alerts); the alerts on every workflow are
    #: listed once, in section 1
    alerts: tuple[WorkflowAlert, ...]
    #: why each matching key must be confirmed before build (a key that names another record only)
    key_notes: tuple[str, ...] = ()
    #: "" when the cadence meets the latency target with room to spare; else why the pair is to be confirmed
    timing: str = ""
    #: the open questions and blockers the Open Items sheet ties to this workflow
    questions: tuple[str, ...] = ()
    #: what the vendors' documentation says of the records and fields this workflow maps (the catalog's
    #: record facts: "InventoryBalance is a read-only search record ..."), each with its source
    platform_notes: tuple[str, ...] = ()
    #: why each required mapping of a field its system sets only for some records is to be confirmed
    mapping_notes: tuple[str, ...] = ()
    #: the later changes to an order this workflow posts that no workflow carries, to be agreed ("" when none)
    order_changes: str = ""
    #: how a stock quantity written to a system that sells from it keeps clear of those sales ("" when none)
    concurrent_sales: str = ""
    #: the fields the target system requires on a record this workflow writes that no mapping sets ("" when none)
    required_fields: str = ""
    #: why a net amount posted as one figure leaves its parts to reconcile by hand ("" when none is posted)
    net_amount: str = ""
    #: each matching key that matches by a business value (a SKU) and so assumes it unique
    key_assumptions: tuple[str, ...] = ()
    #: those business values, as prose ("SKU")
    assumed_unique: tuple[str, ...] = ()
    #: how an event-driven workflow catches a change event that never arrives ("" when it is not event-driven)
    missed_events: str = ""
    #: True when the workflow sets a status only when it creates the record (its name states one)
    status_once: bool = False
    #: True when its source record is computed by its system from transactions (``RecordFact.derived``)
    computed_source: bool = False

    @property
    def to_confirm(self) -> str:
        """What this section itself leaves to confirm, as its Open questions line names it ("the matching
        key and the mapping of SalesOrder.subsidiary"); "" when nothing."""
        items = ["the matching key"] if self.key_notes or self.idempotency else []
        items += [
            f"the mapping of {m.target}"
            for m in self.mappings
            if m.source != _UNMAPPED and "to be confirmed" in f"{m.transform} {m.required}".casefold()
        ]
        items += ["the required fields not yet mapped"] if self.required_fields else []
        items += ["the frequency or latency target"] if self.timing else []
        items += ["the order changes"] if self.order_changes else []
        items += ["the guard against concurrent sales"] if self.concurrent_sales else []
        items += ["how the net amount's parts are posted"] if self.net_amount else []
        items += [f"that each {value} is unique" for value in self.assumed_unique]
        return compose.join_words(items)


def platform_notes(flow: Flow, maps: list[FieldMapping], said: tuple[FieldMapping, ...] = ()) -> tuple[str, ...]:
    """The catalog's facts on the records and fields a workflow maps, in mapping order, each once:
    a record's note (source records in the source system, target records in the target system)
    and a mapped source field's caveat, followed by the vendor page that says so; the caveats of the
    source fields the mappings in ``said`` read are left out, since their own note to confirm says them."""
    notes: dict[str, None] = {}
    told = {(m.source_object, m.source_field) for m in said}
    for system_name, side in ((flow.source, "source"), (flow.target, "target")):
        system = lookup(system_name).system
        if system is None:
            continue
        for m in maps:
            obj, field = (m.source_object, m.source_field) if side == "source" else (m.target_object, m.target_field)
            fact = system.record(obj)
            if fact is None:
                continue
            caveat = "" if side == "source" and (obj, field) in told else fact.field_note(field)
            for note in (fact.note, caveat):
                if note:
                    notes.setdefault(f"{note} (source: {fact.source})")
    return tuple(notes)


@dataclass(frozen=True)
class TechSpecs:
    header: DocHeader
    workflows: tuple[WorkflowSpec, ...]
    api: tuple[ApiFacts, ...]
    secret_manager: Shown
    provider: Shown
    monitoring_tool: Shown
    alert_destination: Shown
    logs: Shown
    #: the Alerts rows with a blank Workflow: they watch every workflow
    shared_alerts: tuple[WorkflowAlert, ...] = ()
    #: True when some workflow's matching key must be confirmed before build
    keys_to_confirm: bool = False
    #: section 3's retry rules: the standard schedule, and which workflows have their own
    retry_policy: str = ""
    #: section 3's sentence on a record still late when its workflow's latency target passes ("" when none has one)
    late_policy: str = ""
    #: section 2's rate-limit plan: one queue per system, and what each keeps below its limit
    rate_plan: str = ""
    #: what may repeat a write: "a retry, a repeated change event or a re-run" (the words the triggers fit)
    repeats: str = "a retry or a re-run"
    #: the end of phase 1 (Discovery & Design), when the field mappings are to be approved; None without a kickoff
    approval_due: date | None = None
    #: True when a stated frequency names a clock time ("daily at 06:00"), whose time zone is assumed
    clock_times: bool = False
    #: "Harbor Home Goods'": whose local time the clock times are
    client_possessive: str = "the client's"
    #: True when some workflow reads on a schedule or by polling (it keeps a read position)
    read_position: bool = False
    #: the time zone the clock times are in when the intake states one where it agreed a time (the zone the
    #: Deployment Window is written in), as the document names it: "US Eastern (ET)"; "" when none is stated
    #: and the zone is assumed. The review says where it is stated.
    time_zone: str = ""
    #: section 3's sentence on the order changes no workflow carries ("" when every one is, or no order is posted)
    order_changes: str = ""
    #: True when the end of phase 1, when the mappings were to be approved, is before the document's date
    approval_past: bool = False
    #: True when some workflow runs on its source's change events (an endpoint receives them)
    events: bool = False
    #: the sections whose workflow sets a status only when it creates the record ("section 4.5"), which
    #: section 3's rule that statuses stay in step with their source excepts; "" when none
    status_once: str = ""
    #: the sections whose source record its system computes from transactions, with no change time of its
    #: own ("section 4.2"), whose writes section 3 orders by the latest transaction read; "" when none
    computed: str = ""


def _objects(values: list[str | None]) -> str | Tbd:
    found: list[str] = []
    for v in values:
        if v and v not in found:
            found.append(v)
    return ", ".join(found) if found else tbd("Objects")


def _name(m: FieldMapping, side: str) -> str:
    obj, field = (m.source_object, m.source_field) if side == "source" else (m.target_object, m.target_field)
    return f"{obj}.{field}" if obj else field


def _transform(project: Project, index: int, m: FieldMapping) -> str:
    """The Transform as stated; blank is "Copied as is" unless a rule is stated elsewhere for the
    value (validation.mappings.stated_rule), when it is to be confirmed."""
    if m.transform:
        return m.transform
    rule = stated_rule(project, index, m)
    if rule is None:
        return "Copied as is"
    if rule == "buffer stock":
        return "To be confirmed: copied as is, or net of buffer stock"
    return f'To be confirmed against "{rule}"'


def _mapping_row(project: Project, index: int, m: FieldMapping, systems: list[str]) -> MappingRow:
    """One mapping as printed; a constant ("Always 'X'") reads no source field: "(constant)", "Set to 'X'".
    A required field its system sets only for some records (``validation.mappings.partial_field``) is
    "Yes; to be confirmed for" the others in its Required cell; the section's note says why, once."""
    required = "Yes" if m.required else "No"
    if m.transform and (fixed := CONSTANT_TRANSFORM.match(m.transform.strip())):
        return MappingRow("(constant)", _name(m, "target"), f"Set to {fixed.group(1).strip()}", required)
    if m.required and (partial := partial_field(m, systems)) is not None:
        required = f"Yes; to be confirmed for {partial.made.without}"
    return MappingRow(_name(m, "source"), _name(m, "target"), _transform(project, index, m), required)


def _status_row(flow: Flow, maps: list[FieldMapping]) -> tuple[MappingRow, ...]:
    """The status the workflow's name states for the records it writes ("... as draft products": Draft),
    as a constant row, when no mapping sets the status field; () when the name states none, a mapping sets
    it, or no mapping names the target record."""
    status = named_status(flow.name)
    record = next((m.target_object for m in maps if m.target_object), None)
    if status is None or record is None or sets_status(maps):
        return ()
    return (
        MappingRow(
            "(constant)",
            f"{record}.status",
            f"Set to '{status}' when the record is created; a later update leaves the status as it is",
            "Yes",
        ),
    )


def _partial_note(p: PartialField) -> str:
    """Why a required mapping is to be confirmed, said once: its source field is set only for some
    records, in the catalog's words with their source when it records them (``platform_notes`` then
    leaves that field's caveat out), and what the target field takes for the others is agreed."""
    m, without = p.mapping, p.made.without
    system = lookup(p.system).system
    fact = system.record(m.source_object) if system else None
    caveat = fact.field_note(m.source_field) if fact else ""
    said = (
        f"{caveat.rstrip('.')} (source: {fact.source})"
        if caveat and fact
        else f"{p.system} sets {_name(m, 'source')} only for some {_record_words(m.source_object or 'record')}s: "
        f"{without} carry none"
    )
    return (
        f"{_name(m, 'target')} is required, but {said}. What {_name(m, 'target')} takes for {without} is agreed "
        "with the client before build."
    )


def _record_words(record: str) -> str:
    """'InventoryLevel' -> 'inventory level': a record type as prose."""
    return _CAMEL.sub(" ", record).replace("_", " ").lower()


def _fact(system_name: str, record: str | None) -> RecordFact | None:
    system = lookup(system_name).system
    return system.record(record) if system and record else None


def _proposed_key(k: AmbiguousKey, flow: Flow, maps: list[FieldMapping]) -> str:
    """The key ``_key_note`` proposes in place of an ambiguous one, as the workflow's table names it: the
    fields the target keeps the record unique by, else the source record's own ID field; "" when the
    catalog records neither (the note then names the two ways to settle it)."""
    source = k.mapping.source_object or next((m.source_object for m in maps if m.source_object), None)
    own = _fact(flow.source, source)
    lines = _fact(flow.target, k.record)
    if lines is not None and lines.unique_by:
        return ", ".join(f"{k.record}.{f}" for f in lines.unique_by)
    if source and own is not None and own.own_id:
        return f"{source}.{own.own_id}"
    return ""


def _keys_shown(keys: list[FieldMapping], ambiguous: list[AmbiguousKey], flow: Flow, maps: list[FieldMapping]) -> str:
    """The table's matching key: each key as the mappings name it, except one the specifications flag as
    ambiguous, which shows the key proposed in its place (``_proposed_key``), marked proposed, never the
    flagged key beside it; a flagged key with no proposal is shown marked to be confirmed."""
    names: list[str] = []
    proposed_any = unsettled = False
    for m in keys:
        flagged = next((k for k in ambiguous if k.mapping == m), None)
        proposed = _proposed_key(flagged, flow, maps) if flagged is not None else ""
        if proposed:
            proposed_any = True
            names.extend(proposed.split(", "))
        else:
            unsettled = unsettled or flagged is not None
            names.append(_name(m, "target"))
    text = ", ".join(dict.fromkeys(names))
    if proposed_any:
        return f"{text} (proposed, to be confirmed before build)"
    return f"{text} (to be confirmed)" if unsettled else text


def _key_note(k: AmbiguousKey, flow: Flow, maps: list[FieldMapping]) -> str:
    """Why a key naming only the parent record is to be confirmed, and the key proposed in its place when
    the catalog records either record: the fields the target keeps the record unique by
    (``RecordFact.unique_by``: one inventory level per item and location); else the source record's own
    ID (its field when ``RecordFact.own_id`` names it), kept against the ID of the record written; and
    the parent's lines each write names (``RecordFact.lines``). When the catalog records neither, the
    two ways to settle it."""
    record = _record_words(k.record)
    source = k.mapping.source_object or next((m.source_object for m in maps if m.source_object), None)
    own = _fact(flow.source, source)
    lines = _fact(flow.target, k.record)
    said = (
        f"{_name(k.mapping, 'target')} identifies the {k.other} each {record} belongs to, not the {record} itself, "
        f"so two {record} records of the same {k.other} would share it and the second would "
        "overwrite the first."
    )
    proposed = []
    if lines is not None and lines.unique_by:
        fields = compose.join_words([f"{k.record}.{f}" for f in lines.unique_by])
        each = "pair" if len(lines.unique_by) == 2 else "combination"
        proposed.append(f"{fields} together, by which {flow.target} keeps one {record} for each {each}")
    elif source and (own is not None or lines is not None):
        field = f" ({source}.{own.own_id})" if own is not None and own.own_id else ""
        proposed.append(
            f"the {flow.source} {_record_words(source)}'s own ID{field}, which the integration "
            f"stores against the ID of the {flow.target} {record} it creates, so each one is looked up on its own"
        )
    if lines is not None and lines.lines:
        proposed.append(
            f"each {record} written against {lines.lines}, so two {record}s of one {k.other} never claim the same lines"
        )
    if not proposed:
        return (
            f"{said} The key must be confirmed before build: the {record}'s own ID, or a second field that "
            f"together with the {k.other} identifies one {record}."
        )
    return f"{said} Proposed in its place, to be confirmed before build: {'; and '.join(proposed)}."


def _key_assumption(k: NaturalKey, flow: Flow) -> str:
    """A key that matches by a business value holds only while the value is unique in both systems."""
    value, scope = k.value, k.scope
    key = f"{_name(k.mapping, 'target')}, found by its {value}" if k.by_lookup else _name(k.mapping, "target")
    return (
        f"Matching by {value} ({key}) assumes each {value} is unique in the "
        f"{flow.source} {scope} and in the {flow.target} {scope} (assumed), to be confirmed against both before "
        f"build. A record whose {value} matches two records there is parked as a permanent error (section 3), "
        "never written to the first match."
    )


def _concurrent_sales(
    flow: Flow, maps: list[FieldMapping], orders_back: tuple[str, ...]
) -> tuple[FieldMapping | None, str]:
    """How a stock quantity written to a system that sells from it (``RecordFact.sold_from``) keeps clear
    of those sales, when the Transform does not already say: the quantity is set by the catalog's
    compare-and-set write (``set_with``), and, when a workflow carries the target's orders to the source
    (``orders_back``: their sections), net of the orders the source does not count yet. The design is
    assumed until confirmed; the mapping it concerns, and the note; (None, "") when no such quantity is
    written."""
    for m in maps:
        fact = _fact(flow.target, m.target_object)
        if fact is None or not fact.set_with or m.target_field.casefold() not in {f.casefold() for f in fact.sold_from}:
            continue
        if m.transform and _RACE_STATED.search(m.transform):
            return None, ""
        target, source = _name(m, "target"), _name(m, "source")
        where = compose.join_words([f"section {n}" for n in orders_back])
        pending = (
            f", and the {flow.source} figure read does not yet count the {flow.target} orders still on their way "
            f"to {flow.source} ({where})"
            if orders_back
            else ""
        )
        netted = (
            f" the quantity written is {source} less the units of the {flow.target} orders {flow.source} does not "
            f"count yet (not yet written by {where}), and"
            if orders_back
            else ""
        )
        return m, (
            f"{flow.target} sells from {target} while this workflow writes it{pending}. Setting the quantity to the "
            f"figure read would undo a sale made in between and oversell. The design, to be confirmed before build:"
            f"{netted} it is set with {fact.set_with} (assumed); when {flow.target} rejects a write, the level is re-read "
            f"and written again (source: {fact.set_source or fact.source})."
        )
    return None, ""


def _netted(row: MappingRow, netted: bool) -> MappingRow:
    """A stock quantity's row when the concurrent-sales design nets the orders on their way: its Transform
    says so, so the table and the note below it agree (a rule still to confirm stays beside it)."""
    if not netted:
        return row
    less = "less the orders not yet counted (see Concurrent sales)"
    either = "To be confirmed: copied as is, or "
    if row.transform == "Copied as is":
        transform = f"To be confirmed: {less}"
    elif row.transform.startswith(either):
        transform = f"To be confirmed: {less}, and whether also {row.transform.removeprefix(either)}"
    else:
        transform = f"{row.transform}; to be confirmed: {less}"
    return MappingRow(row.source, row.target, transform, row.required)


def _required_fields(flow: Flow, maps: list[FieldMapping]) -> tuple[tuple[MappingRow, ...], str]:
    """The fields the target system requires on a record the workflow writes (``RecordFact.required``)
    that no mapping sets, as rows marked to be confirmed, and the note that says so with its source;
    ((), "") when every one is mapped."""
    rows: list[MappingRow] = []
    named: list[str] = []
    sources: list[str] = []
    for record in dict.fromkeys(m.target_object for m in maps if m.target_object):
        fact = _fact(flow.target, record)
        if fact is None:
            continue
        mapped = [m.target_field.casefold() for m in maps if m.target_object == record]
        missing = [
            (field, what)
            for field, what in fact.required
            if not any(f == field.casefold() or f.startswith(f"{field.casefold()}.") for f in mapped)
        ]
        for field, what in missing:
            rows.append(MappingRow(_UNMAPPED, f"{record}.{field}", f"To be confirmed: {what}", "Yes"))
            named.append(f"{record}.{field}")
        if missing:
            sources.append(fact.source)
    if not rows:
        return (), ""
    one = len(named) == 1
    note = (
        f"{flow.target} requires {compose.join_words(named)} (source: {'; '.join(sources)}), and no field mapping "
        f"sets {'it' if one else 'them'} yet, so the table marks {'it' if one else 'them'} to be confirmed: what "
        f"{'it takes' if one else 'each takes'} is agreed with the client before build, never defaulted."
    )
    return tuple(rows), note


def _net_amount(flow: Flow, maps: list[FieldMapping], criteria: list[str]) -> str:
    """Why a net amount posted as one figure (``RecordFact.nets``: a payout's net) leaves its parts to
    reconcile by hand, with the success criteria tied to the workflow it then cannot meet; "" when no net
    amount is mapped, or the mappings also carry its parts (fees, refunds, gross)."""
    for m in maps:
        fact = _fact(flow.source, m.source_object)
        nets = {k.casefold(): v for k, v in fact.nets} if fact else {}
        parts = nets.get(m.source_field.casefold())
        if fact is None or parts is None:
            continue
        words = {
            w
            for other in maps
            if other.source_object == m.source_object
            for w in _record_words(other.source_field).split()
        }
        if words & _NET_PARTS:
            return ""
        pending = f"; and {fact.posting}" if fact.posting else ""
        unmet = (
            f" As mapped, the workflow cannot meet the success criteri{'on' if len(criteria) == 1 else 'a'} "
            f"{compose.join_words([chr(34) + c + chr(34) for c in criteria])}."
            if criteria
            else ""
        )
        return (
            f"{_name(m, 'source')} is posted as one amount, so {parts} reach {flow.target} only as that total, and "
            f"matching them to the orders and refunds already there is left to be done by hand{pending}.{unmet} "
            "How each part is posted (for example each part as a line of its own, the fees to an expense account) "
            "is an open question, agreed with the client before build."
        )
    return ""


def _seconds_words(seconds: int) -> str:
    """420 -> '7 minutes', 45 -> '45 seconds', 90 -> '90 seconds'."""
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{seconds} seconds"


def _retries(flow: Flow) -> str:
    """A workflow's own retry schedule, when its latency target bounds it. The delays count from the
    first failure, not from the change, so the schedule fits the target only for a record whose first
    attempt fails early enough: the sentence names that margin (the target less the retries' span,
    which ``common.retry_delays`` keeps under the target). "" without a target: section 3's standard schedule applies."""
    target = flow.latency
    if target is None:
        return ""
    delays = retry_delays(target.length)
    within = f"the {compose.span_adjective(target.text)} latency target"
    if not delays:
        return f"Transient errors are retried at once, since {within} leaves no time to wait."
    return (
        f"Transient errors are retried after {delay_words(delays)}: the last retry runs "
        f"{_seconds_words(sum(delays))} after the first failure, so a record whose first attempt fails within "
        f"{_seconds_words(int(target.length.total_seconds()) - sum(delays))} of the change still has its last "
        f"retry inside {within}; one whose first attempt fails later may be written after it."
    )


def _standard_retries() -> str:
    delays = STANDARD_RETRIES
    return f"{_COUNT[len(delays)]}, after {delay_words(delays)}"


def _retry_policy(flows: list[Flow]) -> str:
    """Section 3's retry schedule: the standard one for workflows without a latency target, and a
    pointer to section 4 for those with one; only the parts that apply."""
    timed = [f for f in flows if f.latency is not None]
    standard = f"a failed record is retried {_standard_retries()}"
    if not timed:
        return f"{standard[0].upper()}{standard[1:]}."
    if len(timed) == len(flows):
        return "Each workflow's schedule, sized to its latency target, is given in section 4."
    return (
        f"A workflow with a latency target retries on its own, shorter schedule (section 4); in every other "
        f"workflow {standard}."
    )


def _alert_name(a: WorkflowAlert) -> str:
    return a.alert.value if isinstance(a.alert, Assumed) else a.alert


def _watches_late(a: WorkflowAlert) -> bool:
    return bool(_WATCHES_LATE.search(f"{_alert_name(a)} {a.threshold}"))


def _late_policy(shared: tuple[WorkflowAlert, ...], specs: list[WorkflowSpec]) -> str:
    """Section 3's sentence on a record still late when its workflow's latency target passes ("" when no
    workflow has one): it counts toward the alerts the document defines that watch late or queued records
    (section 1's, and those of the workflows with a target), named with their sections; when none does,
    the sentence says no alert is defined for it, rather than naming one the document does not define."""
    timed = [w for w in specs if w.latency_target]
    if not timed:
        return ""
    named = [(_alert_name(a), "1") for a in shared if _watches_late(a)]
    named += [(_alert_name(a), w.number) for w in timed for a in w.alerts if _watches_late(a)]
    if not named:
        return f"{_LATE}, which the support team replays; no alert is defined for a late record, and it is not paged."
    if len(named) == 1:
        alerts = f"the {named[0][0]} alert (section {named[0][1]})"
    else:
        alerts = f"the {compose.join_words([f'{name} (section {at})' for name, at in named])} alerts"
    return f"{_LATE} and is counted toward {alerts}; it is not paged one by one."


def _in_flight(api: ApiFacts, ctx: PlanContext) -> str:
    """How a capped system's queue holds the requests in flight: the integration's own cap from the risk
    register, with what it leaves of the account's cap; else the account's cap as stated; else "the cap"."""
    found = concurrency(ctx, api.name)
    total, own = (found.limit, found.cap) if found is not None else (None, None)
    if own is not None and total is not None and own < total:
        return (
            f"at most {own} requests in flight from the integration (the cap the implementation plan's risk "
            f"register sets), leaving {total - own} of the account's {total} for the other applications sharing it"
        )
    if own is not None:
        return f"at most {own} requests in flight from the integration (the cap the implementation plan's risk register sets)"
    return (
        f"the number of requests in flight below the cap of {total}"
        if total is not None
        else ("the number of requests in flight below the cap")
    )


def _own_cap(api: ApiFacts, ctx: PlanContext) -> int | None:
    found = concurrency(ctx, api.name)
    return found.cap if found is not None else None


def _by_cost(api: ApiFacts) -> bool:
    """The catalog says ``api``'s system counts its limit by query cost (``CatalogSystem.cost``), and the
    limit shown is the catalog's, or the Systems sheet's own figure counts points or cost too ("GraphQL
    100 points/s"), not requests."""
    entry = lookup(api.name).system
    if entry is None or not entry.cost or not isinstance(api.rate_limit, str):
        return False
    return api.rate_limit.casefold() == entry.rate_limit.casefold() or bool(_COST.search(api.rate_limit))


def _per_app(api: ApiFacts) -> bool:
    """The catalog says ``api``'s system gives each app its own limit, shared with no other application."""
    entry = lookup(api.name).system
    return entry is not None and entry.per_app


def _pacing(api: ApiFacts, ctx: PlanContext) -> str:
    """What one system's queue keeps below its limit, as its Rate limit reads ("{systems}" stands for the
    system's name): the request rate, the number of requests in flight (a cap on concurrent requests, with
    its figures when the risk register or the limit states them), or both; a limit the catalog says counts
    query cost is paced by that cost, as each response's throttle status reports it; a limit stated as neither is
    paced by the throttling responses; a limit not known yet is kept to once it is confirmed."""
    if isinstance(api.rate_limit, Tbd):
        return "for {systems} it keeps the request rate below the limit, once the limit is confirmed"
    if _by_cost(api):
        return "for {systems} it paces the calls by their query cost, using the throttle status each response reports"
    capped, rated = bool(_CONCURRENT.search(api.rate_limit)), bool(_RATE.search(api.rate_limit))
    if capped and rated:
        return f"for {{systems}} it keeps the request rate below the limit and {_in_flight(api, ctx)}"
    if capped:
        return f"for {{systems}} it keeps {_in_flight(api, ctx)}"
    if rated:
        return "for {systems} it keeps the request rate below the limit"
    return "for {systems}, which states no rate or cap, it paces the requests by the throttling responses below"


def _rate_plan(api: tuple[ApiFacts, ...], ctx: PlanContext) -> str:
    """Section 2's queues: one per system, and what each keeps below its limit, the systems paced alike
    named together in the order section 2 lists them ("For Shopify it keeps the request rate below the
    limit; for NetSuite it keeps at most 5 requests in flight from the integration, ...")."""
    if not api:
        return "Every call to a system passes through one queue per system that keeps the requests below its limits."
    alike: dict[str, list[str]] = {}
    for a in api:
        alike.setdefault(_pacing(a, ctx), []).append(a.name)
    parts = "; ".join(how.format(systems=compose.join_words(names)) for how, names in alike.items())
    # a queue with its own stated cap already says what it leaves to the others; a limit the catalog says is
    # the integration's own (per app) is shared with no other application
    open_ = [a.name for a in api if _own_cap(a, ctx) is None and not _per_app(a)]
    if not open_:
        headroom = ""
    elif len(open_) == len(api):
        headroom = " Each queue leaves headroom for other applications sharing the account."
    else:
        one = len(open_) == 1
        headroom = (
            f" The {compose.join_words(open_)} queue{'' if one else 's'} leave{'s' if one else ''} headroom for "
            "other applications sharing the account."
        )
    return f"Every call to a system passes through one queue per system. {parts[0].upper()}{parts[1:]}.{headroom}"


def _unhandled_changes(flows: tuple[Flow, ...]) -> list[str]:
    """The later changes to an order (edits, cancellations, refunds) that no workflow's name says it carries."""
    return [kind for kind, words in _ORDER_CHANGES if not any(words.search(f.name) for f in flows)]


def _posts_orders(flow: Flow, maps: list[FieldMapping]) -> bool:
    """The workflow reads orders (a source record named '...Order', else, without mappings, 'orders' in its
    name) and writes them where they stay as written (the target's catalog category: accounting, fulfillment,
    inventory), so section 3's rule leaves an order already written as it is."""
    system = lookup(flow.target).system
    if system is None or system.category not in _POSTED:
        return False
    records = [m.source_object for m in maps if m.source_object]
    if records:
        return any(_record_words(r).split()[-1] == "order" for r in records if _record_words(r).split())
    return bool(re.search(r"\borders?\b", flow.name, re.IGNORECASE))


def _order_changes(flow: Flow, unhandled: list[str]) -> str:
    """What the workflow's section says of an order's later changes no workflow carries ("" when none)."""
    if not unhandled:
        return ""
    kinds = compose.join_words(unhandled)
    return (
        f"{kinds[0].upper()}{kinds[1:]} of a {flow.source} order after it is written to {flow.target} are carried "
        "by no workflow, and the record written there is left as it is (section 3). How each is handled is an open "
        "question, agreed with the client before build."
    )


def _repeats(flows: list[Flow]) -> str:
    """What may repeat a write, in the words the workflows' triggers fit: a change event for
    event-driven workflows, a run for scheduled, polled or manual ones."""
    words = ["a retry"]
    if any(f.event_driven for f in flows):
        words.append("a repeated change event")
    if not flows or any(not f.event_driven for f in flows):
        words.append("a re-run")
    return compose.join_words(words, "or")


def _idempotency(keys: list[str]) -> str:
    """Empty when section 3's rule holds (a stated key); the fallback when no matching key is stated."""
    if keys:
        return ""
    return (
        "No matching key is stated yet: until one is agreed, the source record's ID is stored with the record "
        "each write creates and looked up before every write."
    )


def _trigger(flow: Flow) -> Shown:
    """The Trigger row: a real-time workflow whose source is polled reads "Near real-time, by polling"
    (a poll is as quick as its interval, which the Frequency row gives), its mark kept."""
    if not flow.polled:
        return flow.trigger
    value = flow.trigger.value if isinstance(flow.trigger, Assumed) else str(flow.trigger)
    text = f"{'Near real-time' if value.casefold() == 'real-time' else value}, by polling"
    return Assumed(text, flow.trigger.basis) if isinstance(flow.trigger, Assumed) else text


def _timing(flow: Flow) -> str:
    """Why a stated interval and latency target are to be confirmed together: a change made just after
    a run waits a whole interval for the next, so an interval as long as the target leaves no time for
    the run or a retry ("" when the interval is shorter, or either is not stated)."""
    cadence, target = flow.frequency, flow.latency
    if cadence is None or target is None or cadence.mode != "interval" or cadence.every is None:
        return ""
    if cadence.every < target.length:
        return ""
    wait = span_text(int(cadence.every.total_seconds()))
    verdict = "leaves no time for the run itself or a retry" if cadence.every == target.length else "cannot be met"
    return (
        f"A change made just after a run waits up to {wait} for the next one, so the "
        f"{compose.span_adjective(target.text)} latency target {verdict}. The frequency or the target is to be "
        "confirmed before build."
    )


def _questions(ctx: PlanContext, i: int) -> tuple[str, ...]:
    """The open questions and blockers tied to workflow ``i``, as the plan's section 9 words them."""
    items = [o for o in ctx.project.open_items if o.type in ("Question", "Blocker")]
    return tuple(o.item for o in covered(items, ctx.project.workflows, blank_is_all=False)[i])  # type: ignore[attr-defined]


def _workflow_spec(
    ctx: PlanContext,
    i: int,
    flow: Flow,
    maps: list[FieldMapping],
    systems: list[str],
    orders_back: tuple[str, ...] = (),
) -> WorkflowSpec:
    p = ctx.project
    keys = [_name(m, "target") for m in maps if m.key]
    ambiguous = list(ambiguous_keys(maps, systems))
    notes = tuple(_key_note(k, flow, maps) for k in ambiguous)
    unmapped, required_note = _required_fields(flow, maps)
    raced, concurrent = _concurrent_sales(flow, maps, orders_back)
    natural = natural_keys(maps)
    criteria = [c.criterion for c in covered(p.success_criteria, p.workflows, blank_is_all=False)[i]]  # type: ignore[attr-defined]
    # the workflow's own source system first, then the project's others
    read_from = [flow.source, *(s for s in systems if s != flow.source)]
    partial = [found for m in maps if m.required and (found := partial_field(m, read_from)) is not None]
    return WorkflowSpec(
        specs_section(flow),  # its section in the technical specifications, which the plan's phase 2 cites
        flow.name,
        _trigger(flow),
        flow.direction,
        flow.cadence,
        flow.latency.text if flow.latency else None,
        _objects([m.source_object for m in maps]),
        _objects([m.target_object for m in maps]),
        (
            *(_netted(_mapping_row(p, i, m, read_from), m is raced and bool(orders_back)) for m in maps),
            *_status_row(flow, maps),
            *unmapped,
        ),
        _keys_shown([m for m in maps if m.key], ambiguous, flow, maps) if keys else tbd("Matching key"),
        _idempotency(keys),
        _retries(flow),
        ctx.flow_alerts[i].own,
        notes,
        _timing(flow),
        _questions(ctx, i),
        platform_notes(flow, maps, tuple(found.mapping for found in partial)),
        tuple(_partial_note(found) for found in partial),
        _order_changes(flow, _unhandled_changes(ctx.flows)) if _posts_orders(flow, maps) else "",
        concurrent,
        required_note,
        _net_amount(flow, maps, criteria),
        tuple(dict.fromkeys(_key_assumption(k, flow) for k in natural)),
        tuple(dict.fromkeys(k.value for k in natural)),
        _missed_events(flow, maps, criteria),
        bool(_status_row(flow, maps)),
        any((fact := _fact(flow.source, m.source_object)) is not None and bool(fact.derived) for m in maps),
    )


def _missed_events(flow: Flow, maps: list[FieldMapping], criteria: list[str]) -> str:
    """How an event-driven workflow catches an event that never arrives: change events are delivered at
    least once but not always, so a reconciliation run (assumed: ``common.catch_up_every``, which the test
    cases' recovery after a revoked credential also states) reads the source records changed since its
    last run and writes the ones not yet written; "" for a scheduled or polled workflow, whose read
    position already covers every change. A success criterion tied to the workflow that states a duration
    (``claims.stated_duration``) shorter than the missed-event path's twice the target is named as not
    covering that path, to be agreed."""
    if not flow.event_driven:
        return ""
    record = next((m.source_object for m in maps if m.source_object), None)
    one = _record_words(record) if record else "record"
    every = catch_up_every(flow)
    short = every != "hour"
    late = (
        f" {'An' if one[0] in 'aeiou' else 'A'} {one} whose event is missed is written within twice the latency "
        "target, not within it."
        if short
        else ""
    )
    bound = flow.latency.length * 2 if short and flow.latency else None
    unmet = [c for c in criteria if bound and (d := stated_duration(c)) is not None and d.length < bound]
    if unmet:
        quoted = compose.join_words([f'"{c}"' for c in unmet])
        late += (
            f" That is the exception the success criteri{'on' if len(unmet) == 1 else 'a'} {quoted} "
            f"{'does' if len(unmet) == 1 else 'do'} not cover: {'it holds' if len(unmet) == 1 else 'they hold'} "
            f"for the events that arrive; the exception is agreed with the client before build, or the "
            f"reconciliation runs often enough to meet {'it' if len(unmet) == 1 else 'them'}."
        )
    return (
        f"{flow.source} change events are delivered at least once but not always: an event can arrive late or "
        f"never. A reconciliation run every {every} (assumed) reads the {flow.source} {one}s changed since its "
        f"last run and writes those not yet written; the matching key finds any already written, so none is "
        f"written twice.{late}"
    )


def _sections(numbers: list[str]) -> str:
    """['4.5'] -> 'section 4.5', ['4.2', '4.3'] -> 'sections 4.2 and 4.3'; [] -> ''."""
    return f"section{'s' if len(numbers) > 1 else ''} {compose.join_words(numbers)}" if numbers else ""


def _orders_back(flows: tuple[Flow, ...], by_map: list[list[FieldMapping]], flow: Flow) -> tuple[str, ...]:
    """The sections of the workflows that carry ``flow``'s target system's orders to its source system."""
    return tuple(
        specs_section(other)
        for j, other in enumerate(flows)
        if other.source == flow.target and other.target == flow.source and _posts_orders(other, by_map[j])
    )


def build_specs(ctx: PlanContext, kind: DocumentKind = TECHNICAL_SPECS) -> TechSpecs:
    p = ctx.project
    by_map = covered(p.field_mappings, p.workflows, blank_is_all=False)
    systems = project_systems(p)
    maps: list[list[FieldMapping]] = by_map  # type: ignore[assignment]
    specs = [
        _workflow_spec(ctx, i, flow, maps[i], systems, _orders_back(ctx.flows, maps, flow))
        for i, flow in enumerate(ctx.flows)
    ]
    shared = tuple(stated(a) for a in shared_alerts(p))
    zone = time_zone(p.deployment_window)  # stated where the client agreed a time: never guessed
    return TechSpecs(
        header(ctx, kind),
        tuple(specs),
        ctx.dependencies.api,
        ctx.dependencies.secret_manager,
        ctx.dependencies.provider,
        ctx.dependencies.monitoring_tool,
        ctx.monitoring.tools.alerts,
        ctx.monitoring.tools.logs,
        shared,
        any(w.key_notes for w in specs),
        _retry_policy(list(ctx.flows)),
        _late_policy(shared, specs),
        _rate_plan(ctx.dependencies.api, ctx),
        _repeats(list(ctx.flows)),
        ctx.phases[0].end if ctx.phases else None,
        any(f.frequency is not None and f.frequency.at for f in ctx.flows),
        _possessive(p.client_name),
        any(not f.event_driven and f.trigger_value in ("Real-time", "Scheduled") for f in ctx.flows),
        zone_words(zone) if zone else "",
        _order_policy(specs, _unhandled_changes(ctx.flows)),
        _approval_past(ctx),
        any(f.event_driven for f in ctx.flows),
        _sections([w.number for w in specs if w.status_once]),
        _sections([w.number for w in specs if w.computed_source]),
    )


def _approval_past(ctx: PlanContext) -> bool:
    end = ctx.phases[0].end if ctx.phases else None
    return end is not None and end < ctx.plan_date


def _order_policy(specs: list[WorkflowSpec], unhandled: list[str]) -> str:
    """Section 3's pointer to the workflows that post orders whose later changes no workflow carries;
    their own sections say what is to be agreed."""
    posting = [w.number for w in specs if w.order_changes]
    if not posting:
        return ""
    where = f"section{'s' if len(posting) > 1 else ''} {compose.join_words(posting)}"
    return f"For the later {compose.join_words(unhandled)} of an order already written, see {where}."


def _possessive(name: str) -> str:
    """ "Harbor Home Goods" -> "Harbor Home Goods'", "Acme" -> "Acme's"; "the client's" when blank."""
    if not name.strip():
        return "the client's"
    return f"{name}'" if name.endswith("s") else f"{name}'s"
