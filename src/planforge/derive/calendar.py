"""The one calendar every stage reads: business days, public holidays and firm closures, weekly
deployment windows, countdown days and week starts.

A business day is Monday to Friday and not a closed day; closed days are a country's public holidays
(the ``holidays`` library) plus the firm's closure dates. Derive schedules phases on it, validation
names the day a weekend kickoff moves to, the companion documents place their countdown on it, and
workload and the portfolio summary group days into weeks starting on Monday. Weekday arithmetic
lives here and nowhere else.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from babel import Locale

from planforge.core.model import Project, Settings


def week_start(day: date) -> date:
    """The Monday of ``day``'s week (weeks start on Monday, as the summary's week columns do)."""
    return day - timedelta(days=day.weekday())


def is_business_day(day: date, closed: frozenset[date] = frozenset()) -> bool:
    """Monday to Friday and not a closed day (public holiday or firm closure)."""
    return day.weekday() < 5 and day not in closed


def add_business_days(start: date, days: int, closed: frozenset[date] = frozenset()) -> date:
    """The date ``days`` business days after ``start``, skipping weekends and ``closed`` days
    (public holidays and firm closures). A non-business ``start`` counts from the business day
    before it."""
    if days < 0:
        raise ValueError("days must not be negative")
    if days == 0:
        return start
    if not closed:
        weekday = start.weekday()
        if weekday >= 5:  # count from the Friday
            start -= timedelta(days=weekday - 4)
            weekday = 4
        weeks, rest = divmod(days, 5)
        extra = rest + (2 if weekday + rest >= 5 else 0)
        return start + timedelta(days=weeks * 7 + extra)
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_business_day(day, closed):
            left -= 1
    return day


def next_business_day(day: date, closed: frozenset[date] = frozenset()) -> date:
    """``day`` itself when it is a business day, else the first business day after it."""
    while not is_business_day(day, closed):
        day += timedelta(days=1)
    return day


def schedule(kickoff: date, days: tuple[int, ...], closed: frozenset[date] = frozenset()) -> list[tuple[date, date]]:
    """Back-to-back phases from the kickoff (moved to the next business day if it is not one):
    each phase ends ``days - 1`` business days after it starts; the next starts the business day
    after. Weekends and ``closed`` days (holidays, closures) are skipped alike."""
    spans, start = [], next_business_day(kickoff, closed)
    for d in days:
        end = add_business_days(start, d - 1, closed)
        spans.append((start, end))
        start = next_business_day(end + timedelta(days=1), closed)
    return spans


def business_days_between(start: date, end: date, closed: frozenset[date] = frozenset()) -> int:
    """Business days from ``start`` to ``end``, both included: the weekdays of the span (five a
    whole week, then the weekdays among the days left over), less the closed days that fall on a
    weekday inside it."""
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    first = start.weekday()
    count = weeks * 5 + sum(1 for k in range(rest) if (first + k) % 7 < 5)
    if closed:
        weekdays = _closed_weekdays(closed)
        count -= bisect_right(weekdays, end) - bisect_left(weekdays, start)
    return count


@lru_cache(maxsize=64)
def _closed_weekdays(closed: frozenset[date]) -> tuple[date, ...]:
    """The closed days that fall on a weekday, sorted (weekend days are not business days anyway).
    A firm's calendar is one set per Settings, so this is sorted once per run, not per project."""
    return tuple(sorted(day for day in closed if day.weekday() < 5))


def plan_years(kickoff: date) -> range:
    """The years a plan's calendar covers: the kickoff's year and the two after it (no plan's
    phases run longer), so every stage asks ``closed_days`` for the same calendar."""
    return range(kickoff.year, kickoff.year + 3)


