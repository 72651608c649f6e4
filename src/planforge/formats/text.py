"""Text limits of the output formats, applied where a writer hands text to a library.

python-docx refuses core properties (title, subject, comments, ...) over 255 characters; a long
Project or Client Name must shorten the property, never fail the document. The body text is
never shortened: it is the plan.
"""

from __future__ import annotations

from typing import Any

#: What python-docx (and Word) accept in one core property.
DOCX_CORE_PROPERTY_LIMIT = 255
ELLIPSIS = "\u2026"


def truncate(text: str, limit: int) -> str:
    """``text`` when it fits in ``limit`` characters, else its start and an ellipsis, ``limit`` long."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


class Capped:
    """A view of a properties object (python-docx ``core_properties``) that truncates every string
    assigned to it to ``limit`` characters; everything else passes through unchanged."""

    __slots__ = ("_limit", "_target")

    def __init__(self, target: Any, limit: int = DOCX_CORE_PROPERTY_LIMIT) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_limit", limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, truncate(value, self._limit) if isinstance(value, str) else value)
