"""Typed contexts of the companion documents (SOW, technical specifications, test cases,
deployment runbook, support playbook), built from the validated project and its plan context.

Every figure the plan already derives (phase dates and durations, go-live, owners, API facts,
alerts, ROI) is taken from the ``PlanContext``, never recomputed, so a document cannot disagree
with the plan. What only a document needs (per-workflow mappings, test-case steps, the runbook
countdown, the escalation path) is resolved here to data, ``Assumed`` (printed "(assumed)") or
``Tbd`` (printed "[TBD]"); templates only lay it out. The review bookkeeping stays in the plan's
review file: nothing here is internal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from planforge.context import compose
from planforge.context.alerts import WorkflowAlert, shared_alerts, stated
from planforge.context.flows import Flow
from planforge.context.plan import ApiFacts, Phase, PlanContext, Shown, people_by_role
from planforge.context.workload import ROLE_PHASES
from planforge.core.model import FieldMapping, Project, TestScenario
from planforge.core.money import format_money, format_rate
from planforge.core.names import (
    COMPANIONS,
    DEPLOYMENT_RUNBOOK,
    SOW,
    SUPPORT_PLAYBOOK,
    TECHNICAL_SPECS,
    TEST_CASES,
    DocumentKind,
)
from planforge.derive import rules as derive
from planforge.derive.calendar import countdown_day as countdown_day
from planforge.derive.completeness import Tbd
from planforge.validation.traceability import covered, match_workflows


def _tbd(label: str) -> Tbd:
    return Tbd(label, "")


@dataclass(frozen=True)
class DocHeader:
    kind: str
    title: str
    project_id: str
    project_name: str
    client_name: str
    system_a: str
    system_b: str
    version: str
    date: date
    draft: bool
    owner: str | Tbd


# ---------------------------------------------------------------- SOW


@dataclass(frozen=True)
class Milestone:
    name: str
    due: date | None
    acceptance: str


@dataclass(frozen=True)
class PhaseEffort:
    phase: Phase
    person_days: str | None


@dataclass(frozen=True)
class Commercial:
    fee: str | Tbd
    rate: str
    annual_value: str | None
    payback: str | None
    roi: str | None


@dataclass(frozen=True)
class Sow:
    header: DocHeader
    summary: str | None
    objectives: tuple[str, ...]
    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    out_of_scope_standard: bool
    deliverables: tuple[str, ...]
    phases: tuple[PhaseEffort, ...]
    go_live: date | None
    effort_basis: str
    assumptions: tuple[str, ...]
    dependencies: tuple[str, ...]
    dependencies_standard: bool
    milestones: tuple[Milestone, ...]
    commercial: Commercial
    client_contact: str | Tbd
    project_manager: str | Tbd


# ---------------------------------------------------------------- technical specifications


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


# ---------------------------------------------------------------- test cases


@dataclass(frozen=True)
class TestCase:
    id: str
    workflow: str
    scenario: str
    type: str
    preconditions: str
    steps: tuple[str, ...]
    expected: str


@dataclass(frozen=True)
class TestGroup:
    title: str
    cases: tuple[TestCase, ...]


@dataclass(frozen=True)
class TestCases:
    header: DocHeader
    groups: tuple[TestGroup, ...]
    uat_start: date | None
    uat_end: date | None
    tester: str | Tbd
    test_data: Shown

    @property
    def cases(self) -> tuple[TestCase, ...]:
        return tuple(c for g in self.groups for c in g.cases)


# ---------------------------------------------------------------- runbook


@dataclass(frozen=True)
class CountdownItem:
    offset: str
    when: date | None
    activity: str
    owner: str | Tbd


@dataclass(frozen=True)
class Gate:
    name: str
    when: str
    criteria: str
    approvers: tuple[str | Tbd, ...]


@dataclass(frozen=True)
class RunbookStep:
    number: int
    step: str
    owner: str | Tbd
    duration: str | Tbd


@dataclass(frozen=True)
class Communication:
    when: str
    audience: str
    message: str
    owner: str | Tbd


@dataclass(frozen=True)
class Runbook:
    header: DocHeader
    go_live: date | None
    window: str | Tbd
    strategy: str | Tbd
    countdown: tuple[CountdownItem, ...]
    gates: tuple[Gate, ...]
    steps: tuple[RunbookStep, ...]
    steps_are_standard: bool
    rollback_criteria: str | Tbd
    rollback_time: str | Tbd
    rollback_steps: tuple[str, ...]
    verification: tuple[str, ...]
    communications: tuple[Communication, ...]


# ---------------------------------------------------------------- support playbook


@dataclass(frozen=True)
class SeverityLevel:
    severity: str
    meaning: str
    response: str | Tbd


@dataclass(frozen=True)
class EscalationStep:
    level: int
    role: str
    name: str | Tbd
    when: str


@dataclass(frozen=True)
class AlertPlay:
    alert: str
    threshold: str | Tbd
    severity: str | Tbd
    response: str | Tbd
    workflows: str
    meaning: str
    diagnose: tuple[str, ...]
    fix: tuple[str, ...]


@dataclass(frozen=True)
class Playbook:
    header: DocHeader
    severities: tuple[SeverityLevel, ...]
    escalation: tuple[EscalationStep, ...]
    alerts: tuple[AlertPlay, ...]
    alerts_are_standard: bool
    monitoring_hours: int
    stabilization_days: int
    support_start: date | None
    support_end: date | None
    support_duration: str
    alert_destination: Shown
    incident_tool: Shown
    dashboard: str | Tbd
    logs: Shown
    exclusions: tuple[str, ...]


# ================================================================ builders


def header(ctx: PlanContext, kind: DocumentKind) -> DocHeader:
    p = ctx.project
    return DocHeader(
        kind.name,
        kind.title,
        p.project_id,
        p.project_name,
        p.client_name,
        p.system_a,
        p.system_b,
        ctx.references.version,
        ctx.plan_date,
        ctx.draft,
        ctx.references.owner,
    )


def _person(ctx: PlanContext, *roles: str) -> str | Tbd:
    people = people_by_role((row.role, row.name) for row in ctx.team)
    for role in roles:
        name = people.get(role)
        if isinstance(name, str) and name:
            return name
    return _tbd(roles[0])


def _scope(project: Project, kind: str) -> tuple[str, ...]:
    return tuple(s.item for s in project.scope if s.kind == kind)


def _effort(ctx: PlanContext) -> tuple[tuple[PhaseEffort, ...], str]:
    """Person-days per phase: each delivery-team member's allocation x the phase's business days,
    for the phases their role works in (workload.ROLE_PHASES, the rule the summary's People sheet
    uses). Client staff are not counted."""
    team = [m for m in ctx.project.team if m.role != "Client Point of Contact"]
    rows = []
    for phase in ctx.phases:
        share = sum(
            (m.allocation if m.allocation is not None else 1.0)
            for m in team
            if phase.number in ROLE_PHASES.get(m.role, ROLE_PHASES["Other"])
        )
        rows.append(PhaseEffort(phase, derive.number(round(share * phase.days, 1)) if team else None))
    basis = "Effort is the delivery team's allocation on the phases each role works in, in person-days." if team else ""
    return tuple(rows), basis


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    """Items once each (the same assumption may be on Scope and on Open Items), case ignored."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = " ".join(item.casefold().split())
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def _days(value: float | None) -> str:
    if value is None:
        return "[TBD]"
    return derive.number(value)


