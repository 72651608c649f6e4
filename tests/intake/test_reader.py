"""The .xlsx reader parses sheet XML, never matches text, and refuses past the caps before calamine
expands anything. Each hostile workbook is written part by part with zipfile, one kind per test."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from planforge.core.errors import UnreadableWorkbook
from planforge.intake import reader as intake
from planforge.intake.sheet_facts import Caps
from planforge.validation.validate import validate_files
from support import NO_CALC, PROJECT_HEADER, PROJECT_ROW, flat, libreoffice_calc

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Projects" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}


def _cell(ref: str, value: object) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def _row(n: int, values: list, replace: dict[str, str] | None = None) -> str:
    cells = []
    for j, value in enumerate(values):
        ref = f"{chr(65 + j)}{n}"
        cells.append((replace or {}).get(ref, _cell(ref, value)))
    return f'<row r="{n}">' + "".join(cells) + "</row>"


def xlsx(
    tmp_path: Path,
    *,
    cells: dict[str, str] | None = None,
    extra_rows: str = "",
    shared: list[str] = (),
    sheet: str | None = None,
    name: str = "hostile.xlsx",
) -> Path:
    """A one-sheet workbook (Projects: header + one valid project); ``cells`` replace cells of row 2 by raw XML."""
    if sheet is None:
        rows = _row(1, PROJECT_HEADER) + _row(2, PROJECT_ROW, cells) + extra_rows
        sheet = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
        )
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in PARTS.items():
            z.writestr(part, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{strings}</sst>')
    return path


def test_the_builder_makes_a_valid_intake(tmp_path):
    report = validate_files([xlsx(tmp_path)])
    assert report.valid and len(report.portfolio.projects) == 1


def test_inline_text_that_looks_like_a_formula_tag_is_text(tmp_path):
    path = xlsx(tmp_path, cells={"B2": _cell("B2", "codes like X:f and Y:f <f> and <x:f >")})
    report = validate_files([path])
    assert flat(report, "error") == [] and report.portfolio.projects[0].project_name.startswith("codes like X:f")


def test_single_quoted_formula_without_value(tmp_path):
    report = validate_files([xlsx(tmp_path, cells={"F2": "<c r='F2'><f>1+1</f></c>"})])
    assert flat(report, "error") == [("Projects", 2, "Confidence", "formula-no-value")]


def test_error_cell_with_attributes_in_any_order(tmp_path):
    report = validate_files([xlsx(tmp_path, cells={"F2": "<c t='e' s=\"0\" r='F2'><v>#REF!</v></c>"})])
    assert flat(report, "error") == [("Projects", 2, "Confidence", "error-cell")]
    assert "#REF!" in report.errors[0].message


def test_namespaced_prefix_is_parsed(tmp_path):
    rows = _row(1, PROJECT_HEADER).replace("<", "<x:").replace("<x:/", "</x:")
    row2 = _row(2, PROJECT_ROW, {"F2": "<c r='F2'><f>1+1</f></c>"}).replace("<", "<x:").replace("<x:/", "</x:")
    sheet = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{rows}{row2}</x:sheetData></x:worksheet>'
    report = validate_files([xlsx(tmp_path, sheet=sheet)])
    assert ("Projects", 2, "Confidence", "formula-no-value") in flat(report, "error")


def test_cells_without_references_are_placed_after_the_previous_one(tmp_path):
    row = '<row r="2">' + "".join(_cell(f"{chr(65 + j)}2", v) for j, v in enumerate(PROJECT_ROW[:5]))
    row += "<c><f>1+1</f></c></row>"  # no r: column F, Confidence
    report = validate_files(
        [
            xlsx(
                tmp_path,
                sheet=f'<worksheet xmlns="{MAIN}"><sheetData>{_row(1, PROJECT_HEADER)}{row}</sheetData></worksheet>',
            )
        ]
    )
    assert ("Projects", 2, "Confidence", "formula-no-value") in flat(report, "error")


def test_hidden_row_in_single_quotes(tmp_path):
    path = xlsx(
        tmp_path,
        sheet=f'<worksheet xmlns="{MAIN}"><sheetData>{_row(1, PROJECT_HEADER)}'
        + _row(2, PROJECT_ROW).replace('<row r="2">', "<row hidden='true' r='2'>")
        + "</sheetData></worksheet>",
    )
    assert ("Projects", 2, "", "hidden-row") in flat(validate_files([path]))


@pytest.mark.parametrize(
    "far",
    [
        '<row r="3"><c t="n" r="XFD1048576"><v>1</v></c></row>',
        "<row spans='1:2' r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
        '<row spans="1:2" r="1048576"><c t="n"><v>1</v></c><c r="ZZZ1048576"/></row>',
    ],
)
def test_far_cells_are_refused_before_calamine_allocates(tmp_path, far):
    report = validate_files([xlsx(tmp_path, extra_rows=far)])
    assert flat(report, "error") == [("Projects", None, "", "unsafe-file")]


def test_missing_closing_tags_are_a_located_unreadable_file(tmp_path):
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{_row(1, PROJECT_HEADER)}<row r="2"><c r="A2"><f>1+1'
    assert flat(validate_files([xlsx(tmp_path, sheet=sheet)])) == [("Projects", None, "", "unreadable-file")]


def test_a_dtd_after_a_long_comment_is_still_refused(tmp_path):
    sheet = (
        '<?xml version="1.0"?><!--' + "x" * 10_000 + '--><!DOCTYPE w [<!ENTITY a "aaaa">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData>{_row(1, PROJECT_HEADER)}</sheetData></worksheet>'
    )
    problems = validate_files([xlsx(tmp_path, sheet=sheet)]).errors
    assert [(p.code, "DTD" in p.message) for p in problems] == [("unsafe-file", True)]


def test_shared_string_amplification_is_refused(tmp_path):
    # the reproduction: 50,000 cells pointing at one 32,767-character shared string (1.6 GB once expanded)
    cells = "".join(f'<row r="{i}"><c r="B{i}" t="s"><v>0</v></c></row>' for i in range(3, 50_003))
    report = validate_files([xlsx(tmp_path, extra_rows=cells, shared=["x" * 32_767])])
    assert flat(report, "error") == [("Projects", None, "", "unsafe-file")]
    assert "cell text" in report.errors[0].message


def test_cell_text_cap_counts_shared_strings_per_cell(tmp_path):
    cells = "".join(f'<row r="{i}"><c r="B{i}" t="s"><v>0</v></c></row>' for i in range(3, 13))
    path = xlsx(tmp_path, extra_rows=cells, shared=["y" * 1000])
    intake.read_workbook(path, caps=Caps(max_cell_text=11_000))  # 10 x 1,000 bytes plus the inline text fit
    with pytest.raises(UnreadableWorkbook) as caught:
        intake.read_workbook(path, caps=Caps(max_cell_text=9_000))
    assert caught.value.problem.flat() == ("Projects", None, "", "unsafe-file")


def test_cells_per_sheet_and_per_workbook_caps(tmp_path):
    path = xlsx(tmp_path, extra_rows='<row r="100"><c r="G100"><v>1</v></c></row>')  # 100 rows x 7 columns
    intake.read_workbook(path, caps=Caps(max_sheet_cells=700))
    for caps in (Caps(max_sheet_cells=699), Caps(max_workbook_cells=699)):
        with pytest.raises(UnreadableWorkbook) as caught:
            intake.read_workbook(path, caps=caps)
        assert caught.value.problem.flat() == ("Projects", None, "", "unsafe-file")


def test_a_row_of_too_many_cells_is_refused_while_parsing(tmp_path):
    row = '<row r="3">' + '<c r="A3"><v>1</v></c>' * 20_000 + "</row>"
    assert flat(validate_files([xlsx(tmp_path, extra_rows=row)])) == [("Projects", None, "", "unsafe-file")]


def test_a_refused_file_costs_only_that_file(tmp_path):
    xlsx(tmp_path, name="good.xlsx")
    xlsx(tmp_path, name="bad.xlsx", extra_rows='<row r="3"><c t="n" r="XFD1048576"><v>1</v></c></row>')
    report = validate_files([tmp_path])
    assert [(p.file, p.code) for p in report.errors] == [("bad.xlsx", "unsafe-file")]
    assert len(report.portfolio.projects) == 1


def test_a_shared_value_split_by_markup_cannot_hide_its_index(tmp_path):
    # "1" then a child element then "0": calamine would not read index 1; counting it as 1 or 10 would be a guess
    cells = '<row r="3"><c r="B3" t="s"><v>1<x/>0</v></c></row>'
    path = xlsx(tmp_path, extra_rows=cells, shared=["a", "b" * 1000])
    assert flat(validate_files([path])) == [("Projects", None, "", "unreadable-file")]


def test_text_after_a_shared_value_is_text_not_part_of_the_index(tmp_path):
    cells = '<row r="3"><c r="B3" t="s"><v>1</v>0</c></row>'  # the index is 1 (1,000 bytes), never 10
    path = xlsx(tmp_path, extra_rows=cells, shared=["a", "b" * 1000])
    with pytest.raises(UnreadableWorkbook):
        intake.read_workbook(path, caps=Caps(max_cell_text=900))


# ---- format parity: one workbook, the same problems whether LibreOffice saved it as .xlsx, .ods or .xls

FIXTURES = Path(__file__).parents[1] / "fixtures"
PARITY_FORMATS = ("xlsx", "ods", "xls")
MESS = {"error-cell", "formula-no-value", "hidden-row", "hidden-sheet", "merged-cells"}
EXPECTED_MESS = [
    (("Projects", 3, "Confidence", "error-cell"), "#REF!"),
    (("Projects", 4, "Kickoff Date", "error-cell"), "#N/A"),
    (("Projects", 5, "Confidence", "error-cell"), "#DIV/0!"),
    (("Projects", 6, "Confidence", "error-cell"), "#VALUE!"),
    (("Projects", 7, "", "hidden-row"), None),
    (("Projects", 7, "Project Name", "error-cell"), "#NAME?"),  # LibreOffice computed the formula openpyxl left bare
    (("Risks", None, "", "merged-cells"), "A2:A3"),
    (("Alerts", None, "", "hidden-sheet"), None),
]


def _problems(path: Path) -> list[tuple]:
    return sorted(((p.flat(), p.value) for p in validate_files([path]).problems), key=repr)


@pytest.mark.parametrize("fmt", PARITY_FORMATS)
def test_each_format_reports_the_mess(fmt):
    found = [item for item in _problems(FIXTURES / f"parity.{fmt}") if item[0][3] in MESS]
    assert found == sorted(EXPECTED_MESS, key=repr)


def test_every_format_gives_the_same_problems():
    xlsx_, ods, xls = (_problems(FIXTURES / f"parity.{fmt}") for fmt in PARITY_FORMATS)
    assert xlsx_ == ods == xls


@pytest.mark.skipif(not libreoffice_calc(), reason=NO_CALC)
def test_fixtures_rebuilt_by_libreoffice_give_the_same_problems(tmp_path):
    sys.path.insert(0, str(FIXTURES))
    try:
        import make_parity
    finally:
        sys.path.remove(str(FIXTURES))
    make_parity.main(tmp_path)
    for fmt in PARITY_FORMATS:
        assert _problems(tmp_path / f"parity.{fmt}") == _problems(FIXTURES / f"parity.{fmt}")


# ---- .ods specifics, each on a content.xml written in the test

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def _ods_cell(value: object) -> str:
    if isinstance(value, str):
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'


def ods(tmp_path: Path, row2: str | None = None, extra_rows: str = "") -> Path:
    """A one-sheet .ods (Projects: header + one project); ``row2`` replaces row 2's XML."""
    header = "<table:table-row>" + "".join(map(_ods_cell, PROJECT_HEADER)) + "</table:table-row>"
    row2 = row2 or "<table:table-row>" + "".join(map(_ods_cell, PROJECT_ROW)) + "</table:table-row>"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}><office:body><office:spreadsheet>'
        f'<table:table table:name="Projects">{header}{row2}{extra_rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "intake.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        z.writestr("content.xml", content)
    return path


