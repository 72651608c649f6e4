"""The firm's profile on the Settings sheet: the name every client document is prepared by, and
the logo file it names.

A blank Firm Name is an error for a client edition (``generate`` without ``--draft``: the
workbook's projects are held back), a warning for a draft (the documents read ``[Firm name]``)
and nothing for ``validate`` alone. Settings > Logo is a path relative to the workbook, read as an
image (``core.images``) and nothing else; a file that cannot be used is a warning at its cell and
the documents go out without a logo.
"""

from __future__ import annotations

import hashlib
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
) -> tuple[Settings, list[Problem], dict[str, str]]:
    """``settings`` with the logo read (relative to the workbook's ``folder``), the problems of the
    firm's profile, each at its Settings cell (``cells``: by setting key; the sheet when the setting
    has no row), and the file the logo names with its digest (``Portfolio.linked``)."""
    linked: dict[str, str] = {}
    problems: list[Problem] = []
    if firm != "ignore" and not (settings.firm_name or "").strip():
        where = cells.get("firm_name", {"sheet": SETTINGS_SHEET, "column": "Value"})
        code = "firm-name-missing" if firm == "required" else "firm-name-placeholder"
        problems.append(make_problem(code, file=file, **where))
    if isinstance(settings.logo, str):
        logo: Logo | None = None
        path = folder / settings.logo
        linked[str(path)] = linked_digest(path)
        try:
            logo = read_logo(path)
        except LogoError as e:
            where = cells["logo"]
            problems.append(make_problem("logo-unusable", file=file, **where, value=settings.logo, reason=e.reason))
        settings = replace(settings, logo=logo)
    return settings, problems, linked


def linked_digest(path: Path) -> str:
    """SHA-256 of the file at ``path`` ("" when it is not a regular file or cannot be read)."""
    try:
        if not path.is_file():
            return ""
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (OSError, ValueError):
        return ""