def build_sow(ctx: PlanContext, kind: DocumentKind = SOW) -> Sow:
    p = ctx.project
    workflows = tuple(w.workflow[:1].upper() + w.workflow[1:] for w in p.workflows)
    in_scope = _scope(p, "In scope") or workflows
    out = _scope(p, "Out of scope")
    standard_out = not out
    if standard_out:
        out = (
            f"Changes to the configuration, data or processes of {p.system_a} or {p.system_b} beyond what the "
            "integration needs",
            "Data flows, systems or reports not listed in scope",
            *(() if derive.has_migration(p) else ("Migration of historical data",)),
            f"Support after the post-launch support period of {ctx.phases[4].duration}",
        )
    deliverables = _deliverables(ctx)
    phases, basis = _effort(ctx)
    assumptions = _unique(_scope(p, "Assumption") + tuple(o.item for o in ctx.open_items.assumptions))
    deps, standard_deps = _client_dependencies(ctx)
    milestones = _milestones(ctx)
    summary = ctx.summary.given or None
    return Sow(
        header(ctx, kind),
        summary,
        tuple(o.objective.strip().rstrip(".") for o in p.objectives),  # the plan's objectives, not its outcomes
        in_scope,
        out,
        standard_out,
        deliverables,
        phases,
        ctx.go_live,
        basis,
        assumptions,
        deps,
        standard_deps,
        milestones,
        _commercial(p, ctx.roi_figures),
        p.client_contact or _person(ctx, "Client Point of Contact"),
        ctx.header.project_manager,
    )


