"""Cell value parsers, one per schema kind. Each returns the typed value, a ``Reading`` (the value
plus a warning saying how ambiguous text was read), or raises BadValue.

Analysts type the same thing many ways; these accept the common ones and say so when a reading
is not certain: 85%, 0.85 and 85 are all 85%; "1,200" is 1200 and "1.234,50" is 1234.50 (numbers
are parsed with Babel, see money.py); dates are Excel dates, Excel serials or ISO text. Every value
is checked against its column's declared bounds, so nothing downstream can overflow.
Every regular expression here runs in time linear in the cell's length.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from planforge.core.errors import closest
from planforge.core.model import PAYMENT_MILESTONES, Cadence, PaymentTerms, Span
from planforge.core.money import NotANumber, closest_locales, currency_code, read_locale, read_number

MAX_TEXT = 32_767
MAX_ID_LENGTH = 64
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "si", "oui", "ja"}
_FALSE = {"no", "n", "false", "f", "0", "non", "nein"}
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
)
_EXCEL_EPOCH = date(1899, 12, 30)
#: 13/02/2026, 2.3.2026, 02-03-2026: day and month in either order, a four-digit year (linear: no nesting).
_NUMERIC_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
#: "2nd", "21st": the ordinal suffix after a day number, dropped before the date formats are tried.
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.I)
#: What analysts type for "not known yet" or "not applicable": read as a blank cell in every column
#: kind (text included), so the plan shows [TBD] and completeness is not flattered.
PLACEHOLDERS = frozenset({"tbd", "tbc", "tba", "?", "??", "???", "-", "--", "---", "n/k", "n/a", "none", "nil", "null"})
#: Characters that draw nothing: removed before comparing IDs and names.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
#: Every dash and minus folds to '-'.
#: What XML 1.0 cannot hold, so no DOCX, HTML or XLSX writer may see it: C0 controls but tab,
#: newline and carriage return; surrogates (only ever lone ones in a str); U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


class BadValue(Exception):
    """A cell value that does not fit its column. ``code`` picks the problem template."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Reading:
    """A parsed value whose reading was not certain: ``code`` and ``params`` make the located
    warning that says how the text was read. ``currency`` is the currency written with an amount."""

    value: Any
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    currency: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rules:
    """What a column declares beyond its kind (schema.Column): choices and their synonyms, the
    bounds a value must lie within, and how a bare number in a percent column is read."""

    choices: tuple[str, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=dict)
    bounds: tuple[Any, Any] | None = None
    percent_reading: str = "auto"


def is_placeholder(value: Any) -> bool:
    """TBD, TBC, ?, N/A, n/a, -, none ... (any case, spacing or trailing dot): a blank cell."""
    if type(value) is not str or len(value) > 16:
        return False
    return placeholder(value)


@lru_cache(maxsize=1 << 14)
def placeholder(value: str) -> bool:
    """Memoised: short cells repeat (Low, High, Yes, names) across thousands of rows."""
    return " ".join(value.split()).strip(". ").casefold() in PLACEHOLDERS or not value.strip()


def fold_spaces(text: str) -> str:
    """NFKC, invisible characters removed, every run of whitespace (NBSP included) one space, trimmed."""
    if text.isascii():  # NFKC and the invisible characters leave ASCII unchanged
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFKC", text).translate(_INVISIBLE).split())


def fold_identity(text: str) -> str:
    """How IDs and names are compared: fold_spaces plus every dash and minus as '-'."""
    if text.isascii():
        return " ".join(text.split())
    return fold_spaces(text.translate(_DASHES)).translate(_DASHES)


def accent_key(name: str) -> str:
    """A name without accents or case: Zoë Müller and zoe muller share one key."""
    decomposed = unicodedata.normalize("NFKD", fold_identity(name))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def show_invisible(text: str) -> str:
    """Text with invisible and unusual space characters spelled out (``ACME-001U+200B``), for messages."""
    return "".join(
        f"U+{ord(c):04X}" if c != " " and (unicodedata.category(c) in ("Cf", "Zs", "Zl", "Zp", "Cc")) else c
        for c in text
    )


