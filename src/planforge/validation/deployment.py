"""Deployment steps checked against the project's workflows and its deployment window.

The Deployment Steps sheet lists the cutover in order. What the runbook must not leave
unsaid is checked here, on the typed project (only when the sheet has steps for it):

- Every workflow is switched on by some step: a step whose wording enables, switches on,
  schedules, routes, runs or loads something (``enables``), for the workflows its Workflow cell
  names (``match_workflows``; blank: every workflow); when no step says so, a Deploy step does. A workflow no such step names is a coherence
  warning ``workflow-never-enabled`` at the last step's Workflow cell; the runbook adds the step,
  marked assumed.
- The steps of the first window fit in it. The window is Projects > Deployment Window as
  ``derive.calendar.deployment_window`` reads it (its stated length, else the whole day it names);
  each Duration is read as a length of time (``2 hours each``: 2 hours per window). The first step
  that ends after the window closes, and any step longer than a whole window, is a coherence
  warning ``step-longer-than-window`` at its Duration cell; the runbook says the steps continue
  in later windows instead of claiming they fit. A step deferred to later windows ("on the
  following weekends") counts only against each later window.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from planforge.core.errors import Problem, make_problem
from planforge.core.model import DeploymentStep, Project
from planforge.derive.calendar import Window, deployment_window
from planforge.intake.parse import BadValue, parse_span, span_text
from planforge.validation.traceability import CellRef, match_workflows

#: A step deferring work to later windows: "on the following weekends", "next windows".
LATER_WINDOWS = re.compile(r"\b(?:following|next|later|subsequent) (?:weekends?|weeks?|windows?|nights?)\b", re.I)
#: Wording that switches a workflow on in production (whole words; linear).
_ENABLES = re.compile(
    r"\b(?:enabl\w*|switch\w*|turn\w* on|activat\w*|route\w*|routing|schedul\w*|start\w*|run|runs|"
    r"roll\w* out|repeat\w*|connect\w*|publish\w*|load\w*|backfill\w*|replay\w*|send\w*|migrat\w*|go live|cut\w* over|resum\w*)\b",
    re.IGNORECASE,
)
_DEPLOYS = re.compile(r"\bdeploy\w*", re.IGNORECASE)
#: A step that freezes something until it is lifted.
_FREEZES = re.compile(r"\bfreez\w*|\bfrozen\b", re.IGNORECASE)
_EACH = re.compile(r"\s+(?:each|per window|every window)$", re.IGNORECASE)


def enables(step: DeploymentStep) -> bool:
    """True when the step's wording switches something on (Enable, Switch on, Schedule, Route ...)."""
    return bool(_ENABLES.search(step.step))


def freezes(step: DeploymentStep) -> bool:
    """True when the step freezes something (Freeze NetSuite item changes) that must later be lifted."""
    return bool(_FREEZES.search(step.step))


def defers(step: DeploymentStep) -> bool:
    """True when the step continues in later windows (Repeat ... on the following weekends)."""
    return bool(LATER_WINDOWS.search(step.step))


def step_workflows(step: DeploymentStep, project: Project) -> tuple[int, ...]:
    """The 0-based indexes of the workflows a step covers: those its Workflow cell names, every
    workflow when the cell is blank."""
    if not (step.workflow or "").strip():
        return tuple(range(len(project.workflows)))
    return match_workflows(step.workflow, project.workflows).indexes


def never_enabled(project: Project) -> tuple[int, ...]:
    """The 0-based indexes of the workflows no deployment step switches on (none when the
    project states no steps: the runbook's standard steps enable every workflow). When no step
    says it switches anything on, deploying is the switch-on: a Deploy step enables its workflows."""
    if not project.deployment_steps:
        return ()
    steps = project.deployment_steps
    switching = [s for s in steps if enables(s)] or [s for s in steps if _DEPLOYS.search(s.step)]
    on = {i for s in switching for i in step_workflows(s, project)}
    return tuple(i for i in range(len(project.workflows)) if i not in on)


def step_length(duration: str | None) -> timedelta | None:
    """A Duration as a length of time ('30 minutes', '2 hours each'), None when blank or not one."""
    if not duration:
        return None
    try:
        return parse_span(_EACH.sub("", duration.strip())).length
    except BadValue:
        return None


@dataclass(frozen=True)
class WindowFit:
    """How the steps sit in the deployment window: the window, its longest length, the 0-based
    index of the first step that ends after it closes (None: they fit), the steps' running total
    when that step ends, and the steps longer than a whole window. Steps whose Duration is not a
    length of time count as nothing, so the total is at least what it says."""

    window: Window
    longest: timedelta
    overflow: int | None
    total: timedelta
    too_long: tuple[int, ...]
    #: every step of the first window together (deferred steps left out)
    whole: timedelta = timedelta(0)

    @property
    def longest_text(self) -> str:
        """The window's length in words, 'at most a day' when only its days bound it."""
        if self.window.length is not None:
            return duration_text(self.longest)
        return "at most a day" if self.longest == timedelta(days=1) else f"at most {duration_text(self.longest)}"

    @property
    def fits(self) -> bool:
        return self.overflow is None and not self.too_long


def window_fit(project: Project) -> WindowFit | None:
    """The steps against Projects > Deployment Window; None without steps or a readable window."""
    window = deployment_window(project.deployment_window)
    if window is None or not project.deployment_steps:
        return None
    longest = window.longest
    total, at, overflow, too_long = timedelta(0), timedelta(0), None, []
    for i, s in enumerate(project.deployment_steps):
        length = step_length(s.duration)
        if length is None:
            continue
        if length > longest:
            too_long.append(i)
        if defers(s):
            continue
        total += length
        if overflow is None and total > longest:
            overflow, at = i, total
    return WindowFit(window, longest, overflow, at if overflow is not None else total, tuple(too_long), total)


def duration_text(length: timedelta) -> str:
    """A running total in words: '3 days 45 minutes', '6 hours'."""
    seconds = int(length.total_seconds())
    parts = []
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(f"{n} {name}{'' if n == 1 else 's'}")
    return " ".join(parts) or span_text(max(seconds, 1))


def check(project: Project, cell: CellRef) -> Iterator[Problem]:
    """Every deployment-step coherence problem of one project, at its cell."""
    steps = project.deployment_steps
    for i in never_enabled(project):
        w = project.workflows[i]
        last = steps[-1]
        yield make_problem(
            "workflow-never-enabled",
            file=project.file,
            project_id=project.project_id,
            sheet="Deployment Steps",
            row=last.row,
            column="Workflow",
            cell=cell("Deployment Steps", last.row, "Workflow"),
            value=w.workflow,
            number=i + 1,
        )
    fit = window_fit(project)
    if fit is None:
        return
    flagged = sorted({*fit.too_long, *(() if fit.overflow is None else (fit.overflow,))})
    for i in flagged:
        s = steps[i]
        ends = (
            f"alone takes longer than the whole window ({fit.longest_text})"
            if i in fit.too_long
            else f"ends {duration_text(fit.total)} after the window opens, which lasts {fit.longest_text}"
        )
        yield make_problem(
            "step-longer-than-window",
            file=project.file,
            project_id=project.project_id,
            sheet="Deployment Steps",
            row=s.row,
            column="Duration",
            cell=cell("Deployment Steps", s.row, "Duration"),
            value=s.duration,
            step=s.step,
            window=project.deployment_window,
            ends=ends,
        )
