"""Every error value a spreadsheet program writes is a located ``error-cell`` for that cell's project
(issue 20, item 1). Excel 365 writes codes the workbook reader (calamine) does not know, such as
``#SPILL!``; such a cell once cost the whole workbook, naming no cell. Each case edits one ACME-001
cell of the sample (its sheet XML, with zipfile and lxml) and checks that only that cell is flagged
and that the other eight projects still validate."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from planforge.intake import reader, xls_facts, xlsx_facts
from planforge.pipeline import generate
from planforge.validation.validate import validate_files
from support import NO_CALC, SAMPLE, flat, libreoffice_calc
from test_reader import _ods_row, ods

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EXCEL_365 = ("#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA")
OTHERS = ("#PYTHON!", "#TIMEOUT!", "Err:502", "#NULL!", "#N/A", " #REF! ", "#EXTERNAL!")


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): "xl/" + r.get("Target").lstrip("/").removeprefix("xl/") for r in rels}
    book = etree.fromstring(zf.read("xl/workbook.xml"))
    return {s.get("name"): targets[s.get(f"{{{REL}}}id")] for s in book.iter(f"{{{MAIN}}}sheet")}


def with_errors(tmp_path: Path, errors: dict[tuple[str, str], str], name: str = "intake.xlsx") -> Path:
    """The sample with each (sheet, cell) holding a formula whose saved value is the error code given."""
    with zipfile.ZipFile(SAMPLE) as zf:
        parts = _sheet_parts(zf)
        edited: dict[str, bytes] = {}
        for (sheet, ref), code in errors.items():
            part = parts[sheet]
            root = etree.fromstring(edited.get(part) or zf.read(part))
            cell = root.find(f".//{{{MAIN}}}c[@r='{ref}']")
            assert cell is not None, (sheet, ref)
            for child in list(cell):
                cell.remove(child)
            cell.set("t", "e")
            etree.SubElement(cell, f"{{{MAIN}}}f").text = "_xlfn.ANCHORARRAY(A1)"
            etree.SubElement(cell, f"{{{MAIN}}}v").text = code
            edited[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in zf.infolist():
                out.writestr(info, edited.get(info.filename) or zf.read(info))
    return path


@pytest.mark.parametrize("code", EXCEL_365 + OTHERS)
def test_each_error_code_is_a_located_error_cell(tmp_path, code):
    report = validate_files([with_errors(tmp_path, {("Projects", "G2"): code})])
    assert flat(report, "error") == [("Projects", 2, "Confidence", "error-cell")]
    assert code.strip() in report.errors[0].message
    assert len(report.portfolio.projects) == 9  # ACME-001 is skipped, every other project is read


def test_several_codes_on_several_sheets_are_each_located(tmp_path):
    errors = {("Projects", "G2"): "#SPILL!", ("Projects", "G3"): "#NULL!", ("Pain Points", "C2"): "#CALC!"}
    report = validate_files([with_errors(tmp_path, errors)])
    assert sorted(flat(report, "error")) == [
        ("Pain Points", 2, "Hours per Week", "error-cell"),
        ("Projects", 2, "Confidence", "error-cell"),
        ("Projects", 3, "Confidence", "error-cell"),
    ]
    assert {(p.sheet, p.row): p.value for p in report.errors} == {
        ("Pain Points", 2): "#CALC!",
        ("Projects", 2): "#SPILL!",
        ("Projects", 3): "#NULL!",
    }


def test_an_unknown_code_costs_only_its_project_plan(tmp_path):
    result = generate([with_errors(tmp_path, {("Projects", "G2"): "#SPILL!"})], tmp_path / "out", formats=["md"])
    written = sorted(p.name for p in (tmp_path / "out").rglob("*-implementation-plan.md"))
    assert list(result.skipped) == ["ACME-001"]
    assert len(written) == 9 and not any("ACME-001" in name for name in written)


# ---- .ods and .xls as LibreOffice saves them (tests/fixtures/make_errors.py)

FIXTURES = Path(__file__).parents[1] / "fixtures"
LOCATED = [("Projects", row, "Confidence", "error-cell") for row in range(3, 8)]


def _errors(path: Path) -> tuple[list[tuple], list[str | None], list[str]]:
    report = validate_files([path])
    errors = sorted(report.errors, key=lambda p: p.row or 0)
    return [p.flat() for p in errors], [p.value for p in errors], [p.project_id for p in report.portfolio.projects]


def test_ods_errors_as_libreoffice_writes_them_are_located():
    located, values, read = _errors(FIXTURES / "errors.ods")
    assert located == LOCATED and read == ["P-1", "P-7"]
    assert values == ["#NUM!", "Err:522", "Err:502", "#N/A", "#DIV/0!"]


def test_xls_error_codes_even_ones_no_program_writes_are_located():
    located, values, read = _errors(FIXTURES / "errors.xls")
    assert located == LOCATED and read == ["P-1", "P-7"]
    assert values == ["#ERROR", "#VALUE!", "#VALUE!", "#GETTING_DATA", "#DIV/0!"]  # 0x2C has no name


def test_only_a_code_none_of_biffs_sends_an_xls_past_calamine():
    assert xls_facts.has_unknown_errors(FIXTURES / "errors.xls", lambda _: True)
    assert not xls_facts.has_unknown_errors(FIXTURES / "parity.xls", lambda _: True)  # #REF!, #N/A, ... only


def test_an_xls_read_without_calamine_reads_as_calamine_reads_it():
    """The .xls fallback (xlrd) gives the rows calamine gives, on a file calamine reads."""
    path = FIXTURES / "parity.xls"
    calamine = reader.python_calamine.CalamineWorkbook.from_path(str(path))
    xlrd_book = xls_facts.XlrdBook(path)
    assert [m.name for m in xlrd_book.sheets_metadata] == [m.name for m in calamine.sheets_metadata]
    for meta in calamine.sheets_metadata:
        ours = reader._rows(xlrd_book.get_sheet_by_name(meta.name))
        assert ours == reader._rows(calamine.get_sheet_by_name(meta.name)), meta.name


@pytest.mark.skipif(not libreoffice_calc(), reason=NO_CALC)
def test_fixtures_rebuilt_by_libreoffice_give_the_same_problems(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_errors
    finally:
        sys.path.remove(str(FIXTURES))
    make_errors.main(tmp_path)
    for fmt in ("ods", "xls"):
        assert _errors(tmp_path / f"errors.{fmt}") == _errors(FIXTURES / f"errors.{fmt}")


# ---- the copy the reader loads a sheet from when calamine refuses one of its error codes


class _Trickle(io.BytesIO):
    """A part that arrives a few bytes at a time, so a value's span crosses the reads."""

    def read(self, n: int | None = -1) -> bytes:
        return super().read(3)


