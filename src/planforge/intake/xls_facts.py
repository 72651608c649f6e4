"""Facts about a legacy .xls that calamine does not expose, read from its BIFF records with xlrd.

xlrd (with ``formatting_info``) reads the cell records themselves: an error cell is type
``XL_CELL_ERROR`` with a code that ``error_text_from_code`` names (``#REF!``), a hidden row has
``rowinfo_map[r].hidden``, merges are ``merged_cells`` (half-open row and column ranges) and a
sheet's ``visibility`` is 0 when shown. BIFF8 bounds a sheet to 65,536 x 256 cells, so the caps
are checked on xlrd's dimensions before calamine reads the file.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xlrd

from planforge.intake.sheet_facts import Budget, Caps, CellFlag, Refused, SheetFacts, cell_ref

# what xlrd raises on a damaged compound file or BIFF stream (it has no common base class)
_DAMAGED = (
    xlrd.compdoc.CompDocError,
    OSError,
    EOFError,
    ValueError,
    IndexError,
    KeyError,
    AssertionError,
    struct.error,
)


#: BIFF's error codes (MS-XLS BErr): xlrd's seven and Excel's #GETTING_DATA. Any other byte is an
#: error no program writes, still an error cell (``#ERROR``).
ERROR_TEXT: dict[int, str] = {**xlrd.error_text_from_code, 0x2B: "#GETTING_DATA"}


def scan_xls(path: Path, wanted: Callable[[str], bool], caps: Caps) -> dict[str, SheetFacts]:
    """Facts for each wanted sheet of a BIFF workbook, after its used area passes the caps."""
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.biffh.XLRDError as e:
        if "encrypted" in str(e).lower() or "password" in str(e).lower():
            raise Refused("encrypted-file", "") from e
        raise Refused("unreadable-file", f"its BIFF records cannot be read ({str(e)[:120]})") from e
    except _DAMAGED as e:
        raise Refused("unreadable-file", "its BIFF records are damaged") from e
    budget = Budget(caps)
    facts: dict[str, SheetFacts] = {}
    try:
        for index, name in enumerate(book.sheet_names()):
            if not wanted(name):
                continue
            sheet = book.sheet_by_index(index)
            budget.add_area(name, sheet.nrows, sheet.ncols)
            facts[name] = _sheet_facts(book, sheet)
            book.unload_sheet(index)
    except Refused:
        raise
    except (xlrd.biffh.XLRDError, *_DAMAGED) as e:
        raise Refused("unreadable-file", "its BIFF records are damaged") from e
    finally:
        book.release_resources()
    return facts


def _sheet_facts(book: xlrd.book.Book, sheet: xlrd.sheet.Sheet) -> SheetFacts:
    flags: dict[tuple[int, int], CellFlag] = {}
    for r in range(sheet.nrows):
        for c, kind in enumerate(sheet.row_types(r)):
            if kind == xlrd.XL_CELL_ERROR:
                code = sheet.cell_value(r, c)
                flags[(r, c)] = CellFlag("error", ERROR_TEXT.get(code, "#ERROR"))
    hidden_rows = frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden and r < sheet.nrows)
    merged = tuple(
        f"{cell_ref(rlo, clo)}:{cell_ref(rhi - 1, chi - 1)}"
        for rlo, rhi, clo, chi in sheet.merged_cells
        if rhi - rlo > 1 or chi - clo > 1
    )
    return SheetFacts(flags=flags, hidden_rows=hidden_rows, merged=merged, hidden=sheet.visibility != 0)


def has_unknown_errors(path: Path, wanted: Callable[[str], bool]) -> bool:
    """Whether a wanted sheet holds an error cell whose code is none of BIFF's (``ERROR_TEXT``): the
    one cell that makes calamine refuse the whole file, which it reads at once."""
    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        for index, name in enumerate(book.sheet_names()):
            if wanted(name):
                sheet = book.sheet_by_index(index)
                for r in range(sheet.nrows):
                    for c, kind in enumerate(sheet.row_types(r)):
                        if kind == xlrd.XL_CELL_ERROR and sheet.cell_value(r, c) not in ERROR_TEXT:
                            return True
                book.unload_sheet(index)
        return False
    finally:
        book.release_resources()


@dataclass(frozen=True)
class XlrdSheetMeta:
    """A sheet's name, type and visibility, spelt as calamine's ``SheetMetadata`` prints them."""

    name: str
    typ: str = "WorkSheet"
    visible: str = "Visible"


class XlrdSheet:
    """One sheet's cells as calamine's sheet gives them: text, float, bool, ``datetime`` for a number
    in a date format, and ``""`` for an empty or an error cell (its flag tells which error)."""

    def __init__(self, book: xlrd.book.Book, sheet: xlrd.sheet.Sheet):
        self.book, self.sheet = book, sheet
        rows, columns = 0, 0  # the used area: up to the last cell that is not empty (xlrd counts formatted ones)
        for r in range(sheet.nrows):
            used = [
                c for c, kind in enumerate(sheet.row_types(r)) if kind not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
            ]
            if used:
                rows, columns = r + 1, max(columns, used[-1] + 1)
        self.rows, self.columns = rows, columns
        self.start = (0, 0) if rows else None
        self.end = (rows - 1, columns - 1) if rows else None
        self.merged_cell_ranges: list[Any] = []  # the fact reader gives the merges

    def iter_rows(self) -> Iterator[list[Any]]:
        for r in range(self.rows):
            kinds, values = self.sheet.row_types(r, 0, self.columns), self.sheet.row_values(r, 0, self.columns)
            row = [self._value(kind, value) for kind, value in zip(kinds, values)]
            yield row + [""] * (self.columns - len(row))

    def _value(self, kind: int, value: Any) -> Any:
        if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return ""
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(value)
        if kind == xlrd.XL_CELL_DATE:
            try:
                converted: datetime = xlrd.xldate.xldate_as_datetime(value, self.book.datemode)
                return converted
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return value
        return value


class XlrdBook:
    """An .xls read with xlrd where calamine refuses it over an error code none of BIFF's
    (``has_unknown_errors``): the part of calamine's workbook the reader uses, so one such cell is a
    located error cell (from ``scan_xls``'s flags) instead of an unreadable file."""

    def __init__(self, path: Path):
        self.book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        self.sheets_metadata = [
            XlrdSheetMeta(name, visible="Visible" if self.book.sheet_by_index(i).visibility == 0 else "Hidden")
            for i, name in enumerate(self.book.sheet_names())
        ]

    def get_sheet_by_name(self, name: str) -> XlrdSheet:
        return XlrdSheet(self.book, self.book.sheet_by_name(name))

    def close(self) -> None:
        self.book.release_resources()
