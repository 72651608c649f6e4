"""The test cases' typed context: one case per Test Scenarios row and workflow it names, expected
results from the field mappings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planforge.context.companions.common import DocHeader, header, person
from planforge.context.flows import Flow
from planforge.context.plan import PlanContext, Shown
from planforge.core.model import FieldMapping, TestScenario
from planforge.core.names import TEST_CASES, DocumentKind
from planforge.derive.completeness import Tbd
from planforge.validation.traceability import covered, match_workflows


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
        person(ctx, "QA Engineer", "Lead Engineer"),
        ctx.testing.test_data.source,
    )