def xml_unsafe(text: str) -> bool:
    """True when ``text`` holds a character no document format can store (see ``clean_text``)."""
    return _NOT_XML.search(text) is not None


def clean_text(text: str) -> Reading:
    """``text`` made safe for every writer, with the ``text-cleaned`` warning saying what went:
    controls and non-characters are removed, a lone surrogate (half of a broken character)
    becomes U+FFFD. Called once, where a cell's text enters the model (validate)."""
    found = _NOT_XML.findall(text)
    cleaned = _NOT_XML.sub(lambda m: "\ufffd" if "\ud800" <= m.group() <= "\udfff" else "", text)
    shown = ", ".join(f"U+{ord(c):04X}" for c in sorted(set(found))[:5])
    return Reading(cleaned, "text-cleaned", {"count": len(found), "shown": shown})


def parse_text(value: Any) -> str:
    if type(value) is str:
        text = value
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    if len(text) > MAX_TEXT:
        raise BadValue("text-too-long", length=len(text))
    return text


def parse_name(value: Any) -> str:
    """A person's name: spacing and invisible characters folded, so 'Dana\u00a0Whitfield' and
    'Dana  Whitfield' are the same person as 'Dana Whitfield'."""
    return fold_spaces(parse_text(value))


def parse_id(value: Any) -> str | Reading:
    """IDs stay text: 00123 typed as text keeps its zeros; a numeric cell 123 becomes "123".
    Spacing, invisible characters and dashes are folded (ACME–001 is ACME-001), with a warning."""
    if isinstance(value, bool):
        raise BadValue("wrong-type", expected="a project ID", hint="Type the project's ID, e.g. ACME-001.")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (date, datetime)):
        raise BadValue(
            "wrong-type",
            expected="a project ID (Excel turned it into a date)",
            hint="Format the column as Text and retype the ID.",
        )
    text = parse_text(value)
    folded = fold_identity(text)
    if folded != text and folded:
        return Reading(folded, "id-normalised", {"typed": show_invisible(text), "assumed": folded})
    return folded


def id_problem(pid: str) -> str | None:
    """Why an ID cannot name a file, or None when it is safe (letters, digits, '-', '_', '.')."""
    if len(pid) > MAX_ID_LENGTH:
        return f"is {len(pid)} characters long (at most {MAX_ID_LENGTH})"
    if not _SAFE_ID.fullmatch(pid):
        bad = sorted({c for c in pid if not _SAFE_ID.fullmatch(c)})
        shown = ", ".join(show_invisible(repr(c)) for c in bad[:5])
        return f"holds characters that are unsafe in a file name ({shown})"
    if set(pid) == {"."} or pid.startswith(".") or pid.endswith("."):
        return "starts or ends with '.', which is unsafe in a file name"
    if pid.split(".")[0].lower() in _WINDOWS_RESERVED:
        return "is a reserved device name on Windows"
    return None


_NUMBER_HINT = "Type a number such as 15 or 7.5."


