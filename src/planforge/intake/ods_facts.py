"""Facts about an .ods that calamine does not expose, read by parsing ``content.xml`` with expat.

OpenDocument writes a run of identical rows or cells once with a repeat count, so positions are
counted with ``table:number-rows-repeated`` / ``table:number-columns-repeated``. The used area
counts only cells that hold something: LibreOffice ends every sheet with empty rows and columns
repeated up to the sheet's limits, which is normal and never refused. What LibreOffice writes:

- an error: ``calcext:value-type="error"`` with the error text (``#REF!``, ``Err:502``) as the cell's
  paragraph; a writer without LibreOffice's extension leaves a string whose text is the error, and
  a formula cell whose string result reads as an error (``is_error_text``) is one too;
- a formula without a value: ``table:formula`` and no ``office:value-type``;
- a hidden row: ``table:visibility="collapse"`` (hidden) or ``"filter"`` (filtered out);
- a merge: ``table:number-rows-spanned`` / ``number-columns-spanned`` on the top-left cell, the
  others written as ``table:covered-table-cell``;
- a hidden sheet: ``table:display="false"`` in the table's automatic style.
"""

from __future__ import annotations

import pyexpat
import zipfile
from collections.abc import Callable
from typing import Any

from planforge.intake.sheet_facts import Budget, Caps, CellFlag, Refused, SheetFacts, cell_ref, is_error_text
from planforge.intake.xlsx_facts import expat_parser, open_capped

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0 "
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0 "
_CELLS = (TABLE + "table-cell", TABLE + "covered-table-cell")
MAX_FLAGGED_CELLS = 100_000  # error or formula cells one sheet may expand to through repeats


class _Table:
    """One table's running state while its rows stream past."""

    def __init__(self, name: str, hidden: bool, wanted: bool):
        self.name, self.hidden, self.wanted = name, hidden, wanted
        self.row = 0  # 0-based index of the current row
        self.rows = 1  # how many times the current row repeats
        self.row_hidden = False
        self.row_used = False
        self.col = 0
        self.max_row = 0  # 1-based extents of the cells that hold something
        self.max_col = 0
        self.flags: dict[tuple[int, int], CellFlag] = {}
        self.hidden_rows: set[int] = set()
        self.merged: list[str] = []

    def add_cell(self, attrs: dict[str, str], value: str, budget: Budget) -> None:
        """A cell (and its repeats across the row and down the repeated rows) has been read: count
        its area and text if it holds something, flag an error or a formula without a value, note a
        merge it starts, and move past it."""
        cols = _count(attrs, "number-columns-repeated", self.name)
        kind = attrs.get(CALCEXT + "value-type") or attrs.get(OFFICE + "value-type")
        formula = attrs.get(TABLE + "formula")
        if self.wanted and (kind or formula or value):
            self.row_used = True
            self.max_row = max(self.max_row, self.row + self.rows)
            self.max_col = max(self.max_col, self.col + cols)
            budget.check_area(self.name, self.max_row, self.max_col)
            budget.add_text(self.name, len(value.encode("utf-8", "surrogatepass")) * cols * self.rows)
            flag = None
            if kind == "error" or (formula and kind == "string" and is_error_text(value)):
                flag = CellFlag("error", value.strip() or "#ERROR")
            elif formula and not attrs.get(OFFICE + "value-type"):
                flag = CellFlag("formula")
            if flag is not None:
                self.flag(flag, cols)
            rows_spanned = _count(attrs, "number-rows-spanned", self.name)
            cols_spanned = _count(attrs, "number-columns-spanned", self.name)
            if rows_spanned > 1 or cols_spanned > 1:
                last = cell_ref(self.row + rows_spanned - 1, self.col + cols_spanned - 1)
                self.merged.append(f"{cell_ref(self.row, self.col)}:{last}")
        self.col += cols

    def flag(self, flag: CellFlag, cols: int) -> None:
        """Flag the current cell, repeated ``cols`` times across and down the row's repeats."""
        if len(self.flags) + cols * self.rows > MAX_FLAGGED_CELLS:
            raise Refused(
                "unsafe-file", f'sheet "{self.name}" repeats over {MAX_FLAGGED_CELLS:,} formula or error cells'
            )
        for r in range(self.row, self.row + self.rows):
            for c in range(self.col, self.col + cols):
                self.flags[(r, c)] = flag

    def facts(self) -> SheetFacts:
        return SheetFacts(
            flags=self.flags,
            hidden_rows=frozenset(self.hidden_rows),
            merged=tuple(self.merged),
            hidden=self.hidden,
        )


def _count(attrs: dict[str, str], key: str, table: str) -> int:
    value = attrs.get(TABLE + key, "1")
    try:
        n = int(value)
    except ValueError as e:
        raise Refused(
            "unreadable-file", f'sheet "{table}" has a repeat count {value!r} that is not valid', table
        ) from e
    if n < 1:
        raise Refused("unreadable-file", f'sheet "{table}" has a repeat count {value!r} that is not valid', table)
    return n


def scan_ods(zf: zipfile.ZipFile, wanted: Callable[[str], bool], caps: Caps) -> dict[str, SheetFacts]:
    """Facts for each wanted sheet of an OpenDocument spreadsheet, after its area and text pass the caps."""
    budget = Budget(caps)
    facts: dict[str, SheetFacts] = {}
    hidden_styles: set[str] = set()
    style: list[str] = []  # the table style being read, if any
    table: _Table | None = None
    cell: dict[str, Any] | None = None  # the cell being read: its attributes and text pieces
    annotation = 0  # depth inside office:annotation (a comment's text is not the cell's)
    parser = expat_parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal table, cell, annotation
        if name in _CELLS and table is not None:
            cell = {"attrs": attrs, "text": []}
        elif name == TABLE + "table-row" and table is not None:
            table.rows = _count(attrs, "number-rows-repeated", table.name)
            table.row_hidden = attrs.get(TABLE + "visibility", "visible") in ("collapse", "filter")
            table.row_used = False
            table.col = 0
        elif name == TABLE + "table":
            table_name = attrs.get(TABLE + "name", "")
            table = _Table(table_name, attrs.get(TABLE + "style-name", "") in hidden_styles, wanted(table_name))
        elif name == OFFICE + "annotation":
            annotation += 1
        elif name == STYLE + "style" and attrs.get(STYLE + "family") == "table":
            style[:] = [attrs.get(STYLE + "name", "")]
        elif name == STYLE + "table-properties" and style and attrs.get(TABLE + "display") == "false":
            hidden_styles.add(style[0])

    def text(data: str) -> None:
        if cell is not None and not annotation:
            cell["text"].append(data)

    def end(name: str) -> None:
        nonlocal table, cell, annotation
        if name in _CELLS and table is not None and cell is not None:
            table.add_cell(cell["attrs"], "".join(cell["text"]), budget)
            cell = None
        elif name == TABLE + "table-row" and table is not None:
            if table.row_used and table.row_hidden:
                table.hidden_rows.update(range(table.row, table.row + table.rows))
            table.row += table.rows
        elif name == TABLE + "table" and table is not None:
            if table.wanted:
                budget.add_area(table.name, table.max_row, table.max_col)
                facts[table.name] = table.facts()
            table = None
        elif name == OFFICE + "annotation":
            annotation -= 1
        elif name == STYLE + "style":
            style.clear()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        with open_capped(zf, "content.xml", caps) as fh:
            parser.ParseFile(fh)
    except Refused as e:
        e.sheet = e.sheet or (table.name if table is not None else "")
        raise
    except (pyexpat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as e:
        raise Refused("unreadable-file", "its content.xml is damaged") from e
    return facts
