"""The deployment runbook's typed context: countdown, gates, steps, rollback and verification aimed at
the systems each workflow writes to.

What a client reviewer checks, and where it is made true (the step wording is read by
``validation.deployment``, which also reports what the intake leaves incoherent):

- Every workflow is switched on by a step; one the intake's steps leave out gets an added step,
  marked assumed, after the last step that switches something on.
- Every freeze is lifted at a stated point by a named owner: the T-7 configuration freeze at the
  post-go-live review (project manager), a step's freeze once gate 3 is passed (that step's owner).
- Work deferred to later windows, or steps that do not fit one window, get gate 4 per later window.
- Each step's check and rollback name the systems its workflows write to (``Flow.writes_to``);
  each rollback step has an owner from the team (``common.person``).
- The accuracy check compares the systems the monitoring metric names with the ones the related
  workflow writes to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planforge.context import compose
from planforge.context.companions.common import DocHeader, header, person, tbd
from planforge.context.flows import Flow
from planforge.context.plan import PlanContext
from planforge.core.model import DeploymentStep, Project
from planforge.core.names import DEPLOYMENT_RUNBOOK, DocumentKind
from planforge.derive.calendar import countdown_day
from planforge.derive.completeness import Assumed, Tbd
from planforge.validation import deployment as steps_check
from planforge.validation.workflows import project_systems


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
    """One deployment step; ``check`` and ``undo`` say how it is verified and rolled back, aimed at the
    systems its workflows write to ("" when the step writes nothing that needs its own check)."""

    number: int
    step: str | Assumed
    owner: str | Tbd
    duration: str | Tbd
    check: str = ""
    undo: str = ""


@dataclass(frozen=True)
class RollbackStep:
    step: str
    owner: str | Tbd


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
    strategy: str | Assumed | Tbd
    countdown: tuple[CountdownItem, ...]
    gates: tuple[Gate, ...]
    steps: tuple[RunbookStep, ...]
    steps_are_standard: bool
    #: sentences after the steps: what continues in later windows, and which steps the runbook added
    step_notes: tuple[str, ...]
    rollback_criteria: str | Assumed | Tbd
    rollback_time: str | Tbd
    rollback_steps: tuple[RollbackStep, ...]
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


#: A step that is itself a check (Verify stock for 100 sampled SKUs): its result decides, nothing to undo.
_CHECKS = re.compile(r"^\s*(?:verify|check|confirm|count|reconcile|compare|test|run the smoke|validate)\b", re.I)
_WORD = re.compile(r"[^\W_]{4,}")
_NAME_WORD = re.compile(r"[^\W_]+")
_DEPLOYS = re.compile(r"^\s*deploy\b", re.IGNORECASE)
#: A step that loads data (a migration or backfill); tied to no workflow, it is checked as a load.
_LOADS = re.compile(r"\b(?:load\w*|backfill\w*|migrat\w*|import\w*)\b", re.IGNORECASE)
#: A step that writes nothing to the systems: a release deployed, a snapshot or backup taken, users told.
_WRITES_NOTHING = re.compile(r"^\s*(?:deploy|take|snapshot|back ?up|notify|announce|brief)\b", re.IGNORECASE)
#: A step that pauses, disables or stops something, and the verb that undoes it.
_REVERSIBLE = re.compile(r"^\s*(pause|disable|stop|suspend)\s+(.+)$", re.IGNORECASE)
_AT_CLOCK = re.compile(r"\s+at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm)?$", re.IGNORECASE)
_REVERSE = {"pause": "Resume", "disable": "Re-enable", "stop": "Restart", "suspend": "Resume"}


def build_runbook(ctx: PlanContext, kind: DocumentKind = DEPLOYMENT_RUNBOOK) -> Runbook:
    p = ctx.project
    dp = ctx.deployment
    pm = ctx.header.project_manager
    client = p.client_contact or person(ctx, "Client Point of Contact")
    live = ctx.go_live
    # a window still TBD is marked once, in the introduction; composed rows then read without it
    window = f" ({dp.window})" if isinstance(dp.window, str) else ""
    when = _countdown_dates(ctx)
    fit = steps_check.window_fit(p)
    later = [s for s in p.deployment_steps if steps_check.defers(s)]
    spills = fit is not None and not fit.fits

    def day(offset: int) -> str:
        """The Day label: the real distance of the activity's date from go-live."""
        at = when[offset]
        gap = (at - live).days if at and live else offset
        return "T-0" if gap == 0 else f"T{gap:+d}"

    steps = _runbook_steps(ctx, dp.steps)
    gates = _gates(day, pm, ctx.header.lead_engineer, client, spills)
    if later or spills:
        gates = (*gates, _later_gate(ctx, later, client))
    return Runbook(
        header(ctx, kind),
        live,
        dp.window,
        dp.strategy,
        _countdown(ctx, when, day, window, spills),
        gates,
        steps,
        not p.deployment_steps,
        _step_notes(ctx, steps, fit),
        dp.rollback_criteria,
        dp.rollback_time,
        _rollback(ctx),
        _verification(ctx),
        _communications(day, window, pm, bool(later) or spills),
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
    ctx: PlanContext, when: dict[int, date | None], day: Callable[[int], str], window: str, spills: bool
) -> tuple[CountdownItem, ...]:
    pm = ctx.header.project_manager
    lead = ctx.header.lead_engineer
    devops = person(ctx, "DevOps Engineer", "Lead Engineer")
    qa = person(ctx, "QA Engineer", "Lead Engineer")
    live = ctx.go_live
    deploy = (
        f"Deployment starts in the window{window} and continues in the following windows (section 3); "
        "verification (gate 3) at the end of the last one"
        if spills
        else f"Deployment in the window{window}, then verification (gate 3)"
    )
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
        CountdownItem("T-0", live, deploy, devops),
        *_lifted_freezes(ctx, live),
        CountdownItem(
            day(1),
            when[1],
            f"Close monitoring ({ctx.schedule.monitoring_hours} hours from go-live); first daily reconciliation",
            qa,
        ),
        CountdownItem(
            day(2),
            when[2],
            "Post-go-live review with the client; open issues triaged; the change freeze on the integration's "
            "configuration lifted",
            pm,
        ),
    )