def _ods_row(cells: dict[int, str]) -> str:
    return (
        "<table:table-row>"
        + "".join(cells.get(j, _ods_cell(v)) for j, v in enumerate(PROJECT_ROW))
        + "</table:table-row>"
    )


def test_ods_builder_makes_a_valid_intake(tmp_path):
    report = validate_files([ods(tmp_path)])
    assert report.valid and len(report.portfolio.projects) == 1


def test_ods_formula_without_a_value(tmp_path):
    row = _ods_row({5: '<table:table-cell table:formula="of:=1+1"/>'})
    assert flat(validate_files([ods(tmp_path, row)]), "error") == [("Projects", 2, "Confidence", "formula-no-value")]


def test_ods_error_after_repeated_cells_is_placed_by_the_repeat(tmp_path):
    row = (
        "<table:table-row>"
        + "".join(map(_ods_cell, PROJECT_ROW[:3]))
        + '<table:table-cell table:number-columns-repeated="2"/>'  # D and E blank
        + '<table:table-cell calcext:value-type="error" office:value-type="string"><text:p>#N/A</text:p></table:table-cell>'
        + "</table:table-row>"
    )
    report = validate_files([ods(tmp_path, row)])
    assert ("Projects", 2, "Confidence", "error-cell") in flat(report, "error")


def test_ods_trailing_repeated_empty_rows_and_columns_are_normal(tmp_path):
    tail = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    report = validate_files([ods(tmp_path, extra_rows=tail)])
    assert report.valid


def test_ods_repeated_content_over_the_cap_is_refused(tmp_path):
    far = (
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="700" office:value-type="float" office:value="1"/>'
        "</table:table-row>"
    )
    assert flat(validate_files([ods(tmp_path, extra_rows=far)])) == [("Projects", None, "", "unsafe-file")]


def test_ods_filtered_row_is_hidden(tmp_path):
    row = _ods_row({}).replace("<table:table-row>", '<table:table-row table:visibility="filter">', 1)
    assert ("Projects", 2, "", "hidden-row") in flat(validate_files([ods(tmp_path, row)]))


def test_a_damaged_xls_is_a_located_unreadable_file(tmp_path):
    bad = tmp_path / "damaged.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert [p.code for p in validate_files([bad]).errors] == ["unreadable-file"]


def test_an_empty_shared_cell_is_read_as_blank(tmp_path):
    cells = '<row r="3"><c r="B3" t="s"/></row>'
    assert validate_files([xlsx(tmp_path, extra_rows=cells, shared=["a"])]).valid
