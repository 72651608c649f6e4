"""Facts about an .xlsx that calamine hides or would pay for too late, read by parsing its XML.

Before calamine expands anything, the shared-string table and each schema sheet are streamed
with lxml (no DTD, no entities, no network) in chunks of rows, so memory stays flat whatever
the part's size. Per sheet this yields the used area (refused over the caps), the cell text
after shared-string expansion (refused over the cap), formulas without a saved value, error
cells and hidden rows. Elements are parsed, never matched as text: attribute order, quote
style and namespace prefixes do not matter, and a malformed part is an unreadable file.
"""

from __future__ import annotations

import zipfile
from array import array
from collections.abc import Callable, Iterator
from itertools import repeat
from typing import IO

from lxml import etree

from .sheet_facts import CHUNK, Budget, Caps, CellFlag, Refused, SheetFacts, column_letter, parse_ref, pull_parser

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
_ROWS_PER_CHUNK = 1024
_MAX_ROW_CELLS = 16_384  # Excel's column count: a longer row is built, never read


def local(tag: object) -> str:
    """``{ns}row`` -> ``row`` (comments and processing instructions have no string tag)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def open_capped(zf: zipfile.ZipFile, part: str, caps: Caps) -> IO[bytes]:
    """A part's decompressed stream that refuses to go past the size cap whatever its header claims."""
    return _CappedReader(zf.open(part), caps.max_uncompressed_bytes, part)


class _CappedReader:
    def __init__(self, fh: IO[bytes], limit: int, part: str):
        self.fh, self.left, self.part = fh, limit, part

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n if n >= 0 else CHUNK)
        self.left -= len(data)
        if self.left < 0:
            raise Refused("unsafe-file", f"part {self.part} decompresses past the cap")
        return data

    def __enter__(self) -> _CappedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


def stream(fh: IO[bytes], what: str, *, events: tuple[str, ...], tag: object = None) -> Iterator[tuple]:
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


def shared_string_sizes(zf: zipfile.ZipFile, names: set[str], caps: Caps) -> array:
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


class _SheetScan:
    """Running state of one sheet's scan: used area so far, text, flags, hidden rows."""

    def __init__(self, name: str, ns: str, sizes: array, budget: Budget):
        self.name, self.sizes, self.budget = name, sizes, budget
        p = f"{{{ns}}}" if ns else ""
        self.tag_c, self.tag_v, self.tag_f, self.tag_is = p + "c", p + "v", p + "f", p + "is"
        self.max_row = 0  # 1-based extents of the used area
        self.max_col = 0
        self.last_row = 0  # the row an r-less <row> follows
        self.flags: dict[tuple[int, int], CellFlag] = {}
        self.hidden: set[int] = set()

    def chunk(self, rows: list[etree._Element]) -> None:
        """Account for complete rows: positions, text, flags. One pass, a few lookups a cell."""
        tag_c, tag_v, tag_is, sizes = self.tag_c, self.tag_v, self.tag_is, self.sizes
        refs: list[str] = []
        shared: list[str] = []
        text = 0
        for row in rows:
            r = row.get("r")
            try:
                self.last_row = int(r) if r is not None else self.last_row + 1
            except ValueError as e:
                raise Refused("unreadable-file", f'sheet "{self.name}" has a row number {r!r} that is not valid') from e
            if row.get("hidden") in ("1", "true"):
                self.hidden.add(self.last_row - 1)
            col = -1
            previous: str | None = None
            for cell in row.iterchildren(tag_c):
                ref = cell.get("r")
                if ref is None:  # placed after the previous cell, as readers place it
                    col = self._ref(previous)[1] + 1 if previous is not None else col + 1
                    ref = f"{column_letter(col)}{self.last_row}"
                previous = ref
                refs.append(ref)
                kind = cell.get("t")
                n = len(cell)
                if n == 1:
                    child = cell[0]
                    if child.tag == tag_v:
                        if kind == "s":
                            shared.append(child.text or "")
                            continue
                        if kind != "e":
                            text += len(child.text or "")
                            continue
                    elif child.tag == tag_is:
                        text += len("".join(child.itertext()).encode("utf-8", "surrogatepass"))
                        continue
                elif n == 0 and kind != "e":
                    continue
                self._flag(cell, ref, kind)
        self._extents(refs)
        try:
            text += sum(map(sizes.__getitem__, map(int, shared)))
        except (ValueError, IndexError) as e:
            raise Refused(
                "unreadable-file", f'sheet "{self.name}" points at a shared string that does not exist'
            ) from e
        self.budget.add_text(self.name, text)

    def _flag(self, cell: etree._Element, ref: str, kind: str | None) -> None:
        """A cell with a formula, an error, or several children: flag it if its value is missing or an error."""
        value = cell.findtext(self.tag_v) or ""
        if kind == "e":
            self.flags[self._ref(ref)] = CellFlag("error", value or "#ERROR")
        elif cell.find(self.tag_f) is not None and not value:  # a formula whose value was never saved
            self.flags[self._ref(ref)] = CellFlag("formula")
        elif kind == "s" and value:
            self.budget.add_text(self.name, self._shared_size(value))
        elif kind != "s":
            self.budget.add_text(
                self.name,
                len(value) + len("".join(cell.find(self.tag_is).itertext()))
                if cell.find(self.tag_is) is not None
                else len(value),
            )

    def _shared_size(self, index: str) -> int:
        try:
            return self.sizes[int(index)]
        except (ValueError, IndexError) as e:
            raise Refused(
                "unreadable-file", f'sheet "{self.name}" points at a shared string that does not exist'
            ) from e

    def _ref(self, ref: str | None) -> tuple[int, int]:
        try:
            return parse_ref(ref or "")
        except ValueError as e:
            raise Refused(
                "unreadable-file", f'sheet "{self.name}" has a cell reference {ref!r} that is not valid'
            ) from e

    def _extents(self, refs: list[str]) -> None:
        """Grow the used area by these references (bulk: distinct column letters are few)."""
        try:
            rows = max(map(int, map(str.lstrip, refs, repeat(_UPPER))), default=0)
        except ValueError as e:
            raise Refused("unreadable-file", f'sheet "{self.name}" has a cell reference that is not valid') from e
        for letters in set(map(str.rstrip, refs, repeat(_DIGITS))):
            self.max_col = max(self.max_col, self._ref(letters + "1")[1] + 1)
        self.max_row = max(self.max_row, rows, self.last_row)
        self.budget.check_area(self.name, self.max_row, self.max_col)


