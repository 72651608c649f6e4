"""The firm's profile on the Settings sheet: the name every client document is prepared by, and
the logo file it names.

A blank Firm Name is an error for a client edition (``generate`` without ``--draft``: the
workbook's projects are held back), a warning for a draft (the documents read ``[Firm name]``)
and nothing for ``validate`` alone. Settings > Logo is a path relative to the workbook, read as an
image (``core.images``) and nothing else; a file that cannot be used is a warning at its cell and
the documents go out without a logo.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from planforge.core.errors import Problem, make_problem
from planforge.core.images import Logo, LogoError, read_logo
from planforge.core.model import Settings
from planforge.intake.schema import SETTINGS_SHEET

#: How a blank Firm Name counts: not checked, an error (client editions), a warning (drafts).
FirmCheck = Literal["ignore", "required", "draft"]


def firm_profile(
    folder: Path, file: str, settings: Settings, cells: dict[str, dict[str, Any]], firm: FirmCheck
) -> tuple[Settings, list[Problem]]:
    """``settings`` with the logo read (relative to the workbook's ``folder``), and the problems of
    the firm's profile, each at its Settings cell (``cells``: by setting key; the sheet when the
    setting has no row)."""
    problems: list[Problem] = []
    if firm != "ignore" and not (settings.firm_name or "").strip():
        where = cells.get("firm_name", {"sheet": SETTINGS_SHEET, "column": "Value"})
        code = "firm-name-missing" if firm == "required" else "firm-name-placeholder"
        problems.append(make_problem(code, file=file, **where))
    if isinstance(settings.logo, str):
        logo: Logo | None = None
        try:
            logo = read_logo(folder / settings.logo)
        except LogoError as e:
            where = cells["logo"]
            problems.append(make_problem("logo-unusable", file=file, **where, value=settings.logo, reason=e.reason))
        settings = replace(settings, logo=logo)
    return settings, problems
