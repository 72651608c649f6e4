"""Column kinds, declared once: what a value of each kind is, for every consumer.

A ``ColumnKind`` holds what each stage needs to know about a kind: its parser (validation reads
cells with it), the blank workbook's number format and data-validation widget, the label in
``docs/intake-reference.md``, how a bound or usual value is shown (docs and warnings), and the pandas
dtype of its frame column. ``schema.Column`` and ``schema.Setting`` name their kind (``"money"``) and
hold the declared object (``KindField``); a name missing from ``KINDS`` fails when the schema is
imported. A new kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from planforge.intake.parse import (
    Rules,
    choice_parser,
    choices_parser,
    date_parser,
    int_parser,
    money_parser,
    number_parser,
    parse_bool,
    parse_currency,
    parse_frequency,
    parse_id,
    parse_locale,
    parse_name,
    parse_payment_terms,
    parse_span,
    parse_text,
    percent_parser,
    phase_days_parser,
)

Parser = Callable[[Any], Any]
#: A column's declared rules -> the parser of its cells.
ParserFactory = Callable[[Rules], Parser]
#: A column's header and choices -> the blank workbook's data-validation options for its cells.
Widget = Callable[[str, tuple[str, ...]], dict[str, Any]]


def any_value(header: str, choices: tuple[str, ...]) -> dict[str, Any]:
    """No restriction: the validator says what is wrong, with the cell."""
    return {"validate": "any"}


def one_of(header: str, choices: tuple[str, ...]) -> dict[str, Any]:
    """A dropdown that refuses anything else."""
    return {
        "validate": "list",
        "source": list(choices),
        "error_title": f"Not a valid {header}",
        "error_message": "Pick one of: " + ", ".join(choices),
    }


def some_of(header: str, choices: tuple[str, ...]) -> dict[str, Any]:
    """A dropdown that lets several comma-separated values through, with a note."""
    return {
        "validate": "list",
        "source": list(choices),
        "error_type": "information",
        "error_title": "Several values?",
        "error_message": "Several values are fine, comma-separated: " + ", ".join(choices),
    }


def a_date(header: str, choices: tuple[str, ...]) -> dict[str, Any]:
    """A date between 2000 and 2100, or a warning."""
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": datetime(2000, 1, 1),
        "maximum": datetime(2100, 12, 31),
        "error_type": "warning",
        "error_message": "Type a date such as 2026-02-02.",
    }


def show_figure(value: Any) -> str:
    """A bound or usual value as the docs and warnings print it: 1,000 or 2026-01-01."""
    return str(value.isoformat()) if hasattr(value, "isoformat") else f"{value:,}"


def show_percent(value: Any) -> str:
    """A fraction as percent points: 0.85 -> 85%."""
    return f"{value * 100:g}%"


def _text(rules: Rules) -> Parser:
    return parse_text


def _id(rules: Rules) -> Parser:
    return parse_id


def _name(rules: Rules) -> Parser:
    return parse_name


def _bool(rules: Rules) -> Parser:
    return parse_bool


def _currency(rules: Rules) -> Parser:
    return parse_currency


def _locale(rules: Rules) -> Parser:
    return parse_locale


def _frequency(rules: Rules) -> Parser:
    return parse_frequency


def _span(rules: Rules) -> Parser:
    return parse_span


def _payment_terms(rules: Rules) -> Parser:
    return parse_payment_terms


def _choice(rules: Rules) -> Parser:
    return choice_parser(rules.choices, rules.synonyms)


def _choices(rules: Rules) -> Parser:
    return choices_parser(rules.choices, rules.synonyms)


@dataclass(frozen=True)
class ColumnKind:
    """One kind of column or setting value, and what each consumer reads of it."""

    name: str
    #: the Type column of docs/intake-reference.md
    label: str
    #: the column's rules -> its cells' parser (the same function for every column of a rule-less
    #: kind, so those columns share one memo in validation)
    parser: ParserFactory = field(repr=False)
    #: the blank workbook's number format for the column's cells; None: text, wrapped when wide
    number_format: str | None = None
    #: the blank workbook's data validation for the column's cells
    widget: Widget = field(default=any_value, repr=False)
    #: how a bound or usual value of this kind is printed
    show: Callable[[Any], str] = field(default=show_figure, repr=False)
    #: the pandas dtype of the column in ``Portfolio.frames()``
    dtype: str = "string"


TEXT = ColumnKind("text", "text", _text, number_format="@")
ID = ColumnKind("id", "ID (text)", _id)
NAME = ColumnKind("name", "person's name", _name)
INT = ColumnKind("int", "whole number", int_parser, number_format="0", dtype="Int64")
NUMBER = ColumnKind("number", "number", number_parser, number_format="0.##", dtype="Float64")
MONEY = ColumnKind("money", "amount", money_parser, number_format="#,##0.00", dtype="Float64")
PERCENT = ColumnKind(
    "percent",
    "percentage (85%, 0.85 or 85)",
    percent_parser,
    number_format="0%",
    show=show_percent,
    dtype="Float64",
)
DATE = ColumnKind("date", "date", date_parser, number_format="yyyy-mm-dd", widget=a_date, dtype="datetime64[ns]")
CHOICE = ColumnKind("choice", "one of", _choice, widget=one_of)
CHOICES = ColumnKind("choices", "one or more of", _choices, widget=some_of)
BOOL = ColumnKind("bool", "Yes / No", _bool, dtype="boolean")
CURRENCY = ColumnKind("currency", "currency (ISO code or symbol)", _currency)
#: how a project's figures are printed: a BCP 47 tag read with Babel (de-DE)
LOCALE = ColumnKind("locale", "locale (BCP 47 tag such as de-DE)", _locale)
#: a setting's kind: the business days of the five phases
PHASE_DAYS = ColumnKind("phase_days", "five whole numbers", phase_days_parser)
#: how often a workflow runs (real-time, every 15 minutes, daily at 02:00, on demand)
FREQUENCY = ColumnKind("frequency", "frequency", _frequency)
#: a length of time (5 minutes, 2 hours)
SPAN = ColumnKind("span", "length of time", _span)
#: how the fee is invoiced: monthly, or milestones with their shares (Kickoff 30%, Go-live 70%)
PAYMENT_TERMS = ColumnKind("payment_terms", "payment terms (monthly, or milestones with shares)", _payment_terms)

#: Every kind by name: what a schema declaration's ``kind="money"`` names.
KINDS: Mapping[str, ColumnKind] = MappingProxyType(
    {
        k.name: k
        for k in (
            TEXT,
            ID,
            NAME,
            INT,
            NUMBER,
            MONEY,
            PERCENT,
            DATE,
            CHOICE,
            CHOICES,
            BOOL,
            CURRENCY,
            LOCALE,
            PHASE_DAYS,
            FREQUENCY,
            SPAN,
            PAYMENT_TERMS,
        )
    }
)


def kind_named(kind: str | ColumnKind) -> ColumnKind:
    """The declared kind of that name (a kind is itself); an unknown name is a ``KeyError`` naming
    the declared ones."""
    if isinstance(kind, ColumnKind):
        return kind
    if kind not in KINDS:
        raise KeyError(f"unknown column kind {kind!r}; declared: {', '.join(KINDS)}")
    return KINDS[kind]


class KindField:
    """A dataclass field declared by name or object (``Column("budget", "Budget", "money")``) and
    read as its ``ColumnKind``: the name is resolved when the declaration is made."""

    def __init__(self, default: str) -> None:
        self._default = kind_named(default)
        self._attr = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._attr = "_" + name

    def __get__(self, obj: object | None, owner: type | None = None) -> ColumnKind:
        if obj is None:  # the dataclass asking for the field's default
            return self._default
        kind: ColumnKind = getattr(obj, self._attr)
        return kind

    def __set__(self, obj: object, value: str | ColumnKind) -> None:
        object.__setattr__(obj, self._attr, kind_named(value))  # frozen dataclasses set fields this way too
