"""Read an intake workbook into raw tables, once, with python-calamine.

The reader normalises cell values explicitly (text stays text: "00123" and "NA" survive; whole
floats become ints) and records what calamine cannot tell us, read from the file itself by one
fact reader per format (``xlsx_facts``, ``ods_facts``, ``xls_facts``): formulas without a saved
value, error cells, hidden rows and sheets, merged ranges. Before calamine expands anything, the
file is checked against the caps in ``sheet_facts.Caps`` (zip size, used area, cell text after
shared strings and repeats); XML parts that declare a DTD (entity bombs, external entities) are
refused. A large .xlsx's sheets are checked in worker processes meanwhile (``ScanWorkers``), with
the same result.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import python_calamine
from lxml import etree

from planforge.core.errors import Problem, UnreadableWorkbook, make_problem
from planforge.intake import ods_facts, xls_facts, xlsx_facts
from planforge.intake.schema import SETTINGS_SHEET, SHEETS, normalise_header
from planforge.intake.sheet_facts import Caps, CellFlag, Refused, SheetFacts, cell_ref, column_letter, declares_dtd
from planforge.intake.xlsx_facts import ScanWorkers

__all__ = [
    "Caps",
    "CellFlag",
    "RawSheet",
    "RawWorkbook",
    "ScanWorkers",
    "cell_ref",
    "column_letter",
    "find_workbooks",
    "read_workbook",
]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # the compound-file header of a legacy .xls


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


def find_workbooks(paths: list[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders to the workbooks inside them. Excel's ``~$`` lock files are skipped with a
    warning; a folder with no workbook is an error. Files named directly are kept as given."""
    files: list[Path] = []
    problems: list[Problem] = []
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


def read_workbook(path: str | Path, caps: Caps | None = None, workers: ScanWorkers | None = None) -> RawWorkbook:
    """Read every schema sheet of ``path`` once. Raises UnreadableWorkbook with one located Problem.

    ``workers``: when a large .xlsx's sheets are scanned in worker processes (None: the defaults of
    ``ScanWorkers``, which keep small workbooks in-process; ``ScanWorkers(jobs=1)``: never)."""
    path = Path(path)
    caps = caps or Caps()
    _check_file(path)
    return _read(path, caps, workers or ScanWorkers())


def _read(path: Path, caps: Caps, workers: ScanWorkers) -> RawWorkbook:
    """Read the facts and the cells, overlapping them: as soon as a sheet passes the caps, calamine
    (which releases the GIL) loads it on a second thread while the next sheet is scanned (here, or
    in worker processes for a large .xlsx), and it is normalised before the next load starts, so at
    most one calamine sheet is held at a time."""
    book: Any = None
    facts: dict[str, SheetFacts] = {}
    built: dict[str, RawSheet] = {}
    try:
        with ThreadPoolExecutor(max_workers=1) as loader, closing(_facts(path, caps, workers)) as scanned:
            pending: tuple[str, Future[Any]] | None = None
            try:
                for name, found in scanned:  # closed on any way out: scan workers stop with the read
                    facts[name] = found
                    if book is None:
                        book = _open(path)
                    if pending:
                        built[pending[0]] = _sheet(
                            pending[0], _loaded(path, *pending, facts, caps), facts[pending[0]], book
                        )
                    pending = (name, loader.submit(book.get_sheet_by_name, name))
            except Refused as e:
                raise _unreadable(path, e.code, reason=e.reason, sheet=e.sheet) from e
            except Exception as e:  # calamine raises several unrelated types for corrupt files
                raise _unreadable(path, "unreadable-file", reason=_reason(e)) from e
            if book is None:
                book = _open(path)
            try:
                if pending:
                    built[pending[0]] = _sheet(
                        pending[0], _loaded(path, *pending, facts, caps), facts[pending[0]], book
                    )
                return RawWorkbook(path=path, sheets=_sheets(book, built, facts))
            except Exception as e:
                raise _unreadable(path, "unreadable-file", reason=_reason(e)) from e
    finally:
        if book is not None:
            book.close()


