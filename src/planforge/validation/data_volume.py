"""Projects > Data Volume, checked as the rules will read it (``derive.volumes``).

The counts it states drive the complexity score and the test cases' loads. A count whose number
reads two ways ("1.234k orders a day": 1,234 or 1,234,000) is read one way and said so, at the cell,
so no figure the documents derive from it is taken on trust.
"""

from __future__ import annotations

from collections.abc import Iterator

from planforge.core.errors import Problem
from planforge.core.model import Project
from planforge.core.money import format_number
from planforge.derive.volumes import stocks, volumes
from planforge.validation.traceability import CellRef, located


def check(project: Project, cell: CellRef) -> Iterator[Problem]:
    """A ``data-volume-read`` warning for each count of the project's Data Volume read with a doubt."""
    text = project.data_volume
    if not text:
        return
    at = located(project, cell)
    for v in (*volumes(text), *stocks(text)):
        if v.ambiguity:
            per = f" a {v.period}" if v.period else ""
            yield at(
                "Projects",
                project.row,
                "Data Volume",
                "data-volume-read",
                value=v.text,
                reading=f"{format_number(v.count)} {v.words}{per}".replace("  ", " "),
                how=v.ambiguity,
            )
