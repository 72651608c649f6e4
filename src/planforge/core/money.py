"""Numbers and money as analysts type them, read and printed with Babel (never hand-rolled).

Reading: ``18500``, ``18,500``, ``18.500``, ``1.234,50``, ``1 234,50`` and ``1,234.50``, with a currency
symbol or ISO code before or after (``€``, ``£``, ``$``, ``EUR``, ``USD``, ...). Each text is parsed
strictly under both conventions (``,`` grouping with ``.`` decimals, and ``.`` grouping with ``,``
decimals); when both accept it with different values (``18.500``, ``1,234``) the text is ambiguous and
the reading taken is reported: one separator followed by exactly three digits is a thousands separator.

Printing: ``format_money``, ``format_rate``, ``format_number`` and ``format_percent`` print in a locale
(a Babel identifier such as ``de_DE``, passed by every caller: no module state): ``€48,500`` in en_US,
``48.500 €`` in de_DE. A project's locale is its Projects > Locale, else Settings > Locale, else the one
``CURRENCY_LOCALES`` gives its currency (``plan_locale``); the documents' language stays English.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_symbol,
    list_currencies,
    parse_decimal,
)
from babel.numbers import (
    format_percent as babel_percent,
)

from planforge.core.errors import closest

DEFAULT_CURRENCY = "USD"
DEFAULT_LOCALE = "en_US"
#: The locale a currency's amounts are printed in when neither the project nor Settings names one: an
#: English-speaking country of the currency, so the conventions stay those of an English document
#: (EUR: en-IE, ``€48,500``, as plans printed it before locales; a German client sets de-DE for
#: ``48.500 €``). Every other currency prints in en-US, as before.
CURRENCY_LOCALES = {
    "USD": "en_US",
    "GBP": "en_GB",
    "EUR": "en_IE",
    "CAD": "en_CA",
    "AUD": "en_AU",
    "NZD": "en_NZ",
}
#: The two digit conventions analysts use: 1,234.50 (en_US) and 1.234,50 (de_DE).
_CONVENTIONS = ("en_US", "de_DE")
_SPACES = frozenset(" \u00a0\u2007\u2009\u202f\u200a")


@dataclass(frozen=True, slots=True)
class Amount:
    """A number read from text: its value, the currency written with it (if any), and, when the
    text was ambiguous, how it was read (e.g. ``"18,500 (the '.' read as a thousands separator)"``)."""

    value: Decimal
    currency: str | None = None
    currencies: tuple[str, ...] = ()
    ambiguity: str = ""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency, for writers that format per currency (the summary workbook)."""

    amount: Decimal
    currency: str


class NotANumber(ValueError):
    """Text that is not a number in either convention."""


@lru_cache(maxsize=1)
def _symbols() -> dict[str, tuple[str, ...]]:
    """Currency symbol (as written in English) -> ISO codes that use it, from Babel's CLDR data."""
    found: dict[str, list[str]] = {}
    for code in sorted(list_currencies()):
        symbol = get_currency_symbol(code, "en_US")
        if symbol != code:
            found.setdefault(symbol, []).append(code)
            bare = symbol.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            if bare and bare != symbol:  # CA$ and A$ are dollars too
                found.setdefault(bare, []).append(code)
    found["$"] = sorted({*found.get("$", []), "USD"})
    found["US$"] = ["USD"]  # how many invoices write the US dollar
    return {k: tuple(v) for k, v in found.items()}


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_code(text: str) -> str | None:
    """An ISO code (``eur``) or an unambiguous symbol (``€``) -> the ISO code, else None.
    ``$`` alone means USD."""
    cleaned = "".join(text.split()).strip(".")
    if cleaned.upper() in _codes():
        return cleaned.upper()
    codes = _symbols().get(cleaned)
    if codes is None:
        return None
    if cleaned == "$":
        return "USD"
    return codes[0] if len(codes) == 1 else None


def currency_matches(written: tuple[str, ...], currency: str) -> bool:
    """Whether a symbol/code written with an amount (all the currencies it may stand for) fits ``currency``."""
    return not written or currency in written


