"""Bench: every pattern run on cell text is linear in the cell's length (issue 11: one Pain Point of
32,767 digits and spaces took 68-93 s). Each parser's time on a full 32,767-character cell is compared
with its time on half of it: linear work doubles; the old quadratic patterns quadrupled (and took
minutes). Timings belong here, not in tests/ (a loaded CI machine once failed them); the tests count
the parsers' Python-level work instead (tests/intake/test_parse_work.py).

Run: ``python -m pytest bench/parse_linear.py -q``."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.derive import rules as derive
from planforge.intake import schema
from planforge.intake.column_kinds import KINDS
from planforge.intake.parse import BadValue, Rules

MAX_CELL = 32_767
WORDS = ["hours", "hrs", "a", "an", "per", "week", "day", "k", "to", "-", ",", ".", "of", "and", "thousand", "orders"]
chunk = st.lists(
    st.one_of(st.text(alphabet="0123456789", min_size=1, max_size=40), st.sampled_from(WORDS), st.just(" " * 30)),
    min_size=1,
    max_size=30,
).map(" ".join)


def _column_parser(column):
    """The parser validation uses for ``column``: its kind's, with the column's rules."""
    return column.kind.parser(column.rules())


def _parsers():
    def guarded(parse):
        def run(text):
            try:
                parse(text)
            except BadValue:
                pass

        return run

    yield "hours_in_text", derive.hours_in_text
    yield "daily_volume", derive.daily_volume
    yield "integration type", guarded(_column_parser(schema.PROJECTS.column("integration_type")))
    for kind in ("number", "int", "money", "percent", "date", "id", "bool", "currency"):
        yield kind, guarded(KINDS[kind].parser(Rules()))
    yield "role", guarded(_column_parser(schema.CHILD_SHEETS[6].column("role")))


def _seconds(fn, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


@settings(max_examples=15, deadline=None)
@given(chunk)
def test_a_full_cell_of_digits_spaces_and_words_parses_in_linear_time(piece):
    full = (piece * (MAX_CELL // len(piece) + 1))[:MAX_CELL]
    half = full[: MAX_CELL // 2]
    for name, parse in _parsers():
        small, large = _seconds(parse, half), _seconds(parse, full)
        assert large <= 3 * small + 0.01, (name, small, large)


def test_the_reported_cells_are_linear():
    for text in ("1 " * (MAX_CELL // 2), "9" * MAX_CELL, "15 hours a" + " " * (MAX_CELL - 10)):
        for name, parse in _parsers():
            small, large = _seconds(parse, text[: len(text) // 2]), _seconds(parse, text)
            assert large <= 3 * small + 0.01, (name, small, large)