def _loaded(path: Path, name: str, loading: Future[Any], facts: dict[str, SheetFacts], caps: Caps) -> Any:
    """calamine's sheet ``name``; when calamine refuses it and the scan found error cells in it (an
    error code calamine does not know, such as Excel 365's ``#SPILL!``), the sheet read from a copy of
    the workbook in which those cells hold ``#N/A``. Each error cell keeps its own text in its flag,
    so it is still a located ``error-cell`` problem, and the rest of the sheet reads as usual."""
    try:
        return loading.result()
    except Exception:
        if not _has_errors(facts.get(name)) or not _is_xlsx(path):
            raise
    copy = io.BytesIO()  # in memory: nothing is written outside the output folder
    with zipfile.ZipFile(path) as zf:
        part = xlsx_facts.sheet_parts(zf, set(zf.namelist()), caps)[name]
        xlsx_facts.copy_with_known_errors(zf, {name: part}, copy, caps)
    copy.seek(0)
    book = python_calamine.CalamineWorkbook.from_filelike(copy)
    try:
        return book.get_sheet_by_name(name)
    finally:
        book.close()


def _has_errors(found: SheetFacts | None) -> bool:
    return found is not None and any(flag.kind == "error" for flag in found.flags.values())


def _is_xlsx(path: Path) -> bool:
    with path.open("rb") as fh:
        if fh.read(2) != b"PK":
            return False
    with zipfile.ZipFile(path) as zf:
        return "xl/workbook.xml" in zf.namelist()


def _open(path: Path) -> Any:
    """calamine's workbook; for an .xls that calamine refuses over an error code none of BIFF's
    (it reads every sheet at once, so that one cell would cost the file), the same read with xlrd."""
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError as e:
        raise _unreadable(path, "encrypted-file") from e
    except Exception as e:  # calamine raises several unrelated types for corrupt files
        if _is_xls(path) and xls_facts.has_unknown_errors(path, _wanted):
            return xls_facts.XlrdBook(path)
        raise _unreadable(path, "unreadable-file", reason=_reason(e)) from e


