"""Fixtures: small workbooks built in each test from a few lines of data (openpyxl, so tests can
also write what Excel users produce: formulas without values, error cells, hidden things)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "intake-sample.xlsx"

PROJECT_HEADER = ["Project ID", "Project Name", "Client Name", "System A", "System B", "Confidence", "Kickoff Date"]
PROJECT_ROW = ["P-1", "Order sync", "Client One", "Shopify", "QuickBooks Online", 0.85, "2026-02-02"]
RISK_HEADER = ["Project ID", "Risk", "Likelihood", "Impact", "Mitigation", "Owner"]


def write_book(path: Path, sheets: dict[str, list[list[Any]]], *, hidden: tuple[str, ...] = (), after=None) -> Path:
    """Write ``sheets`` (name -> rows, first row usually the header) with openpyxl."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    if after:
        after(book)
    book.save(path)
    return path


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
            from planforge.schema import CHILD_SHEETS

            for sheet in CHILD_SHEETS:
                sheets.setdefault(sheet.name, [[c.header for c in sheet.columns]])
        return write_book(tmp_path / name, sheets, hidden=hidden, after=after)

    return make


def flat(report, severity: str | None = None) -> list[tuple]:
    return [p.flat() for p in report.problems if severity is None or p.severity == severity]


def codes(report) -> set[str]:
    return {p.code for p in report.problems}