def _number(value: Any, *, money: bool = False, expected: str = "a number", hint: str = _NUMBER_HINT) -> Reading:
    """Any number cell or number text -> Reading(Decimal) (with the ambiguity, if any). Finite only."""
    if isinstance(value, (bool, date, datetime)):
        raise BadValue("wrong-type", expected=expected, hint=hint)
    if isinstance(value, int):
        return Reading(Decimal(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BadValue("out-of-range", why="it is not a finite number")
        return Reading(Decimal(repr(value)))
    try:
        amount = read_number(str(value), money=money)
    except NotANumber:
        if str(value).strip().isdigit():  # hundreds of digits: a number, but far too large
            raise BadValue("out-of-range", why="it has far too many digits") from None
        raise BadValue("wrong-type", expected=expected, hint=hint) from None
    if amount.ambiguity:
        return Reading(amount.value, "ambiguous-number", {"reading": amount.ambiguity}, amount.currencies)
    return Reading(amount.value, currency=amount.currencies)


def _check_bounds(value: Any, bounds: tuple[Any, Any] | None, shown: Callable[[Any], str] = str) -> None:
    if bounds is None:
        return
    low, high = bounds
    if not low <= value <= high:
        raise BadValue("out-of-range", why=f"it must lie between {shown(low)} and {shown(high)}")


def _fmt(number: Any) -> str:
    return f"{number:,}" if isinstance(number, int) else f"{number:,.6g}"


def _finish(reading: Reading, value: Any) -> Any:
    """The plain value when the reading was certain, else the Reading carrying its warning."""
    if reading.code or reading.currency:
        return Reading(value, reading.code, reading.params, reading.currency)
    return value


def number_parser(rules: Rules) -> Callable[[Any], Any]:
    bounds = _dec_bounds(rules.bounds)  # once per column, not per cell

    def parse(value: Any) -> Any:
        reading = _number(value)
        _check_bounds(reading.value, bounds, _fmt)
        number = float(reading.value)
        return _finish(reading, int(number) if number.is_integer() and type(value) is int else number)

    return parse


def int_parser(rules: Rules) -> Callable[[Any], Any]:
    bounds = _dec_bounds(rules.bounds)

    def parse(value: Any) -> Any:
        reading = _number(value, expected="a whole number", hint="Type a whole number such as 48.")
        _check_bounds(reading.value, bounds, _fmt)
        if reading.value != reading.value.to_integral_value() or reading.value < 0:
            raise BadValue("wrong-type", expected="a whole number", hint="Type a whole number such as 48.")
        return _finish(reading, int(reading.value))

    return parse


def money_parser(rules: Rules) -> Callable[[Any], Any]:
    hint = "Type an amount such as 18000, 18,000.00 or 18.000,00 €."
    bounds = _dec_bounds(rules.bounds)

    def parse(value: Any) -> Any:
        reading = _number(value, money=True, expected="an amount of money", hint=hint)
        if reading.value < 0:
            raise BadValue("wrong-type", expected="an amount of money", hint="Type a positive amount such as 18000.")
        _check_bounds(reading.value, bounds, _fmt)
        try:
            amount = reading.value.quantize(Decimal("0.01"))
        except InvalidOperation:
            raise BadValue("wrong-type", expected="an amount of money", hint=hint) from None
        return _finish(reading, amount)

    return parse


def _dec_bounds(bounds: tuple[Any, Any] | None) -> tuple[Decimal, Decimal] | None:
    return None if bounds is None else (Decimal(str(bounds[0])), Decimal(str(bounds[1])))


def percent_parser(rules: Rules) -> Callable[[Any], Any]:
    """0.85, 85 and "85%" all mean 85%: text ending in % is percent points; a bare number up to 1
    is a fraction, over 1 percent points. In a "rate" column (a small target such as an error
    rate) a bare number from 1 up is percent points, and one under 1 is ambiguous (0.5 may mean
    0.5% or 50%): up to 0.1 it is read as a fraction (0.005 = 0.5%, as Excel stores a percent
    cell), above that as percent points (0.5 = 0.5%), with a warning naming the reading."""
    hint = "Type 85%, 0.85 or 85."
    low, high = (Decimal(str(b)) for b in (rules.bounds or (0, 1)))  # once per column, not per cell

    def parse(value: Any) -> Any:
        text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) and len(value) <= 64 else None
        if text is not None:
            value = text  # full-width digits and signs (８５％) read as typed
        note: dict[str, Any] = {}
        try:
            if text is not None and text.endswith("%"):
                number = _number(text[:-1]).value / 100
            else:
                reading = _number(value)
                number = reading.value
                if rules.percent_reading == "rate" and 0 < number < 1:
                    as_points = number > Decimal("0.1")
                    taken = number / 100 if as_points else number
                    other = number if as_points else number / 100
                    note = {"reading": f"{_pct(taken)} (not {_pct(other)})"}
                    number = taken
                elif number > 1 or (rules.percent_reading == "rate" and number >= 1):
                    number = number / 100
        except BadValue as e:
            if e.code == "out-of-range":
                raise
            raise BadValue("wrong-type", expected="a percentage", hint=hint) from None
        if not low <= number <= high:
            raise BadValue("out-of-range", why=f"it must lie between {_pct(low)} and {_pct(high)}")
        result = round(float(number), 6)
        return Reading(result, "ambiguous-percent", note) if note else result

    return parse


def _pct(share: Decimal | float) -> str:
    return f"{float(share) * 100:,.4g}%"


_DATE_BOUNDS = (date(1900, 1, 1), date(2200, 12, 31))


def date_parser(rules: Rules) -> Callable[[Any], Any]:
    def parse(value: Any) -> date:
        day = _date(value)
        _check_bounds(day, rules.bounds or _DATE_BOUNDS, date.isoformat)
        return day

    return parse


def _date(value: Any) -> date:
    hint = "Type a date such as 2026-02-02, or pick one in Excel."
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # an unformatted Excel serial
    if isinstance(value, str) and len(value) <= 64:
        text = " ".join(value.replace(",", ", ").split()).replace(" ,", ",")
        text = _ORDINAL.sub(r"\1", unicodedata.normalize("NFKC", text))
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        numeric = _NUMERIC_DATE.fullmatch(text)
        if numeric:
            return _day_month(value, int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4)))
    if isinstance(value, time):
        raise BadValue("wrong-type", expected="a date (it is a time of day only)", hint=hint)
    raise BadValue("wrong-type", expected="a date", hint=hint)


