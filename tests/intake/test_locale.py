"""Projects > Locale and Settings > Locale (issue 22): a BCP 47 tag read with Babel at its cell; a plan
prints its money, numbers and percentages in the project's locale, and stays in English."""

from __future__ import annotations

import datetime as dt

import pytest

from planforge.pipeline import generate
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, flat

PAIN_HEADER = ["Project ID", "Pain Point", "Hours per Week"]
SETTINGS_HEADER = ["Setting", "Value"]
RUN_DATE = dt.date(2026, 1, 15)


def project(**extra):
    return [PROJECT_HEADER + list(extra), PROJECT_ROW + list(extra.values())]


def test_a_projects_locale_is_read_into_its_canonical_tag(book):
    report = validate_files([book(Projects=project(Locale="de_de"))])
    assert report.valid and report.portfolio.projects[0].locale == "de-DE"


@pytest.mark.parametrize("typed", ["Deutsch", "xx-YY", "de-DE, en-GB"])
def test_an_unknown_locale_is_an_error_at_its_cell_that_holds_the_project_back(book, typed):
    report = validate_files([book(Projects=project(Locale=typed))])
    assert flat(report) == [("Projects", 2, "Locale", "unknown-locale")]
    assert report.problems[0].cell == "H2" and report.portfolio.projects == []


def test_an_unknown_settings_locale_is_an_error_at_its_cell(book):
    report = validate_files([book(Settings=[SETTINGS_HEADER, ["Locale", "de-DU"]])])
    found = [p for p in report.problems if p.code == "unknown-locale"]
    assert [(p.sheet, p.cell) for p in found] == [("Settings", "B2")]
    assert "de-DE" in found[0].message


def _plan(book, tmp_path, settings=None, **extra) -> str:
    sheets = {
        "Projects": project(Currency="EUR", Budget=48500, **{"Hourly Rate": 40}, **extra),
        "Pain_Points": [PAIN_HEADER, ["P-1", "Re-keying orders", 25.5]],
    }
    if settings:
        sheets["Settings"] = [SETTINGS_HEADER, *settings]
    result = generate([book(**sheets)], tmp_path / "out", plan_date=RUN_DATE, documents=("plan", "sow"))
    assert result.ok
    return (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")


def test_a_german_project_prints_its_figures_in_de_de_and_its_prose_in_english(book, tmp_path):
    plan = _plan(book, tmp_path, Locale="de-DE")
    assert "on a 48.500\u00a0€ budget" in plan and "40,00\u00a0€/h" in plan
    assert "About 25,5 hours a week" in plan and "1.224 hours a year" in plan
    assert "Confidence Score**: 85%" in plan and "Pays back in" in plan
    sow = (tmp_path / "out" / "P-1-sow.md").read_text("utf-8")
    assert "Fee**: 48.500" in sow and "€48,500" not in sow


def test_settings_locale_applies_when_the_project_names_none(book, tmp_path):
    plan = _plan(book, tmp_path, settings=[["Locale", "de-DE"]])
    assert "on a 48.500\u00a0€ budget" in plan


def test_no_locale_prints_a_euro_project_as_before(book, tmp_path):
    plan = _plan(book, tmp_path)
    assert "on a €48,500 budget" in plan and "€40.00/h" in plan and "25.5 hours a week" in plan
