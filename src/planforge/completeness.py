"""TBD markers and the completeness bookkeeping of one plan.

A value the intake does not give becomes a ``Tbd`` that names where the analyst can fill it;
``Completeness`` counts expected fields and remembers the missing ones, in plan order, for the
plan's Document Control and the summary's Data Quality sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tbd:
    """A value the intake does not give yet; ``source`` says where to fill it."""

    label: str
    source: str

    def __str__(self) -> str:
        return "[TBD]"


class Completeness:
    """Counts expected fields and remembers the missing ones, in the order the plan shows them."""

    def __init__(self) -> None:
        self.expected = 0
        self.filled = 0
        self._missing: dict[str, Tbd] = {}

    @property
    def missing(self) -> list[Tbd]:
        return list(self._missing.values())

    def value(self, label: str, value: Any, source: str) -> Any:
        self.expected += 1
        if value is None or value == "" or value == () or value == []:
            return self._missing.setdefault(label, Tbd(label, source))
        self.filled += 1
        return value

    def items(self, label: str, items: list, source: str) -> list:
        """Like ``value`` for a list: an empty list counts as missing and is returned empty."""
        self.value(label, items, source)
        return items

    @property
    def ratio(self) -> float:
        return self.filled / self.expected if self.expected else 1.0