def parse_closures(text: str | None) -> tuple[tuple[date, ...], tuple[str, ...]]:
    """Settings > Closure Dates: ISO dates separated by commas or semicolons
    ('2026-12-24, 2026-12-31'). Returns (dates, items that are not ISO dates)."""
    found: list[date] = []
    bad: list[str] = []
    for part in (text or "").replace(";", ",").split(","):
        item = part.strip()
        if not item:
            continue
        try:
            found.append(date.fromisoformat(item))
        except ValueError:
            bad.append(item)
    return tuple(found), tuple(bad)


def project_holiday_country(project: Project, settings: Settings) -> str | None:
    """The calendar a project follows: its own Projects > Holiday Country, else Settings > Holiday Country
    (None: weekends and closures only). Two projects of one workbook may follow two calendars."""
    return project.holiday_country or settings.holiday_country


def split_country(country: str) -> tuple[str, str | None]:
    """'DE-BW' -> ('DE', 'BW'), 'us' -> ('US', None): a holiday code is a country and, after a dash, a
    subdivision of it, as the ``holidays`` library takes them."""
    code, _, subdiv = country.strip().upper().partition("-")
    return code, subdiv or None


@lru_cache(maxsize=64)
def calendar_name(country: str) -> str:
    """A holiday code as a client reads it, with the code: 'England (GB-ENG)', 'Baden-Württemberg (DE-BW)',
    'Germany (DE)', 'the United States (US)'. A region is named by the ``holidays`` library's own names for its subdivisions
    (``subdivisions_aliases``), a country by CLDR's English territory names (Babel); a code neither names
    is shown as the code alone."""
    code, subdiv = split_country(country)
    shown = f"{code}-{subdiv}" if subdiv else code
    try:
        calendar = holidays.country_holidays(code)
    except NotImplementedError:
        return shown
    if subdiv:
        names = [name for name, sub in getattr(calendar, "subdivisions_aliases", {}).items() if sub == subdiv]
        return f"{names[0]} ({shown})" if names else shown
    territory = Locale("en").territories.get(calendar.country)
    if not territory:
        return shown
    the = "the " if calendar.country in _WITH_THE or territory.startswith(_THE_WORDS) else ""
    return f"{the}{territory} ({shown})"


#: Countries whose English name takes "the" ("the public holidays of the United States"), besides
#: names that start with one of ``_THE_WORDS`` (CLDR's names carry no article).
_WITH_THE = frozenset({"BS", "GM", "MV", "NL", "PH", "SC"})
_THE_WORDS = ("United ", "Czech Republic", "Dominican Republic", "Central African", "Marshall", "Solomon")


def closed_days(country: str | None, closures: tuple[date, ...], years: range) -> tuple[frozenset[date], str | None]:
    """Public holidays of ``country`` ('US', 'GB', or with a subdivision 'US-NY', 'CA-ON') for
    ``years``, from the ``holidays`` library, plus the firm's closure dates.
    Returns (closed days, problem): problem names an unknown country code, whose holidays are then not applied."""
    return _closed_days(country or None, tuple(closures), years)