def scan_sheet(fh: IO[bytes], name: str, sizes: array, budget: Budget) -> SheetFacts:
    """Stream one worksheet part; refuse it past a cap; return its flags and hidden rows."""
    scan: _SheetScan | None = None
    sheet_data: etree._Element | None = None
    pending = 0
    what = f'sheet "{name}"'
    parser = pull_parser(events=("end",), tag="{*}row")

    def flush() -> None:
        nonlocal pending
        if sheet_data is None or scan is None or not pending:
            return
        scan.chunk(sheet_data[:pending])
        del sheet_data[:pending]  # the tree never holds more than one chunk of rows
        pending = 0

    try:
        while chunk := fh.read(CHUNK):
            parser.feed(chunk)
            for _, row in parser.read_events():
                if sheet_data is None:
                    parent = row.getparent()
                    if parent is None or local(parent.tag) != "sheetData":
                        continue
                    sheet_data = parent
                    ns = row.tag[1:].split("}", 1)[0] if row.tag.startswith("{") else ""
                    scan = _SheetScan(name, ns, sizes, budget)
                pending += 1
            if pending >= _ROWS_PER_CHUNK:
                flush()
            if sheet_data is not None and len(sheet_data) > pending and len(sheet_data[-1]) > _MAX_ROW_CELLS:
                raise Refused("unsafe-file", f'sheet "{name}" has a row of more than {_MAX_ROW_CELLS:,} cells', name)
        parser.close()
        for _ in parser.read_events():
            pass
    except etree.XMLSyntaxError as e:
        raise Refused("unreadable-file", f"{what} is damaged ({str(e).splitlines()[0][:120]})", name) from e
    if sheet_data is not None:
        pending = len(sheet_data)
        flush()
    if scan is None:
        return SheetFacts()
    budget.add_area(name, scan.max_row, scan.max_col)
    return SheetFacts(flags=scan.flags, hidden_rows=frozenset(scan.hidden))


def scan_xlsx(zf: zipfile.ZipFile, wanted: Callable[[str], bool], caps: Caps) -> dict[str, SheetFacts]:
    """Facts for each wanted sheet, after the shared strings and every wanted sheet pass the caps."""
    names = set(zf.namelist())
    parts = sheet_parts(zf, names, caps)
    sizes = shared_string_sizes(zf, names, caps)
    budget = Budget(caps)
    facts: dict[str, SheetFacts] = {}
    for sheet_name, part in parts.items():
        if part not in names or not wanted(sheet_name):
            continue
        try:
            with open_capped(zf, part, caps) as fh:
                facts[sheet_name] = scan_sheet(fh, sheet_name, sizes, budget)
        except Refused as e:
            e.sheet = e.sheet or sheet_name
            raise
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise Refused("unreadable-file", f'sheet "{sheet_name}" is damaged', sheet_name) from e
    return facts
