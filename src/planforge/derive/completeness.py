"""TBD markers, assumptions and the review bookkeeping of one plan.

A value the intake does not give becomes a ``Tbd`` that names where the analyst can fill it;
a value the plan shows without the intake stating it (a firm default, a catalog figure, a
standard step) becomes an ``Assumed`` that the client edition marks as an assumption.
``Completeness`` counts expected fields and remembers, in plan order, the missing ones, the
assumptions made and the coherence findings, for the team's review document and the summary's
Data Quality sheet. None of that bookkeeping appears in the client edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

#: an item of the list ``Completeness.items`` counts
T = TypeVar("T")


#: how an assumed value is marked wherever it prints
ASSUMED_MARK = "(assumed)"


@dataclass(frozen=True)
class Tbd:
    """A value the intake does not give yet; ``source`` says where to fill it (review only)."""

    label: str
    source: str

    def __str__(self) -> str:
        return "[TBD]"


@dataclass(frozen=True)
class Assumed:
    """A value shown to the client that the intake did not state: ``basis`` says where it came
    from (review only). It prints with its assumption mark."""

    value: str
    basis: str

    def __str__(self) -> str:
        return f"{self.value} {ASSUMED_MARK}"


@dataclass(frozen=True)
class Assumption:
    """One assumption the plan makes, for the review: what, the value shown, and its basis."""

    label: str
    value: str
    basis: str


@dataclass(frozen=True)
class AssumedPassage:
    """Where a document shows an assumed value, for the review: the document, its section, the
    passage as printed, and the basis of the assumption it rests on ("" when none matches)."""

    document: str
    section: str
    passage: str
    basis: str


@dataclass(frozen=True)
class Finding:
    """A coherence rule's observation for the review: what it found and what the plan did."""

    rule: str
    message: str


class Completeness:
    """Counts expected fields; remembers missing ones, assumptions and findings in plan order."""

    def __init__(self) -> None:
        self.expected = 0
        self.filled = 0
        self._missing: dict[str, Tbd] = {}
        self._assumed: dict[str, Assumption] = {}
        self.findings: list[Finding] = []

    @property
    def missing(self) -> list[Tbd]:
        return list(self._missing.values())

    @property
    def assumptions(self) -> list[Assumption]:
        return list(self._assumed.values())

    def value(self, label: str, value: Any, source: str) -> Any:
        self.expected += 1
        if value is None or value == "" or value == () or value == []:
            return self._missing.setdefault(label, Tbd(label, source))
        self.filled += 1
        return value

    def items(self, label: str, items: list[T], source: str) -> list[T]:
        """Like ``value`` for a list: an empty list counts as missing and is returned empty."""
        self.value(label, items, source)
        return items

    def todo(self, label: str, source: str) -> Tbd:
        """Record a missing value the plan words for the client itself (e.g. 'Owner to be assigned')."""
        return self._missing.setdefault(label, Tbd(label, source))

    def assume(self, label: str, value: str, basis: str) -> Assumed:
        """Record an assumption shown in the plan and return its marked value."""
        self._assumed.setdefault(label, Assumption(label, value, basis))
        return Assumed(value, basis)

    def note_assumption(self, label: str, value: str, basis: str) -> None:
        """Record an assumption the plan marks in its own words (a labelled block or sentence)."""
        self._assumed.setdefault(label, Assumption(label, value, basis))

    def find(self, rule: str, message: str) -> None:
        self.findings.append(Finding(rule, message))

    def pick(self, label: str, given: Any, firm: Any, source: str) -> Any:
        """The project's value; else the firm's standard from Settings (the firm's own fact, stated
        as such, never marked assumed); else TBD."""
        return self.value(label, given if given not in (None, "") else firm, source)

    @property
    def ratio(self) -> float:
        return self.filled / self.expected if self.expected else 1.0