def non_working_reason(day: date, country: str | None, closures: tuple[date, ...]) -> str:
    """Why ``day`` is not a working day, as a clause a client can read ("a Saturday", "Washington's
    Birthday, a public holiday (US)", "a day the office is closed"), or "" when it is one. Weekends
    first, then the holidays of ``country``, then the firm's closures: the calendar ``closed_days`` builds."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    if country:
        code, subdiv = split_country(country)
        try:
            name = holidays.country_holidays(code, subdiv=subdiv, years=day.year).get(day)
        except NotImplementedError:
            name = None
        if name:
            return f"{name}, a public holiday ({country.strip().upper()})"
    if day in closures:
        return "a day the office is closed"
    return ""


@lru_cache(maxsize=64)
def _closed_days(country: str | None, closures: tuple[date, ...], years: range) -> tuple[frozenset[date], str | None]:
    """``closed_days``, once per calendar (country, closures, years): every project of a Settings
    asks for the same few calendars, and the same frozenset then keys ``_closed_weekdays`` at once."""
    found: set[date] = set(closures)
    if not country:
        return frozenset(found), None
    code, subdiv = split_country(country)
    try:
        calendar = holidays.country_holidays(code, subdiv=subdiv, years=years)
    except NotImplementedError:
        return frozenset(found), f"holiday country {country!r} is not known to the holidays library"
    found.update(calendar.keys())
    return frozenset(found), None


_DAYS = {
    name: i
    for i, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in (*names, names[0] + "s")
}
_WINDOW_TOKEN = re.compile(r"[a-z]+|\d{1,2}(?::\d{2})?\s*(?:am|pm)?", re.I)
_EXCLUSION_WORDS = frozenset(("excluded", "exclude", "excluding", "except", "not", "no", "avoid", "outside"))


@dataclass(frozen=True)
class Window:
    """A weekly deployment window: the weekday it opens (0 Monday .. 6 Sunday), its opening
    time as typed ('06:00') when given, and whether the text also states an exclusion we do not model.
    ``closes`` is the closing time when the text gives one after the opening time, and ``days`` how many
    days after the opening weekday a second weekday named closes it ('Saturday 20:00 - Sunday 02:00': 1)."""

    weekday: int
    opens: str | None
    has_exclusion: bool
    closes: str | None = field(default=None, compare=False)
    days: int = field(default=0, compare=False)
    #: the part of the day the text names ('Friday evenings': 'evening'), which bounds an untimed window
    part: str | None = field(default=None, compare=False)

    @property
    def day_name(self) -> str:
        return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[self.weekday]

    @property
    def length(self) -> timedelta | None:
        """How long the window lasts when it states its opening and closing times, else None."""
        start, end = _minutes(self.opens), _minutes(self.closes)
        if start is None or end is None:
            return None
        minutes = self.days * 1440 + end - start
        return timedelta(minutes=minutes if minutes > 0 else minutes + 1440)

    @property
    def longest(self) -> timedelta:
        """The most the window can last: its stated length, else the part of the day it names (an
        evening ends at midnight and starts no earlier than 17:00: 7 hours; a night runs at most
        18:00 to 06:00), else the whole of the days it names."""
        if self.length:
            return self.length
        if self.part in _PART_HOURS and self.days == 0:
            return timedelta(hours=_PART_HOURS[self.part])
        return timedelta(days=self.days + 1)


#: The longest each part of the day can be, in hours, for a window that names no times.
_PART_HOURS = {"morning": 6, "afternoon": 6, "evening": 7, "night": 12}
#: The words naming a part of the day, as a window's text may write them.
_PARTS = {
    "morning": "morning",
    "mornings": "morning",
    "afternoon": "afternoon",
    "afternoons": "afternoon",
    "evening": "evening",
    "evenings": "evening",
    "night": "night",
    "nights": "night",
    "overnight": "night",
}


def _minutes(clock: str | None) -> int | None:
    """'20:00', '8pm', '8:30 am' -> minutes after midnight; None when not given."""
    if not clock:
        return None
    text = clock.casefold().replace(" ", "")
    half = text[-2:] if text[-2:] in ("am", "pm") else ""
    hours, _, mins = text.removesuffix(half).partition(":")
    hour = int(hours) % 12 + (12 if half == "pm" else 0) if half else int(hours)
    return hour * 60 + int(mins or 0)


#: Time zones a deployment window is written in, as their common abbreviations ('Sunday 06:00-09:00 ET').
_ZONES = frozenset(
    [
        "UTC",
        "GMT",
        "ET",
        "EST",
        "EDT",
        "CT",
        "CST",
        "CDT",
        "MT",
        "MST",
        "MDT",
        "PT",
        "PST",
        "PDT",
        "AKST",
        "AKDT",
        "HST",
        "AST",
        "ADT",
        "NST",
        "NDT",
        "BST",
        "IST",
        "WET",
        "WEST",
        "CET",
        "CEST",
        "EET",
        "EEST",
        "MSK",
        "SAST",
        "GST",
        "PKT",
        "SGT",
        "HKT",
        "JST",
        "KST",
        "AWST",
        "ACST",
        "ACDT",
        "AEST",
        "AEDT",
        "NZST",
        "NZDT",
    ]
)
#: The plain names of the abbreviations a client reads as a region's time ('ET': 'US Eastern').
_ZONE_WORDS = {
    "ET": "US Eastern",
    "CT": "US Central",
    "MT": "US Mountain",
    "PT": "US Pacific",
    "CET": "Central European",
    "EET": "Eastern European",
    "WET": "Western European",
}
_ZONE_NAME = re.compile(r"\b[A-Z][A-Za-z]+/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?\b")


def time_zone(text: str | None) -> str | None:
    """The time zone a text such as Projects > Deployment Window is written in: a zone abbreviation typed
    in capitals ('Saturday 20:00 - Sunday 02:00 ET': 'ET'), else an IANA zone name ('Europe/Berlin');
    None when it names none. One linear pass over the words."""
    if not text:
        return None
    for word in re.finditer(r"[A-Za-z]+", text):
        if word.group(0) in _ZONES:
            return word.group(0)
    found = _ZONE_NAME.search(text)
    return found.group(0) if found else None


def zone_words(zone: str) -> str:
    """A time zone as a document states it: 'US Eastern (ET)' for an abbreviation with a plain name,
    else the zone as written ('UTC', 'Europe/Berlin')."""
    name = _ZONE_WORDS.get(zone)
    return f"{name} ({zone})" if name else zone


def deployment_window(text: str | None) -> Window | None:
    """The weekly window in Projects > Deployment Window: the first weekday named ('Sunday
    06:00-09:00 ET', 'Saturday 20:00 - Sunday 02:00', 'Fri evenings') opens it, the first time
    after it is its opening time; a later weekday and the next time close it. None when no weekday
    is named ('weekends', 'after hours'), which the plan reports for review. One linear pass over the words."""
    if not text:
        return None
    weekday, opens, closes, last, exclusion, part = None, None, None, None, False, None
    for token in _WINDOW_TOKEN.findall(text):
        word = token.casefold()
        if word in _EXCLUSION_WORDS:
            exclusion = True
        elif part is None and word in _PARTS:
            part = _PARTS[word]
        elif weekday is None and word in _DAYS:
            weekday = _DAYS[word]
        elif weekday is not None and last is None and closes is None and word in _DAYS:
            last = _DAYS[word]
        elif weekday is not None and opens is None and word[0].isdigit():
            opens = token.strip()
        elif opens is not None and closes is None and word[0].isdigit():
            closes = token.strip()
    if weekday is None:
        return None
    days = (last - weekday) % 7 if last is not None else 0
    return Window(weekday, opens, exclusion, closes, days, part)


def go_live_date(ready: date, window: Window, closed: frozenset[date] = frozenset()) -> date:
    """Go-live is the first day of the window on or after the day deployment is ready,
    skipping closed days (a Monday window on a public holiday moves a week)."""
    day = ready + timedelta(days=(window.weekday - ready.weekday()) % 7)
    while day in closed:
        day += timedelta(days=7)
    return day


def countdown_day(live: date, offset: int, closed: frozenset[date] = frozenset()) -> date:
    """The date of a countdown activity ``offset`` calendar days from go-live. People work on business
    days, so an activity before go-live that would fall on a weekend, public holiday or closure is
    brought forward to the business day before; one after go-live moves to the next business day.
    Go-live itself (offset 0) stays on its deployment window's day."""
    day = live + timedelta(days=offset)
    if offset == 0:
        return day
    step = timedelta(days=-1 if offset < 0 else 1)
    while not is_business_day(day, closed):
        day += step
    return day
