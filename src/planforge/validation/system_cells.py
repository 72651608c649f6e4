"""One system per System cell.

System A and System B each name one system. A cell that joins several ("Klaviyo + Gorgias",
"Klaviyo, Gorgias", "Klaviyo & Gorgias", "Zendesk / Gorgias", "Klaviyo and Gorgias") is read as its
first system when
every part is a system the project knows (the catalog, or a row of its Systems sheet): the plans
never treat it as one system with a plus or comma in its name, and a warning
``several-systems-in-cell`` at the cell says the others go on the Systems sheet. A name whose
parts are not all known systems ("Johnson & Johnson ERP") is kept whole (no catalog name or alias
contains a joiner).
"""

from __future__ import annotations

from collections.abc import Iterable

from planforge.derive.catalog import lookup
from planforge.derive.rules import system_key

#: The characters that join two systems in one cell; the word "and" joins them too.
_JOINERS = "+,&/"


def _parts(text: str) -> list[str]:
    """The cell split at ``+``, ``,``, ``&``, ``/`` and the word "and", each part with its spaces folded
    (linear: one pass for the characters, one over the words)."""
    for joiner in _JOINERS[1:]:
        text = text.replace(joiner, _JOINERS[0])
    parts: list[str] = []
    for piece in text.split(_JOINERS[0]):
        words: list[str] = []
        for word in piece.split():
            if word.casefold() == "and":
                parts.append(" ".join(words))
                words = []
            else:
                words.append(word)
        parts.append(" ".join(words))
    return [part for part in parts if part]


def count_word(n: int) -> str:
    """2 -> "two": how many systems a cell names, as the message says it."""
    return ("two", "three", "four", "five")[n - 2] if 2 <= n <= 5 else str(n)


def named_systems(text: str, sheet_systems: Iterable[str]) -> list[str]:
    """The systems a System cell names when it names more than one known system, in the order
    written; an empty list when it names one (or parts the project does not know)."""
    known = {system_key(name) for name in sheet_systems}
    parts = _parts(text)
    if len(parts) < 2:
        return []
    keys = [system_key(part) for part in parts]
    if len(set(keys)) < len(keys):
        return []
    if all(lookup(part).system is not None or key in known for part, key in zip(parts, keys, strict=True)):
        return parts
    return []


def join_quoted(names: list[str]) -> str:
    """'"Gorgias"', '"Gorgias" and "Zendesk"', '"A", "B" and "C"'."""
    quoted = [f'"{name}"' for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
