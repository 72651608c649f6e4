"""Hostile and broken input: clear located errors, nothing lost, nothing executed, nothing half-written."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from array import array
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.core.errors import UnreadableWorkbook
from planforge.intake import reader as intake
from planforge.intake.sheet_facts import Budget, Caps, Refused
from planforge.intake.xlsx_facts import open_capped, scan_sheet
from planforge.outputs.base_texts import BASE_DIR
from planforge.pipeline import generate
from planforge.rerun.manifest import MANIFEST_NAME
from planforge.validation.validate import validate_files
from support import NO_CALC, PROJECT_HEADER, PROJECT_ROW, SAMPLE, flat, libreoffice_calc

DAY = date(2026, 1, 15)


def codes_for(path) -> list[tuple[str, str]]:
    return [(p.code, p.file) for p in validate_files([path]).problems]


# ---- file level -------------------------------------------------------------------------------


def test_truncated_zip(tmp_path):
    data = SAMPLE.read_bytes()
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    assert codes_for(bad) == [("unreadable-file", "cut.xlsx")]


def test_corrupt_part_inside_a_valid_zip(tmp_path):
    bad = tmp_path / "corrupt.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[:40] if item.filename.endswith("sheet2.xml") else data)
    assert [c for c, _ in codes_for(bad)] == ["unreadable-file"]


def test_empty_file_and_random_bytes(tmp_path):
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "noise.xlsx").write_bytes(bytes(range(256)) * 10)
    assert "empty" in validate_files([tmp_path / "empty.xlsx"]).problems[0].message
    assert codes_for(tmp_path / "noise.xlsx") == [("unreadable-file", "noise.xlsx")]


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in validate_files([path]).problems[0].message


def test_encrypted_workbook(tmp_path):
    pytest.importorskip("msoffcrypto", reason="msoffcrypto-tool makes the encrypted fixture")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, locked.open("wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    assert codes_for(locked) == [("encrypted-file", "locked.xlsx")]


def test_zip_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        dst.writestr("xl/media/padding.xml", b" " * 60_000_000)  # 60 MB of spaces compress to ~60 KB
    problems = validate_files([path]).problems
    assert [(p.code, p.file) for p in problems] == [("unsafe-file", "bomb.xlsx")]
    assert "zip bomb" in problems[0].message


def test_declared_size_cap(tmp_path):
    with pytest.raises(UnreadableWorkbook) as caught:
        intake.read_workbook(SAMPLE, caps=Caps(max_uncompressed_bytes=10_000))
    assert caught.value.problem.code == "unsafe-file"


def test_lying_headers_cannot_decompress_past_the_cap():
    with (
        zipfile.ZipFile(SAMPLE) as zf,
        pytest.raises(Refused),
        open_capped(zf, "xl/worksheets/sheet2.xml", Caps(max_uncompressed_bytes=1000)) as fh,
    ):
        while fh.read(1 << 16):
            pass


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        b'<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_entity_expansion_and_external_entities_are_refused(tmp_path, doctype):
    path = tmp_path / "entities.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"?>", b"?>" + doctype, 1)
            dst.writestr(item, data)
    problems = validate_files([path]).problems
    assert [(p.code, "DTD" in p.message) for p in problems] == [("unsafe-file", True)]


def test_one_far_away_cell_cannot_blow_up_memory(book):
    def far(wb):
        wb["Projects"]["XFD1048576"] = "x"  # a few bytes of XML; read densely it is 17 billion cells

    report = validate_files([book(after=far)])
    assert [(p.code, "XFD" not in p.message and "1,048,576 rows" in p.message) for p in report.problems] == [
        ("unsafe-file", True)
    ]


def test_wide_but_reasonable_sheets_are_read(book):
    def wide(wb):
        wb["Projects"]["ZZ40"] = "stray note"

    report = validate_files([book(after=wide)])
    assert report.portfolio.projects and not [p for p in report.problems if p.code == "unsafe-file"]


def test_xlsm_is_read(tmp_path):
    path = tmp_path / "intake.xlsm"
    shutil.copy(SAMPLE, path)
    assert validate_files([path]).valid


@pytest.mark.skipif(not libreoffice_calc(), reason=NO_CALC)
@pytest.mark.parametrize("target, ext", [("ods", "ods"), ("xls:MS Excel 97", "xls")])
def test_ods_and_xls_are_read(tmp_path, target, ext):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", target, "--outdir", str(tmp_path), str(SAMPLE)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    report = validate_files([tmp_path / f"intake-sample.{ext}"])
    assert report.valid, [p.line() for p in report.errors]
    assert len(report.portfolio.projects) == 10
    assert report.portfolio.projects[0].kickoff_date == date(2026, 2, 2)


def test_lock_files_next_to_workbooks_are_skipped(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "intake.xlsx")
    (tmp_path / "~$intake.xlsx").write_bytes(b"\x00" * 165)
    report = validate_files([tmp_path])
    assert report.valid and len(report.portfolio.projects) == 10
    assert [(p.code, p.file) for p in report.problems if p.code == "lock-file-skipped"] == [
        ("lock-file-skipped", "~$intake.xlsx")
    ]


def test_scratch_sheets_are_not_read(book):
    def scratch(wb):
        ws = wb.create_sheet("My notes")
        ws["A1"] = "=SUM(1,2)"  # a formula without a saved value: would be an error on a schema sheet
        ws["B1"] = "#REF!"
        ws["B1"].data_type = "e"

    report = validate_files([book(after=scratch)])
    assert report.valid and report.problems == []


def test_empty_workbook(book, tmp_path):
    path = tmp_path / "blank.xlsx"
    openpyxl.Workbook().save(path)
    assert [p.code for p in validate_files([path]).problems] == ["missing-sheet"]


# ---- cell level -------------------------------------------------------------------------------


def test_odd_unicode_headers(book):
    header = ["Ｐｒｏｊｅｃｔ ＩＤ", "Project\u200bName", "Client\u00a0Name", "SYSTEM_A", "system   b"]
    report = validate_files([book(Projects=[header, ["X1", "n", "c", "Shopify", "Klaviyo"]])])
    assert report.valid, [p.line() for p in report.problems]


def test_merged_cells_warn(book):
    def merge(wb):
        wb["Projects"].merge_cells("B2:C2")

    report = validate_files([book(after=merge)])
    assert ("Projects", None, "", "merged-cells") in flat(report)


def test_hidden_rows_warn_and_are_read(book):
    def hide(wb):
        wb["Projects"].row_dimensions[2].hidden = True

    report = validate_files([book(after=hide)])
    assert ("Projects", 2, "", "hidden-row") in flat(report)
    assert len(report.portfolio.projects) == 1


def test_1904_date_system(book):
    def mac(wb):
        from datetime import datetime

        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        wb.epoch = CALENDAR_MAC_1904
        wb["Projects"]["G2"] = datetime(2026, 2, 2)

    report = validate_files([book(after=mac)])
    assert report.portfolio.projects[0].kickoff_date == date(2026, 2, 2)


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Yes", True),
        ("y", True),
        ("TRUE", True),
        (True, True),
        ("x", True),
        (1, True),
        ("No", False),
        ("n", False),
        (False, False),
        ("0", False),
    ],
)
def test_boolean_spellings(book, cell, expected):
    report = validate_files([book(Projects=[PROJECT_HEADER + ["Data Migration"], PROJECT_ROW + [cell]])])
    assert report.portfolio.projects[0].data_migration is expected


def _patched(book, tmp_path, replacements: dict[bytes, bytes]) -> Path:
    """A workbook whose Projects sheet XML is edited by hand (what openpyxl refuses to write)."""
    source = book(Projects=[PROJECT_HEADER, ["P-1", "NAME_HERE", "CLIENT_HERE", "Shopify", "Xero"]])
    target = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            for old, new in replacements.items():
                data = data.replace(old, new)
            dst.writestr(item, data)
    return target


def test_control_characters_are_removed(book, tmp_path):
    path = _patched(book, tmp_path, {b"NAME_HERE": b"Order_x0007_ sync_x001B_", b"CLIENT_HERE": b"Cli&#x9;ent_x0001_"})
    report = validate_files([path])
    project = report.portfolio.projects[0]
    assert project.project_name == "Order sync"
    assert "\x01" not in project.client_name


def test_a_raw_control_byte_costs_nothing_but_a_located_warning(book, tmp_path):
    # XML 1.0 forbids U+0001 (Excel writes _x0001_), but programs write it raw: the file stays readable,
    # the character is removed from the value and the cell says so
    path = _patched(book, tmp_path, {b"CLIENT_HERE": b"Client\x01"})
    report = validate_files([path])
    assert [p.flat() for p in report.problems if p.code == "text-cleaned"] == [
        ("Projects", 2, "Client Name", "text-cleaned")
    ]
    assert report.portfolio.projects[0].client_name == "Client"


def test_text_over_excel_cell_limit(book, tmp_path):
    report = validate_files([_patched(book, tmp_path, {b"NAME_HERE": b"x" * 40_000})])
    assert ("Projects", 2, "Project Name", "text-too-long") in flat(report)
    assert "40,000 characters" in next(p.message for p in report.problems if p.code == "text-too-long")


@pytest.mark.parametrize(
    "value, prefix, digits",
    [(12345678901234567890, "1234567890123456", 20), (1e20, "100000000000000000000", 21), (42.0, "42", 2)],
)
def test_huge_and_float_ids_become_plain_digits(book, value, prefix, digits):
    report = validate_files([book(Projects=[PROJECT_HEADER, [value] + PROJECT_ROW[1:]])])
    pid = report.portfolio.projects[0].project_id
    assert pid.isdigit() and pid.startswith(prefix) and len(pid) == digits  # never "1.2e+19"


def test_date_typed_id_is_a_located_error(book):
    from datetime import datetime

    report = validate_files([book(Projects=[PROJECT_HEADER, [datetime(2026, 1, 1)] + PROJECT_ROW[1:]])])
    assert flat(report) == [("Projects", 2, "Project ID", "wrong-type")]


# ---- output level -----------------------------------------------------------------------------


@pytest.mark.parametrize("pid", ["..", "../escape", "a\\b", "CON", "nul.txt", "LPT1", "/etc/x"])
def test_unsafe_ids_never_become_paths(book, tmp_path, pid):
    out = tmp_path / "out"
    result = generate(
        [book(Projects=[PROJECT_HEADER, [pid] + PROJECT_ROW[1:], ["OK-1"] + PROJECT_ROW[1:]])], out, plan_date=DAY
    )
    assert sorted(p.name for p in out.iterdir() if p.name not in (MANIFEST_NAME, BASE_DIR)) == [
        "OK-1-implementation-plan.md",
        "portfolio-summary.xlsx",
        "review",
    ]
    assert [p.name for p in (out / "review").iterdir()] == ["OK-1-review.md"]
    assert list(result.skipped) == [pid]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.xlsx", "out"]


def test_interrupted_run_leaves_no_partial_files(book, tmp_path, monkeypatch):
    from planforge.outputs import batch as outputs

    real = outputs.plan_markdown
    calls = {"n": 0}

    def flaky(ctx, options):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(ctx, options)

    monkeypatch.setattr(outputs, "plan_markdown", flaky)
    projects = [PROJECT_HEADER] + [[f"P-{i}"] + PROJECT_ROW[1:] for i in range(5)]
    with pytest.raises(KeyboardInterrupt):
        generate([book(Projects=projects)], tmp_path / "out", plan_date=DAY, jobs=1)
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file())
    assert names == ["P-0-implementation-plan.md", "P-1-implementation-plan.md"]  # whole files only, no temp files
    for name in names:
        assert "**Document Control**" in (tmp_path / "out" / name).read_text("utf-8")


def test_failed_write_leaves_no_temp_file(tmp_path, monkeypatch):
    import os

    from planforge.core.atomic import write_bytes
    from planforge.core.errors import OutputError

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="No space left"):
        write_bytes(tmp_path / "plan.md", b"data")
    assert list(tmp_path.iterdir()) == []


def test_traceback_only_with_debug(tmp_path, monkeypatch):
    from planforge import pipeline

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(pipeline, "read_files", boom)
    plain = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(tmp_path)])
    assert plain.exit_code == 1 and "internal error" in plain.output and "Traceback" not in plain.output
    debug = CliRunner().invoke(main, ["--debug", "generate", str(SAMPLE), "-o", str(tmp_path)])
    assert isinstance(debug.exception, RuntimeError)


def test_unclosed_cells_are_an_unreadable_file_not_a_hang():
    # 20,000 formula cells with no closing tags: the old regex scan was quadratic here; a parser stops at the end
    cells = b"".join(b'<c r="A%d"><f>1+1' % i for i in range(1, 20001))
    data = b'<worksheet><sheetData><row r="1">' + cells + b"</row></sheetData></worksheet>"
    with pytest.raises(Refused) as caught:
        scan_sheet(io.BytesIO(data), "Projects", array("I"), Budget(Caps()))
    assert (caught.value.code, caught.value.sheet) == ("unreadable-file", "Projects")
