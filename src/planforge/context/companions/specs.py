"""The technical specifications' typed context: one section per workflow (direction, trigger, cadence,
mappings, keys, alerts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from planforge.context import compose
from planforge.context.alerts import WorkflowAlert, shared_alerts, stated
from planforge.context.companions.common import DocHeader, header, tbd
from planforge.context.flows import Flow
from planforge.context.plan import ApiFacts, PlanContext, Shown
from planforge.core.model import FieldMapping, Project
from planforge.core.names import TECHNICAL_SPECS, DocumentKind
from planforge.derive.completeness import Tbd
from planforge.validation.mappings import AmbiguousKey, ambiguous_keys, stated_rule
from planforge.validation.traceability import covered
from planforge.validation.workflows import project_systems

#: The standard back-off when no latency target bounds it: five retries, the delays doubling.
_STANDARD_RETRIES = (60, 120, 240, 480, 960)
_COUNT = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


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
    idempotency: str
    #: how its transient errors are retried, within its latency target when it has one
    retries: str
    #: its own Alerts rows, else its assumed defaults (context.alerts)
    alerts: tuple[WorkflowAlert, ...]
    #: "" or the sentence naming the alerts on every workflow, listed once in section 1
    shared_alerts: str = ""
    #: why each matching key must be confirmed before build (a key that names another record only)
    key_notes: tuple[str, ...] = ()


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


def _mapping_row(project: Project, index: int, m: FieldMapping) -> MappingRow:
    return MappingRow(
        _name(m, "source"), _name(m, "target"), _transform(project, index, m), "Yes" if m.required else "No"
    )


def _record_words(record: str) -> str:
    """'InventoryLevel' -> 'inventory level': a record type as prose."""
    return _CAMEL.sub(" ", record).replace("_", " ").lower()


def _key_note(k: AmbiguousKey) -> str:
    record = _record_words(k.record)
    return (
        f"{_name(k.mapping, 'target')} identifies the {k.other} each {record} belongs to, not the {record} itself, "
        f"so two {record} records of the same {k.other} would share it and the second would overwrite the first. "
        f"The key must be confirmed before build: the {record}'s own ID, or a second field that together with "
        f"the {k.other} identifies one {record}."
    )


def _delays(budget: timedelta | None) -> tuple[int, ...]:
    """The back-off delays in seconds: the standard five without a budget; otherwise doubling from
    1 minute (15 seconds under 3 minutes) as long as their sum stays within the budget."""
    if budget is None:
        return _STANDARD_RETRIES
    total, step = 0, 60 if budget >= timedelta(minutes=3) else 15
    out: list[int] = []
    while len(out) < len(_STANDARD_RETRIES) and total + step <= budget.total_seconds():
        out.append(step)
        total += step
        step *= 2
    return tuple(out)


def _delay_words(delays: tuple[int, ...]) -> str:
    """(60, 120, 240) -> '1, 2, and 4 minutes'; (15, 30) -> '15 and 30 seconds'."""
    unit, size = ("minute", 60) if all(d % 60 == 0 for d in delays) else ("second", 1)
    numbers = [str(d // size) for d in delays]
    return f"{compose.join_words(numbers)} {unit}{'' if numbers == ['1'] else 's'}"


def _as_adjective(span: str) -> str:
    """'15 minutes' -> '15-minute', '1 hour' -> '1-hour': a span before a noun."""
    number, _, unit = span.partition(" ")
    return f"{number}-{unit.removesuffix('s')}" if number.isdigit() and unit else span


def _retries(flow: Flow) -> str:
    """How a workflow's transient errors are retried: within its latency target when it states one,
    and the record reported as late when the target passes while the retries continue."""
    target = flow.latency
    delays = _delays(target.length if target else None)
    if target is None:
        return (
            f"Transient errors are retried {_COUNT[len(delays)]}, after {_delay_words(delays)}; a record still "
            "failing then moves to the retry queue."
        )
    within = f"the {_as_adjective(target.text)} latency target"
    first = (
        f"Transient errors are retried after {_delay_words(delays)}, so the retries stay within {within}"
        if delays
        else f"Transient errors are retried at once, since {within} leaves no time to wait"
    )
    return (
        f"{first}. A record still not written when the target passes is reported on the alert channel, and the "
        "retries continue from the retry queue."
    )


def _between(flow: Flow) -> str:
    """Which way a workflow writes, in a phrase: 'from A to B', or 'between A and B' both ways."""
    return f"between {flow.source} and {flow.target}" if flow.two_way else f"from {flow.source} to {flow.target}"


def _idempotency(keys: list[str], confirm: bool) -> str:
    if not keys:
        return (
            "Each source record's ID is stored with the record it creates, and looked up before every write, so "
            "a retry or a replayed event never creates a second record."
        )
    lead = (
        "Once the matching key is confirmed, each record is looked up by it"
        if confirm
        else f"Each record is looked up by its matching key ({', '.join(keys)})"
    )
    return f"{lead} before it is written, so a retry or a replayed event updates the record instead of creating a second one."


def _workflow_spec(ctx: PlanContext, i: int, flow: Flow, maps: list[FieldMapping], systems: list[str]) -> WorkflowSpec:
    p = ctx.project
    keys = [_name(m, "target") for m in maps if m.key]
    notes = tuple(_key_note(k) for k in ambiguous_keys(maps, systems))
    alerts = ctx.flow_alerts[i]
    shared = (
        f"The alerts on every workflow (section 1) {'also ' if alerts.own else ''}watch its writes "
        f"{_between(flow)}: {compose.join_words(list(alerts.shared))}"
        if alerts.shared
        else ""
    )
    return WorkflowSpec(
        f"4.{i + 1}",  # its section in the technical specifications, which the plan's phase 2 cites
        flow.name,
        flow.trigger,
        flow.direction,
        flow.cadence,
        flow.latency.text if flow.latency else None,
        _objects([m.source_object for m in maps]),
        _objects([m.target_object for m in maps]),
        tuple(_mapping_row(p, i, m) for m in maps),
        (", ".join(keys) + (" (to be confirmed)" if notes else "")) if keys else tbd("Matching key"),
        _idempotency(keys, bool(notes)),
        _retries(flow),
        alerts.own,
        shared,
        notes,
    )


def build_specs(ctx: PlanContext, kind: DocumentKind = TECHNICAL_SPECS) -> TechSpecs:
    p = ctx.project
    by_map = covered(p.field_mappings, p.workflows, blank_is_all=False)
    systems = project_systems(p)
    specs = [_workflow_spec(ctx, i, flow, by_map[i], systems) for i, flow in enumerate(ctx.flows)]  # type: ignore[arg-type]
    return TechSpecs(
        header(ctx, kind),
        tuple(specs),
        ctx.dependencies.api,
        ctx.dependencies.secret_manager,
        ctx.dependencies.provider,
        ctx.dependencies.monitoring_tool,
        ctx.monitoring.tools.alerts,
        ctx.monitoring.tools.logs,
        tuple(stated(a) for a in shared_alerts(p)),
        any(w.key_notes for w in specs),
    )