def _lifted_freezes(ctx: PlanContext, live: date | None) -> tuple[CountdownItem, ...]:
    """Each freeze a deployment step sets, lifted once gate 3 confirms go-live, by the step's owner."""
    items = []
    for i, s in enumerate(ctx.project.deployment_steps):
        if not steps_check.freezes(s):
            continue
        text = s.step.strip()
        what = f"freeze on {text[7:]}" if text.casefold().startswith("freeze ") else "freeze"
        owner = s.owner or person(ctx, "Project Manager")
        number = _number(ctx.project, i)
        items.append(
            CountdownItem(
                "T-0", live, f"{what[0].upper()}{what[1:]} (step {number}) lifted once gate 3 is passed", owner
            )
        )
    return tuple(items)


def _gates(
    day: Callable[[int], str], pm: str | Tbd, lead: str | Tbd, client: str | Tbd, spills: bool
) -> tuple[Gate, ...]:
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
            "End of the last deployment window" if spills else "T-0, end of window",
            "Verification checks below pass and the client confirms the first production sync",
            (client, pm),
        ),
    )


def _later_gate(ctx: PlanContext, later: Sequence[DeploymentStep], client: str | Tbd) -> Gate:
    """The go/no-go and verification of each window after the first, owned by the deferred step's owner."""
    owner = next((s.owner for s in later if s.owner), None) or ctx.header.lead_engineer
    systems = compose.join_words(_step_systems(ctx, later) if later else _written(ctx))
    return Gate(
        "Gate 4: each later window",
        "Start and end of each later window",
        "At the start: the previous window's checks passed and no critical defect is open. At the end: the "
        f"records written in the window appear correctly in {systems}",
        (owner, client),
    )


