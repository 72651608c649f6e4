"""Column kinds are declared objects (intake/column_kinds.py) and every consumer reads them: the
validator's parser, the blank workbook's widget and number format, the docs' label, the frames' dtype."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from planforge.core.markdown import pipe_cell
from planforge.intake import column_kinds, schema
from planforge.intake.column_kinds import KINDS, ColumnKind
from planforge.intake.parse import Rules
from planforge.intake.reference_docs import intake_reference
from planforge.portfolio.frames import _sheet_frame
from planforge.validation.validate import _Checker

COMMITTED = Path(__file__).resolve().parents[2] / "workbook_templates" / "intake-template.xlsx"


def test_every_column_and_setting_holds_a_declared_kind():
    for sheet in schema.SHEETS:
        for col in sheet.columns:
            assert isinstance(col.kind, ColumnKind) and KINDS[col.kind.name] is col.kind, (sheet.name, col.key)
    for setting in schema.SETTINGS:
        assert KINDS[setting.kind.name] is setting.kind, setting.key
        assert setting.help, setting.key  # help and default have defaults only for the field order's sake


def test_a_kind_is_declared_by_name_or_object_and_an_unknown_name_fails():
    assert schema.Column("x", "X", "money") == schema.Column("x", "X", column_kinds.MONEY)
    assert schema.Column("x", "X").kind is column_kinds.TEXT
    with pytest.raises(KeyError, match="unknown column kind 'mony'"):
        schema.Column("x", "X", "mony")
    with pytest.raises(KeyError, match="unknown column kind"):
        schema.Setting("x", "X", "phase-days", "1, 2, 3, 4, 5", "help")


def _odd(rules: Rules) -> object:
    return str.upper


ODD = dataclasses.replace(column_kinds.MONEY, name="odd", parser=_odd, dtype="Float32")


def test_validation_parses_a_cell_with_its_kinds_parser():
    reader = _Checker("intake.xlsx")._reader(0, schema.Column("x", "X", ODD))
    assert reader[5] is str.upper


def test_frames_type_a_column_with_its_kinds_dtype():
    pytest.importorskip("pandas")
    sheet = dataclasses.replace(schema.PROJECTS, columns=(schema.Column("x", "X", ODD),))
    frame = _sheet_frame(sheet, [])
    assert str(frame["X"].dtype) == "Float32"


def test_the_docs_label_each_column_and_setting_with_its_kinds_label():
    text = intake_reference()
    for sheet in schema.SHEETS:
        for col in sheet.columns:
            label = col.kind.label + (f": {', '.join(col.choices)}" if col.choices else "")
            assert f"| {pipe_cell(col.header)} | {pipe_cell(label)} |" in text, (sheet.name, col.key)
    for setting in schema.SETTINGS:
        assert f"| {setting.label} | {setting.kind.label} |" in text


def test_the_blank_workbook_gives_each_column_its_kinds_widget_and_number_format():
    wb = openpyxl.load_workbook(COMMITTED)
    for sheet in schema.SHEETS:
        ws = wb[sheet.name]
        widgets = {str(dv.sqref).split(":")[0]: dv.type for dv in ws.data_validations.dataValidation}
        formats = {i: dim.number_format for dim in ws.column_dimensions.values() for i in range(dim.min, dim.max + 1)}
        for j, col in enumerate(sheet.columns):
            letter = openpyxl.utils.get_column_letter(j + 1)
            if not (sheet.child and col.key == "project_id"):
                widget = col.kind.widget(col.header, col.choices)["validate"]
                assert widgets[f"{letter}2"] == (None if widget == "any" else widget), (sheet.name, col.key)
            assert formats[j + 1] == (col.kind.number_format or "@"), (sheet.name, col.key)