def _deliverables(ctx: PlanContext) -> tuple[str, ...]:
    """What the SOW delivers: the integration, a migration, the plan and the other companion documents, UAT, monitoring, support."""
    p = ctx.project
    docs = [k.title for k in COMPANIONS if k is not SOW]
    return (
        f"A production integration between {p.system_a} and {p.system_b} covering "
        + (
            f"{compose.count_word(len(p.workflows))} workflow{'s' if len(p.workflows) != 1 else ''}"
            if p.workflows
            else "the agreed workflows"
        ),
        *(
            ("Migration of historical data: " + str(ctx.dependencies.migration.scope),)
            if ctx.dependencies.migration
            else ()
        ),
        "The implementation plan, kept current until handover, and the "
        + compose.join_words([d.lower() for d in docs]),
        "User acceptance testing support and a UAT tracker for the client's testers",
        f"Monitoring and alerting configured in {ctx.dependencies.monitoring_tool}",
        f"Post-launch support for {ctx.phases[4].duration}, including {ctx.schedule.monitoring_hours} hours of close monitoring after go-live",
    )


def _client_dependencies(ctx: PlanContext) -> tuple[tuple[str, ...], bool]:
    """The Scope sheet's client dependencies, else the standard ones (and True)."""
    p = ctx.project
    deps = _scope(p, "Client dependency")
    standard_deps = not deps
    if standard_deps:
        contact = ctx.project.client_contact or people_by_role((row.role, row.name) for row in ctx.team).get(
            "Client Point of Contact"
        )
        deps = (
            f"Administrator access to {p.system_a} and {p.system_b}, in test and production, by the start of phase 1",
            f"A named contact{f', {contact},' if isinstance(contact, str) and contact else ''} who answers design "
            "questions within two business days",
            "Testers from the client's team available throughout user acceptance testing",
            "Sign-off of the field mappings, UAT results and go-live by the milestone dates in section 8",
        )
    return deps, standard_deps


def _milestones(ctx: PlanContext) -> tuple[Milestone, ...]:
    """One milestone per phase, due at its end (go-live on the go-live date), with its acceptance."""
    names = {1: "Design approved", 2: "Build complete", 3: "UAT sign-off", 4: "Go-live", 5: "Handover to support"}
    criteria = {
        1: "the field mappings, matching keys and error handling in the technical specifications are approved in writing",
        2: "every workflow runs end to end in the test environment and passes the system tests",
        3: "every test case is marked Pass, or its failure is accepted in writing, in the UAT tracker",
        4: "the deployment runbook's verification checks pass and the client confirms the first production sync",
        5: (
            "the success criteria of the implementation plan are met and "
            f"{ctx.success.stabilization_days} days of stable operation are completed"
        ),
    }
    return tuple(
        Milestone(names[ph.number], ctx.go_live if ph.number == 4 else ph.end, criteria[ph.number]) for ph in ctx.phases
    )


def _commercial(p: Project, roi: derive.Roi | None) -> Commercial:
    """The fee (Projects > Budget, else TBD), the rate and the value the plan's ROI derives."""
    cur = p.currency
    fee: str | Tbd = format_money(p.budget, cur) if p.budget is not None else _tbd("Budget")
    rate_text = ""
    value = payback = ratio = None
    if roi is not None:
        rate_text = f"{format_rate(roi.hourly_rate, cur)} an hour" + (
            "" if roi.rate_source == "project rate" else " (assumed)"
        )
        value = format_money(round(roi.annual_value), cur)
        if roi.payback_months is not None:
            payback = f"{derive.number(roi.payback_months)} months"
        if roi.roi is not None:
            ratio = f"{roi.roi * 100:,.0f}%".replace("-", "\u2212")
    return Commercial(fee, rate_text, value, payback, ratio)


