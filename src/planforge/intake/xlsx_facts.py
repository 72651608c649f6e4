"""Facts about an .xlsx that calamine hides or would pay for too late, read by parsing its XML.

Before calamine expands anything, the shared-string table (lxml) and each schema sheet (expat,
the cheapest streaming parser: no element objects) are parsed with no DTD, no entities and no
network, so memory stays flat whatever the part's size. Per sheet this yields the used area
(refused over the caps), the cell text after shared-string expansion (refused over the cap),
formulas without a saved value, error cells and hidden rows. Elements are parsed, never matched as text: attribute order, quote
style and namespace prefixes do not matter, and a malformed part is an unreadable file.

A large workbook's sheets are scanned in worker processes, two or more at a time (``ScanWorkers``,
``_Pool``): each sheet is scanned on its own against the per-sheet caps, and the parent adds the
sheets to the workbook-wide totals in sheet order (``admit``), so a sheet passes, or is refused with
the same located reason, exactly as when the sheets are scanned one after the other in-process.
"""

from __future__ import annotations

import contextlib
import json
import os
import pyexpat
import queue
import struct
import subprocess
import sys
import threading
import zipfile
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import filterfalse, repeat
from typing import IO, Any, cast

from lxml import etree

from planforge.intake.sheet_facts import (
    CHUNK,
    Budget,
    Caps,
    CellFlag,
    Refused,
    SheetBudget,
    SheetFacts,
    column_letter,
    parse_ref,
    pull_parser,
)

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
_ACCOUNT_EVERY = 16_384  # cells between two bulk accountings of area and text
_MAX_ROW_CELLS = 16_384  # Excel's column count: a longer row is built, never read


def local(tag: object) -> str:
    """``{ns}row`` -> ``row`` (comments and processing instructions have no string tag)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def open_capped(zf: zipfile.ZipFile, part: str, caps: Caps) -> IO[bytes]:
    """A part's decompressed stream that refuses to go past the size cap whatever its header claims."""
    return cast(IO[bytes], _CappedReader(zf.open(part), caps.max_uncompressed_bytes, part))  # reads like a file


#: Characters XML 1.0 forbids but spreadsheet programs write anyway: C0 controls other than tab, line
#: feed and carriage return, and the non-characters U+FFFE and U+FFFF. The scan reads structure only,
#: so each becomes a stand-in of the same length (a space, U+FFFD); the cell's value itself comes from
#: the workbook reader and validation cleans it with a located warning (``parse.clean_text``), so
#: one such character costs neither the file nor the project.
_CONTROLS = bytes.maketrans(bytes(c for c in range(0x20) if c not in (9, 10, 13)), b" " * 29)
_NON_CHARACTERS = ((b"\xef\xbf\xbe", b"\xef\xbf\xbd"), (b"\xef\xbf\xbf", b"\xef\xbf\xbd"))


class _CappedReader:
    def __init__(self, fh: IO[bytes], limit: int, part: str):
        self.fh, self.left, self.part = fh, limit, part
        self.held = b""  # the start of a non-character split across two reads

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n if n >= 0 else CHUNK)
        self.left -= len(data)
        if self.left < 0:
            raise Refused("unsafe-file", f"part {self.part} decompresses past the cap")
        data, self.held = self.held + data, b""
        if data and (data.endswith(b"\xef") or data.endswith(b"\xef\xbf")):
            cut = 1 if data.endswith(b"\xef") else 2
            if len(data) > cut:  # at the end of the part there is nothing more to wait for
                data, self.held = data[:-cut], data[-cut:]
        data = data.translate(_CONTROLS)
        for bad, good in _NON_CHARACTERS:
            if bad in data:
                data = data.replace(bad, good)
        return data

    def __enter__(self) -> _CappedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def stream(fh: IO[bytes], what: str, *, events: tuple[str, ...], tag: object = None) -> Iterator[tuple[str, Any]]:
    """(event, element) pairs of one part, fed in 64 KB chunks; a syntax error is a located refusal."""
    parser = pull_parser(events=events, tag=tag)
    try:
        while chunk := fh.read(CHUNK):
            parser.feed(chunk)
            yield from parser.read_events()
        parser.close()
        yield from parser.read_events()
    except etree.XMLSyntaxError as e:
        raise Refused("unreadable-file", f"{what} is damaged ({str(e).splitlines()[0][:120]})") from e


