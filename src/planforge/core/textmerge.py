"""Three-way merge of text by lines (diff3): what planforge last wrote, what a person made of it,
and what planforge would write now.

A stretch of lines changed on one side only takes that side; changed alike on both, either; changed
differently on both, it is a conflict, and nothing of it is guessed. The line matching is the
standard library's ``difflib.SequenceMatcher`` (junk heuristics off, so repeated lines such as
blank ones and table rules still match); the well-kept merge3 package does the same, but under the
GPL, which an MIT tool cannot take as a dependency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: The marker lines of a conflict, as git writes them, so any editor's merge support reads them.
OURS, BETWEEN, THEIRS = "<<<<<<< edited by hand\n", "=======\n", ">>>>>>> new rendering\n"


@dataclass(frozen=True, slots=True)
class Conflict:
    """Lines changed differently on both sides: where they are in the edited text (1-based,
    ``first`` to ``last``; ``last`` < ``first`` for a place where lines were only added)."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged text (with conflict markers where ``conflicts`` are), and the conflicts."""

    text: str
    conflicts: tuple[Conflict, ...]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge3(base: str, edited: str, new: str) -> MergeResult:
    """Merge ``edited`` (base changed by hand) and ``new`` (base changed by the data), by lines."""
    b, e, n = (text.splitlines(keepends=True) for text in (base, edited, new))
    out: list[str] = []
    conflicts: list[Conflict] = []
    at_b = at_e = at_n = 0
    for sb, eb, se, ee, sn, en in _sync_regions(b, e, n):
        base_part, edit_part, new_part = b[at_b:sb], e[at_e:se], n[at_n:sn]
        if edit_part == base_part:
            out += new_part
        elif new_part in (base_part, edit_part):
            out += edit_part
        else:
            conflicts.append(Conflict(at_e + 1, se))
            out += [OURS, *_ended(edit_part), BETWEEN, *_ended(new_part), THEIRS]
        out += b[sb:eb]
        at_b, at_e, at_n = eb, ee, en
    return MergeResult("".join(out), tuple(conflicts))


def _ended(lines: Sequence[str]) -> list[str]:
    """``lines`` with a final newline, so a marker after them starts its own line."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return list(lines)


def _sync_regions(
    base: Sequence[str], edited: Sequence[str], new: Sequence[str]
) -> list[tuple[int, int, int, int, int, int]]:
    """The stretches of base lines that both sides kept as they were, each as (base start, end,
    edited start, end, new start, end), in order, ending with the empty stretch at the texts' ends."""
    to_e = SequenceMatcher(None, base, edited, autojunk=False).get_matching_blocks()
    to_n = SequenceMatcher(None, base, new, autojunk=False).get_matching_blocks()
    regions = []
    i = j = 0
    while i < len(to_e) and j < len(to_n):
        be, ee, le = to_e[i]
        bn, en, ln = to_n[j]
        lo, hi = max(be, bn), min(be + le, bn + ln)
        if lo < hi:
            regions.append((lo, hi, ee + lo - be, ee + hi - be, en + lo - bn, en + hi - bn))
        if be + le < bn + ln:
            i += 1
        else:
            j += 1
    regions.append((len(base), len(base), len(edited), len(edited), len(new), len(new)))
    return regions