# ---------------------------------------------------------------- specs


def _objects(values: list[str | None]) -> str | Tbd:
    found: list[str] = []
    for v in values:
        if v and v not in found:
            found.append(v)
    return ", ".join(found) if found else _tbd("Objects")


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
                ", ".join(keys) if keys else _tbd("Matching key"),
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


# ---------------------------------------------------------------- test cases


def _run(flow: Flow | None) -> str:
    """How a test run is started: the workflow's own trigger, source and cadence."""
    if flow is None:
        return "Run the workflow in the test environment"
    within = f"within {flow.latency.text}" if flow.latency else "within minutes"
    if flow.event_driven:
        return f"Wait for the {flow.source} change event to be processed ({within})"
    return {
        "Real-time": f"Wait for the next poll of {flow.source} ({flow.poll})",
        "Scheduled": "Start the scheduled run on demand from the test environment",
        "Manual": "Start the run as an operator would",
    }.get(flow.trigger_value, "Run the workflow in the test environment")


def _field(obj: str | None, name: str) -> str:
    return f"{obj}.{name}" if obj else name


def mapping_checks(maps: list[FieldMapping], source: str) -> tuple[str, ...]:
    """What a tester compares in the target, one check per Field Mappings row of the workflow: the
    target field equals the source system's field, or is it after the row's transform."""
    checks = []
    for m in maps:
        target, src = _field(m.target_object, m.target_field), _field(m.source_object, m.source_field)
        how = f"is {source} {src} after the transform ({m.transform})" if m.transform else f"equals {source} {src}"
        checks.append(f"{target} {how}")
    return tuple(checks)


def _expected(kind: str, source: str, target: str, checks: tuple[str, ...]) -> str:
    """A happy path's or edge case's expected result: the workflow's own field mappings where it
    has some, else the mapped fields of the technical specifications."""
    lead = "The case is handled as the scenario states; in" if kind == "Edge Case" else "In"
    if checks:
        return f"{lead} {target}: {'; '.join(checks)}; and no alert is raised"
    return (
        f"{lead} {target}, every field the technical specifications map matches the {source} record, "
        "and no alert is raised"
    )


def _steps(kind: str, flow: Flow | None, source: str, target: str, ctx: PlanContext) -> tuple[tuple[str, ...], str]:
    """The steps and the expected result of a case that is not a happy path or an edge case."""
    run = _run(flow)
    if kind == "Error Handling":
        return (
            f"Set up this condition in the {source} and {target} test environments",
            run,
            "Check the integration log and the alert channel",
            f"Check {target} for duplicate or partial records",
        ), (
            f"The failure is logged with the {source} record's ID, retried or queued as specified, an alert "
            f"reaches the support team, and no duplicate or partial record is written to {target}"
        )
    if kind == "Performance":
        perf = ctx.testing.performance_targets
        return (
            f"Load this volume into the {source} test environment",
            run,
            f"Measure the time from the first {source} record read to the last {target} record written",
        ), f"The volume is processed without errors{f' and within the target: {perf}' if isinstance(perf, str) else ''}"
    return (
        f"Attempt this action against the {source} and {target} test environments",
        "Check the integration log",
    ), f"The attempt is refused and logged; no data is read from {source} or written to {target}"


def _case(
    n: int, s: TestScenario, title: str, flow: Flow | None, maps: list[FieldMapping], ctx: PlanContext
) -> TestCase:
    p = ctx.project
    kind = s.type or "Happy Path"
    source, target = (flow.source, flow.target) if flow else (p.system_a, p.system_b)
    pre = f"The integration is connected to the {source} and {target} test environments with the UAT test data loaded"
    if kind in ("Error Handling", "Performance", "Security"):
        steps, expected = _steps(kind, flow, source, target, ctx)
    else:
        steps = (
            f"Set up this case in the {source} test environment",
            _run(flow),
            f"Open the resulting record in {target} and compare it with the {source} record",
        )
        expected = _expected(kind, source, target, mapping_checks(maps, source))
    return TestCase(f"TC-{n:02d}", flow.name if flow else "General", title, kind, pre, steps, expected)


