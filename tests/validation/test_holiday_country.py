"""Holiday Country is read at its cell, in Settings and on each Projects row (issues 20 and 22): a value
that is no country or subdivision code of the holidays library is a located error with the closest codes,
before any project is derived; GB (no nationwide calendar) is a warning naming its regions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from planforge.api import generate, validate
from planforge.intake.parse import BadValue, Reading
from planforge.validation.holiday_country import read_holiday_country
from support import PROJECT_HEADER, PROJECT_ROW, ROOT

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


@pytest.mark.parametrize("typed", ["US", "us", " gb-eng ", "CA-ON", "ca-on", "DEU", "de-bw"])
def test_a_known_code_is_read_case_blind(typed):
    assert read_holiday_country(typed) == typed.strip().upper()


@pytest.mark.parametrize("typed", ["GB", "gb", "UK"])
def test_the_united_kingdom_alone_is_read_with_a_warning_naming_its_nations(typed):
    reading = read_holiday_country(typed)
    assert isinstance(reading, Reading) and reading.code == "holiday-country-region"
    assert reading.value == typed.upper()
    for region in ("GB-ENG", "GB-SCT", "GB-WLS", "GB-NIR"):
        assert region.replace("GB", typed.upper()) in reading.params["suggestion"]


@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("APR", None),
        ("bank", None),
        ("XX", None),
        ("Germany", "DE (Germany)"),
        ("Grmany", "DE (Germany)"),
        ("CA-XX", "CA-AB, CA-BC"),
        ("DE, GB, CA-ON", "one code a cell"),
        ("DE, GB", "one code a cell"),
    ],
)
def test_any_other_value_is_a_located_error_with_the_closest_codes(tmp_path, typed, offered):
    report = validate([_with_country(tmp_path, typed)])
    found = [p for p in report.problems if p.code == "unknown-holiday-country"]
    assert [(p.sheet, p.column, p.severity.value) for p in found] == [("Settings", "Value", "error")]
    assert found[0].cell.startswith("B")
    if offered:
        assert offered in found[0].message
    assert not [p for p in report.problems if p.code == "internal-error"]


def test_a_name_of_the_library_is_said_to_be_no_country_and_a_country_name_offers_its_code():
    with pytest.raises(BadValue) as apr:
        read_holiday_country("APR")
    assert "APR is a name in the holiday library, not a country" in apr.value.params["suggestion"]
    with pytest.raises(BadValue) as germany:
        read_holiday_country("Germany")
    assert germany.value.params["suggestion"] == " (closest: DE (Germany))"


def test_gb_in_settings_is_a_located_warning(tmp_path):
    report = validate([_with_country(tmp_path, "GB")])
    found = [(p.sheet, p.column, p.code, p.severity.value) for p in report.problems if "holiday" in p.code]
    assert found == [("Settings", "Value", "holiday-country-region", "warning")]


def test_a_settings_country_set_aside_leaves_plans_on_weekends_and_says_so(tmp_path):
    result = generate([_with_country(tmp_path, "APR")], tmp_path / "out", plan_date=DAY, jobs=1)
    assert not result.failed and not [p for p in result.report.problems if p.code == "internal-error"]
    plans = list((tmp_path / "out").glob("*-implementation-plan.md"))
    assert len(plans) == 10
    assert "Business days exclude weekends only." in plans[0].read_text("utf-8")


def _row_country(book, value: object) -> Path:
    return book(Projects=[[*PROJECT_HEADER, "Holiday Country"], [*PROJECT_ROW, value]])


@pytest.mark.parametrize("typed", ["DE, GB", "Germany", "APR", "XX", "CA-XX"])
def test_a_projects_row_value_is_a_located_error_that_holds_the_project_back(book, typed):
    report = validate([_row_country(book, typed)])
    found = [p for p in report.problems if p.code == "unknown-holiday-country"]
    assert [(p.sheet, p.row, p.column, p.cell, p.severity.value) for p in found] == [
        ("Projects", 2, "Holiday Country", "H2", "error")
    ]
    assert found[0].project_id == "P-1" and report.portfolio.projects == []


def test_a_projects_row_code_is_the_projects_calendar(book):
    report = validate([_row_country(book, "de-bw")])
    assert report.valid and report.portfolio.projects[0].holiday_country == "DE-BW"


def test_gb_on_a_projects_row_is_a_warning_at_its_cell_and_the_project_is_kept(book):
    report = validate([_row_country(book, "GB")])
    assert [(p.sheet, p.cell, p.code) for p in report.problems] == [("Projects", "H2", "holiday-country-region")]
    assert "GB-ENG" in report.problems[0].message and report.portfolio.projects[0].holiday_country == "GB"
