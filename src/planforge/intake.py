"""Read an intake workbook into raw tables, once, with python-calamine.

The reader normalises cell values explicitly (text stays text: "00123" and "NA" survive; whole
floats become ints) and records what calamine cannot tell us: hidden sheets, and, for .xlsx,
formulas without a saved value, Excel error cells and hidden rows, found by one streaming scan
of the sheet XML. Before anything is decompressed the zip is checked against size caps and
XML parts are refused if they declare a DTD (entity bombs, external entities).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine

from .errors import UnreadableWorkbook, make_problem
from .schema import SETTINGS_SHEET, SHEETS, normalise_header

#: Caps that keep a hostile file from exhausting memory or time (see docs/security.md).
MAX_UNCOMPRESSED_BYTES = 1_500_000_000
MAX_COMPRESSION_RATIO = 250
MAX_ZIP_ENTRIES = 5_000
MAX_SHEET_CELLS = 40_000_000  # rows x columns of a sheet's used area; calamine holds it densely
MAX_SHEET_COLUMNS = 702  # column ZZ; the widest intake sheet has 54

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class CellFlag:
    """Something about a cell that its value alone hides: a formula without value, or an error."""

    kind: str  # "formula" | "error"
    value: str = ""


@dataclass
class RawSheet:
    """One sheet as read: ``rows[i][j]`` is Excel row i+1, column j+1, normalised."""

    name: str
    rows: list[list[Any]]
    hidden: bool = False
    flags: dict[tuple[int, int], CellFlag] = field(default_factory=dict)
    hidden_rows: frozenset[int] = frozenset()
    merged: tuple[str, ...] = ()


@dataclass
class RawWorkbook:
    """Every sheet of one file, keyed by its name as written in the workbook."""

    path: Path
    sheets: dict[str, RawSheet]

    @property
    def file(self) -> str:
        return self.path.name


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def find_workbooks(paths: list[str | Path]) -> tuple[list[Path], list]:
    """Expand folders to the workbooks inside them. Excel's ``~$`` lock files are skipped with a
    warning; a folder with no workbook is an error. Files named directly are kept as given."""
    files: list[Path] = []
    problems = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(p for p in path.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES and p.is_file())
        for p in found:
            if p.name.startswith("~$"):
                problems.append(make_problem("lock-file-skipped", file=p.name))
            else:
                files.append(p)
        if not any(not p.name.startswith("~$") for p in found):
            problems.append(
                make_problem("unreadable-file", file=path.name or str(path), reason="the folder holds no workbooks")
            )
    return files, problems


def read_workbook(path: str | Path) -> RawWorkbook:
    """Read every sheet of ``path`` once. Raises UnreadableWorkbook with one located Problem."""
    path = Path(path)
    _check_file(path)
    xml_facts: dict[str, tuple[dict, frozenset]] = {}
    if zipfile.is_zipfile(path):
        xml_facts = _scan_xlsx(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as e:
        raise _unreadable(path, "encrypted-file") from e
    except Exception as e:  # calamine raises several unrelated types for corrupt files
        raise _unreadable(path, "unreadable-file", reason=_reason(e)) from e
    sheets: dict[str, RawSheet] = {}
    try:
        for meta in book.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            if not _wanted(meta.name):
                sheets[meta.name] = RawSheet(name=meta.name, rows=[])  # known by name only (for "did you mean")
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = [[_normalise(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            flags, hidden_rows = xml_facts.get(meta.name, ({}, frozenset()))
            merged = tuple(_range_ref(r) for r in (sheet.merged_cell_ranges or ()))
            sheets[meta.name] = RawSheet(
                name=meta.name,
                rows=rows,
                hidden=str(meta.visible) not in ("SheetVisibleEnum.Visible", "Visible"),
                flags=flags,
                hidden_rows=hidden_rows,
                merged=merged,
            )
    except Exception as e:
        raise _unreadable(path, "unreadable-file", reason=_reason(e)) from e
    finally:
        book.close()
    return RawWorkbook(path=path, sheets=sheets)


def _wanted(sheet_name: str) -> bool:
    """Only the schema's sheets (and Settings) are loaded; an analyst's scratch sheets cost nothing."""
    return normalise_header(sheet_name) in {normalise_header(s.name) for s in SHEETS} | {
        normalise_header(SETTINGS_SHEET)
    }


def _check_file(path: Path) -> None:
    if not path.exists():
        raise _unreadable(path, "unreadable-file", reason="no such file")
    if path.is_dir():
        raise _unreadable(path, "unreadable-file", reason="it is a folder")
    if path.name.startswith("~$"):
        raise _unreadable(path, "unreadable-file", reason="it is an Excel lock file (~$), not a workbook")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise _unreadable(path, "unreadable-file", reason="the file is empty")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        with path.open("rb") as fh:
            start = fh.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in start or "EncryptionInfo".encode("utf-16-le") in start:
            raise _unreadable(path, "encrypted-file")
        return  # OLE2: a legacy .xls; calamine reads it
    if not head.startswith(b"PK"):
        texty = all(32 <= b < 127 or b in (9, 10, 13) for b in head)
        raise _unreadable(
            path, "unreadable-file", reason="it is a text file (a CSV?)" if texty else "it is not a zip container"
        )


def _scan_xlsx(path: Path) -> dict[str, tuple[dict, frozenset]]:
    """Check the zip against the caps, then find flagged cells and hidden rows per sheet name."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise _unreadable(path, "unreadable-file", reason="the zip container is damaged") from e
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise _unreadable(path, "unsafe-file", reason=f"it holds {len(infos):,} parts (cap {MAX_ZIP_ENTRIES:,})")
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise _unreadable(
                path, "unsafe-file", reason=f"it would decompress to {total:,} bytes (cap {MAX_UNCOMPRESSED_BYTES:,})"
            )
        for info in infos:
            if info.file_size > 10_000_000 and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise _unreadable(
                    path,
                    "unsafe-file",
                    reason=f"part {info.filename} is compressed {info.file_size // max(info.compress_size, 1):,}:1 (a zip bomb?)",
                )
        names = {i.filename for i in infos}
        for name in names:
            if name.endswith((".xml", ".rels", ".vml")):
                try:
                    with zf.open(name) as fh:
                        head = fh.read(4096)
                except Exception as e:
                    raise _unreadable(path, "unreadable-file", reason=f"part {name} is damaged") from e
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _unreadable(path, "unsafe-file", reason=f"part {name} declares a DTD or entities")
        if "xl/workbook.xml" not in names:
            if "content.xml" in names:
                return {}  # OpenDocument (.ods): calamine reads it; no xlsx facts to scan
            if "EncryptedPackage" in names:
                raise _unreadable(path, "encrypted-file")
            raise _unreadable(path, "unreadable-file", reason="it is a zip file but not an Excel workbook")
        try:
            parts = _sheet_parts(zf)
        except ElementTree.ParseError as e:
            raise _unreadable(path, "unreadable-file", reason="its workbook.xml is damaged") from e
        facts: dict[str, tuple[dict, frozenset]] = {}
        for sheet_name, part in parts.items():
            if part not in names or not _wanted(sheet_name):
                continue
            try:
                data = _read_capped(zf, part)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
                raise _unreadable(path, "unreadable-file", reason=f"sheet {sheet_name!r} is damaged") from e
            _check_area(path, sheet_name, data)
            facts[sheet_name] = (_flag_cells(data), _hidden_rows(data))
        return facts


