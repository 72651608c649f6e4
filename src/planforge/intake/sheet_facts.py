"""What the format readers (xlsx, ods, xls) report beside cell values, and the caps they enforce.

A leaf module: ``intake`` and the per-format fact readers (``xlsx_facts``, ``ods_facts``,
``xls_facts``) import it; it imports nothing from planforge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from lxml import etree


@dataclass(frozen=True)
class CellFlag:
    """Something about a cell that its value alone hides: a formula without value, or an error."""

    kind: str  # "formula" | "error"
    value: str = ""


#: The error values spreadsheet programs show, as text: Excel's (with Excel 365's dynamic-array,
#: data-type and Python ones), Google Sheets' ``#ERROR!``; LibreOffice's own are ``Err:`` and a number.
ERROR_TEXTS = frozenset(
    [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#PYTHON!",
        "#TIMEOUT!",
        "#EXTERNAL!",
        "#ERROR!",
    ]
)


def is_error_text(text: str) -> bool:
    """Whether a formula's text result is an error value (``#SPILL!``, ``Err:502``), as a program that
    writes errors as strings leaves it."""
    text = text.strip()
    code = text.removeprefix("Err:")
    return text in ERROR_TEXTS or (code != text and 0 < len(code) <= 4 and code.isascii() and code.isdigit())


@dataclass(frozen=True)
class SheetFacts:
    """What one sheet's file structure says: flagged cells keyed by 0-based (row, col), hidden rows
    (0-based), and merged ranges as ``"A5:A8"`` (None: take the ranges calamine reports)."""

    flags: dict[tuple[int, int], CellFlag] = field(default_factory=dict)
    hidden_rows: frozenset[int] = frozenset()
    merged: tuple[str, ...] | None = None
    hidden: bool | None = None  # None: take calamine's visibility


@dataclass(frozen=True)
class Caps:
    """Limits that keep a hostile file from exhausting memory or time (docs/security.md).

    Cells are counted over each sheet's used area (rows x columns, what the reader allocates); text
    is counted in UTF-8 bytes after shared strings and repeated cells are expanded, over the sheets
    planforge reads."""

    max_uncompressed_bytes: int = 1_500_000_000
    max_compression_ratio: int = 250
    max_zip_entries: int = 5_000
    max_sheet_columns: int = 702  # column ZZ; the widest intake sheet has 54
    max_sheet_cells: int = 20_000_000  # one sheet's used area
    max_workbook_cells: int = 40_000_000  # the used areas of all the sheets read, together
    max_cell_text: int = 200_000_000  # bytes of cell text once shared strings and repeats are expanded
    max_shared_strings: int = 5_000_000  # entries of an .xlsx shared-string table


class Refused(Exception):
    """Raised by a fact reader when a file breaks a cap (``unsafe-file``) or cannot be parsed
    (``unreadable-file``); ``intake`` turns it into a located problem for that file."""

    def __init__(self, code: str, reason: str, sheet: str = ""):
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.sheet = sheet


class Budget:
    """Running totals of cells and text over one workbook, checked against the caps as they grow."""

    def __init__(self, caps: Caps):
        self.caps = caps
        self.cells = 0
        self.text = 0

    def check_area(self, sheet: str, rows: int, columns: int) -> None:
        """Refuse a sheet whose used area breaks the column or cell caps (call as the area grows)."""
        caps = self.caps
        if columns > caps.max_sheet_columns or rows * columns > caps.max_sheet_cells:
            shown = f"more than {caps.max_sheet_columns:,}" if columns > caps.max_sheet_columns else f"{columns:,}"
            raise Refused(
                "unsafe-file",
                f'sheet "{sheet}" spans {rows:,} rows x {shown} columns '
                f"(caps: {caps.max_sheet_columns:,} columns, {caps.max_sheet_cells:,} cells a sheet)",
                sheet,
            )

    def add_area(self, sheet: str, rows: int, columns: int) -> None:
        """Count a finished sheet's used area towards the workbook cap."""
        self.check_area(sheet, rows, columns)
        self.cells += rows * columns
        if self.cells > self.caps.max_workbook_cells:
            raise Refused(
                "unsafe-file",
                f"its sheets span {self.cells:,} cells together (cap {self.caps.max_workbook_cells:,})",
                sheet,
            )

    def add_text(self, sheet: str, size: int) -> None:
        self.text += size
        if self.text > self.caps.max_cell_text:
            raise Refused(
                "unsafe-file",
                f"its cell text expands to more than {self.caps.max_cell_text:,} bytes"
                + (f' (reached on sheet "{sheet}")' if sheet else ""),
                sheet,
            )


class SheetBudget(Budget):
    """The budget of one sheet scanned on its own (in a worker process, or in-process in its place):
    it enforces the per-sheet caps and counts the sheet's cell text as ``Budget`` does (a sheet whose
    text alone is over the cap puts any workbook over it), but keeps the sheet's used area instead of
    adding it to a workbook total. The caller adds the sheets to the workbook's ``Budget`` in sheet
    order (``xlsx_facts.admit``)."""

    def __init__(self, caps: Caps):
        super().__init__(caps)
        self.rows = 0
        self.columns = 0

    def add_area(self, sheet: str, rows: int, columns: int) -> None:
        self.check_area(sheet, rows, columns)
        self.rows, self.columns = rows, columns


_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def parse_ref(ref: str) -> tuple[int, int]:
    """``"AB12"`` -> 0-based (row, col). Raises ValueError for anything that is not a cell reference."""
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    return int(m.group(2)) - 1, col_index(m.group(1))


def col_index(letters: str) -> int:
    """``"A"`` -> 0, ``"AB"`` -> 27 (letters must be A-Z)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row0: int, col0: int) -> str:
    return f"{column_letter(col0)}{row0 + 1}"


def pull_parser(**kwargs: object) -> etree.XMLPullParser:
    """A streaming lxml parser that never loads a DTD, expands an entity or touches the network."""
    return etree.XMLPullParser(resolve_entities=False, no_network=True, load_dtd=False, **kwargs)


CHUNK = 1 << 16


def declares_dtd(fh: IO[bytes]) -> bool:
    """Parse an XML part up to its root element and say whether it declares a DTD (entities).
    Raises lxml's XMLSyntaxError when the part is not well-formed before its root element."""
    parser = pull_parser(events=("start",))
    while chunk := fh.read(CHUNK):
        parser.feed(chunk)  # an XMLSyntaxError before the root element propagates: the part is damaged
        for _event, element in parser.read_events():
            info = element.getroottree().docinfo
            return bool(info.internalDTD is not None or info.doctype)
    return False
