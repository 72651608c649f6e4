"""The deployment runbook's typed context: countdown, gates, steps, rollback and verification aimed at
the systems each workflow writes to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from planforge.context import compose
from planforge.context.companions.common import DocHeader, header, person, tbd
from planforge.context.flows import Flow
from planforge.context.plan import PlanContext
from planforge.core.model import Project
from planforge.core.names import DEPLOYMENT_RUNBOOK, DocumentKind
from planforge.derive.calendar import countdown_day
from planforge.derive.completeness import Tbd


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
    client = p.client_contact or person(ctx, "Client Point of Contact")
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
    devops = person(ctx, "DevOps Engineer", "Lead Engineer")
    qa = person(ctx, "QA Engineer", "Lead Engineer")
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
            RunbookStep(i + 1, s.step, s.owner or tbd("owner"), s.duration or tbd("duration"))
            for i, s in enumerate(p.deployment_steps)
        )
    return tuple(RunbookStep(i + 1, s, tbd("owner"), tbd("duration")) for i, s in enumerate(standard))


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
