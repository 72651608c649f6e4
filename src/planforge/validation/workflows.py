"""Each workflow's stated direction and cadence, checked against its project.

The Workflows sheet may state a workflow's Source System and Target System, its Frequency and its
Latency Target (each cell already parsed strictly where it was read). What only the whole
project can decide is checked here, on the typed project:

- Source and Target name systems of the project: System A, System B or a Systems sheet row,
  compared as ``derive.rules.system_key`` compares them (the catalog's name, else the folded text).
  Another name is an error ``workflow-system-unknown`` at its cell, with the closest system offered; one
  system as both ends is an error ``same-source-target``.
- A stated Frequency slower than the row's Latency Target (or on demand, which bounds nothing) is a
  coherence warning ``cadence-slower-than-target`` at the Frequency cell.
- A stated interval as long as the Latency Target is a coherence warning ``cadence-no-headroom``: a
  change made just after a run waits the whole target, leaving no time for the run or a retry.
- A stated Frequency that contradicts the stated Trigger (Scheduled and real-time, ...) is a
  coherence warning ``trigger-frequency-mismatch`` at the Frequency cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from planforge.core.errors import Problem, closest, make_problem
from planforge.core.model import Cadence, Project, Span, Workflow
from planforge.derive.rules import all_systems, system_key
from planforge.intake.parse import every_text, span_text
from planforge.validation.system_cells import count_word, join_quoted, named_systems
from planforge.validation.traceability import CellRef

#: Which Trigger each mode of Frequency fits.
_FITS = {"real-time": "Real-time", "interval": "Scheduled", "manual": "Manual"}
#: Intervals offered when a Frequency is too slow, fastest last.
_STEPS = tuple(timedelta(minutes=m) for m in (1440, 720, 360, 240, 120, 60, 30, 15, 10, 5, 2, 1))


_TWO_WAY = re.compile(r"\b(?:both ways|two-way|two way|bidirectional|bi-directional|in both directions)\b", re.I)


def is_two_way(workflows: list[Workflow]) -> bool:
    """A workflow that says it syncs 'both ways' (two-way, bidirectional) shares ownership of its data."""
    return any(_TWO_WAY.search(w.workflow) for w in workflows)


def project_systems(project: Project) -> list[str]:
    """The project's systems as its analyst wrote them: System A, System B, then every further
    system of the Systems sheet (``derive.rules.all_systems``)."""
    return list(all_systems(project))


def system_named(project: Project, text: str | None) -> str | None:
    """The project's system a Source or Target System cell names (its name as on the Projects or
    Systems sheet), or None when the cell is blank or names none of them."""
    if not text or not text.strip():
        return None
    systems = project_systems(project)
    several = named_systems(text, systems)
    key = system_key(several[0] if several else text)  # "Klaviyo + Gorgias" is read as Klaviyo, with a warning
    return next((name for name in systems if system_key(name) == key), None)


def fits_trigger(cadence: Cadence) -> str:
    """The Trigger a stated Frequency implies: Real-time, Scheduled or Manual."""
    return _FITS[cadence.mode]


def poll_interval(target: Span | None) -> timedelta | None:
    """The slowest standard interval shorter than a latency target (none: no target): a change made
    just after a poll waits a whole interval, so the interval must leave time for the run itself."""
    if target is None:
        return None
    return next((step for step in _STEPS if step < target.length), target.length / 2)


def too_slow(cadence: Cadence, target: Span) -> timedelta | None:
    """How long a change may wait under ``cadence`` when that exceeds ``target``, else None.
    Real-time meets every target; on demand bounds nothing (reported as the target itself)."""
    if cadence.mode == "real-time":
        return None
    if cadence.mode == "manual" or cadence.every is None:
        return target.length
    return cadence.every if cadence.every > target.length else None


def check(project: Project, cell: CellRef) -> Iterator[Problem]:
    """Every problem of the project's workflow rows that needs the whole project, at its cell."""

    def at(w: Workflow, column: str, code: str, **params: Any) -> Problem:
        return make_problem(
            code,
            file=project.file,
            project_id=project.project_id,
            sheet="Workflows",
            row=w.row,
            column=column,
            cell=cell("Workflows", w.row, column),
            **params,
        )

    stated = any(w.source_system or w.target_system for w in project.workflows)
    names = project_systems(project) if stated else []
    for w in project.workflows:
        ends = []
        for column, text in (("Source System", w.source_system), ("Target System", w.target_system)):
            if not text:
                continue
            found = system_named(project, text)
            several = named_systems(text, project_systems(project))
            if found is not None and several:
                yield at(
                    w,
                    column,
                    "several-systems-in-workflow",
                    value=text,
                    count=count_word(len(several)),
                    first=several[0],
                    others=join_quoted(several[1:]),
                )
            if found is None:
                near = closest(text, names, cutoff=0.5)
                hint = f' (closest: "{near[0]}")' if near else ""
                yield at(
                    w,
                    column,
                    "workflow-system-unknown",
                    value=text,
                    what=column,
                    systems=", ".join(names),
                    suggestion=hint,
                )
            else:
                ends.append(found)
        if len(ends) == 2 and ends[0] == ends[1]:
            yield at(w, "Target System", "same-source-target", value=w.target_system)
        elif len(ends) == 2 and is_two_way([w]):
            yield at(w, "Workflow", "two-way-stated-one-way", value=w.workflow, source=ends[0], target=ends[1])
        yield from _cadence_problems(w, at)


def _cadence_problems(w: Workflow, at: Callable[..., Problem]) -> Iterator[Problem]:
    cadence, target = w.frequency, w.latency_target
    if cadence is None:
        return
    if w.trigger and fits_trigger(cadence) != w.trigger:
        yield at(w, "Frequency", "trigger-frequency-mismatch", value=cadence.text, trigger=w.trigger)
    wait = too_slow(cadence, target) if target is not None else None
    if target is not None and wait is None and cadence.mode == "interval" and cadence.every == target.length:
        faster = poll_interval(target) or target.length
        yield at(
            w,
            "Frequency",
            "cadence-no-headroom",
            value=cadence.text,
            target=target.text,
            faster=every_text(int(faster.total_seconds())),
        )
    if target is not None and wait is not None:
        faster = poll_interval(target) or target.length
        shown = (
            "until someone starts a run"
            if cadence.mode == "manual"
            else f"up to {span_text(int(wait.total_seconds()))}"
        )
        yield at(
            w,
            "Frequency",
            "cadence-slower-than-target",
            value=cadence.text,
            target=target.text,
            wait=shown,
            faster=every_text(int(faster.total_seconds())),
        )
