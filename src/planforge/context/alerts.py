"""Each workflow's alerts, as the technical specifications list them under the workflow.

- **Its own alerts**: the Alerts rows whose Workflow names it, as stated.
- **Alerts on every workflow**: the rows with a blank Workflow. The specifications list them once,
  in section 1, and each workflow refers to them by name rather than repeating them.
- **Defaults only where a workflow has none**: a workflow that no row covers (neither its own nor
  one on every workflow) gets the standard alerts named for it and its systems (failed writes to its
  target, its target falling behind its source, sign-in refused by either end), marked assumed and
  noted for the review with the cell that would state them.
- **Defaults fit the cadence**: a workflow that runs in batches (``Flow.runs_in_batches``: started by the
  team, or scheduled no more often than hourly) is watched run by run (a run that did not complete, a
  record a run could not write), with responses in business hours; per-15-minute rates and
  15-minute responses are kept for real-time work. The plan's own standard alerts (section 8.3, an
  empty Alerts sheet) follow the same rule for the whole project (``project_defaults``).
"""

from __future__ import annotations

from dataclasses import dataclass

from planforge.context.flows import Flow
from planforge.core.model import Alert, Project
from planforge.derive.completeness import Assumed, Completeness, Tbd
from planforge.intake.parse import BadValue, parse_number, parse_percent
from planforge.validation.traceability import match_workflows

#: What a standard alert's threshold is when a workflow without a latency target is real-time.
_DEFAULT_DELAY = "15 minutes"

#: The standard authentication alert's threshold. An OAuth access token is short-lived and its expiry
#: is routine (the integration refreshes it), so an expired token's 401 pages no one: only a refresh that
#: fails, or a refusal that persists once the refresh succeeded, is a credential problem.
AUTH_THRESHOLD = "A failed token refresh, or an HTTP 401 or 403 that persists after a successful refresh"

#: The plan's standard alerts (section 8.3, when the Alerts sheet is empty) for real-time work:
#: (alert, threshold, severity, response time).
REAL_TIME_ALERTS = (
    ("Sync failure rate", "> 2% of syncs in 15 minutes", "High", "30 minutes"),
    (
        "Authentication failure",
        AUTH_THRESHOLD,
        "Critical",
        "15 minutes",
    ),
    ("Queue backlog", "> 500 pending jobs for 10 minutes", "Medium", "2 hours"),
)


def batch_alerts(targets: str) -> tuple[tuple[str, str, str, str], ...]:
    """The plan's standard alerts when the work runs in batches, watched run by run (``targets``:
    the systems written to, "QuickBooks"); each response comes before the next run, not within minutes."""
    return (
        (
            "Scheduled run not completed",
            "A scheduled run that failed, did not start, or had not finished when the next run was due",
            "High",
            "4 business hours",
        ),
        (
            "Records a run could not write",
            f"Any record a run could not write to {targets} (listed in the run's report)",
            "Medium",
            "1 business day",
        ),
        (
            "Authentication failure",
            AUTH_THRESHOLD,
            "Critical",
            "2 business hours",
        ),
    )


def project_defaults(
    flows: tuple[Flow, ...], source_pushes: bool, targets: str
) -> tuple[tuple[str, str, str, str], ...]:
    """The plan's standard alerts: watched run by run when every workflow runs in batches, or when no
    workflow is agreed yet and the source publishes no change events unconditionally (the design then
    reads on a schedule, as section 1.3 says); else the real-time set."""
    batch = all(f.runs_in_batches for f in flows) if flows else not source_pushes
    return batch_alerts(targets) if batch else REAL_TIME_ALERTS


@dataclass(frozen=True)
class WorkflowAlert:
    """One alert line: its name (marked assumed when it is a default), threshold, severity, response time."""

    alert: str | Assumed
    threshold: str | Tbd
    severity: str | Tbd
    response_time: str | Tbd


@dataclass(frozen=True)
class FlowAlerts:
    """One workflow's alerts: ``own`` are its Alerts rows (or its assumed defaults when ``assumed``);
    ``shared`` names the alerts on every workflow, listed once in the specifications."""

    own: tuple[WorkflowAlert, ...]
    shared: tuple[str, ...]
    assumed: bool


def stated(a: Alert) -> WorkflowAlert:
    """An Alerts row as a line; a blank value is TBD (the plan's section 8 counts it)."""
    return WorkflowAlert(
        a.alert,
        a.threshold or Tbd("Threshold", f"Alerts > Threshold, row {a.row}"),
        a.severity or Tbd("Severity", f"Alerts > Severity, row {a.row}"),
        a.response_time or Tbd("Response time", f"Alerts > Response Time, row {a.row}"),
    )


