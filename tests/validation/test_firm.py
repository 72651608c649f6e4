"""The firm's profile on the Settings sheet (issue 22): a blank Firm Name is an error at its cell
for a client edition and a warning for a draft; Settings > Logo is read as an image relative to the
workbook, and a file that cannot be used is a located warning, never a traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.api import validate
from planforge.cli import main
from planforge.core.images import LogoError, read_logo
from planforge.intake.reader import read_workbook
from planforge.validation.validate import validate_workbooks
from support import PROJECT_HEADER, PROJECT_ROW, png, write_book

FIRM_CODES = {"firm-name-missing", "firm-name-placeholder", "logo-unusable"}


def flat(report) -> list[tuple]:
    """The firm profile's problems (the small book lacks child sheets: those are not the point here)."""
    return [p.flat() for p in report.problems if p.code in FIRM_CODES]


def _book(tmp_path: Path, *settings: list[object]) -> Path:
    sheets = {"Projects": [PROJECT_HEADER, PROJECT_ROW], "Settings": [["Setting", "Value"], *map(list, settings)]}
    return write_book(tmp_path / "intake.xlsx", sheets, firm=None)


def _validate(path: Path, firm: str):
    return validate_workbooks([read_workbook(path)], firm=firm)  # type: ignore[arg-type]


def test_a_blank_firm_name_holds_back_a_client_edition_at_its_cell(tmp_path):
    report = _validate(_book(tmp_path, ["Currency", "USD"], ["Firm Name", None]), "required")
    assert flat(report) == [("Settings", 3, "Value", "firm-name-missing")]
    assert report.portfolio.projects == [] and list(report.invalid_projects) == ["P-1"]


def test_no_firm_name_row_is_reported_on_the_settings_sheet(tmp_path):
    report = _validate(_book(tmp_path, ["Currency", "USD"]), "required")
    assert flat(report) == [("Settings", None, "Value", "firm-name-missing")]


def test_a_draft_without_firm_name_is_written_with_a_warning(tmp_path):
    report = _validate(_book(tmp_path, ["Firm Name", " "]), "draft")
    assert flat(report) == [("Settings", 2, "Value", "firm-name-placeholder")]
    assert [p.project_id for p in report.portfolio.projects] == ["P-1"]


def test_validate_alone_does_not_ask_for_the_firm(tmp_path):
    assert flat(_validate(_book(tmp_path), "ignore")) == []


def test_a_firm_name_passes(tmp_path):
    report = _validate(_book(tmp_path, ["Firm Name", "Northwind"]), "required")
    assert flat(report) == [] and report.portfolio.settings.firm_name == "Northwind"


def test_the_logo_is_read_relative_to_the_workbook(tmp_path):
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "logo.png").write_bytes(png(3, 2))
    report = _validate(_book(tmp_path, ["Firm Name", "Northwind"], ["Logo", "art/logo.png"]), "required")
    logo = report.portfolio.settings.logo
    assert flat(report) == [] and logo is not None
    assert (logo.mime, logo.width, logo.height, logo.data) == ("image/png", 3, 2, png(3, 2))


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.png", None), ("notes.png", b"not an image at all"), ("folder", "dir"), ("../nowhere/logo.png", None)],
)
def test_a_logo_that_cannot_be_used_is_a_warning_at_its_cell(tmp_path, name, content):
    if content == "dir":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_bytes(content)
    report = _validate(_book(tmp_path, ["Firm Name", "Northwind"], ["Logo", name]), "required")
    assert flat(report) == [("Settings", 3, "Value", "logo-unusable")]
    assert report.portfolio.settings.logo is None and [p.project_id for p in report.portfolio.projects] == ["P-1"]


def test_an_oversized_logo_is_refused(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(png() + b"\0" * 2_000_001)
    with pytest.raises(LogoError, match="over 2 MB"):
        read_logo(path)


def test_validate_counts_a_blank_firm_name_as_generate_does(tmp_path):
    """``planforge validate`` says before ``generate`` what generate will refuse; ``--draft`` as
    ``generate --draft``; its --json equals the library's report."""
    path = _book(tmp_path)
    refused = CliRunner().invoke(main, ["validate", str(path), "--json", "--date", "2026-01-15"])
    assert refused.exit_code == 1
    assert json.loads(refused.output) == validate([path], plan_date=date(2026, 1, 15)).to_dict()
    assert "firm-name-missing" in {p["code"] for p in json.loads(refused.output)["problems"]}
    drafted = CliRunner().invoke(main, ["validate", str(path), "--json", "--draft"])
    assert "firm-name-placeholder" in {p["code"] for p in json.loads(drafted.output)["problems"]}
    assert flat(validate([path], draft=True)) == [("Settings", None, "Value", "firm-name-placeholder")]
