"""Settings > Holiday Country is read at its cell (issue 20 item 2): a value that is no country or
subdivision code of the holidays library is a located warning with the closest codes, before any
project is derived, and every plan is still written (on weekends and closures only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from planforge.api import generate, validate
from planforge.validation.holiday_country import read_holiday_country
from support import ROOT

SAMPLE = ROOT / "samples" / "intake-sample.xlsx"
DAY = date(2026, 1, 15)


def _with_country(tmp_path: Path, value: object) -> Path:
    book = openpyxl.load_workbook(SAMPLE)
    ws = book["Settings"]
    row = next((r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Holiday Country"), None)
    if row is None:
        row = ws.max_row + 1
        ws.cell(row, 1).value = "Holiday Country"
    ws.cell(row, 2).value = value
    path = tmp_path / "intake.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("typed", ["US", "us", " gb ", "CA-ON", "ca-on", "DEU"])
def test_a_known_code_is_read_case_blind(typed):
    assert read_holiday_country(typed) == typed.strip().upper()


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("APR", None),
        ("bank", None),
        ("XX", None),
        ("Germany", "DE (Germany)"),
        ("Grmany", "DE (Germany)"),
        ("CA-XX", "CA-AB, CA-BC"),
        ("DE, GB, CA-ON", "one code only"),
    ],
)
def test_any_other_value_is_a_located_warning_with_the_closest_codes(tmp_path, typed, offered):
    report = validate([_with_country(tmp_path, typed)])
    found = [p for p in report.problems if p.code == "unknown-holiday-country"]
    assert [(p.sheet, p.column, p.severity.value) for p in found] == [("Settings", "Value", "warning")]
    assert found[0].cell.startswith("B")
    if offered:
        assert offered in found[0].message
    assert not [p for p in report.problems if p.code == "internal-error"]


def test_every_plan_is_still_written_when_the_country_is_set_aside(tmp_path):
    result = generate([_with_country(tmp_path, "APR")], tmp_path / "out", plan_date=DAY, jobs=1)
    assert not result.failed and not [p for p in result.report.problems if p.code == "internal-error"]
    assert len(list((tmp_path / "out").glob("*-implementation-plan.md"))) == 10
