"""Fixtures: small workbooks built in each test from a few lines of data (see support.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planforge.intake.schema import CHILD_SHEETS
from support import (  # noqa: F401  (re-exported for tests written before support.py existed)
    PROJECT_HEADER,
    PROJECT_ROW,
    RISK_HEADER,
    ROOT,
    SAMPLE,
    codes,
    flat,
    write_book,
)


@pytest.fixture
def book(tmp_path):
    """``book(Projects=[...], Risks=[...])`` -> path; Projects defaults to one valid project."""

    def make(
        name: str = "intake.xlsx",
        *,
        hidden: tuple[str, ...] = (),
        after=None,
        bare: bool = False,
        **sheets: list[list[Any]],
    ) -> Path:
        sheets = {k.replace("_", " "): v for k, v in sheets.items()}
        sheets.setdefault("Projects", [PROJECT_HEADER, PROJECT_ROW])
        if not bare:  # like the template: every child sheet present, header only
            for sheet in CHILD_SHEETS:
                sheets.setdefault(sheet.name, [[c.header for c in sheet.columns]])
        return write_book(tmp_path / name, sheets, hidden=hidden, after=after)

    return make