def _is_xls(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == OLE2_MAGIC


def _sheets(book: Any, built: dict[str, RawSheet], facts: dict[str, SheetFacts]) -> dict[str, RawSheet]:
    """Every worksheet in the workbook's order: the schema sheets read, the others by name only."""
    sheets: dict[str, RawSheet] = {}
    for meta in book.sheets_metadata:
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        if not _wanted(meta.name):
            sheets[meta.name] = RawSheet(name=meta.name, rows=[])  # known by name only (for "did you mean")
            continue
        raw = built.get(meta.name)
        if raw is None:
            raw = _sheet(meta.name, book.get_sheet_by_name(meta.name), facts.get(meta.name, SheetFacts()), book)
        if facts.get(meta.name, SheetFacts()).hidden is None:
            raw.hidden = str(meta.visible) not in ("SheetVisibleEnum.Visible", "Visible")
        sheets[meta.name] = raw
    return sheets


def _sheet(name: str, sheet: Any, found: SheetFacts, book: Any) -> RawSheet:
    """One calamine sheet, normalised, with what the fact reader found beside its values."""
    rows = _rows(sheet)
    merged = found.merged
    if merged is None:
        merged = tuple(_range_ref(r) for r in (sheet.merged_cell_ranges or ()))
    return RawSheet(
        name=name,
        rows=_pad(rows, found),
        hidden=bool(found.hidden),
        flags=found.flags,
        hidden_rows=found.hidden_rows,
        merged=merged,
    )


def _rows(sheet: Any) -> list[list[Any]]:
    """The sheet from A1, normalised, read row by row so the raw values of the whole sheet are never
    held beside the normalised ones (calamine pads missing rows at the top, not columns at the left)."""
    start = sheet.start or (0, 0)
    lead = [None] * start[1]
    rows = [lead + [_normalise(v) for v in row] for row in sheet.iter_rows()]
    if sheet.end and len(rows) < sheet.end[0] + 1:
        width = sheet.end[1] + 1
        rows[:0] = [[None] * width for _ in range(sheet.end[0] + 1 - len(rows))]
    return rows


def _pad(rows: list[list[Any]], facts: SheetFacts | None) -> list[list[Any]]:
    """Keep flagged cells inside the table: calamine drops a trailing error or value-less formula
    cell (it reads as empty), and validation looks cells up by position."""
    if not facts or not facts.flags:
        return rows
    width = max((len(r) for r in rows), default=0)
    width = max(width, *(c + 1 for _, c in facts.flags))
    height = max(len(rows), *(r + 1 for r, _ in facts.flags))
    rows.extend([] for _ in range(height - len(rows)))
    for row in rows:
        row.extend([None] * (width - len(row)))
    return rows


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
    if head.startswith(OLE2_MAGIC):
        with path.open("rb") as fh:
            start = fh.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in start or "EncryptionInfo".encode("utf-16-le") in start:
            raise _unreadable(path, "encrypted-file")
        return  # OLE2: a legacy .xls
    if not head.startswith(b"PK"):
        texty = all(32 <= b < 127 or b in (9, 10, 13) for b in head)
        raise _unreadable(
            path, "unreadable-file", reason="it is a text file (a CSV?)" if texty else "it is not a zip container"
        )


def _facts(path: Path, caps: Caps, workers: ScanWorkers) -> Generator[tuple[str, SheetFacts], None, None]:
    """Check the container against the caps, then read each format's facts for the schema sheets,
    yielding each sheet as soon as it has passed (an .xlsx sheet by sheet, the others at once)."""
    with path.open("rb") as fh:
        if fh.read(4) == OLE2_MAGIC:  # a legacy .xls (_check_file refused an encrypted one)
            yield from xls_facts.scan_xls(path, _wanted, caps).items()
            return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise Refused("unreadable-file", "the zip container is damaged") from e
    with zf:
        names = check_zip(zf, caps)
        if "xl/workbook.xml" in names:
            yield from xlsx_facts.iter_xlsx(zf, _wanted, caps, workers)
        elif "content.xml" in names:
            yield from ods_facts.scan_ods(zf, _wanted, caps).items()
        elif "EncryptedPackage" in names:
            raise Refused("encrypted-file", "")
        else:
            raise Refused("unreadable-file", "it is a zip file but not an Excel workbook")


def check_zip(zf: zipfile.ZipFile, caps: Caps) -> set[str]:
    """Refuse from the zip directory alone (entries, declared size, compression ratio), then refuse
    any XML part that declares a DTD. Returns the part names."""
    infos = zf.infolist()
    if len(infos) > caps.max_zip_entries:
        raise Refused("unsafe-file", f"it holds {len(infos):,} parts (cap {caps.max_zip_entries:,})")
    total = sum(i.file_size for i in infos)
    if total > caps.max_uncompressed_bytes:
        raise Refused("unsafe-file", f"it would decompress to {total:,} bytes (cap {caps.max_uncompressed_bytes:,})")
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > 10_000_000 and ratio > caps.max_compression_ratio:
            raise Refused("unsafe-file", f"part {info.filename} is compressed {ratio:,}:1 (a zip bomb?)")
    names = {i.filename for i in infos}
    for name in sorted(names):
        if name.endswith((".xml", ".rels", ".vml")):
            try:
                with xlsx_facts.open_capped(zf, name, caps) as fh:
                    dtd = declares_dtd(fh)
            except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as e:
                raise Refused("unreadable-file", f"part {name} is damaged") from e
            if dtd:
                raise Refused("unsafe-file", f"part {name} declares a DTD or entities")
    return names


def _range_ref(rng: Any) -> str:
    try:
        (r1, c1), (r2, c2) = rng
        return f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
    except (TypeError, ValueError):
        return str(rng)


def _normalise(value: Any) -> Any:
    """Explicit, lossless-for-text cell normalisation. Empty text becomes None; nothing else does."""
    if isinstance(value, str):
        text = value.replace("\r\n", "\n").replace("\r", "\n").strip()  # controls: parse.clean_text warns
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