def _titles(s: TestScenario, flows: list[Flow]) -> list[tuple[Flow, str]]:
    """One title per workflow a scenario row names: the scenario as written when it names one,
    else qualified by each workflow's direction (by its number when two share a direction), so no
    two cases read as the same scenario."""
    if len(flows) < 2:
        return [(f, s.scenario) for f in flows]
    ways = [f"between {f.source} and {f.target}" if f.two_way else f"{f.source} to {f.target}" for f in flows]
    return [
        (f, f"{s.scenario} ({way if ways.count(way) == 1 else f'workflow {f.number}'})")
        for f, way in zip(flows, ways, strict=True)
    ]


def build_test_cases(ctx: PlanContext, kind: DocumentKind = TEST_CASES) -> TestCases:
    """One case per Test Scenarios row and workflow it names (a row without a workflow: one general
    case), in workflow order; a scenario repeated for the same workflow is one case."""
    p = ctx.project
    wf = p.workflows
    by_map = covered(p.field_mappings, wf, blank_is_all=False)
    planned: list[list[tuple[TestScenario, str]]] = [[] for _ in wf]
    general: list[tuple[TestScenario, str]] = []
    seen: set[tuple[int, str]] = set()
    for s in p.test_scenarios:
        named = [ctx.flows[i] for i in match_workflows(s.workflow, wf).indexes] if wf else []
        for flow, title in _titles(s, named) if named else [(None, s.scenario)]:
            key = (flow.number if flow else 0, " ".join(title.casefold().split()))
            if key not in seen:
                seen.add(key)
                (planned[flow.number - 1] if flow else general).append((s, title))
    groups, n = [], 0
    for i, rows in enumerate(planned):
        cases = []
        for s, title in rows:
            n += 1
            cases.append(_case(n, s, title, ctx.flows[i], by_map[i], ctx))  # type: ignore[arg-type]
        if cases:
            groups.append(TestGroup(f"Workflow {i + 1}: {wf[i].workflow}", tuple(cases)))
    if general:
        start = n
        groups.append(
            TestGroup(
                "General scenarios",
                tuple(_case(start + j + 1, s, t, None, [], ctx) for j, (s, t) in enumerate(general)),
            )
        )
    uat = ctx.phases[2]
    return TestCases(
        header(ctx, kind),
        tuple(groups),
        uat.start,
        uat.end,
        _person(ctx, "QA Engineer", "Lead Engineer"),
        ctx.testing.test_data.source,
    )


# ---------------------------------------------------------------- runbook

_ROLLBACK = {
    "Blue-green": (
        "Switch traffic and webhooks back to the previous (blue) environment",
        "Stop the new environment's workers so nothing is written twice",
    ),
    "Canary": ("Route all traffic back to the current version", "Stop the canary workers"),
    "Rolling": (
        "Roll the updated instances back to the previous release",
        "Confirm every instance runs the previous release",
    ),
    "Phased by location": (
        "Disable the integration for the locations already switched",
        "Return those locations to the previous process",
    ),
    "Parallel run": ("Stop the new integration's writes and keep the current process as the system of record",),
    "Big-bang cutover": ("Disable the integration's schedules and webhooks", "Resume the previous manual process"),
}


def build_runbook(ctx: PlanContext, kind: DocumentKind = DEPLOYMENT_RUNBOOK) -> Runbook:
    p = ctx.project
    dp = ctx.deployment
    pm = ctx.header.project_manager
    client = p.client_contact or _person(ctx, "Client Point of Contact")
    live = ctx.go_live
    # a window still TBD is marked once, in the introduction; composed rows then read without it
    window = f" ({dp.window})" if isinstance(dp.window, str) else ""
    when = _countdown_dates(ctx)

    def day(offset: int) -> str:
        """The Day label: the real distance of the activity's date from go-live."""
        at = when[offset]
        gap = (at - live).days if at and live else offset
        return "T-0" if gap == 0 else f"T{gap:+d}"

    return Runbook(
        header(ctx, kind),
        live,
        dp.window,
        dp.strategy,
        _countdown(ctx, when, day, window),
        _gates(day, pm, ctx.header.lead_engineer, client),
        _runbook_steps(p, dp.steps),
        not p.deployment_steps,
        dp.rollback_criteria,
        dp.rollback_time,
        _rollback(ctx),
        _verification(ctx),
        _communications(day, window, pm),
    )


