"""The blank intake workbook: in sync with the schema, guiding the analyst, valid when filled."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest

from planforge.intake import schema
from planforge.intake.blank_workbook import write_intake_template
from planforge.validation.validate import validate_files
from support import NO_CALC, ROOT, libreoffice_calc

COMMITTED = ROOT / "workbook_templates" / "intake-template.xlsx"


def test_committed_template_is_what_init_writes(tmp_path):
    fresh = write_intake_template(tmp_path / "intake.xlsx")
    assert fresh.read_bytes() == COMMITTED.read_bytes(), (
        "run: planforge init workbook_templates/intake-template.xlsx --force"
    )


def test_blank_template_validates_clean():
    report = validate_files([COMMITTED])
    assert report.valid and report.problems == []


def test_sheets_headers_notes_and_formats():
    wb = openpyxl.load_workbook(COMMITTED)
    assert wb.sheetnames == [schema.INSTRUCTIONS_SHEET, *[s.name for s in schema.SHEETS], schema.SETTINGS_SHEET]
    for sheet in schema.SHEETS:
        ws = wb[sheet.name]
        headers = [c.value for c in ws[1]]
        assert [h.rstrip(" *") for h in headers] == [c.header for c in sheet.columns]
        assert all(ws.cell(1, j + 1).comment is not None for j in range(len(sheet.columns)))
        assert ws.freeze_panes in ("A2", "B2")
        for j, col in enumerate(sheet.columns, start=1):
            assert headers[j - 1].endswith("*") == col.required
    projects = wb["Projects"]
    formats = {
        c.header: projects.column_dimensions[openpyxl.utils.get_column_letter(j)].number_format
        for j, c in enumerate(schema.PROJECTS.columns, start=1)
    }
    assert (formats["Confidence"], formats["Kickoff Date"], formats["Budget"], formats["Project ID"]) == (
        "0%",
        "yyyy-mm-dd",
        "#,##0.00",
        "@",
    )


def _validations(ws):
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_dropdowns_on_every_choice_column_and_project_id_picklists():
    wb = openpyxl.load_workbook(COMMITTED)
    for sheet in schema.SHEETS:
        dvs = _validations(wb[sheet.name])
        for j, col in enumerate(sheet.columns):
            letter = openpyxl.utils.get_column_letter(j + 1)
            dv = dvs[f"{letter}2"]
            if col.kind.name in ("choice", "choices"):
                assert dv.type == "list" and all(c in dv.formula1 for c in col.choices), (sheet.name, col.header)
            if sheet.child and col.key == "project_id":
                assert dv.type == "list" and dv.formula1 == "ProjectIDs"
    assert "OFFSET(Projects!$A$2" in wb.defined_names["ProjectIDs"].attr_text


def test_filled_template_round_trips_through_the_validator(tmp_path):
    from datetime import date

    data = {
        "Projects": [
            dict(
                project_id="00042",
                project_name="n",
                client_name="c",
                system_a="Square",
                system_b="Shopify",
                confidence=0.7,
                kickoff_date=date(2026, 3, 2),
            )
        ],
        "Risks": [dict(project_id="00042", risk="r", likelihood="High", impact="Low")],
    }
    path = write_intake_template(tmp_path / "filled.xlsx", data)
    report = validate_files([path])
    assert report.valid
    project = report.portfolio.projects[0]
    assert (project.project_id, project.kickoff_date, len(project.risks)) == ("00042", date(2026, 3, 2), 1)


@pytest.mark.skipif(not libreoffice_calc(), reason=NO_CALC)
def test_libreoffice_resave_of_the_sample_gives_the_same_model(tmp_path):
    sample = ROOT / "samples" / "intake-sample.xlsx"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path),
            str(sample),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = validate_files([tmp_path / sample.name])
    original = validate_files([sample])
    assert resaved.valid

    def strip(ps):
        return [(p.project_id, p.client_name, p.confidence, p.kickoff_date, len(p.team), p.risks) for p in ps]

    assert strip(resaved.portfolio.projects) == strip(original.portfolio.projects)
