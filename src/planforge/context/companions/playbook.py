"""The support playbook's typed context: severities, the escalation path and one play per alert."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planforge.context import compose
from planforge.context.companions.common import DocHeader, header, person, tbd
from planforge.context.plan import PlanContext, Shown
from planforge.core.names import SUPPORT_PLAYBOOK, DocumentKind
from planforge.derive import rules as derive
from planforge.derive.completeness import Tbd
from planforge.validation.traceability import covered


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
        response: str | Tbd = tbd("response")
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
            f"Outages and changes of {compose.join_words(list(ctx.systems), 'or')} themselves (we raise them with "
            "the vendor on the client's behalf)",
            "New workflows, fields or systems: these are change requests",
            "Data entered incorrectly in the source system",
            f"Support after the post-launch period ends on {derive.long_date(support.end)}"
            if support.end
            else "Support after the post-launch period ends",
        ),
    )