def _runbook_steps(ctx: PlanContext, standard: tuple[str, ...]) -> tuple[RunbookStep, ...]:
    """The intake's deployment steps, each with its check and rollback; a step enabling each workflow no
    step enables (marked assumed); else the standard steps of the plan (owner and duration TBD)."""
    p = ctx.project
    if not p.deployment_steps:
        return tuple(RunbookStep(i + 1, s, tbd("owner"), tbd("duration")) for i, s in enumerate(standard))
    rows: list[tuple[str | Assumed, str | Tbd, str | Tbd, str, str]] = [
        (s.step, s.owner or tbd("owner"), s.duration or tbd("duration"), *_check_and_undo(ctx, s, i))
        for i, s in enumerate(p.deployment_steps)
    ]
    at = _insert_at(p)
    for n, i in enumerate(i for i in steps_check.never_enabled(p) if i < len(ctx.flows)):
        flow = ctx.flows[i]
        step = Assumed(f"Enable Workflow {flow.number} ({flow.name})", "no deployment step enables this workflow")
        where = compose.join_words(list(flow.writes_to))
        check = f"The first records of Workflow {flow.number} appear correctly in {where}"
        undo = f"Switch Workflow {flow.number} off and reverse what it wrote to {where}"
        rows.insert(at + n, (step, ctx.header.lead_engineer, tbd("duration"), check, undo))
    return tuple(RunbookStep(i + 1, *row) for i, row in enumerate(rows))


def _insert_at(p: Project) -> int:
    """Where the steps enabling the workflows no step enables go: after the last step that enables
    something in the first window, else at the end."""
    enabling = [i for i, s in enumerate(p.deployment_steps) if steps_check.enables(s) and not steps_check.defers(s)]
    return enabling[-1] + 1 if enabling else len(p.deployment_steps)


def _number(p: Project, index: int) -> int:
    """The runbook's number of the intake's step ``index`` (0-based), after the steps we add."""
    return index + 1 + (len(steps_check.never_enabled(p)) if index >= _insert_at(p) else 0)


def _step_systems(ctx: PlanContext, steps: Sequence[DeploymentStep]) -> list[str]:
    """The systems the workflows of these steps write to, in workflow order."""
    indexes = sorted({i for s in steps for i in steps_check.step_workflows(s, ctx.project)})
    flows = [ctx.flows[i] for i in indexes if i < len(ctx.flows)]
    return list(dict.fromkeys(name for f in flows for name in f.writes_to)) or _written(ctx)


def _check_and_undo(ctx: PlanContext, step: DeploymentStep, index: int) -> tuple[str, str]:
    """How the step ``index`` is verified and rolled back, aimed at the systems its workflows write to;
    one that writes nothing checks, until a step has switched a workflow on, that nothing is written yet."""
    indexes = steps_check.step_workflows(step, ctx.project)
    systems = _step_systems(ctx, [step])
    where = compose.join_words(systems)
    if steps_check.freezes(step):
        return "The freeze holds until it is lifted after gate 3 (section 1)", "Lift the freeze"
    if _CHECKS.search(step.step):
        return f"The step is itself a check of {where}; a failure is a rollback trigger", ""
    named = _workflow_names(indexes, len(ctx.project.workflows))
    they = "it" if len(indexes) <= 1 else "they"
    if steps_check.defers(step):
        return (
            f"In each later window, the records of {named} appear correctly in {where} (gate 4)",
            f"Switch {named} off for that window's part and reverse what {they} wrote to {where}",
        )
    if not (step.workflow or "").strip() and _LOADS.search(step.step):
        # a data load tied to no workflow (a migration, a backfill) writes records no workflow owns: it is
        # checked and undone as a load, in the systems its wording names when it names any
        into = [name for name in project_systems(ctx.project) if _names(step.step, name)] or systems
        target = compose.join_words(into)
        return (
            f"The loaded records are counted against the source extract and a sample appears correctly in {target}",
            f"Remove the records the step loaded into {target}",
        )
    if steps_check.enables(step):
        return (
            f"The first records{f' of {named}' if indexes else ''} appear correctly in {where}",
            f"Switch {named} off and reverse what {they} wrote to {where}",
        )
    quiet = _WRITES_NOTHING.search(step.step) or _REVERSIBLE.match(step.step)
    if not quiet or any(steps_check.enables(s) for s in ctx.project.deployment_steps[:index]):
        return "The step completes without errors", _undo(step.step)
    nothing = " or ".join((", ".join(systems[:-1]), systems[-1])) if len(systems) > 1 else where
    return f"The step completes without errors; nothing is written to {nothing} yet", _undo(step.step)


