"""The record counts Projects > Data Volume states ("2,843 orders a day", "11,000 active SKUs", "1.5k
refunds per week"), read once for every rule that needs one: the complexity score, a test case's load,
a full-catalogue push.

A count is a number, an optional "k" or "thousand", the words after it (no digit among them, at most 40
characters) and, when they end in "a", "per", "/" or "each" and a day, week or month, its period. The
number itself is read by ``core.money.read_number`` (Babel, in both digit conventions), never by
stripping separators. A count of records is whole, so "2,843 orders" and "1.234 orders" are read
without doubt (2,843 and 1,234); what stays ambiguous ("1.234k orders": 1,234 or 1,234,000) is read as
``read_number`` reads it and ``Volume.ambiguity`` says how, so validation warns at the cell
(``data-volume-read``). A number neither convention reads is no count at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from planforge.core.money import Amount, NotANumber, read_number

#: Business days in a week and a month, for a count per week or month as records per day.
_DAYS_PER = {"day": 1, "week": 5, "month": 21}
#: Linear in the text: a number starts only where no digit, comma or point precedes it (so a long
#: digit run is scanned once, not from each of its digits), and every gap after it is bounded.
_COUNT = re.compile(
    r"(?<![\d,.])(\d{1,15}(?:[.,]\d{1,6}){0,5})(?![\d,])\s{0,5}(k\b|thousand\b)?"
    r"([^\d]{0,40}?)(?:\b(a|per|each)\s{0,5}|/\s{0,5})(day|week|month)\b",
    re.I,
)
_STOCK = re.compile(r"(?<![\d,.])(\d{1,15}(?:[.,]\d{1,6}){0,5})(?![\d,.])\s{0,5}(k\b|thousand\b)?([^\d]{0,40})", re.I)


@dataclass(frozen=True, slots=True)
class Volume:
    """One count the text states: how many (``count``, the "k" applied), the words after the number
    (``words``, stripped), the period it is counted over (None for a stock: "11,000 SKUs"), the text as
    typed, and how an ambiguous number was read ("" when certain)."""

    count: Decimal
    words: str
    period: str | None
    text: str
    ambiguity: str = ""

    @property
    def per_day(self) -> float | None:
        """Records per business day (weeks over 5, months over 21); None for a stock."""
        return float(self.count) / _DAYS_PER[self.period] if self.period else None

    @property
    def whole(self) -> int | None:
        """The count as a whole number of records, or None when it is not one ("2.5 orders")."""
        return int(self.count) if self.count == self.count.to_integral_value() else None


def volumes(text: str | None) -> tuple[Volume, ...]:
    """Every count ``text`` states over a period ("600 orders a day"), in text order."""
    if not text:
        return ()
    found = (_volume(m.group(1), m.group(2), m.group(3), m.group(5).lower(), m.group(0)) for m in _COUNT.finditer(text))
    return tuple(v for v in found if v is not None)


def stocks(text: str | None) -> tuple[Volume, ...]:
    """Every count ``text`` states that is not over a period ("11,000 active SKUs"), in text order."""
    if not text:
        return ()
    periodic = {m.start(1) for m in _COUNT.finditer(text)}
    found = (
        _volume(m.group(1), m.group(2), m.group(3), None, m.group(0).rstrip())
        for m in _STOCK.finditer(text)
        if m.start(1) not in periodic
    )
    return tuple(v for v in found if v is not None)


def _volume(number: str, thousands: str | None, words: str, period: str | None, text: str) -> Volume | None:
    if number.isdigit():  # digits alone read one way only (and a cell of thousands of them stays fast)
        value, ambiguity = Decimal(number), ""
    else:
        amount = _read_count(number, whole=not thousands)  # "1.5k" has decimals; "2,843 orders" has none
        if amount is None:
            return None
        value, ambiguity = amount.value, amount.ambiguity
    return Volume(value * (1000 if thousands else 1), words.strip(), period, text, ambiguity)


@lru_cache(maxsize=4096)
def _read_count(number: str, *, whole: bool) -> Amount | None:
    """``read_number`` of one number as typed, None when it is none. Memoised: a Data Volume is read by
    validation, the complexity score and the test cases, and Babel's parse costs a tenth of a millisecond."""
    try:
        return read_number(number, count=whole)
    except NotANumber:
        return None


def daily_volume(text: str | None) -> float | None:
    """The largest count over a period in ``text``, as records per business day; None without one."""
    rates = [v.per_day for v in volumes(text) if v.per_day is not None]
    return max(rates) if rates else None


#: a day's count of one kind of record, in one word ("600 orders a day"), as a test case's load reads it
_DAILY_COUNT = re.compile(
    r"(?<![\d,.])(\d{1,9}(?:[.,]\d{1,6}){0,3})(?![\d,])\s{1,5}([a-z][a-z-]{0,30})\s{1,5}(?:a|per|each)\s{1,5}day\b",
    re.I,
)
#: a number of records in one word ("1,500 orders posted within 30 minutes")
_NOUN_COUNT = re.compile(r"(?<![\d,.])(\d{1,9}(?:[.,]\d{1,6}){0,3})(?![\d,])\s{1,5}([a-z][a-z-]{0,30})\b", re.I)
#: the catalogue's size ("11,000 SKUs", "240 retail SKUs", "3,400 products")
_CATALOGUE = re.compile(
    r"(?<![\d,.])(\d{1,9}(?:[.,]\d{1,6}){0,3})(?![\d,])\s{1,5}(?:[a-z-]{1,20}\s{1,5})?(SKUs?|products?|items?)\b", re.I
)


def _singular(word: str) -> str:
    return word.casefold().removesuffix("s")


def daily_count(text: str | None, nouns: set[str]) -> Volume | None:
    """The first whole count a day of records named by one of ``nouns`` (singular, casefolded) that
    ``text`` states ("600 orders a day" for {"order"}), else None."""
    return _first_whole((m for m in _DAILY_COUNT.finditer(text or "") if _singular(m.group(2)) in nouns), "day")


def counted(text: str | None, nouns: set[str]) -> Volume | None:
    """The first whole number of records named by one of ``nouns`` that ``text`` states ("1,500 orders
    posted within 30 minutes"), its word in ``Volume.words``; else None."""
    return _first_whole((m for m in _NOUN_COUNT.finditer(text or "") if _singular(m.group(2)) in nouns), None)


def catalogue_size(text: str | None) -> Volume | None:
    """The catalogue's size ``text`` states ("11,000 SKUs"), the words as typed in ``Volume.text``; else None."""
    return _first_whole(_CATALOGUE.finditer(text or ""), None)


def _first_whole(matches: Iterable[re.Match[str]], period: str | None) -> Volume | None:
    """The first of ``matches`` (number, then word) whose number is a whole count of records."""
    for m in matches:
        v = _volume(m.group(1), None, m.group(2), period, m.group(0))
        if v is not None and v.whole is not None:
            return v
    return None
