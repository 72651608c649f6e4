"""The technical specifications' typed context: one section per workflow (direction, trigger, cadence,
mappings, keys, alerts).
"""

from __future__ import annotations

from dataclasses import dataclass

from planforge.context import compose
from planforge.context.alerts import WorkflowAlert, shared_alerts, stated
from planforge.context.companions.common import DocHeader, header, tbd
from planforge.context.flows import Flow
from planforge.context.plan import ApiFacts, PlanContext, Shown
from planforge.core.model import FieldMapping
from planforge.core.names import TECHNICAL_SPECS, DocumentKind
from planforge.derive.completeness import Tbd
from planforge.validation.traceability import covered


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
    #: its own Alerts rows, else its assumed defaults (context.alerts)
    alerts: tuple[WorkflowAlert, ...]
    #: "" or the sentence naming the alerts on every workflow, listed once in section 1
    shared_alerts: str = ""


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


def _objects(values: list[str | None]) -> str | Tbd:
    found: list[str] = []
    for v in values:
        if v and v not in found:
            found.append(v)
    return ", ".join(found) if found else tbd("Objects")


def _mapping_row(m: FieldMapping) -> MappingRow:
    source = f"{m.source_object}.{m.source_field}" if m.source_object else m.source_field
    target = f"{m.target_object}.{m.target_field}" if m.target_object else m.target_field
    return MappingRow(source, target, m.transform or "Copied as is", "Yes" if m.required else "No")


def _between(flow: Flow) -> str:
    """Which way a workflow writes, in a phrase: 'from A to B', or 'between A and B' both ways."""
    return f"between {flow.source} and {flow.target}" if flow.two_way else f"from {flow.source} to {flow.target}"


def build_specs(ctx: PlanContext, kind: DocumentKind = TECHNICAL_SPECS) -> TechSpecs:
    p = ctx.project
    by_map = covered(p.field_mappings, p.workflows, blank_is_all=False)
    specs = []
    for i, flow in enumerate(ctx.flows):
        maps: list[FieldMapping] = by_map[i]  # type: ignore[assignment]
        keys = [_mapping_row(m).target for m in maps if m.key]
        alerts = ctx.flow_alerts[i]
        shared = (
            f"The alerts on every workflow (section 1) {'also ' if alerts.own else ''}watch its writes "
            f"{_between(flow)}: {compose.join_words(list(alerts.shared))}"
            if alerts.shared
            else ""
        )
        idem = (
            f"Each record is looked up by its matching key ({', '.join(keys)}) before it is written, so a retry or a "
            "replayed event updates the record instead of creating a second one."
            if keys
            else "Each source record's ID is stored with the record it creates, and looked up before every write, so "
            "a retry or a replayed event never creates a second record."
        )
        specs.append(
            WorkflowSpec(
                f"4.{i + 1}",  # its section in the technical specifications, which the plan's phase 2 cites
                flow.name,
                flow.trigger,
                flow.direction,
                flow.cadence,
                flow.latency.text if flow.latency else None,
                _objects([m.source_object for m in maps]),
                _objects([m.target_object for m in maps]),
                tuple(_mapping_row(m) for m in maps),
                ", ".join(keys) if keys else tbd("Matching key"),
                idem,
                alerts.own,
                shared,
            )
        )
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
    )