def _day_month(value: str, first: int, second: int, year: int) -> date:
    """A numeric date whose order of day and month is told by the numbers themselves: 13/02/2026 can
    only be 13 February, 02/13/2026 only February 13. When both orders are real dates and differ
    (02/03/2026), the cell is ambiguous: an error, never a guess."""
    readings = set()
    for day, month in ((first, second), (second, first)):
        try:
            readings.add(date(year, month, day))
        except ValueError:
            continue
    if len(readings) == 1:
        return readings.pop()
    if not readings:
        raise BadValue("wrong-type", expected="a date", hint="Type a date such as 2026-02-02, or pick one in Excel.")
    one, other = sorted(readings)
    raise BadValue("ambiguous-date", first=f"{one.day} {one:%B %Y}", second=f"{other.day} {other:%B %Y}")


def parse_date(value: Any) -> date:
    day: date = date_parser(Rules())(value)
    return day


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().strip(".").casefold() if len(str(value)) <= 16 else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("wrong-type", expected="Yes or No", hint="Type Yes or No.")


@lru_cache(maxsize=1 << 14)
def choice_key(text: str) -> str:
    """How choices are compared: NFKC, case, spacing and punctuation ignored ('Blue/Green' = 'Blue-green')."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def choice_parser(choices: tuple[str, ...], synonyms: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    """An exact or normalised match (case, spacing, punctuation), or a declared synonym
    (PM -> Project Manager). Never a guess by prefix."""
    exact = {choice_key(c): c for c in choices}
    for word, choice in (synonyms or {}).items():
        exact.setdefault(choice_key(word), choice)

    def parse(value: Any) -> str:
        text = str(value)
        key = choice_key(text) if len(text) <= 200 else ""
        if key in exact:
            return exact[key]
        raise BadValue("invalid-choice", choices=", ".join(choices), suggestion=_closest(text, choices))

    return parse


_CHOICE_SEPARATORS = re.compile(r"[,;+&|]|\band\b", re.I)


def choices_parser(choices: tuple[str, ...], synonyms: Mapping[str, str] | None = None) -> Callable[[Any], Any]:
    """Several choices in one cell: "accounting, inventory" (also ; + & | and 'and')."""
    one = choice_parser(choices, synonyms)

    def parse(value: Any) -> tuple[str, ...]:
        parts = [p.strip() for p in _CHOICE_SEPARATORS.split(str(value)) if p.strip()]
        picked: list[str] = []
        for part in parts:
            try:
                item = one(part)
            except BadValue as e:
                e.params["value_repr"] = f'"{part[:57]}"'
                raise
            if item not in picked:
                picked.append(item)
        return tuple(picked)

    return parse


def _closest(text: str, choices: tuple[str, ...]) -> str:
    if len(text) > 60:
        return ""
    match = closest(text, choices, cutoff=0.5, fold=str.casefold, keep_first=True)
    return f' (closest: "{match[0]}")' if match else ""


def parse_currency(value: Any) -> str:
    """An ISO code (EUR, usd) or an unambiguous symbol (€, £; $ is USD)."""
    text = str(value)
    code = currency_code(text) if len(text) <= 16 else None
    if code is None:
        raise BadValue("wrong-type", expected="a currency", hint="Type an ISO code such as USD, EUR or GBP.")
    return code


def parse_locale(value: Any) -> str:
    """A BCP 47 locale tag (de-DE, en_gb) in its canonical form (de-DE, en-GB), read with Babel."""
    try:
        return read_locale(str(value))
    except ValueError:
        near = closest_locales(str(value)) if len(str(value)) <= 32 else []
        raise BadValue("unknown-locale", suggestion=f" (closest: {', '.join(near)})" if near else "") from None


def phase_days_parser(rules: Rules) -> Callable[[Any], Any]:
    """Five whole business days separated by commas or semicolons, each within ``rules.bounds``."""
    one = int_parser(rules)

    def parse(value: Any) -> tuple[int, ...]:
        expected = "five positive whole numbers (business days of phases 1-5)"
        hint = "Type five numbers separated by commas, e.g. 10, 20, 10, 3, 20."
        text = str(value)
        parts = [p.strip() for p in text.replace(";", ",").split(",")] if len(text) <= 200 else []
        if len(parts) != 5:
            raise BadValue("wrong-type", expected=expected, hint=hint)
        days = []
        for part in parts:
            try:
                day = one(part)
            except BadValue as e:
                if e.code == "out-of-range":
                    raise
                raise BadValue("wrong-type", expected=expected, hint=hint) from None
            day = day.value if type(day) is Reading else day
            if day <= 0:
                raise BadValue("wrong-type", expected=expected, hint=hint)
            days.append(day)
        return tuple(days)

    return parse


#: Other words analysts use for a payment milestone (folded: lower case, letters and digits only).
_MILESTONE_WORDS: dict[str, str] = {
    **{re.sub(r"[^a-z0-9]", "", m.casefold()): m for m in PAYMENT_MILESTONES},
    **dict.fromkeys(("signing", "onsigning", "contractsignature", "sowsignature", "contract"), "Signature"),
    **dict.fromkeys(("kickoffmeeting", "projectstart", "start"), "Kickoff"),
    **dict.fromkeys(("designapproval", "designsignoff", "design", "endofdiscovery"), "Design approved"),
    **dict.fromkeys(("build", "buildcompleted", "developmentcomplete", "endofdevelopment"), "Build complete"),
    **dict.fromkeys(("uat", "uatsignedoff", "uatapproved", "uatcomplete", "uatacceptance"), "UAT sign-off"),
    **dict.fromkeys(("golive", "launch", "productiongolive", "live"), "Go-live"),
    **dict.fromkeys(("handover", "endofsupport", "projectclose", "closure"), "Handover to support"),
}
_TERMS_HINT = "Type monthly, or milestones with their shares, e.g. Kickoff 30%, UAT sign-off 40%, Go-live 30%."


def parse_payment_terms(value: Any) -> PaymentTerms:
    """Payment Terms as analysts type them: ``monthly``, or milestones with their shares separated by
    commas or semicolons (``Kickoff 30%, UAT sign-off 40%, Go-live 30%``; a colon or dash before the
    share is fine). Each milestone is one of ``PAYMENT_MILESTONES`` (or a usual word for one: "UAT",
    "launch"), each share over 0, the shares summing to exactly 100. Read by scanning each part from its
    end (no regular expression on the cell's text)."""
    text = " ".join(str(value).split())
    if text.casefold() in ("monthly", "monthly in arrears", "monthly instalments", "monthly installments"):
        return PaymentTerms(monthly=True)
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()] if len(text) <= 500 else []
    if not parts:
        raise BadValue("wrong-type", expected="payment terms", hint=_TERMS_HINT)
    milestones: list[tuple[str, Decimal]] = []
    for part in parts:
        body = part.removesuffix("%").rstrip()
        i = len(body)
        while i and (body[i - 1].isdigit() or body[i - 1] == "."):
            i -= 1
        name = body[:i].rstrip(" :=-\u2013\t")
        try:
            share = Decimal(body[i:])
        except InvalidOperation:
            raise BadValue("wrong-type", expected="payment terms", hint=_TERMS_HINT) from None
        if not name or share <= 0:
            raise BadValue("wrong-type", expected="payment terms", hint=_TERMS_HINT)
        milestone = _MILESTONE_WORDS.get(re.sub(r"[^a-z0-9]", "", name.casefold()))
        if milestone is None:
            raise BadValue(
                "unknown-payment-milestone",
                milestone=f'"{name[:60]}"',
                milestones=", ".join(PAYMENT_MILESTONES),
                suggestion=_closest(name, PAYMENT_MILESTONES),
            )
        milestones.append((milestone, share))
    total = sum((share for _, share in milestones), Decimal(0))
    if total != 100:
        raise BadValue("payment-terms-sum", total=f"{total.normalize():f}%")
    return PaymentTerms(milestones=tuple(milestones))


