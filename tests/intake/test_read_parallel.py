"""Sheets scanned in worker processes give exactly what the in-process scan gives: the same rows, flags
and hidden rows, the same located refusal, and the same result when a worker cannot start, dies or
talks nonsense. The parallel path is forced on small files with an explicit ``ScanWorkers``."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest

from planforge.core.errors import UnreadableWorkbook
from planforge.intake import reader as intake
from planforge.intake import xlsx_facts
from planforge.intake.reader import ScanWorkers, read_workbook
from planforge.intake.schema import SHEETS
from planforge.intake.sheet_facts import Caps
from planforge.intake.xlsx_facts import _Pool, scan_part, shared_string_sizes, sheet_parts
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, SAMPLE, write_book

FIXTURES = Path(__file__).parents[1] / "fixtures"
IN_PROCESS = ScanWorkers(jobs=1)
FORCED = ScanWorkers(jobs=2, min_bytes=0, min_part=0)  # every sheet to one of two workers, whatever its size
HEADERS = {sheet.name: [c.header for c in sheet.columns] for sheet in SHEETS}
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="the stand-in interpreters are shell-style scripts")


def outcome(path: Path, workers: ScanWorkers, caps: Caps | None = None) -> tuple:
    """What a read gives, comparable: every sheet with its flags in order, or the refusal's problem."""
    try:
        raw = read_workbook(path, caps, workers)
    except UnreadableWorkbook as e:
        return ("refused", e.problem)
    return ("read", raw, {name: list(sheet.flags) for name, sheet in raw.sheets.items()})


def messy_book(tmp_path: Path) -> Path:
    """Projects and Risks with an error cell, a formula without a value and hidden rows."""

    def mess(wb):
        ws = wb["Projects"]
        ws["F3"] = "#REF!"
        ws["F3"].data_type = "e"
        ws["B4"] = "=1+1"  # openpyxl saves no value: a formula without one
        ws.row_dimensions[3].hidden = True
        wb["Risks"].row_dimensions[40].hidden = True

    projects = [PROJECT_HEADER] + [[f"P-{i}", *PROJECT_ROW[1:]] for i in range(1, 30)]
    risks = [RISK_HEADER] + [[f"P-{i % 29 + 1}", f"risk {i}", "High", "Low", "watch", "Ann"] for i in range(300)]
    sheets = {"Projects": projects, "Risks": risks, "Team": [HEADERS["Team"]], "Alerts": [HEADERS["Alerts"]]}
    return write_book(tmp_path / "messy.xlsx", sheets, after=mess)