def _countdown_dates(ctx: PlanContext) -> dict[int, date | None]:
    """The business day of each countdown offset from go-live; the UAT sign-off not before UAT ends."""
    live = ctx.go_live
    uat_end = ctx.phases[2].end if len(ctx.phases) > 2 else None
    when: dict[int, date | None] = {}
    for offset in (-7, -5, -3, -2, -1, 0, 1, 2):
        when[offset] = countdown_day(live, offset, ctx.closed_days) if live else None
    first = when[-7]
    if first and uat_end and live and first < uat_end < live:  # UAT sign-off cannot be confirmed before UAT ends
        when[-7] = uat_end
    return when


def _countdown(
    ctx: PlanContext, when: dict[int, date | None], day: Callable[[int], str], window: str
) -> tuple[CountdownItem, ...]:
    pm = ctx.header.project_manager
    lead = ctx.header.lead_engineer
    devops = _person(ctx, "DevOps Engineer", "Lead Engineer")
    qa = _person(ctx, "QA Engineer", "Lead Engineer")
    live = ctx.go_live
    return (
        CountdownItem(
            day(-7), when[-7], "UAT sign-off confirmed; change freeze on the integration's configuration", pm
        ),
        CountdownItem(
            day(-5),
            when[-5],
            f"Production credentials stored in {ctx.dependencies.secret_manager}; production configuration reviewed",
            devops,
        ),
        CountdownItem(day(-3), when[-3], "Readiness review (gate 1); deployment window confirmed with the client", pm),
        CountdownItem(day(-2), when[-2], "Notice of the deployment window sent to the client's users", pm),
        CountdownItem(day(-1), when[-1], "Go/no-go decision (gate 2); rollback rehearsed; support team briefed", lead),
        CountdownItem("T-0", live, f"Deployment in the window{window}, then verification (gate 3)", devops),
        CountdownItem(
            day(1),
            when[1],
            f"Close monitoring ({ctx.schedule.monitoring_hours} hours from go-live); first daily reconciliation",
            qa,
        ),
        CountdownItem(day(2), when[2], "Post-go-live review with the client; open issues triaged", pm),
    )


def _gates(day: Callable[[int], str], pm: str | Tbd, lead: str | Tbd, client: str | Tbd) -> tuple[Gate, ...]:
    return (
        Gate(
            "Gate 1: readiness",
            day(-3),
            "UAT signed off, open defects accepted, production access and credentials in place",
            (pm, client),
        ),
        Gate(
            "Gate 2: go/no-go",
            day(-1),
            "No open critical defects, rollback rehearsed, client users notified, support team briefed",
            (lead, client),
        ),
        Gate(
            "Gate 3: go-live confirmed",
            "T-0, end of window",
            "Verification checks below pass and the client confirms the first production sync",
            (client, pm),
        ),
    )


def _runbook_steps(p: Project, standard: tuple[str, ...]) -> tuple[RunbookStep, ...]:
    """The intake's deployment steps, else the standard ones of the plan (owner and duration TBD)."""
    if p.deployment_steps:
        return tuple(
            RunbookStep(i + 1, s.step, s.owner or _tbd("owner"), s.duration or _tbd("duration"))
            for i, s in enumerate(p.deployment_steps)
        )
    return tuple(RunbookStep(i + 1, s, _tbd("owner"), _tbd("duration")) for i, s in enumerate(standard))


def _written(ctx: PlanContext) -> list[str]:
    """The systems the workflows write to, in workflow order (System B when there are none)."""
    return list(dict.fromkeys(name for flow in ctx.flows for name in flow.writes_to)) or [ctx.project.system_b]


def _rollback(ctx: PlanContext) -> tuple[str, ...]:
    strategy = ctx.project.deployment_strategy or ""
    return (
        *_ROLLBACK.get(strategy, ("Disable the integration's schedules and webhooks",)),
        f"Check {compose.join_words(_written(ctx))} for records written since the window opened and reverse or correct them",
        "Confirm the rollback with the client and agree the next window",
    )