def _possessive(who: str | Tbd) -> str:
    """'Dana Whitfield's', or 'the step owner's' while the owner is to be confirmed."""
    return f"{who}'s" if isinstance(who, str) else "the step owner's"


def _undo(text: str) -> str:
    """How a step that writes nothing is undone: a release removed, something paused resumed."""
    m = _REVERSIBLE.match(text)
    if _DEPLOYS.search(text):
        return "Remove the release from production"
    if m:
        return f"{_REVERSE[m.group(1).casefold()]} {_AT_CLOCK.sub('', m.group(2).strip())}"
    if _WRITES_NOTHING.search(text):
        return "Nothing to undo"
    return "Undo the step before the next one starts"


def _workflow_names(indexes: Sequence[int], count: int) -> str:
    """'Workflow 2', 'Workflows 1, 3 and 4', or 'all workflows' for all of several."""
    if count > 1 and len(indexes) == count:
        return "all workflows"
    numbers = [str(i + 1) for i in indexes]
    if not numbers:
        return "the integration"
    if len(numbers) == 1:
        return f"Workflow {numbers[0]}"
    return "Workflows " + (", ".join(numbers[:-1]) + " and " + numbers[-1] if numbers else "")


def _step_notes(ctx: PlanContext, steps: Sequence[RunbookStep], fit: steps_check.WindowFit | None) -> tuple[str, ...]:
    """What the steps table cannot say: steps added by us, work that continues in later windows."""
    notes = []
    added = [s.number for s in steps if isinstance(s.step, Assumed)]
    if added:
        which = compose.join_words([str(n) for n in added])
        flows = _workflow_names(steps_check.never_enabled(ctx.project), len(ctx.project.workflows))
        several = len(added) > 1
        notes.append(
            f"Step{'s' if several else ''} {which} {'were' if several else 'was'} added by us, because no step of "
            f"the agreed sequence switches {flows} on; {'their owners and durations are' if several else 'its owner and duration are'} "
            "confirmed before gate 2."
        )
    for i, s in enumerate(ctx.project.deployment_steps):
        if steps_check.defers(s):
            number = _number(ctx.project, i)
            notes.append(
                f"Step {number} continues in later windows. Each later window opens only once gate 4 is passed, "
                f"runs the step's check, and closes with {_possessive(s.owner or ctx.header.lead_engineer)} "
                f"confirmation that the records appear correctly in {compose.join_words(_step_systems(ctx, [s]))}."
            )
    if fit is not None and not fit.fits:
        first = _number(ctx.project, fit.overflow if fit.overflow is not None else fit.too_long[0])
        notes.append(
            f"The steps take at least {steps_check.duration_text(fit.whole)} in all, but one deployment window "
            f"({ctx.project.deployment_window}) lasts {fit.longest_text}. From step {first} the work "
            "therefore continues in the following windows: which window each step runs in is agreed before gate 2, "
            "and each later window passes gate 4."
        )
    return tuple(notes)


def _written(ctx: PlanContext) -> list[str]:
    """The systems the workflows write to, in workflow order (System B when there are none)."""
    return list(dict.fromkeys(name for flow in ctx.flows for name in flow.writes_to)) or [ctx.project.system_b]