def _split_currency(text: str) -> tuple[str, str | None, tuple[str, ...]]:
    """(number text, currency code or None, every currency the mark may stand for)."""
    stripped = text.strip()
    # the longest leading or trailing run of non-digit, non-sign characters is the currency mark
    start = 0
    while start < len(stripped) and not (stripped[start].isdigit() or stripped[start] in "-+.,"):
        start += 1
    end = len(stripped)
    while end > start and not stripped[end - 1].isdigit():
        end -= 1
    before, number, after = stripped[:start].strip(), stripped[start:end], stripped[end:].strip()
    if before and after:  # "$24,000.00 USD": a symbol and a code that must name one currency
        first, second = _mark(before, text), _mark(after, text)
        both = tuple(c for c in first[1] if c in second[1])
        if not both:
            raise NotANumber(text)
        return number, both[0] if len(both) == 1 else first[0], both
    mark = before or after
    if not mark:
        return number, None, ()
    code, codes = _mark(mark, text)
    return number, code, codes


def _mark(mark: str, text: str) -> tuple[str | None, tuple[str, ...]]:
    """A currency mark written with an amount -> (its currency, every currency it may stand for)."""
    cleaned = "".join(mark.split())
    if cleaned.upper() in _codes():
        return cleaned.upper(), (cleaned.upper(),)
    codes = _symbols().get(cleaned)
    if codes is None:
        raise NotANumber(text)
    return ("USD" if cleaned == "$" else codes[0]), codes


def read_number(text: str, *, money: bool = False, count: bool = False) -> Amount:
    """Parse a number typed as text (a currency mark allowed when ``money``). Raises NotANumber.
    ``count``: the number counts whole things (records), so a reading with decimals written gives way
    to one without: "2,843" is 2,843 and "1.234" is 1,234 in either convention, with no ambiguity."""
    if len(text) > 64:
        raise NotANumber(text[:64])
    number, code, codes = _split_currency(text) if money else (text.strip(), None, ())
    if not number or any(c.isalpha() for c in number):  # "1e4": an exponent is no way to type a figure
        raise NotANumber(text)
    readings: dict[str, Decimal] = {}
    for locale in _CONVENTIONS:
        group = Locale.parse(locale).number_symbols["latn"]["group"]
        candidate = "".join(group if c in _SPACES else c for c in number)
        try:
            readings[locale] = parse_decimal(candidate, locale, strict=True)
        except (NumberFormatError, InvalidOperation):
            continue
    if not readings:
        raise NotANumber(text)
    if any(not v.is_finite() for v in readings.values()):
        raise NotANumber(text)
    if count and (whole := {k: v for k, v in readings.items() if _exponent(v) >= 0}):
        readings = whole
    ambiguous = len(set(readings.values())) > 1
    if money:  # an amount has at most two decimals: "1,2345" is neither 1.2345 nor 12,345 for sure
        readings = {k: v for k, v in readings.items() if -int(v.as_tuple().exponent) <= 2}
        if not readings:
            raise NotANumber(text)
    values = set(readings.values())
    if not ambiguous:
        return Amount(values.pop(), code, codes)
    # Both conventions accept it with different values: "18.500" or "1,234". Three digits after one
    # separator is a thousands group (amounts rarely carry three decimals); that is the reading taken.
    value = max(values)
    sep = "." if "." in number else ","
    shown = format_decimal(value, locale="en_US")
    return Amount(value, code, codes, f"{shown} (the '{sep}' read as a thousands separator)")


def _exponent(value: Decimal) -> int:
    """The exponent of a finite Decimal: negative by the decimals written ("1.000" is -3)."""
    exponent = value.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0


def read_locale(text: str) -> str:
    """A BCP 47 tag (``de-DE``, ``en_gb``, ``fr``) -> its canonical form (``de-DE``, ``en-GB``, ``fr``),
    read with Babel's ``Locale.parse``. Raises ValueError for a tag Babel (CLDR) does not know."""
    cleaned = "".join(str(text).split()).replace("_", "-")
    if not cleaned or len(cleaned) > 32:
        raise ValueError(text)
    try:
        locale = Locale.parse(cleaned, sep="-")
    except (ValueError, TypeError, UnknownLocaleError) as e:
        raise ValueError(text) from e
    return "-".join(part for part in (locale.language, locale.script, locale.territory) if part)


