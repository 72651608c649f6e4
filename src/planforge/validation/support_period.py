"""A success criterion's observation period, checked against the post-launch support that must observe it.

Section 10 lists the Success Criteria rows among what completes the implementation, and post-launch
support (phase 5) is the last phase: a criterion that states a period of observation ("for 60
consecutive days", "90 days in a row", "over 12 weeks") longer than that phase can span cannot be
confirmed before handoff. Phase 5 lasts the Settings' Phase Days for the project's complexity
(``derive.complexity``), at least the Stabilization Period Days (``derive.support_days``); the fewest
calendar days it can span is ``derive.calendar_span`` of that (holidays only lengthen it). A longer
period is a coherence warning ``criterion-outlasts-support`` at the criterion's cell.

A period is a whole number of days or weeks (business or working days counted as business days)
marked as one: "consecutive" or "straight" before the unit, "in a row" or "running" after it, or
"for", "over" or "throughout" before the number. Other durations ("posts within 2 days", "backfill
90 days of orders") are not periods of observation and are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from planforge.core.errors import Problem
from planforge.core.model import Project, Settings
from planforge.derive import rules as derive
from planforge.validation.traceability import CellRef, located

_STRIP = "?,;.!:()[]\"'"
_MARKS_BEFORE_UNIT = frozenset({"consecutive", "straight"})
_BUSINESS = frozenset({"business", "working"})
_LEADS = frozenset({"for", "over", "throughout"})
_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7}


@dataclass(frozen=True)
class Period:
    """A period of observation a criterion states: as written, and its length in calendar days
    (``business`` when stated in business days, ``days`` then counting business days)."""

    text: str
    days: int
    business: bool = False


def stated_period(text: str) -> Period | None:
    """The longest period of observation ``text`` states, else None (one pass over its words)."""
    words = [w.strip(_STRIP).casefold() for w in text.split()]
    found: list[Period] = []
    for i, word in enumerate(words):
        if not word.isdigit() or len(word) > 4:
            continue
        j, marked, business = i + 1, i > 0 and words[i - 1] in _LEADS, False
        while j < len(words) and j < i + 3 and (words[j] in _MARKS_BEFORE_UNIT or words[j] in _BUSINESS):
            marked |= words[j] in _MARKS_BEFORE_UNIT
            business |= words[j] in _BUSINESS
            j += 1
        if j == len(words) or words[j] not in _UNITS or (business and _UNITS[words[j]] != 1):
            continue
        after = words[j + 1 : j + 4]
        marked |= after[:3] == ["in", "a", "row"] or after[:1] == ["running"]
        if marked and int(word) > 0:
            found.append(Period(" ".join(words[i : j + 1]), int(word) * _UNITS[words[j]], business))
    return max(found, key=lambda p: p.days, default=None)


def check(project: Project, settings: Settings, cell: CellRef) -> Iterator[Problem]:
    """Every success criterion whose period of observation outlasts post-launch support, at its cell."""
    if not project.success_criteria:
        return
    level, _ = derive.complexity(project)
    stabilization = project.stabilization_period_days or settings.stabilization_period_days
    support = derive.support_days(derive.phase_days(level, project.confidence, settings)[4], stabilization)
    span = derive.calendar_span(support)
    at = located(project, cell)
    for s in project.success_criteria:
        period = stated_period(s.criterion)
        if period is None or period.days <= (support if period.business else span):
            continue
        yield at(
            "Success Criteria",
            s.row,
            "Criterion",
            "criterion-outlasts-support",
            value=s.criterion,
            period=period.text,
            support=f"{support} business days",
            span=f"{span} calendar days",
            needed=str(derive.calendar_span(period.days) if period.business else period.days),
        )