def _rollback(ctx: PlanContext) -> tuple[RollbackStep, ...]:
    """The strategy's rollback, then the records written to each system the workflows write to, each
    step with its owner from the team."""
    strategy = ctx.project.deployment_strategy or ""
    switch = person(ctx, "DevOps Engineer", "Lead Engineer")
    data = person(ctx, "Lead Engineer", "Backend Developer")
    return (
        *(
            RollbackStep(text, switch)
            for text in _ROLLBACK.get(strategy, ("Disable the integration's schedules and webhooks",))
        ),
        *(
            RollbackStep(
                f"Check {name} for records {_writers(ctx, name)} wrote since the window opened and reverse or correct them",
                data,
            )
            for name in _written(ctx)
        ),
        RollbackStep("Confirm the rollback with the client and agree the next window", ctx.header.project_manager),
    )


def _writers(ctx: PlanContext, system: str) -> str:
    """Which workflows write to a system: 'Workflows 2, 3 and 5', or 'the integration'."""
    indexes = [i for i, f in enumerate(ctx.flows) if system in f.writes_to]
    if not indexes or (len(ctx.flows) > 1 and len(indexes) == len(ctx.flows)):
        return "the integration"
    return _workflow_names(indexes, len(ctx.flows))


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
    accuracy = _accuracy(ctx)
    return (
        "The integration's health check passes in production",
        *firsts,
        *((accuracy,) if accuracy else ()),
        "Dashboards show live data and a test alert reaches the alert channel",
        "The client confirms the first production sync",
    )


def _accuracy(ctx: PlanContext) -> str:
    """The accuracy check aimed at the systems the metric names and the workflows write to: a metric
    comparing two systems is checked as stated; one naming a single system compares the records the
    workflows write elsewhere with it (a metric on cycle counts against NetSuite is checked as Shopify's
    records against NetSuite's, the comparison the integration is answerable for)."""
    metric = ctx.monitoring.metrics.accuracy
    if not isinstance(metric, str) or not metric.strip():
        return ""
    target = metric[0].lower() + metric[1:] if metric[1:2].islower() else metric
    named = [name for name in project_systems(ctx.project) if _names(metric, name)]
    if len(named) != 1 or not ctx.flows:
        where = "" if named else f", for the records written to {compose.join_words(_written(ctx))}"
        return f"Accuracy, as monitored after go-live{where}: {target}"
    system = named[0]
    touching = [f for f in ctx.flows if system in (f.source, f.target)]
    words = {w.casefold() for w in _WORD.findall(metric)} - {w.casefold() for w in _WORD.findall(system)}
    related = [f for f in touching if words & {w.casefold() for w in _WORD.findall(f.name)}] or touching
    others = [n for f in related for n in (*f.writes_to, f.source) if n != system]
    if not related or not others:
        return f"Accuracy, as monitored after go-live: {target}"
    label = (
        f"Workflow {related[0].number} ({related[0].name})"
        if len(related) == 1
        else _workflow_names([f.number - 1 for f in related], len(ctx.flows))
    )
    return (
        f"Accuracy of {label}: a sample of its records in {compose.join_words(list(dict.fromkeys(others)))} "
        f"matches {system}, within the target monitored after go-live ({target})"
    )


def _names(text: str, system: str) -> bool:
    """True when a text names a system: its name, or the first word of it, as whole words."""
    words = {w.casefold() for w in _NAME_WORD.findall(text)}
    parts = [w.casefold() for w in _NAME_WORD.findall(system)]
    return bool(parts) and (parts[0] in words)


def _communications(
    day: Callable[[int], str], window: str, pm: str | Tbd, later_windows: bool
) -> tuple[Communication, ...]:
    return (
        Communication(day(-2), "Client users", f"Deployment window{window} and what changes for them", pm),
        Communication("T-0, start", "Client contact and delivery team", "Window opened; deployment started", pm),
        Communication(
            "T-0, end", "Client contact and users", "Go-live confirmed, or rollback completed and the next window", pm
        ),
        *(
            (
                Communication(
                    "End of each later window",
                    "Client contact and users",
                    "What the window completed and checked (gate 4), and the date of the next window",
                    pm,
                ),
            )
            if later_windows
            else ()
        ),
        Communication(day(2), "Client contact", "Post-go-live review: results, open issues, next steps", pm),
    )