def sheet_parts(zf: zipfile.ZipFile, names: set[str], caps: Caps) -> dict[str, str]:
    """Sheet name -> part path, from workbook.xml and its relationships."""
    targets: dict[str, str] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        with open_capped(zf, "xl/_rels/workbook.xml.rels", caps) as fh:
            for _, el in stream(fh, "xl/_rels/workbook.xml.rels", events=("end",), tag="{*}Relationship"):
                target = el.get("Target", "")
                targets[el.get("Id", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
                el.clear()
    parts: dict[str, str] = {}
    with open_capped(zf, "xl/workbook.xml", caps) as fh:
        for _, el in stream(fh, "its workbook.xml", events=("end",), tag="{*}sheet"):
            rid = el.get(f"{{{_NS_REL}}}id")
            if rid in targets:
                parts[el.get("name", "")] = targets[rid]
            el.clear()
    return parts


def shared_string_sizes(zf: zipfile.ZipFile, names: set[str], caps: Caps) -> array[int]:
    """UTF-8 size of each shared string, in table order (what every ``t="s"`` cell expands to)."""
    sizes = array("I")
    total = 0
    for part in sorted(n for n in names if n.lower() == "xl/sharedstrings.xml"):
        with open_capped(zf, part, caps) as fh:
            for _, si in stream(fh, part, events=("end",), tag="{*}si"):
                size = len("".join(si.itertext()).encode("utf-8", "surrogatepass"))
                sizes.append(size)
                total += size
                si.clear()
                if len(sizes) > caps.max_shared_strings:
                    raise Refused(
                        "unsafe-file", f"its shared-string table holds over {caps.max_shared_strings:,} entries"
                    )
                if total > caps.max_cell_text:
                    raise Refused("unsafe-file", f"its shared strings hold over {caps.max_cell_text:,} bytes of text")
                prev = si.getprevious()
                while prev is not None:
                    parent = prev.getparent()
                    if parent is None:
                        break
                    parent.remove(prev)
                    prev = si.getprevious()
    return sizes


def expat_parser() -> pyexpat.XMLParserType:
    """A namespace-aware expat parser that refuses any DTD (so no entity is ever declared or expanded).

    Element names arrive as ``"namespace-uri local-name"``, so prefixes never matter; character
    data is buffered so a short value (a shared-string index) arrives in one piece."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _refuse_dtd(*_: object) -> None:
    raise Refused("unsafe-file", "a part declares a DTD or entities")


class _Totals:
    """What one sheet's scan has accounted for so far (the handlers keep the per-cell state)."""

    def __init__(self, name: str, sizes: array[int], budget: Budget):
        self.name, self.sizes, self.budget = name, sizes, budget
        self.max_row = 0  # 1-based extents of the used area
        self.max_col = 0
        self.flags: dict[tuple[int, int], CellFlag] = {}
        self.hidden: set[int] = set()
        self.refs: list[str] = []  # references of the cells since the last accounting (the run)
        self.events: list[str] = []  # character-data pieces and closing-tag names since then, in order
        self.marks: list[int] = []  # positions in ``events`` where a t="s" cell's value begins

    def flush(self, row: _Row, tag_v: str, names: dict[str, str]) -> None:
        """Account for the run (``account``) and start a new one."""
        row.accounted(self.refs)
        self.account(self.refs, self.events, self.marks, tag_v, names)
        self.refs.clear()
        self.events.clear()
        self.marks.clear()

    def account(self, refs: list[str], events: list[str], marks: list[int], tag_v: str, names: dict[str, str]) -> None:
        """Account in bulk for a run of complete cells: the used area from their references, and
        their text (every character-data piece, plus the shared string each ``t="s"`` value names).

        ``events`` holds, in document order, each character-data piece and the name of each closing
        tag (both appended by expat without a Python call); ``marks`` are the positions where the
        value of a ``t="s"`` cell began. Such a value is exactly one piece followed by ``</v>``;
        ``names`` are the names expat has interned (a closing tag's name is not text)."""
        try:
            rows = max(map(int, map(str.lstrip, refs, repeat(_UPPER))), default=0)
        except ValueError as e:
            raise Refused("unreadable-file", f'sheet "{self.name}" has a cell reference that is not valid') from e
        for letters in set(map(str.rstrip, refs, repeat(_DIGITS))):
            self.max_col = max(self.max_col, self.ref(letters + "1")[1] + 1)
        self.max_row = max(self.max_row, rows)
        self.budget.check_area(self.name, self.max_row, self.max_col)
        text = len("".join(filterfalse(names.__contains__, events)).encode("utf-8", "surrogatepass"))
        if marks:
            values = [events[m] for m in marks]
            closed = [events[m + 1] if m + 1 < len(events) else "" for m in marks]
            digits = "".join(values)
            if closed.count(tag_v) != len(marks) or not all(values) or not (digits.isascii() and digits.isdigit()):
                raise Refused("unreadable-file", f'sheet "{self.name}" has a shared-string index that is not valid')
            indices = list(map(int, values))
            if max(indices) >= len(self.sizes):
                raise Refused("unreadable-file", f'sheet "{self.name}" points at a shared string that does not exist')
            text += sum(map(self.sizes.__getitem__, indices))
        self.budget.add_text(self.name, text)

    def close_exact(self, ref: str, kind: str | None, value: str, has_formula: bool) -> None:
        """A cell read exactly has closed: flag an error or a formula without a saved value, or
        account for the shared string its value names."""
        if kind == "e":
            self.flags[self.ref(ref)] = CellFlag("error", value or "#ERROR")
        elif has_formula and not value:  # a formula whose value was never saved
            self.flags[self.ref(ref)] = CellFlag("formula")
        elif kind == "s" and value:
            self.budget.add_text(self.name, self.shared_size(value))

    def shared_size(self, index: str) -> int:
        if not (index.isascii() and index.isdigit()) or int(index) >= len(self.sizes):
            raise Refused("unreadable-file", f'sheet "{self.name}" points at a shared string that does not exist')
        return self.sizes[int(index)]

    def ref(self, ref: str | None) -> tuple[int, int]:
        try:
            return parse_ref(ref or "")
        except ValueError as e:
            raise Refused(
                "unreadable-file", f'sheet "{self.name}" has a cell reference {ref!r} that is not valid'
            ) from e


def scan_sheet(fh: IO[bytes], name: str, sizes: array[int], budget: Budget) -> SheetFacts:
    """Stream one worksheet part through expat; refuse it past a cap; return its flags and hidden rows.

    The common cell costs one small Python call per opening tag: its reference and type are
    noted. Its value's text and its closing tags are appended to one list by expat itself (a C
    ``list.append``, no Python frame), and area and text are accounted in bulk every few thousand
    cells. Only a cell that can be flagged (``t="e"``, or one holding an ``<f>``) switches the
    parser to exact per-event handlers until the cell closes."""
    totals = _Totals(name, sizes, budget)
    row = _Row(name)
    parser = expat_parser()
    refs, events, marks = totals.refs, totals.events, totals.marks  # the run since the last accounting
    add = events.append
    tag_c = tag_v = tag_f = tag_row = ""
    kind: str | None = None  # the current cell's t attribute
    special: list[Any] = []  # a flaggable cell being read exactly: [ref, kind, in_value, value pieces, has_formula]

    def root(qname: str, attrs: dict[str, str]) -> None:
        nonlocal tag_c, tag_v, tag_f, tag_row
        ns = qname.rpartition(" ")[0]
        tag_v, tag_c, tag_row, tag_f = (f"{ns} {t}" if ns else t for t in ("v", "c", "row", "f"))
        parser.StartElementHandler = start

    def start(qname: str, attrs: dict[str, str]) -> None:
        nonlocal kind
        if qname == tag_c:
            if len(refs) >= _ACCOUNT_EVERY:
                totals.flush(row, tag_v, parser.intern)
            ref = attrs.get("r")
            if ref is None:  # placed after the previous cell of its row, as readers place it
                ref = row.place(refs, totals)
            refs.append(ref)
            kind = attrs.get("t")
            if kind == "e":
                begin_exact(ref)
        elif qname == tag_v:
            if special:
                special[2] = True
            elif kind == "s":
                marks.append(len(events))
        elif qname == tag_row:
            row.begin(attrs, len(refs), totals)
            kind = None
        elif qname == tag_f and refs and not special:
            begin_exact(refs[-1])
            special[4] = True

    def begin_exact(ref: str) -> None:
        special[:] = [ref, kind, False, [], False]
        parser.CharacterDataHandler = exact_text
        parser.EndElementHandler = exact_end

    def exact_text(data: str) -> None:
        add(data)
        if special and special[2]:
            special[3].append(data)

    def exact_end(qname: str) -> None:
        if qname == tag_v and special:
            special[2] = False
        elif qname == tag_c:
            ref, cell_kind, _, pieces, has_formula = special
            special.clear()
            parser.CharacterDataHandler = parser.EndElementHandler = add
            totals.close_exact(ref, cell_kind, "".join(pieces), has_formula)

    parser.StartElementHandler = root
    parser.CharacterDataHandler = parser.EndElementHandler = add
    parse_sheet(parser, fh, name)
    if tag_c:
        totals.flush(row, tag_v, parser.intern)
    budget.add_area(name, totals.max_row, totals.max_col)
    return SheetFacts(flags=totals.flags, hidden_rows=frozenset(totals.hidden))


def parse_sheet(parser: pyexpat.XMLParserType, fh: IO[bytes], name: str) -> None:
    """Run ``parser`` over a sheet part; malformed XML is an unreadable file naming the sheet."""
    try:
        parser.ParseFile(fh)
    except pyexpat.ExpatError as e:
        raise Refused("unreadable-file", f'sheet "{name}" is damaged ({pyexpat.ErrorString(e.code)})', name) from e


class _Row:
    """Where the ``<row>`` being read stands, for ``scan_sheet``: its number, and how many of its
    cells were accounted before the current run (the references since the last accounting)."""

    def __init__(self, name: str):
        self.name = name
        self.number = 0  # 1-based; the row an r-less <row> follows
        self.start = 0  # position in the run's references of the row's first cell
        self.before = 0  # cells of the row accounted before ``start``
        self.previous = ""  # the row's last cell reference before ``start``

    def check(self, count: int) -> None:
        """Refuse the row once it holds more than Excel's column count of cells."""
        if self.before + count > _MAX_ROW_CELLS:
            raise Refused(
                "unsafe-file", f'sheet "{self.name}" has a row of more than {_MAX_ROW_CELLS:,} cells', self.name
            )

    def begin(self, attrs: dict[str, str], position: int, totals: _Totals) -> None:
        """A ``<row>`` opens at ``position`` of the run: check the row it ends, note its number and hiding."""
        self.check(position - self.start)
        r = attrs.get("r")
        try:
            self.number = int(r) if r is not None else self.number + 1
        except ValueError as e:
            raise Refused("unreadable-file", f'sheet "{self.name}" has a row number {r!r} that is not valid') from e
        totals.max_row = max(totals.max_row, self.number)
        if attrs.get("hidden") in ("1", "true"):
            totals.hidden.add(self.number - 1)
        self.start = position
        self.before = 0
        self.previous = ""

    def place(self, refs: list[str], totals: _Totals) -> str:
        """The reference of a cell written without one: the column after the row's previous cell."""
        previous = refs[-1] if len(refs) > self.start else self.previous
        col = totals.ref(previous)[1] + 1 if previous else 0
        return f"{column_letter(col)}{self.number}"

    def accounted(self, refs: list[str]) -> None:
        """The run ``refs`` is about to be accounted and cleared: carry the row's count over it."""
        self.check(len(refs) - self.start)
        if len(refs) > self.start:
            self.before += len(refs) - self.start
            self.previous = refs[-1]
        self.start = 0


#: What an error cell holds in the copy ``copy_with_known_errors`` makes: an error every reader knows.
KNOWN_ERROR = b"#N/A"


def error_value_spans(fh: IO[bytes], name: str) -> list[tuple[int, int]]:
    """Byte ranges (start, end) of the saved value of each error cell (``t="e"``) of one sheet part:
    from the end of ``<v>``'s start tag to the start of its end tag, as expat reports the positions
    of its events (so entity and character references, CDATA and prefixes are all covered)."""
    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _refuse_dtd
    spans: list[tuple[int, int]] = []
    in_error = in_value = False  # inside a t="e" cell; inside its <v>
    begins: int | None = None  # where the current <v>'s content begins, once an event inside it came

    def inside(*_: object) -> None:  # the first event inside an error cell's <v> marks where its text begins
        nonlocal begins
        if in_value and begins is None:
            begins = parser.CurrentByteIndex

    def start(qname: str, attrs: dict[str, str]) -> None:
        nonlocal in_error, in_value, begins
        inside()
        tag = local_name(qname)
        if tag == "c":
            in_error = attrs.get("t") == "e"
        elif tag == "v" and in_error:
            in_value, begins = True, None

    def end(qname: str) -> None:
        nonlocal in_error, in_value
        inside()
        tag = local_name(qname)
        if tag == "v" and in_value:
            if begins is not None and begins < parser.CurrentByteIndex:
                spans.append((begins, parser.CurrentByteIndex))
            in_value = False
        elif tag == "c":
            in_error = False

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = parser.StartCdataSectionHandler = inside
    parser.CommentHandler = parser.ProcessingInstructionHandler = inside
    parse_sheet(parser, fh, name)
    return spans


def local_name(qname: str) -> str:
    """expat's ``"namespace-uri local-name"`` -> ``local-name``."""
    return qname.rpartition(" ")[2]


def copy_with_known_errors(zf: zipfile.ZipFile, sheets: dict[str, str], out: IO[bytes], caps: Caps) -> None:
    """Write a copy of the workbook to ``out`` in which every error cell of the given sheets
    (sheet name -> part) holds ``KNOWN_ERROR``, for a reader that refuses a sheet over an error code
    it does not know (``#SPILL!``, ``#CALC!``, ...). Each part is copied through the size cap; the
    error cells were already flagged, with their own text, by ``scan_sheet``."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for sheet_name, part in sheets.items():
        with open_capped(zf, part, caps) as fh:  # the stand-ins it writes keep every byte's position
            spans[part] = error_value_spans(fh, sheet_name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in zf.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info) as src, copy.open(entry, "w") as dst:
                _splice(src, dst, spans.get(info.filename, []), caps.max_uncompressed_bytes, info.filename)


def _splice(src: IO[bytes], dst: IO[bytes], spans: list[tuple[int, int]], limit: int, part: str) -> None:
    """Copy ``src`` to ``dst`` with each byte range in ``spans`` (in order) replaced by ``KNOWN_ERROR``."""
    position = 0
    pending = deque(spans)
    while chunk := src.read(CHUNK):
        if position + len(chunk) > limit:
            raise Refused("unsafe-file", f"part {part} decompresses past the cap")
        end = position + len(chunk)
        at = 0  # bytes of this chunk written or skipped so far
        while pending and pending[0][0] < end:
            start, stop = pending[0]
            if start >= position + at:
                dst.write(chunk[at : start - position])
                dst.write(KNOWN_ERROR)
                at = start - position
            at = min(max(at, stop - position), len(chunk))
            if stop > end:
                break
            pending.popleft()
        dst.write(chunk[at:])
        position = end


@dataclass(frozen=True)
class ScanWorkers:
    """When an .xlsx's sheets are scanned in worker processes, and by what.

    The sheet parts of at least ``min_part`` bytes (uncompressed, as the zip declares) go to workers
    when they add up to ``min_bytes`` or more and at least two workers would start; every other sheet,
    and every sheet of a smaller workbook, is scanned in-process. ``jobs``: worker processes at most
    (None: one per core this process may use; 1: none). ``python``: the interpreter that runs them
    (None: this one; a frozen application scans in-process)."""

    jobs: int | None = None
    min_bytes: int = 8_000_000
    min_part: int = 500_000
    python: str | None = None


@dataclass(frozen=True)
class SheetScan:
    """One sheet scanned on its own (``scan_part``): its facts, used area and cell text, or the refusal
    that stopped it (``text`` then counts the cell text accounted before the refusal)."""

    facts: SheetFacts
    text: int
    rows: int = 0
    columns: int = 0
    refused: Refused | None = None


def scan_part(zf: zipfile.ZipFile, part: str, sheet_name: str, sizes: array[int], caps: Caps) -> SheetScan:
    """Scan one sheet part against the per-sheet caps only; a refusal is returned, not raised, with the
    text accounted before it, so that ``admit`` can tell whether the workbook's text cap came first."""
    budget = SheetBudget(caps)
    try:
        with open_capped(zf, part, caps) as fh:
            facts = scan_sheet(fh, sheet_name, sizes, budget)
    except Refused as e:
        e.sheet = e.sheet or sheet_name
        return SheetScan(SheetFacts(), budget.text, refused=e)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        refused = Refused("unreadable-file", f'sheet "{sheet_name}" is damaged', sheet_name)
        refused.__cause__ = e
        return SheetScan(SheetFacts(), budget.text, refused=refused)
    return SheetScan(facts, budget.text, budget.rows, budget.columns)


def admit(budget: Budget, sheet_name: str, scan: SheetScan) -> SheetFacts:
    """Add one sheet scanned on its own to the workbook's running totals (call in sheet order).

    The result, or the refusal, is the one the sheet meets when it is scanned against the running
    totals (``scan_sheet`` with the workbook's ``Budget``): cell text only grows, so the workbook's text cap is crossed
    inside this sheet exactly when the text before it plus the sheet's text up to its end (or up to
    its own refusal) is over the cap, and that crossing comes first; then the sheet's own refusal;
    then its used area, counted towards the workbook's cells."""
    budget.add_text(sheet_name, scan.text)
    if scan.refused is not None:
        raise scan.refused
    budget.add_area(sheet_name, scan.rows, scan.columns)
    return scan.facts


def iter_xlsx(
    zf: zipfile.ZipFile, wanted: Callable[[str], bool], caps: Caps, workers: ScanWorkers | None = None
) -> Iterator[tuple[str, SheetFacts]]:
    """Each wanted sheet's facts as soon as it has passed the caps (the shared strings pass first;
    the workbook-wide caps count the sheets passed so far), in workbook order. A large workbook's
    large sheets are scanned in worker processes meanwhile (``ScanWorkers``; None: the defaults)."""
    names = set(zf.namelist())
    parts = sheet_parts(zf, names, caps)
    sheets = [(sheet_name, part) for sheet_name, part in parts.items() if part in names and wanted(sheet_name)]
    pool = _Pool.start(zf, sheets, workers or ScanWorkers())
    with pool or contextlib.nullcontext():
        sizes = shared_string_sizes(zf, names, caps)
        if pool is not None:
            pool.serve(cast(str, zf.filename), caps, sizes)
        budget = Budget(caps)
        for index, (sheet_name, part) in enumerate(sheets):
            scan = pool.result(index) if pool is not None else None
            if scan is None:  # no workers, a small part, or one no worker could scan: read here
                scan = scan_part(zf, part, sheet_name, sizes, caps)
            yield sheet_name, admit(budget, sheet_name, scan)


# ---- worker processes ---------------------------------------------------------------------------------

#: What a scan worker runs (``python -I -S -c``: no site, no current folder on the path). It leaves
#: Ctrl-C to the parent, which stops it; takes the parent's module path; and imports this module and
#: ``sheet_facts`` under a bare package, not the package's ``__init__``, which would load every stage
#: (a quarter of a second a worker). Then ``serve`` answers until told to stop.
_WORKER_MAIN = """
import importlib, json, signal, struct, sys, types
signal.signal(signal.SIGINT, signal.SIG_IGN)
(size,) = struct.unpack(">Q", sys.stdin.buffer.read(8))
boot = json.loads(sys.stdin.buffer.read(size))
sys.path[:] = boot["path"]
package = types.ModuleType(boot["package"])
package.__path__ = [boot["directory"]]
sys.modules[boot["package"]] = package
importlib.import_module(boot["module"]).serve(sys.stdin.buffer, sys.stdout.buffer)
"""


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """A scan worker's loop: read the workbook's path, the caps and the shared-string sizes, then for
    each sheet asked for answer with its ``SheetScan``, until an empty request. A failure nobody
    foresaw is answered as such: the parent scans that sheet itself and meets it there."""
    header = json.loads(_read_frame(requests))
    sizes = array("I")
    sizes.frombytes(_read_frame(requests))
    caps = Caps(**header["caps"])
    with zipfile.ZipFile(header["file"]) as zf:
        while request := _read_frame(requests):
            sheet_name, part = json.loads(request)
            try:
                answer = _encode(scan_part(zf, part, sheet_name, sizes, caps))
            except Exception as e:  # unforeseen: said so, and the parent scans this sheet in-process
                answer = {"failed": f"{type(e).__name__}: {e}"[:200]}
            _write_frame(answers, json.dumps(answer).encode())


def _encode(scan: SheetScan) -> dict[str, Any]:
    if scan.refused is not None:
        return {"text": scan.text, "refused": [scan.refused.code, scan.refused.reason, scan.refused.sheet]}
    return {
        "text": scan.text,
        "rows": scan.rows,
        "columns": scan.columns,
        "flags": [[r, c, flag.kind, flag.value] for (r, c), flag in scan.facts.flags.items()],
        "hidden": sorted(scan.facts.hidden_rows),
    }


def _decode(answer: dict[str, Any]) -> SheetScan | None:
    """A worker's answer as a ``SheetScan`` (None: it failed on that sheet)."""
    if "failed" in answer:
        return None
    if "refused" in answer:
        code, reason, sheet_name = answer["refused"]
        return SheetScan(SheetFacts(), int(answer["text"]), refused=Refused(code, reason, sheet_name))
    flags = {(int(r), int(c)): CellFlag(kind, value) for r, c, kind, value in answer["flags"]}
    facts = SheetFacts(flags=flags, hidden_rows=frozenset(map(int, answer["hidden"])))
    return SheetScan(facts, int(answer["text"]), int(answer["rows"]), int(answer["columns"]))


def _write_frame(fh: IO[bytes], data: bytes) -> None:
    fh.write(struct.pack(">Q", len(data)))
    fh.write(data)
    fh.flush()


def _read_frame(fh: IO[bytes]) -> bytes:
    """One length-prefixed message; EOFError when the other side has gone."""
    head = fh.read(8)
    if len(head) < 8:
        raise EOFError("the other side stopped")
    (size,) = struct.unpack(">Q", head)
    data = fh.read(size)
    if len(data) < size:
        raise EOFError("the other side stopped")
    return data


def _cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


class _Pool:
    """The worker processes scanning one workbook's large sheet parts.

    Each worker is a fresh interpreter started with ``_WORKER_MAIN`` (never a fork: the parent may
    have threads, calamine's loader among them, and a notebook or a host application has more),
    with a thread here that feeds it: the thread takes the next sheet no worker has taken (in
    workbook order, so the parent can admit and load them as they come), sends it, and posts the
    answer. A worker that dies, cannot start or answers nonsense costs only time: the sheet it held
    is posted as lost, and it and every sheet no worker is left to take are scanned in-process.
    ``close`` (the ``with`` block's end, also on Ctrl-C) kills the workers and waits for them."""

    def __init__(self, procs: list[subprocess.Popen[bytes]], sheets: list[tuple[str, str]], order: list[int]):
        self.procs = procs
        self.sheets = sheets
        self.indices = frozenset(order)
        self.pending = deque(order)  # sheets no worker has taken yet, in the order they are taken
        self.lock = threading.Lock()
        self.answers: queue.SimpleQueue[tuple[int | None, SheetScan | None]] = queue.SimpleQueue()
        self.done: dict[int, SheetScan | None] = {}
        self.live = len(procs)
        self.threads: list[threading.Thread] = []

    @classmethod
    def start(cls, zf: zipfile.ZipFile, sheets: list[tuple[str, str]], workers: ScanWorkers) -> _Pool | None:
        """Start the workers when it pays (see ``ScanWorkers``), or None: scan everything in-process."""
        python = workers.python or ("" if getattr(sys, "frozen", False) else sys.executable)
        jobs = workers.jobs if workers.jobs is not None else _cores()
        if not python or not zf.filename or jobs < 2:
            return None
        size = {index: zf.getinfo(part).file_size for index, (_, part) in enumerate(sheets)}
        large = [index for index in size if size[index] >= workers.min_part]
        if len(large) < 2 or sum(size[index] for index in large) < workers.min_bytes:
            return None
        boot = json.dumps(
            {
                "path": [p for p in sys.path if isinstance(p, str)],
                "package": __package__,
                "directory": os.path.dirname(os.path.abspath(__file__)),
                "module": __name__,
            }
        ).encode()
        pool = cls([], sheets, large)
        try:
            for _ in range(min(jobs, len(large))):
                try:
                    proc = subprocess.Popen(
                        [python, "-I", "-S", "-c", _WORKER_MAIN],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                        creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                    )
                except (OSError, ValueError, subprocess.SubprocessError):  # no such interpreter, no processes here
                    break
                pool.procs.append(proc)
                try:
                    _write_frame(cast(IO[bytes], proc.stdin), boot)  # read as soon as the interpreter is up
                except OSError:
                    pass  # gone already: its feeder will find out
        except BaseException:  # Ctrl-C while starting them
            pool.close()
            raise
        if not pool.procs:
            return None
        pool.live = len(pool.procs)
        return pool

    def serve(self, file: str, caps: Caps, sizes: array[int]) -> None:
        """Give the workers the workbook and start feeding them sheets."""
        header = json.dumps({"file": os.path.abspath(file), "caps": asdict(caps)}).encode()
        for proc in self.procs:
            thread = threading.Thread(target=self._feed, args=(proc, header, sizes.tobytes()), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _take(self) -> int | None:
        with self.lock:
            return self.pending.popleft() if self.pending else None

    def _feed(self, proc: subprocess.Popen[bytes], header: bytes, sizes: bytes) -> None:
        requests, answers = cast(IO[bytes], proc.stdin), cast(IO[bytes], proc.stdout)
        index = None
        try:
            _write_frame(requests, header)
            _write_frame(requests, sizes)
            while (index := self._take()) is not None:
                _write_frame(requests, json.dumps(self.sheets[index]).encode())
                self.answers.put((index, _decode(json.loads(_read_frame(answers)))))
            _write_frame(requests, b"")
        except Exception:  # the worker died, or answered something unexpected: the sheet it held is lost
            if index is not None:
                self.answers.put((index, None))
        finally:
            self.answers.put((None, None))  # this worker takes nothing more

    def result(self, index: int) -> SheetScan | None:
        """Sheet ``index``'s scan once its worker has answered; None for a sheet the workers do not
        scan, one whose worker failed on it or died holding it, and one no worker is left to take:
        the caller scans it in-process."""
        if index not in self.indices:
            return None
        while index not in self.done:
            if not self.live:  # every feeder has stopped, and posted what it held
                with self.lock:
                    if index in self.pending:
                        self.pending.remove(index)
                return None
            try:
                taken, scan = self.answers.get(timeout=0.5)  # a timeout keeps Ctrl-C prompt everywhere
            except queue.Empty:
                continue
            if taken is None:
                self.live -= 1
            else:
                self.done[taken] = scan
        return self.done.pop(index)

    def close(self) -> None:
        with self.lock:
            self.pending.clear()
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()  # done, or no longer wanted (a refusal, an error, Ctrl-C): nothing to wait for
        for thread in self.threads:
            thread.join(timeout=10)  # the pipes closed with the process: the feeder stops at once
        for proc in self.procs:
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                try:
                    if pipe is not None:
                        pipe.close()
                except OSError:
                    pass

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