#: Unit words of a length of time -> seconds. No bare "m" (minutes or months?).
_UNITS = {
    **dict.fromkeys(("second", "seconds", "sec", "secs", "s"), 1),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), 60),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), 3600),
    **dict.fromkeys(("day", "days", "d"), 86400),
    **dict.fromkeys(("week", "weeks", "wk", "wks"), 604800),
}
_UNIT_NAMES = ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))
#: "5 minutes", "15min", "1.5 hours": an amount and a unit word (fullmatch, no nesting: linear).
_AMOUNT = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)\s*([a-z]{1,7})")
#: "02:00", "2am", "2:30 pm": a clock time (fullmatch, linear).
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?")
_REAL_TIME = frozenset(
    {"real-time", "realtime", "real time", "live", "instant", "instantly", "immediately", "on change",
     "on each change", "on every change", "event-driven", "event driven", "on event", "on each event", "webhook"}
)  # fmt: skip
_MANUAL = frozenset({"manual", "manually", "on demand", "on-demand", "ad hoc", "ad-hoc", "by hand", "when started"})
_NAMED = {
    "hourly": (3600, "hourly"),
    "daily": (86400, "daily"),
    "nightly": (86400, "daily"),
    "weekly": (604800, "weekly"),
}
_LONGEST = 31 * 86400
_FREQUENCY_HINT = "Type real-time, every 15 minutes, hourly, every 2 hours, daily, daily at 02:00, weekly or on demand."
_SPAN_HINT = "Type an amount and a unit, such as 5 minutes, 30 seconds, 2 hours or 1 day."


