"""Derived figures: each a small pure function whose rule is its docstring.

Policy numbers (phase days, buffers, hourly rate, working weeks) come from Settings so a firm
can change its model without touching code; tests pin each rule with hand-computed cases.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from types import MappingProxyType

from planforge.core.model import PainPoint, Project, Settings
from planforge.core.money import DEFAULT_LOCALE, localize_digits

# The calendar (business days, holidays, closures, windows) is defined in ``derive.calendar``; these
# names stay importable from ``rules`` for the plan context and the tests that read them here.
from planforge.derive.calendar import Window as Window
from planforge.derive.calendar import add_business_days as add_business_days
from planforge.derive.calendar import business_days_between as business_days_between
from planforge.derive.calendar import closed_days as closed_days
from planforge.derive.calendar import deployment_window as deployment_window
from planforge.derive.calendar import go_live_date as go_live_date
from planforge.derive.calendar import is_business_day as is_business_day
from planforge.derive.calendar import next_business_day as next_business_day
from planforge.derive.calendar import schedule as schedule
from planforge.derive.catalog import lookup
from planforge.derive.volumes import daily_volume as daily_volume

PHASE_NAMES = ("Discovery & Design", "Development", "Testing & Validation", "Deployment", "Post-Launch Support")
#: role -> phase numbers (1-5) the role works in: the People load and the SOW's team allocation both use it
ROLE_PHASES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "Project Manager": (1, 2, 3, 4, 5),
        "Lead Engineer": (1, 2, 3, 4),
        "Solutions Architect": (1, 2),
        "Business Analyst": (1, 3),
        "Backend Developer": (2, 3),
        "QA Engineer": (3,),
        "DevOps Engineer": (2, 4),
        "Support Engineer": (5,),
        "Other": (1, 2, 3, 4),
    }
)


def confidence_buffer(confidence: float | None, settings: Settings) -> float:
    """Extra share of time on phases 1-4: none at 85%+, then the Settings buffers for
    below 85%, below 70% (also when confidence is unknown) and below 50%."""
    if confidence is None:
        return settings.buffer_below_70
    if confidence >= 0.85:
        return 0.0
    if confidence >= 0.70:
        return settings.buffer_below_85
    if confidence >= 0.50:
        return settings.buffer_below_70
    return settings.buffer_below_50


_PERIODIC_KINDS = (
    ("payout", "payouts"),
    ("deposit", "deposits"),
    ("settlement", "settlements"),
    ("summary", "summaries"),
)
#: Records a system makes at most once a day for each account, whatever the trading behind them (a payout,
#: a bank deposit, a settlement, an end-of-day summary): a workflow that moves only these moves at most one
#: a day. Each word, singular or plural, maps to its plural.
_PERIODIC_RECORDS = {word: plural for singular, plural in _PERIODIC_KINDS for word in (singular, plural)}
#: the plural of each such record (and of "records") -> its singular
PERIODIC_SINGULAR = {plural: singular for singular, plural in (*_PERIODIC_KINDS, ("record", "records"))}


@dataclass(frozen=True)
class DailyRecords:
    """How many records the integration moves a day: ``count``, and ``periodic`` the plural noun of
    the records when the count is derived from their kind ("payouts") rather than stated ("")."""

    count: float
    periodic: str = ""


def daily_records(project: Project) -> DailyRecords | None:
    """The records the integration moves a day: the Data Volume's daily figure (``daily_volume``);
    else, when every workflow (with none agreed yet, every in-scope item) moves only records made
    once a period (``_PERIODIC_RECORDS``: payouts, deposits, settlements, summaries), one a day for
    each of them; None when neither says."""
    stated = daily_volume(project.data_volume)
    if stated is not None:
        return DailyRecords(stated)
    texts = [w.workflow for w in project.workflows] or [i.item for i in project.scope if i.kind == "In scope"]
    kinds = []
    for text in texts:
        found = [_PERIODIC_RECORDS[w] for w in re.findall(r"[a-z]+", text.casefold()) if w in _PERIODIC_RECORDS]
        if not found:
            return None
        kinds.append(found[0])
    if not kinds:
        return None
    return DailyRecords(float(len(kinds)), kinds[0] if len(set(kinds)) == 1 else "records")


def too_few_for_rate(records_a_day: float, success_rate: float) -> bool:
    """Whether a success-rate target cannot be observed at this volume: the failures it allows in a
    day (``records_a_day`` times the failure share) come to less than one record, so a single failure
    breaks the target and none meets it by any margin. At 99.5% that is below 200 records a day."""
    return success_rate < 1 and records_a_day * (1 - success_rate) < 1


def complexity(project: Project) -> tuple[str, str]:
    """The analyst's Complexity when given. Otherwise a score: +2 for 5+ workflows (+1 for 3-4),
    +1 for a data migration, +1 for more than two systems, +1 for 1,000+ records a day.
    0 is Low, 1-2 Medium, 3+ High. Returns (level, how it was decided)."""
    if project.complexity:
        return project.complexity, "set in the intake"
    score, reasons = 0, []
    n = len(project.workflows)
    if n >= 5:
        score += 2
        reasons.append(f"{n} workflows")
    elif n >= 3:
        score += 1
        reasons.append(f"{n} workflows")
    if has_migration(project):
        score += 1
        reasons.append("a data migration")
    if len(extra_systems(project)) > 0:
        score += 1
        reasons.append("more than two systems")
    volume = daily_volume(project.data_volume)
    if volume is not None and volume >= 1000:
        score += 1
        reasons.append(f"about {volume:,.0f} records a day")
    level = "Low" if score == 0 else "Medium" if score <= 2 else "High"
    quiet = {0: "no workflows agreed yet", 1: "one workflow"}.get(n, f"{n} workflows")
    listed = ", ".join(reasons[:-1]) + f" and {reasons[-1]}" if len(reasons) > 1 else "".join(reasons)
    none = "no data migration" if project.data_migration is False else "no migration of historical data assumed"
    # nothing agreed is no evidence of simplicity: the level is then an assumption until workflows are
    why = listed or (
        f"no workflow agreed yet, so sized as one simple flow; {none}" if n == 0 else f"{quiet} and {none}"
    )
    return level, f"derived from {why}"


def has_migration(project: Project) -> bool:
    """A project migrates data when Data Migration says yes or any Migration field is filled
    (unless Data Migration explicitly says no)."""
    if project.data_migration is not None:
        return project.data_migration
    return any((project.migration_scope, project.migration_cleanup, project.migration_strategy, project.migration_time))


def extra_systems(project: Project) -> list[str]:
    """Systems named on the Systems sheet, or beside the first in a System cell, that are neither
    System A nor System B, in the order named."""
    main = {system_key(project.system_a), system_key(project.system_b)}
    seen, extra = set(main), []
    for name in [*(facts.system for facts in project.systems), *project.further_systems]:
        key = system_key(name)
        if key not in seen:
            seen.add(key)
            extra.append(name)
    return extra


def all_systems(project: Project) -> tuple[str, ...]:
    """Every system the project names, as its analyst wrote them: System A and System B (the
    primary pair), then each further system of the Systems sheet, in sheet order. Each is a full
    participant: every document reads this one list (the plan context's ``systems``)."""
    return (project.system_a, project.system_b, *extra_systems(project))


def system_key(name: str) -> str:
    """One key per system however it is written: the catalog name, else the folded text."""
    match = lookup(name)
    return match.system.name if match.system else " ".join(name.casefold().split())


def phase_days(level: str, confidence: float | None, settings: Settings) -> tuple[int, ...]:
    """Business days per phase: the Settings base days for the complexity, phases 1-4 scaled
    by (1 + confidence buffer) and rounded up; phase 5 (support) is not buffered."""
    base = {"Low": settings.phase_days_low, "Medium": settings.phase_days_medium, "High": settings.phase_days_high}[
        level
    ]
    factor = 1 + confidence_buffer(confidence, settings)
    return tuple(math.ceil(round(d * factor, 6)) if i < 4 else d for i, d in enumerate(base))


def one_rate_measure(success: float | None, error: float | None) -> tuple[float | None, float | None]:
    """A sync success rate and an error rate are one measure (99.5% synced is 0.5% failed), so the plan
    states it once: the success rate, derived from a stated error rate when only that is given (None:
    neither stated, the firm's success rate is assumed). The error rate is returned only when both are
    stated and do not add up to 100%, so it measures something else and is printed beside it."""
    if success is None:
        return (None if error is None else round(1 - error, 6)), None
    if error is None or abs(success + error - 1) < 1e-9:
        return success, None
    return success, error


def calendar_span(business_days: int) -> int:
    """The fewest calendar days ``business_days`` business days can span, first day to last
    (starting on a Monday, each five business days after the first five add a weekend): 5 -> 5,
    6 -> 8, 22 -> 30. Holidays only lengthen the span, so a period this short always fits."""
    return business_days + 2 * ((business_days - 1) // 5) if business_days > 0 else 0


def support_days(planned: int, stabilization_days: int) -> int:
    """Business days of post-launch support: at least the stabilisation period its exit criterion
    names, so phase 5 never ends before the stable period it promises can be observed. The fewest
    business days whose shortest calendar span (``calendar_span``) holds ``stabilization_days``
    calendar days (30 days -> 22, 14 -> 11: ten business days from a Monday end on day 12)."""
    needed = 0
    while calendar_span(needed) < stabilization_days:
        needed += 1
    return max(planned, needed)


def phase_status(span: tuple[date, date] | None, today: date, project_status: str | None) -> str:
    """On Hold and Cancelled projects carry their status into every phase; otherwise a phase
    is Complete after its end date, In Progress between its dates, else Not Started."""
    if project_status in ("On Hold", "Cancelled"):
        return project_status
    if project_status == "Live" and span and span[1] < today:
        return "Complete"
    if span is None:
        return "Not Started"
    start, end = span
    if today > end:
        return "Complete"
    if today >= start:
        return "In Progress"
    return "Not Started"


#: Project statuses that say no phase has finished yet.
_NOT_YET_DONE = ("Planning", "Discovery")


def printed_phase_status(span: tuple[date, date] | None, today: date, project_status: str | None, index: int) -> str:
    """The status a plan prints for phase ``index`` (0 is phase 1): the dates' reading
    (``phase_status``), except that a project still in Planning or Discovery (blank is Planning) has
    finished no phase, whatever its dates say: Discovery runs phase 1, the rest have not started. The
    dates are then out of step with the project, which validation reports at the Status cell
    (phase-status-contradiction); the plan never calls a phase Complete that the project has not begun."""
    status = phase_status(span, today, project_status)
    if status == "Complete" and (project_status or "Planning") in _NOT_YET_DONE:
        return "In Progress" if project_status == "Discovery" and index == 0 else "Not Started"
    return status


def status_contradiction(statuses: Sequence[str], project_status: str | None) -> str:
    """Why phase statuses (phase 1 first) contradict each other or the project's status, or "":
    a later phase started while an earlier one has not; a Planning or Discovery project (blank is
    Planning) with a phase complete; a Live project with a phase not complete. On Hold and
    Cancelled carry into every phase, so they never contradict."""
    for later in range(1, len(statuses)):
        if statuses[later] in ("Complete", "In Progress") and "Not Started" in statuses[:later]:
            earlier = statuses.index("Not Started") + 1
            return f"phase {later + 1} is {statuses[later]} while phase {earlier} has not started"
    status = project_status or "Planning"
    done = [i + 1 for i, s in enumerate(statuses) if s == "Complete"]
    if status in _NOT_YET_DONE and done:
        return f"phase {done[0]} is Complete while the project is in {status}"
    pending = [i + 1 for i, s in enumerate(statuses) if s != "Complete"]
    if status == "Live" and pending:
        return f"phase {pending[0]} is {statuses[pending[0] - 1]} while the project is Live"
    return ""


def status_from_phases(statuses: Sequence[str]) -> str:
    """The project status phase statuses suggest: Live when all are complete, Discovery while
    phase 1 runs, In Progress once a later phase has started, Planning before."""
    if statuses and all(s == "Complete" for s in statuses):
        return "Live"
    if statuses and statuses[0] == "In Progress":
        return "Discovery"
    return "In Progress" if any(s != "Not Started" for s in statuses) else "Planning"


_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "half an": 0.5,
    "half a": 0.5,
    "an": 1,
    "a": 1,
}
#: Linear in the text: numbers start only at the start of a digit run (lookbehind) and are at most
#: 9 digits, word numbers start at a word boundary, and every gap is bounded.
_NUM = (
    r"((?<![\d.])\d{1,9}(?:\.\d{1,6})?(?![\d])|\b(?:" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r"))"
)
_HOURS = re.compile(
    _NUM
    + r"(?:\s{0,3}(?:-|to)\s{0,3}(\d{1,9}(?:\.\d{1,6})?))?\s{0,3}(?:hours?|hrs?|h)\b\.?\s{0,3}(?:of\s{1,3}\w{1,30}\s{1,3})?"
    r"(?:/|a|an|per|each|every)\s{0,3}(day|week|wk|month|mo|year|yr|business day|working day)\b",
    re.I,
)
_PER_WEEK = {
    "day": 5.0,
    "business day": 5.0,
    "working day": 5.0,
    "week": 1.0,
    "wk": 1.0,
    "month": 12 / 52,
    "mo": 12 / 52,
    "year": 1 / 52,
    "yr": 1 / 52,
}


def hours_in_text(text: str) -> float | None:
    """Weekly hours stated in free text: '15 hours a week' = 15, '3 hrs/day' = 15 (5 working
    days), '40 hours per month' = 40 x 12 / 52 = 9.23. A range '2-3 hours' takes its midpoint.
    Several statements add up. None when the text states no hours."""
    total, found = 0.0, False
    for low, high, unit in _HOURS.findall(text or ""):
        first = _WORD_NUMBERS.get(low.lower()) if not low[0].isdigit() else float(low)
        if first is None:
            continue
        amount = (first + float(high)) / 2 if high else first
        total += amount * _PER_WEEK[unit.lower()]
        found = True
    return round(total, 2) if found else None


def states_weekly_hours(text: str, hours: float) -> bool:
    """True when ``text`` itself states ``hours`` as a weekly figure ('takes about 15 hours a week'),
    so a reader needs no separate note of the hours; False for other units ('40 hours per month'),
    which a reader cannot compare with the weekly total without converting."""
    matches = _HOURS.findall(text or "")
    if not matches or any(_PER_WEEK[unit.lower()] != 1.0 for _, _, unit in matches):
        return False
    stated = hours_in_text(text)
    return stated is not None and abs(stated - hours) < 0.005


@dataclass(frozen=True)
class Savings:
    """Weekly and annual hours saved, with the per-pain-point evidence behind them."""

    weekly_hours: float
    annual_hours: float
    counted: tuple[tuple[PainPoint, float, str], ...]
    uncounted: tuple[PainPoint, ...]


def time_savings(pain_points: list[PainPoint], settings: Settings) -> Savings | None:
    """Sum of each pain point's Hours per Week (else hours stated in its text), annualised over
    Settings > Working Weeks per Year. None when no pain point states any hours."""
    counted, uncounted = [], []
    for p in pain_points:
        if p.hours_per_week is not None:
            counted.append((p, float(p.hours_per_week), "Hours per Week"))
            continue
        stated = hours_in_text(p.pain_point)
        if stated is not None:
            counted.append((p, stated, "stated in the text"))
        else:
            uncounted.append(p)
    if not counted:
        return None
    weekly = round(sum(h for _, h, _ in counted), 2)
    return Savings(weekly, round(weekly * settings.working_weeks_per_year, 1), tuple(counted), tuple(uncounted))


@dataclass(frozen=True)
class Roi:
    """Annual value of saved hours and, when the budget is known, first-year ROI and payback."""

    hourly_rate: Decimal
    rate_source: str
    annual_value: Decimal
    budget: Decimal | None
    roi: float | None
    payback_months: float | None


def roi(savings: Savings | None, project: Project, settings: Settings) -> Roi | None:
    """annual value = annual hours x hourly rate (project's, else Settings default);
    ROI = (annual value - budget) / budget; payback = budget / (annual value / 12) months.
    None without time savings."""
    if savings is None:
        return None
    rate = project.hourly_rate if project.hourly_rate is not None else settings.default_hourly_rate
    source = "project rate" if project.hourly_rate is not None else "firm default rate"
    value = (Decimal(str(savings.annual_hours)) * rate).quantize(Decimal("1"), ROUND_HALF_UP)
    budget = project.budget
    if not budget or value <= 0:
        return Roi(rate, source, value, budget, None, None)
    ratio = float((value - budget) / budget)
    payback = float(budget / (value / 12))
    return Roi(rate, source, value, budget, round(ratio, 4), round(payback, 1))


def error_reduction(project: Project, settings: Settings) -> tuple[float, bool]:
    """(share, is_estimate): the project's Error Reduction, else the Settings planning estimate."""
    if project.error_reduction is not None:
        return project.error_reduction, False
    return settings.error_reduction_estimate, True


def long_date(day: date) -> str:
    """The plans' date style, unambiguous in every locale: 2 Feb 2026."""
    return _long_date(day) if type(day) is date else f"{day.day} {day:%b %Y}"


@lru_cache(maxsize=4096)
def _long_date(day: date) -> str:
    """A portfolio's plans share their dates (plan date, reviews, phase ends): strftime once per date."""
    return f"{day.day} {day:%b %Y}"


def weeks(days: int) -> str:
    """Business days as a readable duration: 5 -> '1 week', 12 -> '2.4 weeks', 3 -> '3 days'."""
    if days < 5:
        return f"{days} day{'s' if days != 1 else ''}"
    w = days / 5
    text = f"{w:.0f}" if w == int(w) else f"{w:.1f}"
    return f"{text} week{'s' if w != 1 else ''}"


def duration(days: int, locale: str = DEFAULT_LOCALE) -> str:
    """Business days as a client reads them: 3 -> '3 business days', 10 -> '10 business days
    (2 weeks)', 13 -> '13 business days (about 2.5 weeks)': to the nearest half week, so the
    phases' weeks add up to about the total's (7 + 13 days read 1.5 + 2.5 weeks, not 1 + 3).
    Figures in ``locale``'s digits (de_DE: 'about 2,5 weeks')."""
    unit = "business day" if days == 1 else "business days"
    if days < 5:
        return f"{days} {unit}"
    halves = round(days / 2.5)
    w = f"{halves // 2}" if halves % 2 == 0 else f"{halves / 2:.1f}"
    span = f"{localize_digits(w, locale)} week{'s' if w != '1' else ''}"
    return f"{days} {unit} ({span})" if days % 5 == 0 else f"{days} {unit} (about {span})"


def number(value: float, locale: str = DEFAULT_LOCALE) -> str:
    """A figure with at most one decimal and no trailing '.0': 17.0 -> '17', 6.25 -> '6.2'; in
    ``locale``'s digits (de_DE: 1.234,5)."""
    text = f"{value:,.1f}"
    return localize_digits(text[:-2] if text.endswith(".0") else text, locale)


_LEVEL_SCORE = {"Low": 1, "Medium": 2, "High": 3}


def risk_score(likelihood: str, impact: str) -> int:
    """Likelihood x impact, each scored Low 1, Medium 2, High 3: a score from 1 to 9."""
    return _LEVEL_SCORE[likelihood] * _LEVEL_SCORE[impact]


def risk_level(likelihood: str, impact: str) -> str:
    """Likelihood x impact on a 1-3 scale: 6 or 9 is High, 3 or 4 Medium, 1 or 2 Low."""
    score = risk_score(likelihood, impact)
    return "High" if score >= 6 else "Medium" if score >= 3 else "Low"
