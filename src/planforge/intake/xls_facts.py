"""Facts about a legacy .xls that calamine does not expose, read from its BIFF records with xlrd.

xlrd (with ``formatting_info``) reads the cell records themselves: an error cell is type
``XL_CELL_ERROR`` with a code that ``error_text_from_code`` names (``#REF!``), a hidden row has
``rowinfo_map[r].hidden``, merges are ``merged_cells`` (half-open row and column ranges) and a
sheet's ``visibility`` is 0 when shown. BIFF8 bounds a sheet to 65,536 x 256 cells, so the caps
are checked on xlrd's dimensions before calamine reads the file.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

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
                flags[(r, c)] = CellFlag("error", xlrd.error_text_from_code.get(code, "#ERROR"))
    hidden_rows = frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden and r < sheet.nrows)
    merged = tuple(
        f"{cell_ref(rlo, clo)}:{cell_ref(rhi - 1, chi - 1)}"
        for rlo, rhi, clo, chi in sheet.merged_cells
        if rhi - rlo > 1 or chi - clo > 1
    )
    return SheetFacts(flags=flags, hidden_rows=hidden_rows, merged=merged, hidden=sheet.visibility != 0)