def _words(value: Any) -> str:
    return " ".join(str(value).replace("\u2011", "-").casefold().split()).strip(". ") if len(str(value)) <= 80 else ""


def _seconds(text: str) -> float | None:
    """'5 minutes' -> 300.0; None when the text is not one amount and one known unit."""
    m = _AMOUNT.fullmatch(text)
    if not m or m.group(2) not in _UNITS:
        return None
    return float(m.group(1)) * _UNITS[m.group(2)]


def span_text(seconds: int) -> str:
    """300 -> '5 minutes', 3600 -> '1 hour', 5400 -> '90 minutes': the largest unit that divides it."""
    size, name = next((size, name) for size, name in _UNIT_NAMES if seconds % size == 0)
    n = seconds // size
    return f"{n} {name}{'' if n == 1 else 's'}"


def every_text(seconds: int) -> str:
    """300 -> 'every 5 minutes', 60 -> 'every minute': an interval as a cadence reads."""
    shown = span_text(seconds)
    return f"every {shown[2:]}" if shown.startswith("1 ") else f"every {shown}"


def _whole(seconds: float | None, expected: str, hint: str) -> int:
    if seconds is None:
        raise BadValue("wrong-type", expected=expected, hint=hint)
    if seconds != int(seconds) or not 1 <= seconds <= _LONGEST:
        raise BadValue("out-of-range", why="it must be a whole number of seconds from 1 second to 31 days")
    return int(seconds)