def _first_run(flow: Flow) -> str:
    """How a workflow's first production run is confirmed: in the window for one that moves records
    as they change; at its first run after go-live for a scheduled or manual one, whose run may fall
    outside the window (HARBOR-004's payouts run daily at 06:00, after a window ending at 02:00)."""
    where = compose.join_words(list(flow.writes_to))
    name = f"Workflow {flow.number} ({flow.name})"
    every = flow.frequency.every if flow.frequency is not None else None
    hourly_or_more = every is not None and every <= timedelta(hours=1)
    if flow.trigger_value == "Scheduled" and not hourly_or_more:  # an every-5-minutes run is seen in the window
        when = f" ({flow.stated_frequency})" if flow.stated_frequency else ""
        return f"{name}: at its first scheduled run after go-live{when}, the run completes and its records appear correctly in {where}"
    if flow.trigger_value == "Manual":
        return f"{name}: the first time the team starts it after go-live, the run completes and its records appear correctly in {where}"
    return f"{name}: its first production run completes and its records appear correctly in {where}"


def _verification(ctx: PlanContext) -> tuple[str, ...]:
    firsts = (
        tuple(_first_run(f) for f in ctx.flows)
        if ctx.flows
        else (f"The first production sync completes and its records appear correctly in {ctx.project.system_b}",)
    )
    return (
        "The integration's health check passes in production",
        *firsts,
        *(
            (f"Accuracy check: {ctx.monitoring.metrics.accuracy}",)
            if isinstance(ctx.monitoring.metrics.accuracy, str)
            else ()
        ),
        "Dashboards show live data and a test alert reaches the alert channel",
        "The client confirms the first production sync",
    )


def _communications(day: Callable[[int], str], window: str, pm: str | Tbd) -> tuple[Communication, ...]:
    return (
        Communication(day(-2), "Client users", f"Deployment window{window} and what changes for them", pm),
        Communication("T-0, start", "Client contact and delivery team", "Window opened; deployment started", pm),
        Communication(
            "T-0, end", "Client contact and users", "Go-live confirmed, or rollback completed and the next window", pm
        ),
        Communication(day(2), "Client contact", "Post-go-live review: results, open issues, next steps", pm),
    )


# ---------------------------------------------------------------- playbook

SEVERITY_MEANING = {
    "Critical": "The integration is down or is writing wrong data; business processes are blocked",
    "High": "A workflow is failing or badly delayed; a workaround exists for a short time",
    "Medium": "Degraded service: delays or isolated failures that do not block the business",
    "Low": "A cosmetic issue or a question; no business impact",
}
#: Alert wording -> what it means, how to diagnose, how to fix. Matched on whole words of the
#: alert's name, first match wins; an alert matching none gets the general play.
_PLAYS: tuple[tuple[tuple[str, ...], str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("auth", "authentication", "token", "credential", "credentials"),
        "The integration cannot sign in to one of the systems, so every workflow using it has stopped.",
        (
            "Check which system refused the credentials in the logs",
            "Check whether the token was revoked, expired or rotated without being stored",
        ),
        (
            "Re-authorize the connection and store the new credentials in the secret manager",
            "Replay the failed records from the retry queue",
        ),
    ),
    (
        ("backlog", "queue", "pending", "lag", "delay", "delayed", "latency"),
        "Records are waiting longer than planned; the target system is falling behind the source.",
        (
            "Check the rate-limit responses (HTTP 429) and the target system's status page",
            "Check whether a bulk change in the source created a burst",
        ),
        (
            "Let the queue drain within the rate limit; raise concurrency only within the agreed limits",
            "Tell the client contact if the delay exceeds the response target",
        ),
    ),
    (
        ("drift", "mismatch", "reconciliation", "reconcile", "unreconciled", "unmatched", "difference", "differ"),
        "The two systems disagree on figures that should match.",
        (
            "Run the reconciliation report and list the records that differ",
            "Check recent manual edits and failed writes for those records",
        ),
        (
            "Correct the records from the system that owns them",
            "Add a test case for the cause before closing the incident",
        ),
    ),
    (
        ("failure", "failures", "failed", "error", "errors"),
        "Writes are failing above the agreed rate; some records have not reached the target system.",
        (
            "Group the failed records by error message in the logs",
            "Check the target system's status page and recent configuration changes",
        ),
        (
            "Fix the cause (mapping, reference data, configuration) and replay the failed records",
            "Confirm the failure rate is back under the threshold",
        ),
    ),
)
_GENERAL_PLAY = (
    "The condition this alert watches has passed its threshold; the workflows it covers need attention.",
    ("Open the dashboard and the logs for the affected workflow", "Check both systems' status pages"),
    ("Fix the cause, replay affected records and confirm the condition clears",),
)


