"""Shared test helpers: paths, sample rows and small-workbook builders (openpyxl, so tests can
also write what Excel users produce: formulas without values, error cells, hidden things).

Tests import these from here, never from conftest (which only holds fixtures)."""

from __future__ import annotations

import shutil
import struct
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from planforge.core.model import Project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "intake-sample.xlsx"

PROJECT_HEADER = ["Project ID", "Project Name", "Client Name", "System A", "System B", "Confidence", "Kickoff Date"]
PROJECT_ROW = ["P-1", "Order sync", "Client One", "Shopify", "QuickBooks Online", 0.85, "2026-02-02"]
RISK_HEADER = ["Project ID", "Risk", "Likelihood", "Impact", "Mitigation", "Owner"]


def libreoffice_calc() -> bool:
    """Whether LibreOffice can convert spreadsheets here: ``soffice`` on PATH *and* its Calc module
    beside it (libreoffice-writer alone installs ``soffice`` but cannot open a workbook, so tests
    that convert workbooks must skip there, as they do where LibreOffice is absent)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return False
    program = Path(soffice).resolve().parent
    return any(program.glob("*sclo.*"))


#: Skip reason for the tests that convert workbooks with LibreOffice Calc.
NO_CALC = "needs LibreOffice Calc (soffice with its spreadsheet module, e.g. apt-get install libreoffice-calc)"


#: The firm every test workbook is from (generate refuses client documents without a Firm Name).
TEST_FIRM = "Test Firm"


def with_firm(sheets: dict[str, list[list[Any]]], firm: str | None = TEST_FIRM) -> dict[str, list[list[Any]]]:
    """``sheets`` with Settings > Firm Name set to ``firm`` when an intake (a Projects sheet) names
    none; ``firm=None`` leaves them as they are."""
    if firm is None or "Projects" not in sheets:
        return sheets
    settings = [list(row) for row in sheets.get("Settings", [["Setting", "Value"]])]
    if any(row and str(row[0]).strip().casefold() == "firm name" for row in settings):
        return sheets
    return {**sheets, "Settings": [*settings, ["Firm Name", firm]]}


def write_book(
    path: Path,
    sheets: dict[str, list[list[Any]]],
    *,
    hidden: tuple[str, ...] = (),
    after=None,
    firm: str | None = TEST_FIRM,
) -> Path:
    """Write ``sheets`` (name -> rows, first row usually the header) with openpyxl; an intake gets
    Settings > Firm Name ``firm`` unless it names one (``firm=None``: as given)."""
    sheets = with_firm(sheets, firm)
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


def flat(report, severity: str | None = None) -> list[tuple]:
    return [p.flat() for p in report.problems if severity is None or p.severity == severity]


def codes(report) -> set[str]:
    return {p.code for p in report.problems}


def make_project(**kw: Any) -> Project:
    """A small valid project built in code (Shopify -> Xero, kickoff 2 Mar 2026); ``kw`` overrides fields."""
    base: dict[str, Any] = dict(
        file="t.xlsx",
        row=2,
        project_id="T-1",
        project_name="Test",
        client_name="Client Co",
        system_a="Shopify",
        system_b="Xero",
        kickoff_date=date(2026, 3, 2),
    )
    return Project(**(base | kw))


def png(width: int = 2, height: int = 1) -> bytes:
    """A tiny PNG, built byte by byte (deterministic): a firm logo for tests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\x1f\x38\x64" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