def parse_span(value: Any) -> Span:
    """A length of time (Latency Target): an amount and a unit ('5 minutes', '2 h', '30 sec'),
    optionally after 'within', 'under', 'up to' or '<'; or an Excel duration. A bare number has
    no unit and is an error, never a guess."""
    seconds: float | None
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    else:
        text = _words(value)
        for lead in ("within ", "under ", "up to ", "at most ", "less than ", "max ", "<= ", "< ", "<=", "<"):
            if text.startswith(lead):
                text = text[len(lead) :].strip()
                break
        seconds = _seconds(text) if not isinstance(value, (bool, int, float, date)) else None
    whole = _whole(seconds, "a length of time", _SPAN_HINT)
    return Span(span_text(whole), timedelta(seconds=whole))


def _clock(text: str) -> str | None:
    """'02:00', '2am', '2:30 pm' -> '02:00', '02:00', '14:30'; None when not a clock time."""
    m = _CLOCK.fullmatch(text)
    if not m:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif m.group(2) is None:
        return None  # "at 2": 02:00 or 14:00?
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def _every(text: str) -> Cadence | None:
    """'every 15 minutes', 'every hour', 'hourly', 'daily at 02:00' -> a Cadence; None otherwise."""
    base, _, at_text = text.partition(" at ")
    at = _clock(at_text.strip()) if at_text else None
    if at_text and at is None:
        return None
    if base in ("every day", "each day", "once a day"):
        base = "daily"
    if base in _NAMED:
        length, name = _NAMED[base]
        if at and length != 86400:
            return None
        return Cadence(f"{name} at {at}" if at else name, "interval", timedelta(seconds=length), at)
    if not base.startswith("every ") or at:
        return None
    rest = base[len("every ") :]
    seconds = _seconds(rest) if rest[:1].isdigit() else _seconds(f"1 {rest}")
    whole = _whole(seconds, "a frequency", _FREQUENCY_HINT)
    return Cadence(every_text(whole), "interval", timedelta(seconds=whole))


def parse_frequency(value: Any) -> Cadence:
    """How often a workflow runs (Frequency): real-time (also 'live', 'on change', 'webhook'),
    'every N minutes/hours/days', hourly, daily or nightly (optionally 'at 02:00' or 'at 2am'),
    weekly, or on demand (also 'manual'). Anything else is an error naming the forms, never a guess
    ('15 minutes' alone could be a delay or an interval: write 'every 15 minutes')."""
    text = _words(value) if isinstance(value, str) else ""
    if text in _REAL_TIME:
        return Cadence("real-time", "real-time")
    if text in _MANUAL:
        return Cadence("on demand", "manual")
    cadence = _every(text) if text else None
    if cadence is None:
        suggestion = f" Did you mean every {text}?" if _seconds(text) is not None else ""
        raise BadValue("wrong-type", expected="a frequency", hint=_FREQUENCY_HINT + suggestion)
    return cadence


def parse_number(value: Any) -> float:
    number: float = number_parser(Rules())(value) if not isinstance(value, Reading) else value.value
    return number


def parse_money(value: Any) -> Decimal:
    result = money_parser(Rules())(value)
    amount: Decimal = result.value if isinstance(result, Reading) else result
    return amount


def parse_percent(value: Any) -> float:
    result = percent_parser(Rules())(value)
    percent: float = result.value if isinstance(result, Reading) else result
    return percent