def shared_alerts(project: Project) -> tuple[Alert, ...]:
    """The Alerts rows with a blank Workflow: they watch every workflow."""
    return tuple(a for a in project.alerts if not (a.workflow or "").strip())


def flow_alerts(project: Project, flows: tuple[Flow, ...], c: Completeness | None = None) -> tuple[FlowAlerts, ...]:
    """Every workflow's alerts (rules in the module docstring); with ``c``, each default is noted."""
    shared = tuple(a.alert for a in shared_alerts(project))
    own: list[list[Alert]] = [[] for _ in flows]
    for a in project.alerts:
        for i in match_workflows(a.workflow, project.workflows).indexes if a.workflow else ():
            if i < len(own):
                own[i].append(a)
    out = []
    for flow, rows in zip(flows, own, strict=True):
        if rows or shared:
            out.append(FlowAlerts(tuple(stated(a) for a in rows), shared, False))
        else:
            out.append(FlowAlerts(default_alerts(flow, c), (), True))
    return tuple(out)


def default_alerts(flow: Flow, c: Completeness | None = None) -> tuple[WorkflowAlert, ...]:
    """The standard alerts named for one workflow and its systems, marked assumed."""
    label = f"Workflow {flow.number}"
    writes = " and ".join(flow.writes_to)
    why = f"no Alerts row covers {label.lower()} (standard thresholds)"
    batch = flow.runs_in_batches
    lines = [
        (
            f"{label}: failed writes to {writes}",
            f"Any record a run could not write to {writes} (listed in the run's report)"
            if batch
            else f"> 2% of this workflow's records not written to {writes} in 15 minutes",
            "High",
            "4 business hours" if batch else "30 minutes",
        )
    ]
    delay = _delay(flow)
    if delay:
        lines.append(
            (f"{label}: {flow.target} behind {flow.source}", delay, "Medium", "1 business day" if batch else "2 hours")
        )
    lines.append(
        (
            f"{label}: sign-in refused by {flow.source} or {flow.target}",
            AUTH_THRESHOLD,
            "Critical",
            "2 business hours" if batch else "15 minutes",
        )
    )
    if c is not None:
        c.note_assumption(
            f"{label} ({flow.name}) alerts",
            "; ".join(name for name, *_ in lines),
            f"{why}; add Alerts rows with Workflow {flow.number}",
        )
    return tuple(WorkflowAlert(Assumed(name, why), thr, sev, resp) for name, thr, sev, resp in lines)


def _delay(flow: Flow) -> str:
    """The standard delay alert's threshold: the latency target, else a missed run for a
    schedule, else the standard delay for real-time work; none for a workflow run by hand."""
    if flow.latency is not None:
        return f"A {flow.source} change not in {flow.target} within {flow.latency.text}"
    if flow.trigger_value == "Scheduled":
        return "A scheduled run missed, or still running when the next one is due"
    if flow.trigger_value == "Manual":
        return ""
    return f"A {flow.source} change not in {flow.target} within {_DEFAULT_DELAY}"


#: An alert's threshold opens with how it compares: reaching the level (">= 2%", "at least 5") or
#: passing it ("> 2%", "more than 5"); "any" means one is enough.
_REACHING = (">=", "≥", "at least ")
_PASSING = (">", "more than ", "over ", "above ", "exceeds ")


@dataclass(frozen=True)
class Level:
    """The level an alert's threshold states: a share of the records (``share``, 0.02 for "2%") or a
    number of them (``count``); ``reaching`` when reaching the level raises the alert, not only passing it."""

    share: float | None
    count: float | None
    reaching: bool

    def raised_by(self, failures: int, records: int) -> bool:
        """Whether ``failures`` of ``records`` raise the alert (a share over the run's records, a count as is)."""
        level, seen = (self.share, failures / records) if self.share is not None else (self.count or 0, failures)
        return seen >= level if self.reaching else seen > level


def threshold_level(threshold: str | None) -> Level | None:
    """The level of a threshold such as "> 2% of syncs in 15 minutes" (a share, passed), ">= 5 failed
    records" (a count, reached) or "Any record a run could not write" (one is enough), read by the intake's
    own percent and number parsers; None when it opens with no level they read."""
    text = " ".join((threshold or "").split()).casefold()
    if text.startswith("any "):
        return Level(None, 1, reaching=True)
    reaching = True
    for lead, reach in [*((x, True) for x in _REACHING), *((x, False) for x in _PASSING)]:
        if text.startswith(lead):
            text, reaching = text[len(lead) :].strip(), reach
            break
    word = text.split(" ", 1)[0] if text else ""
    try:
        if word.endswith("%"):
            return Level(parse_percent(word), None, reaching)
        return Level(None, parse_number(word), reaching)
    except BadValue:
        return None