SHEET = (
    f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'
    '<x:c r="A1" t="e"><x:f>A2#</x:f><x:v>#SPILL!</x:v></x:c>'
    '<x:c r="B1" t="s"><x:v>0</x:v></x:c>'
    '<x:c r="C1" t="e"><x:v>&#35;CALC&#33;</x:v></x:c>'
    '<x:c r="D1" t="e"><x:v><![CDATA[#BUSY!]]></x:v></x:c>'
    '<x:c r="E1" t="e"><x:v/></x:c>'
    '<x:c r="F1" t="e"><x:v></x:v></x:c>'
    '<x:c r="G1"><x:v>#SPILL!</x:v></x:c>'
    "</x:row></x:sheetData></x:worksheet>"
).encode()
KNOWN = SHEET.replace(b'#SPILL!</x:v></x:c><x:c r="B1"', b'#N/A</x:v></x:c><x:c r="B1"')
KNOWN = KNOWN.replace(b"&#35;CALC&#33;", b"#N/A").replace(b"<![CDATA[#BUSY!]]>", b"#N/A")


def test_error_values_are_found_by_parsing_whatever_their_spelling():
    spans = xlsx_facts.error_value_spans(io.BytesIO(SHEET), "Projects")
    assert [SHEET[a:b] for a, b in spans] == [b"#SPILL!", b"&#35;CALC&#33;", b"<![CDATA[#BUSY!]]>"]


def test_the_copy_holds_a_known_error_in_each_error_cell_and_nothing_else_changes():
    spans = xlsx_facts.error_value_spans(io.BytesIO(SHEET), "Projects")
    out = io.BytesIO()
    xlsx_facts._splice(_Trickle(SHEET), out, spans, 1 << 20, "sheet1.xml")
    assert out.getvalue() == KNOWN
    etree.fromstring(out.getvalue())  # still well-formed


def test_the_copy_keeps_the_size_cap():
    with pytest.raises(xlsx_facts.Refused):
        xlsx_facts._splice(io.BytesIO(SHEET), io.BytesIO(), [], 100, "sheet1.xml")


# ---- an .ods from a writer that leaves errors as strings (no calcext:value-type)


@pytest.mark.parametrize("text", ["#SPILL!", "#DIV/0!", "Err:502", "#N/A"])
def test_an_ods_formula_whose_string_result_is_an_error_is_an_error_cell(tmp_path, text):
    cell = f'<table:table-cell table:formula="of:=1/0" office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    report = validate_files([ods(tmp_path, _ods_row({5: cell}))])
    assert flat(report, "error") == [("Projects", 2, "Confidence", "error-cell")]
    assert report.errors[0].value == text


@pytest.mark.parametrize("text", ["#hashtag", "Err:", "Error: 502", "#SPILL"])
def test_an_ods_formula_whose_string_result_only_looks_odd_is_text(tmp_path, text):
    cell = f'<table:table-cell table:formula="of:=A1" office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    report = validate_files([ods(tmp_path, _ods_row({1: cell}))])  # Project Name: any text will do
    assert "error-cell" not in {p.code for p in report.problems}
