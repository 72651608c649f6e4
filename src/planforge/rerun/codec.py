"""The problem codec: a run's problems as JSON rows that read back as the same problems.

The run record (``manifest.RunRecord``) holds every problem of a complete run, so a rerun with
byte-identical inputs restores its report without reading. A row holds a problem's fields in
declaration order; the few distinct codes, files, sheets, columns and hints are positions in the
record's text table. A value keeps its type (``Decimal`` stays ``Decimal``, a date stays a date);
a problem whose value cannot be recorded so makes the run unrecordable (``recordable``). Decoding
trusts nothing: a row of the wrong shape, a code the registry does not declare, text that cannot
be written as UTF-8 is a ``ValueError``, and the manifest holding it is not trusted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from planforge.core.errors import CODES, Problem, Severity

MAX_ROW = 1_048_576  # the most rows a sheet holds (Excel and LibreOffice)


def recordable(problems: Iterable[Problem]) -> bool:
    """True when every problem's value can be recorded and read back as the same type."""
    try:
        for p in problems:
            _encode_value(p.value)
    except TypeError:
        return False
    return True


def _encode_value(value: Any) -> Any:
    """A problem's value as JSON that reads back as the same type (``Decimal`` stays ``Decimal``)."""
    kind: Any = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is Decimal:
        return {"decimal": str(value)}
    if kind in (date, datetime, time):
        return {kind.__name__: value.isoformat()}
    if kind is timedelta:
        return {"timedelta": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"cannot record a {kind.__name__} value")


def _decode_value(raw: Any) -> Any:
    if raw is None or type(raw) in (int, bool):
        return raw
    if type(raw) is str:
        return _text(raw)
    if type(raw) is float:
        if not math.isfinite(raw):  # no cell holds NaN or infinity (the reader turns NaN into blank)
            raise ValueError("not a finite number")
        return raw
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ValueError("bad value")
    ((kind, text),) = raw.items()
    if kind == "decimal":
        value = Decimal(_text(text))
        if not value.is_finite():
            raise ValueError("not a finite number")
        return value
    if kind == "timedelta":
        if not (isinstance(text, list) and len(text) == 3 and all(type(n) is int for n in text)):
            raise ValueError("bad duration")
        return timedelta(*text)
    readers = {"date": date.fromisoformat, "datetime": datetime.fromisoformat, "time": time.fromisoformat}
    return readers[kind](text)


_PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))  # a record row holds them in this order
#: the fields held as indices into the record's text table (few distinct values, repeated a lot)
_TABLED = tuple(_PROBLEM_FIELDS.index(name) for name in ("code", "severity", "file", "sheet", "column", "hint"))


def encode_problem(p: Problem, texts: dict[str, int]) -> list[Any]:
    """``p`` as one JSON row, its tabled fields as positions in ``texts`` (text -> position, grown here)."""
    row = [
        p.code, p.severity.value, p.message, p.file, p.sheet, p.row, p.column, p.cell,
        _encode_value(p.value), p.hint, p.project_id,
    ]  # fmt: skip
    for i in _TABLED:
        row[i] = texts.setdefault(row[i], len(texts))
    return row


def decode_problem(raw: Any, texts: tuple[str, ...]) -> Problem:
    """The problem of a row ``encode_problem`` wrote, against the record's text table; ``ValueError``
    for anything else."""
    if not isinstance(raw, list) or len(raw) != len(_PROBLEM_FIELDS):
        raise ValueError("bad problem")
    fields = list(raw)
    for i in _TABLED:
        at = fields[i]
        if type(at) is not int or not 0 <= at < len(texts):
            raise ValueError("bad text position")
        fields[i] = texts[at]
    code, severity, message, file, sheet, row, column, cell, value, hint, project_id = fields
    for text in (message, cell, project_id):
        _text(text)
    if not (row is None or (type(row) is int and 1 <= row <= MAX_ROW)):
        raise ValueError("bad row")
    if code not in CODES:  # only kinds of the registry: a record from another version is not trusted
        raise ValueError("unknown problem code")
    return Problem(
        code, Severity(severity), message, file, sheet, row, column, cell, _decode_value(value), hint, project_id
    )


def decode_strings(raw: Any) -> tuple[str, ...]:
    """A JSON list of printable text (``ValueError`` for anything else)."""
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise ValueError("bad list")
    return tuple(map(_text, raw))


def _text(raw: Any) -> str:
    """Text that can be printed and written as UTF-8 (JSON admits lone surrogates; no cell holds one)."""
    if not isinstance(raw, str):
        raise ValueError("not text")
    raw.encode("utf-8")  # UnicodeEncodeError is a ValueError
    return raw
