"""The support playbook's typed context: severities, the escalation path and one play per alert.

Each play names the workflows its alert covers (Alerts > Workflow; a blank one covers every
workflow, said once) and which way they write, and its diagnose and fix steps name those
workflows' systems. A workflow no alert covers gets the standard alerts named for it and its
systems (context.alerts), marked assumed; a project with no alert and no workflow gets the
standard alerts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from planforge.context import compose
from planforge.context.companions.common import DocHeader, header, person, tbd
from planforge.context.flows import Flow
from planforge.context.plan import PlanContext, Shown
from planforge.core.names import SUPPORT_PLAYBOOK, DocumentKind
from planforge.derive import rules as derive
from planforge.derive.completeness import Assumed, Tbd
from planforge.validation.traceability import match_workflows
from planforge.validation.workflows import project_systems


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
    alert: str | Assumed
    threshold: str | Tbd
    severity: str | Tbd
    response: str | Tbd
    #: the workflows it covers and their systems ("Every workflow: writes from A to B ...")
    workflows: str
    meaning: str
    diagnose: tuple[str, ...]
    fix: tuple[str, ...]


@dataclass(frozen=True)
class FlowLine:
    """One workflow as the alerts section lists it: its number, name and the systems it reads and writes."""

    number: int
    name: str
    source: str
    target: str


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
    #: the workflows and their systems, which the alerts name
    flows: tuple[FlowLine, ...] = ()
    #: True when some workflow has no alert of its own or on every workflow: its plays are standard ones named for it
    has_defaults: bool = False


SEVERITY_MEANING = {
    "Critical": "The integration is down or is writing wrong data; business processes are blocked",
    "High": "A workflow is failing or badly delayed; a workaround exists for a short time",
    "Medium": "Degraded service: delays or isolated failures that do not block the business",
    "Low": "A cosmetic issue or a question; no business impact",
}


@dataclass(frozen=True)
class _Scope:
    """The systems of the workflows an alert covers, as its play names them."""

    flows: tuple[Flow, ...]
    systems: tuple[str, ...]
    sources: tuple[str, ...]
    targets: tuple[str, ...]

    @property
    def directions(self) -> str:
        """'from Shopify to NetSuite and from NetSuite to Shopify': which way the covered workflows write."""
        both = {frozenset((f.source, f.target)) for f in self.flows if f.two_way}
        ways: list[str] = []
        for f in self.flows:
            pair = frozenset((f.source, f.target))
            if pair in both and not f.two_way:
                continue  # the two-way workflow between the same systems already says it
            way = f"both ways between {f.source} and {f.target}" if f.two_way else f"from {f.source} to {f.target}"
            if way not in ways:
                ways.append(way)
        return compose.join_words(ways) or f"between {compose.join_words(list(self.systems))}"


_NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in names if n))


def _scope(flows: tuple[Flow, ...], systems: list[str]) -> _Scope:
    if not flows:
        return _Scope((), tuple(systems), tuple(systems), tuple(systems))
    return _Scope(
        flows,
        _unique([name for f in flows for name in (f.source, f.target)]),
        _unique([f.source for f in flows] + [f.target for f in flows if f.two_way]),
        _unique([name for f in flows for name in f.writes_to]),
    )


def _or(names: tuple[str, ...]) -> str:
    return " or ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + ", or " + names[-1]


def _and(names: tuple[str, ...]) -> str:
    return compose.join_words(list(names))


def _status_pages(names: tuple[str, ...]) -> str:
    return f"{names[0]}'s status page" if len(names) == 1 else f"the status pages of {_and(names)}"


def _auth_play(s: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (
        f"The integration cannot sign in to {_or(s.systems)}, so every workflow using that system has stopped.",
        (
            f"Find in the logs which system refused the credentials: {_or(s.systems)}",
            "Check whether its token was revoked, expired or rotated without being stored",
        ),
        (
            "Re-authorize the connection to that system and store the new credentials in the secret manager",
            "Replay the failed records from the retry queue",
        ),
    )


def _backlog_play(s: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (
        f"Records are waiting longer than planned in the writes {s.directions}.",
        (
            f"Check the rate-limit responses (HTTP 429) and status {'page' if len(s.targets) == 1 else 'pages'} of "
            f"{_and(s.targets)}",
            f"Check whether a bulk change in {_or(s.sources)} created a burst",
        ),
        (
            f"Let the queue drain within the rate limits of {_and(s.targets)}; raise concurrency only within the "
            "agreed limits",
            "Tell the client contact if the delay exceeds the response target",
        ),
    )


def _run_play(s: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (
        f"A scheduled run did not complete, or left records it could not write to {_or(s.targets)}; those records "
        "wait until the run is repeated.",
        (
            "Find the run in the logs, the step where it stopped and the records its report lists",
            f"Check {_status_pages(s.systems)} and the rate-limit responses (HTTP 429)",
        ),
        (
            "Fix the cause and repeat the run: writes are idempotent, so nothing is posted twice",
            "Confirm the repeated run's report lists every record as written",
        ),
    )


def _drift_play(s: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    owner = "the source of the workflow" if len(s.flows) == 1 else "the source of each workflow"
    return (
        f"{_and(s.systems)} disagree on figures that should match.",
        (
            "Run the reconciliation report and list the records that differ",
            f"Check those records for recent manual edits in {_or(s.systems)} and for failed writes to {_or(s.targets)}",
        ),
        (
            f"Correct the records from the system that owns them ({_or(s.sources)}, {owner})",
            "Add a test case for the cause before closing the incident",
        ),
    )


def _failure_play(s: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    them = "it" if len(s.targets) == 1 else "them"
    return (
        f"Writes to {_or(s.targets)} are failing above the agreed rate; some records have not reached {them}.",
        (
            "Group the failed records by error message in the logs",
            f"Check {_status_pages(s.targets)} and recent configuration changes",
        ),
        (
            "Fix the cause (mapping, reference data, configuration) and replay the failed records",
            "Confirm the failure rate is back under the threshold",
        ),
    )


def _general_play(s: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    which = f"workflow {s.flows[0].number}" if len(s.flows) == 1 else "the workflows it covers"
    return (
        f"The condition this alert watches has passed its threshold; {which} needs attention.",
        (f"Open the dashboard and the logs for {which}", f"Check {_status_pages(s.systems)}"),
        ("Fix the cause, replay affected records and confirm the condition clears",),
    )


_Play = Callable[[_Scope], tuple[str, tuple[str, ...], tuple[str, ...]]]
#: Alert wording -> its play (what it means, how to diagnose, how to fix, naming the systems it
#: covers). Matched on whole words of the alert's name, first match wins; an alert matching none
#: gets the general play.
_PLAYS: tuple[tuple[frozenset[str], _Play], ...] = (
    (frozenset({"auth", "authentication", "token", "credential", "credentials", "sign", "refused"}), _auth_play),
    (frozenset({"run", "runs"}), _run_play),
    (frozenset({"backlog", "queue", "pending", "lag", "delay", "delayed", "latency", "behind"}), _backlog_play),
    (
        frozenset(
            {"drift", "mismatch", "reconciliation", "reconcile", "unreconciled", "unmatched", "difference", "differ"}
        ),
        _drift_play,
    ),
    (frozenset({"failure", "failures", "failed", "error", "errors"}), _failure_play),
)


def _play(alert: str, scope: _Scope) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    words = set(re.findall(r"[^\W_]+", alert.casefold()))
    for keys, play in _PLAYS:
        if words & keys:
            return play(scope)
    return _general_play(scope)


def _covers(scope: _Scope, every: bool) -> str:
    if every:
        n = len(scope.flows)
        which = "The workflow" if n == 1 else "Both workflows" if n == 2 else f"All {_NUMBERS.get(n, str(n))} workflows"
        return f"{which}, writing {scope.directions}" if scope.flows else "Every workflow"
    if not scope.flows:
        return "None named"
    return "; ".join(
        f"Workflow {f.number}, {f.name} ({f.source} {'and' if f.two_way else 'to'} {f.target})" for f in scope.flows
    )


def _plays(ctx: PlanContext) -> list[AlertPlay]:
    """A play per Alerts row (the standard alerts when there is none and no workflow), then the
    standard plays named for each workflow no row covers (context.alerts)."""
    p, flows = ctx.project, ctx.flows
    systems = project_systems(p)
    plays = []
    rows = ctx.monitoring.alerts if (p.alerts or not flows) else ()
    for i, a in enumerate(rows):
        every = not p.alerts or not (p.alerts[i].workflow or "").strip()
        hit = (
            flows
            if every
            else tuple(flows[j] for j in match_workflows(p.alerts[i].workflow, p.workflows).indexes if j < len(flows))
        )
        scope = _scope(hit, systems)
        meaning, diagnose, fix = _play(a.alert, scope)
        plays.append(
            AlertPlay(a.alert, a.threshold, a.severity, a.response_time, _covers(scope, every), meaning, diagnose, fix)
        )
    for flow, found in zip(flows, ctx.flow_alerts, strict=False):
        if not found.assumed:
            continue
        scope = _scope((flow,), systems)
        for d in found.own:
            meaning, diagnose, fix = _play(str(d.alert.value if isinstance(d.alert, Assumed) else d.alert), scope)
            plays.append(
                AlertPlay(
                    d.alert, d.threshold, d.severity, d.response_time, _covers(scope, False), meaning, diagnose, fix
                )
            )
    return plays


def _severities(plays: list[AlertPlay]) -> list[SeverityLevel]:
    severities = []
    for sev in ("Critical", "High", "Medium", "Low"):
        times: list[str] = []
        for a in plays:
            if a.severity == sev and isinstance(a.response, str) and a.response not in times:
                times.append(a.response)
        response: str | Tbd = tbd("response")
        if len(times) == 1:
            response = times[0]
        elif times:  # each alert keeps its own target; say so rather than leave a bare "x or y"
            response = f"{', '.join(times[:-1])} or {times[-1]}, as set for each alert in section 4"
        if times or sev in ("Critical", "High"):
            severities.append(SeverityLevel(sev, SEVERITY_MEANING[sev], response))
    return severities


def build_playbook(ctx: PlanContext, kind: DocumentKind = SUPPORT_PLAYBOOK) -> Playbook:
    p = ctx.project
    plays = _plays(ctx)
    severities = _severities(plays)
    escalation = (
        EscalationStep(
            1,
            "First-line support",
            person(ctx, "Support Engineer", "DevOps Engineer"),
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
            p.client_contact or person(ctx, "Client Point of Contact"),
            "Decisions needing the client (data corrections, process workarounds)",
        ),
    )
    support = ctx.phases[4]
    return Playbook(
        header(ctx, kind),
        tuple(severities),
        escalation,
        tuple(plays),
        ctx.monitoring.alerts_are_standard and not ctx.flows,
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
            f"Outages and changes of {compose.join_words(list(ctx.systems), 'or')} themselves (we raise them with "
            "the vendor on the client's behalf)",
            "New workflows, fields or systems: these are change requests",
            "Data entered incorrectly in the source system",
            f"Support after the post-launch period ends on {derive.long_date(support.end)}"
            if support.end
            else "Support after the post-launch period ends",
        ),
        tuple(
            FlowLine(f.number, f.name, *((f"{f.source} and {f.target}",) * 2 if f.two_way else (f.source, f.target)))
            for f in ctx.flows
        ),
        any(found.assumed for found in ctx.flow_alerts),
    )
