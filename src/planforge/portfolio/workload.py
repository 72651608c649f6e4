"""People load across projects (the summary's People sheets): Team sheet x phase dates, week by week.

A role works in the phases listed in ``derive.rules.ROLE_PHASES`` at its Allocation (100% when blank). A week
is flagged when a person works on two or more projects in it; it is over-allocated when
their summed allocation passes 100%. Client contacts are the client's staff and not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from planforge.derive.calendar import week_start
from planforge.derive.rules import ROLE_PHASES
from planforge.portfolio.facts import ProjectFacts


@dataclass(frozen=True)
class WeekLoad:
    person: str
    week: date  # the Monday
    load: float  # summed allocation, 1.0 = full time
    projects: tuple[str, ...]

    @property
    def overlapping(self) -> bool:
        return len(self.projects) >= 2

    @property
    def over_allocated(self) -> bool:
        return self.load > 1.0 + 1e-9


def people_load(portfolio: Sequence[ProjectFacts]) -> list[WeekLoad]:
    """Every (person, week) with any load, sorted by person then week."""
    load: dict[tuple[str, date], float] = defaultdict(float)
    projects: dict[tuple[str, date], set[str]] = defaultdict(set)
    week = timedelta(days=7)
    for facts in portfolio:
        spans = facts.spans()
        if spans is None:
            continue
        phase_weeks = []  # the Mondays each phase touches, computed once per project
        for start, end in spans:
            mondays, day = [], week_start(start)
            while day <= end:
                mondays.append(day)
                day += week
            phase_weeks.append(mondays)
        role_weeks: dict[tuple[int, ...], set[date]] = {}
        pid = facts.project_id
        for member in facts.team:
            phases = ROLE_PHASES.get(member.role)
            if not phases:
                continue
            weeks = role_weeks.get(phases)
            if weeks is None:
                weeks = role_weeks[phases] = {w for n in phases for w in phase_weeks[n - 1]}
            share = member.allocation if member.allocation is not None else 1.0
            name = member.name.strip()
            for w in weeks:
                key = (name, w)
                load[key] += share
                projects[key].add(pid)
    return [
        WeekLoad(person, w, round(load[(person, w)], 4), tuple(sorted(projects[(person, w)])))
        for person, w in sorted(load)
    ]


def overlap_runs(loads: list[WeekLoad]) -> list[tuple[str, date, date, int, float, int, str]]:
    """Consecutive overlapping weeks per person merged into one run:
    (person, first week, last week, weeks, peak load, over-allocated weeks, project IDs)."""
    runs: list[tuple[str, date, date, int, float, int, str]] = []
    current: list[WeekLoad] = []

    def close() -> None:
        if current:
            projects = sorted({p for w in current for p in w.projects})
            runs.append(
                (
                    current[0].person,
                    current[0].week,
                    current[-1].week,
                    len(current),
                    max(w.load for w in current),
                    sum(1 for w in current if w.over_allocated),
                    ", ".join(projects),
                )
            )
            current.clear()

    for w in loads:  # sorted by person, then week
        if not w.overlapping:
            close()
            continue
        if current and (current[-1].person != w.person or (w.week - current[-1].week).days != 7):
            close()
        current.append(w)
    close()
    return runs
