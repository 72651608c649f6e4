"""Cell value parsers, one per schema kind. Each returns the typed value or raises BadValue.

Analysts type the same thing many ways; these accept the common ones and nothing ambiguous:
85%, 0.85 and 85 are all 85%; "1,200" is 1200; dates are Excel dates, Excel serials or ISO text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_TEXT = 32_767
MAX_ID_LENGTH = 64
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_NUMBER = re.compile(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+")
_TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "si", "oui", "ja"}
_FALSE = {"no", "n", "false", "f", "0", "-", "none", "non", "nein"}
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


class BadValue(Exception):
    """A cell value that does not fit its column. ``code`` picks the problem template."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


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


def parse_id(value: Any) -> str:
    """IDs stay text: 00123 typed as text keeps its zeros; a numeric cell 123 becomes "123"."""
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
    return parse_text(value)


def id_problem(pid: str) -> str | None:
    """Why an ID cannot name a file, or None when it is safe (letters, digits, '-', '_', '.')."""
    if len(pid) > MAX_ID_LENGTH:
        return f"is {len(pid)} characters long (at most {MAX_ID_LENGTH})"
    if not _SAFE_ID.fullmatch(pid):
        bad = sorted({c for c in pid if not _SAFE_ID.fullmatch(c)})
        shown = ", ".join(repr(c) for c in bad[:5])
        return f"holds characters that are unsafe in a file name ({shown})"
    if set(pid) == {"."} or pid.startswith(".") or pid.endswith("."):
        return "starts or ends with '.', which is unsafe in a file name"
    if pid.split(".")[0].lower() in _WINDOWS_RESERVED:
        return "is a reserved device name on Windows"
    return None


def _number_from_text(text: str) -> float:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    for sym in ("$", "€", "£", "USD", "usd", "EUR", "GBP"):
        cleaned = cleaned.replace(sym, "")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    return float(cleaned.replace(",", ""))


def parse_number(value: Any) -> float:
    if isinstance(value, (bool, date, datetime)):
        raise BadValue("wrong-type", expected="a number", hint="Type a number such as 15 or 7.5.")
    if isinstance(value, (int, float)):
        return value
    try:
        return _number_from_text(str(value))
    except ValueError:
        raise BadValue("wrong-type", expected="a number", hint="Type a number such as 15 or 7.5.") from None


def parse_int(value: Any) -> int:
    number = parse_number(value)
    if float(number) != int(number) or number < 0:
        raise BadValue("wrong-type", expected="a whole number", hint="Type a whole number such as 48.")
    return int(number)


def parse_money(value: Any) -> Decimal:
    number = parse_number(value)
    if number < 0:
        raise BadValue("wrong-type", expected="an amount of money", hint="Type a positive amount such as 18000.")
    try:
        return Decimal(str(number)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise BadValue("wrong-type", expected="an amount of money", hint="Type an amount such as 18000.") from None


def parse_percent(value: Any) -> float:
    """0.85, 85 and "85%" all mean 85%. Numbers up to 1 are fractions; up to 100, percents."""
    hint = "Type 85%, 0.85 or 85."
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = _number_from_text(value.strip()[:-1]) / 100
        except ValueError:
            raise BadValue("wrong-type", expected="a percentage", hint=hint) from None
    else:
        try:
            number = parse_number(value)
        except BadValue:
            raise BadValue("wrong-type", expected="a percentage", hint=hint) from None
        if number > 1:
            number = number / 100
    if not 0 <= number <= 1:
        raise BadValue("wrong-type", expected="a percentage between 0% and 100%", hint=hint)
    return round(float(number), 6)


def parse_date(value: Any) -> date:
    hint = "Type a date such as 2026-02-02, or pick one in Excel."
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2_958_466:
        return _EXCEL_EPOCH + timedelta(days=int(value))  # an unformatted Excel serial
    if isinstance(value, str):
        text = " ".join(value.replace(",", ", ").split()).replace(" ,", ",")
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise BadValue("wrong-type", expected="a date", hint=hint)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValue("wrong-type", expected="Yes or No", hint="Type Yes or No.")


def choice_parser(choices: tuple[str, ...]) -> Callable[[Any], str]:
    """Case-insensitive match; a unique prefix of 3+ letters also counts ("Med" -> Medium)."""
    exact = {c.casefold(): c for c in choices}

    def parse(value: Any) -> str:
        text = " ".join(str(value).split()).casefold()
        if text in exact:
            return exact[text]
        prefixed = [c for k, c in exact.items() if len(text) >= 3 and k.startswith(text)]
        if len(prefixed) == 1:
            return prefixed[0]
        raise BadValue("invalid-choice", choices=", ".join(choices), suggestion=_closest(text, choices))

    return parse


def choices_parser(choices: tuple[str, ...]) -> Callable[[Any], tuple[str, ...]]:
    """Several choices in one cell: "accounting, inventory" (also ; / + and 'and')."""
    one = choice_parser(choices)

    def parse(value: Any) -> tuple[str, ...]:
        parts = [p for p in re.split(r"\s*(?:[,;/+&|]|\band\b)\s*", str(value)) if p.strip()]
        picked: list[str] = []
        for part in parts:
            try:
                item = one(part)
            except BadValue as e:
                e.params["value_repr"] = f'"{part}"'
                raise
            if item not in picked:
                picked.append(item)
        return tuple(picked)

    return parse


def _closest(text: str, choices: tuple[str, ...]) -> str:
    match = difflib.get_close_matches(text, [c.casefold() for c in choices], n=1, cutoff=0.5)
    if not match:
        return ""
    name = next(c for c in choices if c.casefold() == match[0])
    return f' (closest: "{name}")'


SIMPLE_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": parse_text,
    "id": parse_id,
    "int": parse_int,
    "number": parse_number,
    "money": parse_money,
    "percent": parse_percent,
    "date": parse_date,
    "bool": parse_bool,
}


def parser_for(kind: str, choices: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    if kind == "choice":
        return choice_parser(choices)
    if kind == "choices":
        return choices_parser(choices)
    return SIMPLE_PARSERS[kind]