def patched(source: Path, target: Path, part: str, old: bytes, new: bytes) -> Path:
    """``source`` with one replacement in one part's XML."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            dst.writestr(item, data)
    return target


def risks_part(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return sheet_parts(zf, set(zf.namelist()), Caps())["Risks"]


FAR = b'<row r="5000"><c r="XFD5000"><v>1</v></c></row></sheetData>'  # 5,000 rows x 16,384 columns


def far_risks(tmp_path: Path) -> Path:
    """The messy book with a far cell on Risks: refused before calamine allocates."""
    messy = messy_book(tmp_path)
    return patched(messy, tmp_path / "far.xlsx", risks_part(messy), b"</sheetData>", FAR)


# ---- the same workbook either way -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sample", "parity", "messy"])
def test_workers_read_exactly_what_the_in_process_scan_reads(tmp_path, name):
    path = {"sample": SAMPLE, "parity": FIXTURES / "parity.xlsx"}.get(name) or messy_book(tmp_path)
    alone, forced = outcome(path, IN_PROCESS), outcome(path, FORCED)
    assert alone[0] == "read" and forced == alone
    if name != "sample":
        assert any(sheet.flags for sheet in alone[1].sheets.values())
        assert any(sheet.hidden_rows for sheet in alone[1].sheets.values())


def test_every_sheet_is_answered_by_a_worker_with_the_in_process_scan(tmp_path):
    path = messy_book(tmp_path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        sheets = list(sheet_parts(zf, names, Caps()).items())
        sizes = shared_string_sizes(zf, names, Caps())
        pool = _Pool.start(zf, sheets, FORCED)
        assert pool is not None and len(pool.procs) == 2
        with pool:
            pool.serve(str(path), Caps(), sizes)
            answered = [pool.result(index) for index in range(len(sheets))]
        assert answered == [scan_part(zf, part, name, sizes, Caps()) for name, part in sheets]
        assert all(proc.returncode is not None for proc in pool.procs)


def test_small_workbooks_start_no_worker(tmp_path):
    with zipfile.ZipFile(SAMPLE) as zf:
        sheets = list(sheet_parts(zf, set(zf.namelist()), Caps()).items())
        assert _Pool.start(zf, sheets, ScanWorkers()) is None  # the defaults: a few KB of sheets stay in-process
        assert _Pool.start(zf, sheets, ScanWorkers(jobs=1, min_bytes=0, min_part=0)) is None
        assert _Pool.start(zf, sheets, ScanWorkers(jobs=2, min_bytes=0, min_part=10**9)) is None  # no large part


def test_a_frozen_application_scans_in_process(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # sys.executable is the application, not Python
    with zipfile.ZipFile(SAMPLE) as zf:
        sheets = list(sheet_parts(zf, set(zf.namelist()), Caps()).items())
        assert _Pool.start(zf, sheets, FORCED) is None


# ---- refusals ---------------------------------------------------------------------------------------


def test_a_refusal_found_in_a_worker_is_the_in_process_refusal(tmp_path):
    path = far_risks(tmp_path)
    alone, forced = outcome(path, IN_PROCESS), outcome(path, FORCED)
    assert alone[0] == "refused" and forced == alone
    assert (alone[1].code, alone[1].sheet) == ("unsafe-file", "Risks")


ROW_OF_20000 = b'<row r="5000">' + b'<c r="A5000"><v>1</v></c>' * 20_000 + b"</row></sheetData>"


@pytest.mark.parametrize(
    "tail",
    [
        b'<row r="x"><c r="A9"><v>1</v></c></row></sheetData>',  # a row number that is not one
        b'<row r="900"><c r="1A"><v>1</v></c></row></sheetData>',  # a cell reference that is not one
        b'<row r="900"><c r="A900" t="s"><v>999999</v></c></row></sheetData>',  # no such shared string
        b'<row r="900"><c r="A900" t="s"><v>1<x/>0</v></c></row></sheetData>',  # an index split by markup
        b'<row r="900"><c r="A900" t="e"><v>#REF!</v></c><c r="B900"><f>1+1</f></c></row></sheetData>',  # flags
        b'<row r="900"><c r="A900"><v>1</c></row></sheetData>',  # damaged
        ROW_OF_20000,
    ],
)
def test_each_kind_of_refusal_in_a_worker_is_the_in_process_one(tmp_path, tail):
    messy = messy_book(tmp_path)
    path = patched(messy, tmp_path / "hostile.xlsx", risks_part(messy), b"</sheetData>", tail)
    alone, forced = outcome(path, IN_PROCESS), outcome(path, FORCED)
    assert forced == alone


def test_with_two_sheets_over_a_cap_the_first_is_named_either_way(tmp_path):
    messy = messy_book(tmp_path)
    with zipfile.ZipFile(messy) as zf:
        parts = sheet_parts(zf, set(zf.namelist()), Caps())
    once = patched(messy, tmp_path / "once.xlsx", parts["Risks"], b"</sheetData>", FAR)
    twice = patched(once, tmp_path / "twice.xlsx", parts["Projects"], b"</sheetData>", FAR)
    alone, forced = outcome(twice, IN_PROCESS), outcome(twice, FORCED)
    assert forced == alone and alone[1].sheet == "Projects"


@pytest.mark.parametrize(
    "caps", [Caps(max_workbook_cells=2_000), Caps(max_sheet_cells=1_000), Caps(max_cell_text=5_000)]
)
def test_the_caps_refuse_the_same_sheet_either_way(tmp_path, caps):
    path = messy_book(tmp_path)
    alone, forced = outcome(path, IN_PROCESS, caps), outcome(path, FORCED, caps)
    assert alone[0] == "refused" and forced == alone


def test_the_workbook_text_cap_crossed_before_a_later_fault_in_the_sheet_wins(tmp_path):
    # Risks holds 18,000 cells (accounted in bulk every 16,384) and is damaged at its end. Scanned against the
    # running total, the text of Projects plus Risks' first 16,384 cells crosses the cap: that is the refusal.
    # A worker scans Risks alone, stays under the cap and meets the damage: admitting it must still say "text".
    risks = [RISK_HEADER] + [[f"P-{i}", f"risk {i}", "High", "Low", "watch it", "Ann"] for i in range(3_000)]
    projects = [PROJECT_HEADER] + [[f"P-{i}", *PROJECT_ROW[1:]] for i in range(1, 200)]
    book = write_book(tmp_path / "book.xlsx", {"Projects": projects, "Risks": risks})
    part = risks_part(book)
    path = patched(book, tmp_path / "damaged.xlsx", part, b"</sheetData>", b"<row><c></row></sheetData>")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        sizes = shared_string_sizes(zf, names, Caps())
        projects_text = scan_part(zf, sheet_parts(zf, names, Caps())["Projects"], "Projects", sizes, Caps()).text
        alone_risks = scan_part(zf, part, "Risks", sizes, Caps())
    assert alone_risks.refused is not None and alone_risks.refused.code == "unreadable-file"
    assert alone_risks.text > 0  # one bulk accounting came before the damage
    caps = Caps(max_cell_text=alone_risks.text + projects_text // 2)  # Risks alone fits; with Projects it does not
    alone, forced = outcome(path, IN_PROCESS, caps), outcome(path, FORCED, caps)
    assert alone[0] == "refused" and forced == alone
    assert (alone[1].code, alone[1].sheet) == ("unsafe-file", "Risks") and "cell text" in alone[1].message


# ---- workers that cannot start, die or talk nonsense --------------------------------------------------


def stand_in(tmp_path: Path, name: str, body: str) -> str:
    """An executable that takes the place of the worker interpreter."""
    script = tmp_path / name
    script.write_text(f"#!{sys.executable}\n{body}", "utf-8")
    script.chmod(0o755)
    return str(script)


DIES_AT_ONCE = "import sys\nsys.exit(3)\n"
TALKS_NONSENSE = "import sys\nsys.stdin.buffer.read(8)\nsys.stdout.buffer.write(b'\\x00' * 7 + b'\\x05hello')\n"
# The real worker behind a relay that passes on its first answer, marks the crash, then kills them both.
DIES_AFTER_ONE_ANSWER = """\
import os, signal, struct, subprocess, sys
worker = subprocess.Popen([{python!r}, *sys.argv[1:]], stdout=subprocess.PIPE)
head = worker.stdout.read(8)
answer = head + worker.stdout.read(struct.unpack(">Q", head)[0])
open(os.path.join({marks!r}, str(os.getpid())), "w").close()
sys.stdout.buffer.write(answer)
sys.stdout.buffer.flush()
worker.kill()
worker.wait()
os.kill(os.getpid(), signal.SIGKILL)
"""


@POSIX_ONLY
@pytest.mark.parametrize("behaviour", ["missing", "dies at once", "talks nonsense", "dies after one answer"])
def test_a_worker_that_fails_costs_only_time(tmp_path, behaviour):
    marks = tmp_path / "marks"
    marks.mkdir()
    python = {
        "missing": str(tmp_path / "no-such-python"),
        "dies at once": stand_in(tmp_path, "dies", DIES_AT_ONCE),
        "talks nonsense": stand_in(tmp_path, "nonsense", TALKS_NONSENSE),
        "dies after one answer": stand_in(
            tmp_path, "relay", DIES_AFTER_ONE_ANSWER.format(python=sys.executable, marks=str(marks))
        ),
    }[behaviour]
    path = messy_book(tmp_path)
    workers = ScanWorkers(jobs=2, min_bytes=0, min_part=0, python=python)
    assert outcome(path, workers) == outcome(path, IN_PROCESS)
    if behaviour == "dies after one answer":
        assert list(marks.iterdir())  # a worker answered once, then died: what it held next was read here


@POSIX_ONLY
def test_a_refusal_is_still_found_when_the_workers_die(tmp_path):
    path = far_risks(tmp_path)
    workers = ScanWorkers(jobs=2, min_bytes=0, min_part=0, python=stand_in(tmp_path, "dies", DIES_AT_ONCE))
    assert outcome(path, workers) == outcome(path, IN_PROCESS)


# ---- stopping -----------------------------------------------------------------------------------------


def _children() -> set[int]:
    """This process's live children, from /proc (the field after the command name is the state, then
    the parent's id)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rpartition(")")[2].split()[:2]
        except OSError:  # gone meanwhile
            continue
        if int(ppid) == os.getpid() and state != "Z":
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists child processes through /proc (Linux)")
def test_ctrl_c_during_a_read_stops_the_workers(tmp_path):
    path = messy_book(tmp_path)
    before = _children()
    with zipfile.ZipFile(path) as zf:
        scanned = xlsx_facts.iter_xlsx(zf, intake._wanted, Caps(), FORCED)
        next(scanned)
        assert _children() - before  # the workers are running (one may already have finished its part)
        with pytest.raises(KeyboardInterrupt):
            scanned.throw(KeyboardInterrupt)
    assert _children() == before


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="lists child processes through /proc (Linux)")
def test_a_refused_file_leaves_no_worker_behind(tmp_path):
    path = far_risks(tmp_path)
    before = _children()
    with pytest.raises(UnreadableWorkbook):
        read_workbook(path, workers=FORCED)
    assert _children() == before
