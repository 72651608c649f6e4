"""Every parser run on cell text does work linear in the cell's length (issue 11: one Pain Point of
32,767 digits and spaces took 68-93 s). Counted, not timed: the Python lines each parser executes on
a full 32,767-character cell, under ``sys.settrace``, must stay within a few lines per character (a
loop over the text that restarts per character would run about 500 million; the count stops at the
bound and fails). The regexes' own steps are timed in bench/parse_linear.py."""

from __future__ import annotations

import sys
from collections.abc import Callable

from planforge.derive import rules as derive
from planforge.derive import volumes
from planforge.intake import schema
from planforge.intake.column_kinds import KINDS
from planforge.intake.parse import BadValue, Rules

MAX_CELL = 32_767
CELLS = ("1 " * (MAX_CELL // 2), "9" * MAX_CELL, "15 hours a" + " " * (MAX_CELL - 10), "hours per week, 12 k " * 1560)


def _column_parser(column: schema.Column) -> Callable[[str], object]:
    """The parser validation uses for ``column``: its kind's, with the column's rules."""
    return column.kind.parser(column.rules())


def _parsers() -> list[tuple[str, Callable[[str], object]]]:
    found: list[tuple[str, Callable[[str], object]]] = [
        ("hours_in_text", derive.hours_in_text),
        ("daily_volume", derive.daily_volume),
        ("stocks", volumes.stocks),
        ("catalogue_size", volumes.catalogue_size),
        ("daily_count", lambda text: volumes.daily_count(text, {"order", "hour"})),
        ("integration type", _column_parser(schema.PROJECTS.column("integration_type"))),
    ]
    found += [
        (kind, KINDS[kind].parser(Rules()))
        for kind in ("number", "int", "money", "percent", "date", "id", "bool", "currency")
    ]
    found.append(("role", _column_parser(schema.CHILD_SHEETS[6].column("role"))))
    return found


#: Python lines a parser may run per character of its cell, plus a constant.
LINES_PER_CHAR, LINES_FIXED = 8, 500


class _TooMuchWork(Exception):
    pass


def _lines_run(parse: Callable[[str], object], text: str) -> int:
    count, bound = 0, LINES_PER_CHAR * len(text) + LINES_FIXED

    def tracer(frame, event, arg):  # type: ignore[no-untyped-def]
        nonlocal count
        if event == "line":
            count += 1
            if count > bound:
                raise _TooMuchWork(count)
        return tracer

    sys.settrace(tracer)
    try:
        parse(text)
    except BadValue:
        pass
    except _TooMuchWork:
        return count
    finally:
        sys.settrace(None)
    return count


def test_the_counter_counts():
    """A parser that loops over its text in Python would be caught: prove the count grows with it."""

    def per_char(text: str) -> int:
        return sum(1 for _ in text)

    assert _lines_run(per_char, "x" * 2000) > 2 * _lines_run(per_char, "x" * 1000) * 0.9

    def quadratic(text: str) -> int:
        return sum(1 for i in range(len(text)) for _ in text[i:])

    text = "x" * 2000
    assert _lines_run(quadratic, text) > LINES_PER_CHAR * len(text) + LINES_FIXED


def test_each_parser_does_linear_python_work_on_a_full_cell():
    for text in CELLS:
        for name, parse in _parsers():
            assert _lines_run(parse, text) <= LINES_PER_CHAR * len(text) + LINES_FIXED, (name, text[:20])