# Literal-prefixed patterns ('c r="' also matches a namespaced '<x:c r="'): five times faster than '<(\w+:)?c'.
_CELL_COLUMN = re.compile(rb'c r="([A-Z]{1,3})\d')
_WIDE_CELL = re.compile(rb'c r="[A-Z]{3}')  # column AAA or beyond: over 702 columns
_TWO_LETTER_CELL = re.compile(rb'c r="[A-Z]{2}')
_LAST_ROW = re.compile(rb'<(?:\w+:)?row r="(\d+)"')


def _check_area(path: Path, sheet_name: str, data: bytes) -> None:
    """Refuse a sheet whose used area would be huge once read: one stray cell at XFD1048576
    makes the reader allocate every cell in between (a few bytes of XML, gigabytes of memory).
    Cheap searches first; the exact widest column is computed only for sheets that need it."""
    tail = data.rfind(b"<row ")
    last = _LAST_ROW.match(data, data.rfind(b"<", 0, tail + 1)) if tail >= 0 else None
    rows = int(last.group(1)) if last else data.count(b"<row")
    if _WIDE_CELL.search(data):
        columns = MAX_SHEET_COLUMNS + 1
    else:
        columns = 702 if _TWO_LETTER_CELL.search(data) else 26
        if rows * columns > MAX_SHEET_CELLS:
            columns = max((_col_index(c.decode()) + 1 for c in set(_CELL_COLUMN.findall(data))), default=0)
    if columns > MAX_SHEET_COLUMNS or rows * columns > MAX_SHEET_CELLS:
        shown = f"more than {MAX_SHEET_COLUMNS:,}" if columns > MAX_SHEET_COLUMNS else f"{columns:,}"
        raise _unreadable(
            path,
            "unsafe-file",
            reason=f'sheet "{sheet_name}" spans {rows:,} rows x {shown} columns '
            f"(caps: {MAX_SHEET_COLUMNS:,} columns, {MAX_SHEET_CELLS:,} cells)",
        )