def _play(alert: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    words = set(re.findall(r"[^\W_]+", alert.casefold()))
    for keys, meaning, diagnose, fix in _PLAYS:
        if words & set(keys):
            return meaning, diagnose, fix
    return _GENERAL_PLAY


def build_playbook(ctx: PlanContext, kind: DocumentKind = SUPPORT_PLAYBOOK) -> Playbook:
    p = ctx.project
    alerts = ctx.monitoring.alerts
    flows = covered(p.alerts, p.workflows, blank_is_all=True)
    severities = []
    for sev in ("Critical", "High", "Medium", "Low"):
        times = []
        for a in alerts:
            if a.severity == sev and isinstance(a.response_time, str) and a.response_time not in times:
                times.append(a.response_time)
        response: str | Tbd = _tbd("response")
        if len(times) == 1:
            response = times[0]
        elif times:  # each alert keeps its own target; say so rather than leave a bare "x or y"
            response = f"{', '.join(times[:-1])} or {times[-1]}, as set for each alert in section 4"
        if times or sev in ("Critical", "High"):
            severities.append(SeverityLevel(sev, SEVERITY_MEANING[sev], response))
    plays = []
    for i, a in enumerate(alerts):
        covers = "Every workflow"
        if p.alerts:
            hit = [w.workflow for w, rows in zip(p.workflows, flows, strict=True) if p.alerts[i] in rows]
            if len(hit) < len(p.workflows):
                covers = "; ".join(hit) if hit else "None named"
        meaning, diagnose, fix = _play(a.alert)
        plays.append(AlertPlay(a.alert, a.threshold, a.severity, a.response_time, covers, meaning, diagnose, fix))
    escalation = (
        EscalationStep(
            1,
            "First-line support",
            _person(ctx, "Support Engineer", "DevOps Engineer"),
            "Every alert: first response within the severity's target",
        ),
        EscalationStep(
            2,
            "Lead engineer",
            ctx.header.lead_engineer,
            "Not resolved within the response target, or any Critical incident",
        ),
        EscalationStep(
            3, "Project manager", ctx.header.project_manager, "Client impact, or not resolved within one business day"
        ),
        EscalationStep(
            4,
            "Client contact",
            p.client_contact or _person(ctx, "Client Point of Contact"),
            "Decisions needing the client (data corrections, process workarounds)",
        ),
    )
    support = ctx.phases[4]
    return Playbook(
        header(ctx, kind),
        tuple(severities),
        escalation,
        tuple(plays),
        ctx.monitoring.alerts_are_standard,
        ctx.schedule.monitoring_hours,
        ctx.schedule.stabilization_days,
        support.start,
        support.end,
        support.duration,
        ctx.monitoring.tools.alerts,
        ctx.monitoring.tools.incidents,
        ctx.monitoring.tools.dashboard,
        ctx.monitoring.tools.logs,
        (
            f"Outages and changes of {p.system_a} or {p.system_b} themselves (we raise them with the vendor on the client's behalf)",
            "New workflows, fields or systems: these are change requests",
            "Data entered incorrectly in the source system",
            f"Support after the post-launch period ends on {derive.long_date(support.end)}"
            if support.end
            else "Support after the post-launch period ends",
        ),
    )


#: A companion context's name (``DocumentKind.context``) -> the builder of its typed context, given
#: the plan's context and the kind it is built for (whose name and title head the document).
BUILDERS: Mapping[str, Callable[[PlanContext, DocumentKind], Any]] = {
    SOW.name: build_sow,
    TECHNICAL_SPECS.name: build_specs,
    TEST_CASES.name: build_test_cases,
    DEPLOYMENT_RUNBOOK.name: build_runbook,
    SUPPORT_PLAYBOOK.name: build_playbook,
}


def companion_context(ctx: PlanContext, kind: DocumentKind) -> Any | None:
    """The typed context ``d`` a document of ``kind`` receives, or None when it receives none."""
    builder = BUILDERS.get(kind.context) if kind.context is not None else None
    return builder(ctx, kind) if builder is not None else None
