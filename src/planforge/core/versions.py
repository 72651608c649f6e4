"""Versions that count: a project's documents are issued as 1.0, and each rerun that changes what
they say issues the next version (1.1, 1.2, ...) with a line naming what changed, taken from the
facts a client reads (budget, dates, systems, status) and the sheets whose rows changed.

The manifest keeps each project's ``DocumentVersion`` (the version last issued, when, what it
changed, the facts it was made from, the versions before it); ``context.versions`` compares the
facts of a new rendering with them. A version typed on the Projects sheet (Document Version) is
the team's own numbering: it is used as typed and never counted up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

FIRST_VERSION = "1.0"
FIRST_ISSUE = "First issue"
#: What a new version says when the intake's facts are the same but the wording changed (new templates).
EDITORIAL = "Editorial revision"
_NUMBERED = re.compile(r"(\d{1,4})(?:\.(\d{1,4}))?")


@dataclass(frozen=True, slots=True)
class Revision:
    """One version issued earlier: its number, the day it was issued (the plan date) and what it changed."""

    version: str
    issued: date
    summary: str


@dataclass(frozen=True, slots=True)
class DocumentVersion:
    """A project's documents as last issued: ``version`` on ``issued``, ``summary`` of what it changed,
    the labelled ``facts`` it was made from (label, text; a sheet's label with the digest of its rows),
    and the ``history`` of the versions before it, oldest first."""

    version: str
    issued: date
    summary: str
    facts: tuple[tuple[str, str], ...]
    history: tuple[Revision, ...] = ()

    def next(self, issued: date, summary: str, facts: tuple[tuple[str, str], ...]) -> DocumentVersion:
        """The version after this one, issued on ``issued``, saying ``summary``."""
        earlier = (*self.history, Revision(self.version, self.issued, self.summary))
        return DocumentVersion(next_version(self.version), issued, summary, facts, earlier)


def next_version(version: str) -> str:
    """1.0 -> 1.1, 1.9 -> 1.10, 2 -> 2.1; a version that is not a number gets ".1" added."""
    m = _NUMBERED.fullmatch(version.strip())
    if m is None:
        return f"{version}.1"
    return f"{m.group(1)}.{int(m.group(2) or 0) + 1}"


#: Labels of ``facts`` entries that stand for a whole sheet (their text is a digest, never shown).
SHEET_PREFIX = "sheet:"
#: Labels of ``facts`` entries for a long text (a digest): a change is named, not quoted.
LONG_PREFIX = "long:"
#: Labels of ``facts`` entries whose text is a list (items joined by ``LIST_SEPARATOR``): items added or removed are named.
LIST_PREFIX = "list:"
LIST_SEPARATOR = "\x1f"


def describe(old: Sequence[tuple[str, str]], new: Sequence[tuple[str, str]]) -> str:
    """What changed between two sets of facts, as a Document Control line: "Budget $24,000 -> $26,000;
    go-live 13 Jun 2026 -> 20 Jun 2026; risks and team revised"; "" when nothing did."""
    before, after = dict(old), dict(new)
    parts: list[str] = []
    sheets: list[str] = []
    for label, text in new:
        was = before.get(label)
        if was == text:
            continue
        if label.startswith(SHEET_PREFIX):
            sheets.append(label[len(SHEET_PREFIX) :])
            continue
        if label.startswith(LIST_PREFIX):
            was_items, now_items = (was or "").split(LIST_SEPARATOR), text.split(LIST_SEPARATOR)
            parts += [f"{item} added" for item in now_items if item and item not in was_items]
            parts += [f"{item} removed" for item in was_items if item and item not in now_items]
            continue
        if label.startswith(LONG_PREFIX):
            parts.append(f"{label.removeprefix(LONG_PREFIX)} revised")
            continue
        if not was:
            parts.append(f"{label} set to {text}")
        elif not text:
            parts.append(f"{label} {was} now to be confirmed")
        else:
            parts.append(f"{label} {was} \u2192 {text}")
    sheets += [label[len(SHEET_PREFIX) :] for label in before if label.startswith(SHEET_PREFIX) and label not in after]
    for label in before:  # a long text that became short, or a cell that is gone
        if label.startswith(LONG_PREFIX) and label not in after:
            parts.append(f"{label.removeprefix(LONG_PREFIX)} revised")
    if sheets:
        listed = sheets[0] if len(sheets) == 1 else ", ".join(sheets[:-1]) + " and " + sheets[-1]
        parts.append(f"{listed} revised")
    text = "; ".join(p[0].lower() + p[1:] if i else p for i, p in enumerate(parts))
    return text[:1].upper() + text[1:]