def _read_capped(zf: zipfile.ZipFile, part: str) -> bytes:
    """Decompress one part, refusing to go past the cap whatever the header claimed."""
    chunks, size = [], 0
    with zf.open(part) as fh:
        while chunk := fh.read(1 << 20):
            size += len(chunk)
            if size > MAX_UNCOMPRESSED_BYTES:
                raise ValueError("part larger than the cap")
            chunks.append(chunk)
    return b"".join(chunks)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = (
        ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        if "xl/_rels/workbook.xml.rels" in zf.namelist()
        else None
    )
    targets = {}
    if rels is not None:
        for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id")] = target
    parts = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        rid = sheet.get(f"{_NS_REL}id")
        if rid in targets:
            parts[sheet.get("name", "")] = targets[rid]
    return parts


_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ATTR_R = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_R = re.compile(rb'\br="(\d+)"')


_FORMULA_MARKS = (b"<f>", b"<f ", b":f>", b":f ")  # a formula element, with or without a namespace prefix


def _flag_cells(data: bytes) -> dict[tuple[int, int], CellFlag]:
    """Formulas with no saved value and error cells, keyed by 0-based (row, col)."""
    start, end = data.find(b"sheetData"), data.rfind(b"sheetData")
    data = data[start:end] if 0 <= start < end else data
    if not any(mark in data for mark in _FORMULA_MARKS) and b't="e"' not in data:
        return {}
    flags: dict[tuple[int, int], CellFlag] = {}
    starts = [m.start() for m in _CELL_START.finditer(data)] + [len(data)]
    for begin, following in itertools.pairwise(starts):
        # Each cell is bounded by the next cell's start: linear even when closing tags are missing
        tag_end = data.find(b">", begin, following)
        if tag_end < 0:
            continue
        attrs = data[begin:tag_end]
        body = b"" if attrs.endswith(b"/") else data[tag_end + 1 : following]
        t = _ATTR_T.search(attrs)
        has_formula = b"<f" in body or b":f" in body
        is_error = bool(t and t.group(1) == b"e")
        if not (has_formula or is_error):
            continue
        ref = _ATTR_R.search(attrs)
        if not ref:
            continue
        key = (int(ref.group(2)) - 1, _col_index(ref.group(1).decode()))
        v = _VALUE.search(body)
        if is_error:
            flags[key] = CellFlag("error", v.group(1).decode("utf-8", "replace") if v else "#ERROR")
        elif not v or not v.group(1):
            flags[key] = CellFlag("formula")
    return flags


def _hidden_rows(data: bytes) -> frozenset[int]:
    if b"hidden=" not in data:
        return frozenset()
    rows = set()
    for m in _HIDDEN_ROW.finditer(data):
        r = _ROW_R.search(m.group(0))
        if r:
            rows.add(int(r.group(1)) - 1)
    return frozenset(rows)


def _col_index(letters: str) -> int:
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


def _range_ref(rng: Any) -> str:
    try:
        (r1, c1), (r2, c2) = rng
        return f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
    except (TypeError, ValueError):
        return str(rng)


def _normalise(value: Any) -> Any:
    """Explicit, lossless-for-text cell normalisation. Empty text becomes None; nothing else does."""
    if isinstance(value, str):
        text = _CONTROL.sub("", value).replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            return None
        return unicodedata.normalize("NFC", text)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if value != value:  # NaN never comes from a real cell
            return None
        return int(value) if value.is_integer() and abs(value) < 2**63 else value
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, (date, time, timedelta, int)):
        return value
    return str(value)


def _reason(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]


def _unreadable(path: Path, code: str, **params: Any) -> UnreadableWorkbook:
    problem = make_problem(code, file=path.name, **params)
    return UnreadableWorkbook(problem.message, problem)