def closest_locales(text: str) -> list[str]:
    """The locale tags nearest ``text`` (``de-DU`` -> ``de-DE``, ...), for a suggestion."""
    tags = [tag.replace("_", "-") for tag in locale_identifiers()]
    return closest("".join(str(text).split()).replace("_", "-"), tags, n=3, cutoff=0.6)


def babel_locale(tag: str) -> str:
    """A canonical tag (``de-DE``) as Babel's identifier (``de_DE``)."""
    return tag.replace("-", "_")


def plan_locale(project_locale: str | None, settings_locale: str | None, currency: str) -> str:
    """The Babel identifier a project's figures print in: Projects > Locale, else Settings > Locale,
    else the currency's (``CURRENCY_LOCALES``), else en_US."""
    tag = project_locale or settings_locale
    return babel_locale(tag) if tag else CURRENCY_LOCALES.get(currency, DEFAULT_LOCALE)


@lru_cache(maxsize=64)
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals: ``¤#,##0`` (en_US), ``#,##0 ¤`` (de_DE)."""
    pattern = str(Locale.parse(locale).currency_formats["standard"].pattern)
    return pattern.split(";")[0].replace(".00", "")


def format_money(amount: Decimal | float | int, currency: str = DEFAULT_CURRENCY, locale: str = DEFAULT_LOCALE) -> str:
    """An amount in its currency for plans: whole amounts without decimals (``€18,500``; de_DE
    ``18.500 €``), others with the currency's usual decimals (``$45.50``)."""
    value = Decimal(str(amount))
    if value == value.to_integral_value():
        pattern = _whole_pattern(locale)
        return format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)
    return format_currency(value, currency, locale=locale)


@lru_cache(maxsize=64)
def _digit_symbols(locale: str) -> dict[int, str]:
    symbols = Locale.parse(locale).number_symbols["latn"]
    return {ord(","): symbols["group"], ord("."): symbols["decimal"]}


def localize_digits(text: str, locale: str = DEFAULT_LOCALE) -> str:
    """A figure Python printed with en-US digits (``f"{x:,.1f}"``: ``1,234.5``) in ``locale``'s
    symbols from Babel (de_DE ``1.234,5``); en_US text is returned as it is."""
    return text if locale == DEFAULT_LOCALE else text.translate(_digit_symbols(locale))


def group_symbol(locale: str) -> str:
    """The locale's thousands separator from Babel: ``,`` (en_US, en_GB), ``.`` (de_DE), a narrow
    space (fr_FR)."""
    return str(Locale.parse(locale).number_symbols["latn"]["group"])


def format_number(value: Decimal | float | int, locale: str = DEFAULT_LOCALE) -> str:
    """A whole figure with the locale's grouping: 1,200 (en_US), 1.200 (de_DE)."""
    return format_decimal(round(Decimal(str(value))), format="#,##0", locale=locale)


def format_rate(amount: Decimal | float | int, currency: str = DEFAULT_CURRENCY, locale: str = DEFAULT_LOCALE) -> str:
    """An hourly rate: always with the currency's decimals (``$45.00``)."""
    return format_currency(Decimal(str(amount)), currency, locale=locale)


def currency_symbol(currency: str, locale: str = "en_US") -> str:
    return get_currency_symbol(currency, locale)


def excel_money_format(currency: str, locale: str = "en_US") -> str:
    """An Excel number format showing whole amounts in ``currency`` (``"€"#,##0``)."""
    symbol = get_currency_symbol(currency, locale).replace('"', "")
    return f'"{symbol}"#,##0'


@lru_cache(maxsize=4096)
def format_percent(share: Decimal | float, locale: str = DEFAULT_LOCALE) -> str:
    """A share as percent points the way it was read: up to two decimals, none when whole (``0.85`` ->
    ``85%``, ``0.005`` -> ``0.5%``, ``0.0001`` -> ``0.01%``), so a plan never prints 0% for a figure a
    warning called 0.5%; never ``-0%``."""
    value = Decimal(str(share))
    if value == 0:
        value = Decimal(0)
    return babel_percent(value, format="#,##0.##%", locale=locale)
