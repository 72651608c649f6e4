"""Issue 21: Success Criteria and Open Items carry a Workflow column like Alerts and Test Scenarios,
declared once in the schema and shown in the blank workbook, the intake reference and the field map."""

from __future__ import annotations

import openpyxl
import pytest

from planforge.intake import schema
from planforge.validation.validate import validate_files
from support import ROOT


@pytest.mark.parametrize("sheet", ["Success Criteria", "Open Items"])
def test_the_sheet_declares_a_workflow_column_like_alerts(sheet):
    (declared,) = [s for s in schema.CHILD_SHEETS if s.name == sheet]
    (alerts,) = [s for s in schema.CHILD_SHEETS if s.name == "Alerts"]
    column = declared.column("workflow")
    assert column.header == "Workflow" and column.kind == alerts.column("workflow").kind
    assert "Blank: the whole project" in column.help


@pytest.mark.parametrize("sheet", ["Success Criteria", "Open Items"])
def test_the_blank_workbook_and_docs_show_the_column(sheet):
    book = openpyxl.load_workbook(ROOT / "workbook_templates" / "intake-template.xlsx")
    headers = [c.value for c in next(book[sheet].iter_rows(max_row=1))]
    assert headers[-1] == "Workflow"
    reference = (ROOT / "docs" / "intake-reference.md").read_text("utf-8")
    section = reference.split(f"## {sheet}", 1)[1].split("\n## ", 1)[0]
    assert "\n| Workflow | text |" in section
    assert f"{sheet} > Workflow" in (ROOT / "docs" / "field-map.md").read_text("utf-8")


def test_the_workflow_cells_reach_the_model(book):
    path = book(
        Workflows=[["Project ID", "Workflow"], ["P-1", "Sync orders"]],
        **{
            "Success Criteria": [["Project ID", "Criterion", "Workflow"], ["P-1", "Orders within 5 minutes", "1"]],
            "Open Items": [
                ["Project ID", "Item", "Type", "Workflow"],
                ["P-1", "Which class?", "Question", "Sync orders"],
            ],
        },
    )
    report = validate_files([path])
    assert report.valid, [p.line() for p in report.problems]
    (project,) = report.portfolio.projects
    assert project.success_criteria[0].workflow == "1"
    assert project.open_items[0].workflow == "Sync orders"
