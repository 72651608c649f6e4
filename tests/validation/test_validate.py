"""Each problem kind, from its own small workbook, asserted as (sheet, row, column, code)."""

from __future__ import annotations

import datetime as dt

import pytest

from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, SAMPLE, flat, write_book


def test_sample_is_valid_with_ten_projects():
    report = validate_files([SAMPLE])
    assert report.valid, [p.line() for p in report.errors]
    assert [p.project_id for p in report.portfolio.projects][:3] == ["ACME-001", "BLOOM-002", "PEAK-003"]
    assert len(report.portfolio.projects) == 10


def test_minimal_workbook_is_valid(book):
    report = validate_files([book()])
    assert report.valid
    project = report.portfolio.projects[0]
    assert (project.confidence, project.kickoff_date) == (0.85, dt.date(2026, 2, 2))


def test_missing_projects_sheet_suggests_the_close_name(tmp_path):
    path = write_book(tmp_path / "intake.xlsx", {"Project": [PROJECT_HEADER, PROJECT_ROW]})
    report = validate_files([path])
    assert flat(report) == [("Projects", None, "", "missing-sheet")]
    assert 'did you mean "Project"' in report.problems[0].message


def test_misnamed_child_sheet_is_an_error_absent_one_a_warning(book):
    report = validate_files([book(Risk=[RISK_HEADER, ["P-1", "x", "Low", "Low"]], bare=True)])
    by_sheet = {(p.sheet, p.code, p.severity) for p in report.problems}
    assert ("Risks", "missing-sheet", "error") in by_sheet
    assert ("Alerts", "missing-child-sheet", "warning") in by_sheet


def test_missing_required_column(book):
    header = [h for h in PROJECT_HEADER if h != "Client Name"]
    row = [v for h, v in zip(PROJECT_HEADER, PROJECT_ROW) if h != "Client Name"]
    report = validate_files([book(Projects=[header, row])])
    assert ("Projects", 1, "Client Name", "missing-column") in flat(report)
    assert report.portfolio.projects == []


def test_unknown_column_is_a_warning_with_suggestion(book):
    report = validate_files([book(Projects=[PROJECT_HEADER + ["Complexitty"], PROJECT_ROW + ["Low"]])])
    assert flat(report, "warning") == [("Projects", 1, "Complexitty", "unknown-column")]
    assert 'did you mean "Complexity"' in report.problems[0].message
    assert report.valid


def test_duplicate_header(book):
    report = validate_files([book(Projects=[PROJECT_HEADER + ["Confidence"], PROJECT_ROW + [0.5]])])
    assert ("Projects", 1, "Confidence", "duplicate-header") in flat(report)
    assert not report.valid


def test_blank_header_with_data_below(book):
    report = validate_files([book(Projects=[PROJECT_HEADER + [None], PROJECT_ROW + ["stray"]])])
    problem = next(p for p in report.problems if p.code == "blank-header")
    assert (problem.sheet, problem.row, problem.cell) == ("Projects", 1, "H1")


def test_header_matching_ignores_case_spaces_underscores_nbsp(book):
    header = ["project_id", "PROJECT NAME", "client\u00a0name", "System A *", "system_b"]
    report = validate_files([book(Projects=[header, ["X1", "n", "c", "Shopify", "Klaviyo"]])])
    assert report.valid and report.portfolio.projects[0].client_name == "c"


def test_header_row_found_below_a_title(book):
    report = validate_files([book(Projects=[["Acme intake, Q1"], [], PROJECT_HEADER, PROJECT_ROW])])
    assert report.valid
    assert report.portfolio.projects[0].row == 4


def test_wrong_type_is_located(book):
    row = PROJECT_ROW[:5] + ["very sure", "2026-02-02"]
    report = validate_files([book(Projects=[PROJECT_HEADER, row])])
    assert flat(report) == [("Projects", 2, "Confidence", "wrong-type")]
    assert report.problems[0].cell == "F2"


def test_invalid_choice_names_the_closest(book):
    risks = [RISK_HEADER] + [["P-1", f"risk {i}", "Low", "Low"] for i in range(12)] + [["P-1", "Tax", "Hgh", "High"]]
    report = validate_files([book(Risks=risks)])
    problem = next(p for p in report.problems if p.code == "invalid-choice")
    assert problem.flat() == ("Risks", 14, "Likelihood", "invalid-choice")
    assert problem.line() == 'Risks!C14 (Likelihood): "Hgh" is not one of Low, Medium, High (closest: "High")'


def test_duplicate_project_id_reports_both_rows(book):
    report = validate_files([book(Projects=[PROJECT_HEADER, PROJECT_ROW, PROJECT_ROW])])
    assert [f for f in flat(report) if f[3] == "duplicate-id"] == [
        ("Projects", 2, "Project ID", "duplicate-id"),
        ("Projects", 3, "Project ID", "duplicate-id"),
    ]
    assert report.portfolio.projects == []


def test_child_row_for_unknown_project(book):
    report = validate_files([book(Risks=[RISK_HEADER, ["P-2", "x", "Low", "Low"]])])
    assert ("Risks", 2, "Project ID", "unknown-project") in flat(report)
    assert 'did you mean "P-1"' in next(p.message for p in report.problems if p.code == "unknown-project")


@pytest.mark.parametrize("pid", ["a/b", "..", "a b", "CON", "x" * 65, ".hidden", "é-1"])
def test_unsafe_project_ids(book, pid):
    report = validate_files([book(Projects=[PROJECT_HEADER, [pid] + PROJECT_ROW[1:]])])
    assert flat(report) == [("Projects", 2, "Project ID", "unsafe-id")]


def test_ids_differing_only_in_case_collide(book):
    report = validate_files([book(Projects=[PROJECT_HEADER, PROJECT_ROW, ["p-1"] + PROJECT_ROW[1:]])])
    assert sorted(f for f in flat(report)) == [
        ("Projects", 2, "Project ID", "id-collision"),
        ("Projects", 3, "Project ID", "id-collision"),
    ]


def test_formula_without_cached_value(book):
    def formula(wb):
        wb["Projects"]["F2"] = "=0.5+0.3"

    report = validate_files([book(after=formula)])
    assert flat(report) == [("Projects", 2, "Confidence", "formula-no-value")]
    assert report.problems[0].cell == "F2"


def test_excel_error_cell(book):
    def error(wb):
        wb["Projects"]["F2"] = "#REF!"
        wb["Projects"]["F2"].data_type = "e"

    report = validate_files([book(after=error)])
    assert flat(report) == [("Projects", 2, "Confidence", "error-cell")]
    assert "#REF!" in report.problems[0].message


def test_required_value_missing(book):
    report = validate_files([book(Projects=[PROJECT_HEADER, ["P-1", "n", None, "Shopify", "Klaviyo"]])])
    assert flat(report) == [("Projects", 2, "Client Name", "required-missing")]


def test_unreadable_file_is_one_problem_naming_the_file(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("Project ID,Name\nP-1,x\n")
    report = validate_files([path])
    assert [(p.code, p.file) for p in report.problems] == [("unreadable-file", "notes.xlsx")]
    assert "CSV" in report.problems[0].message


def test_hidden_sheet_is_noticed(book):
    report = validate_files([book(Risks=[RISK_HEADER, ["P-1", "x", "Low", "Low"]], hidden=("Risks",))])
    assert ("Risks", None, "", "hidden-sheet") in flat(report)
    assert len(report.portfolio.projects[0].risks) == 1


def test_ids_stay_text_and_na_is_text_but_none_is_blank(book):
    projects = [PROJECT_HEADER + ["Data Volume"], ["00123", "n", "NA", "Shopify", "Klaviyo", None, None, "None"]]
    report = validate_files([book(Projects=projects)])
    project = report.portfolio.projects[0]
    assert (project.project_id, project.client_name, project.data_volume) == ("00123", "NA", None)


def test_numeric_id_cell_becomes_text(book):
    report = validate_files([book(Projects=[PROJECT_HEADER, [123] + PROJECT_ROW[1:]])])
    assert report.portfolio.projects[0].project_id == "123"


@pytest.mark.parametrize("value", [0.85, 85, "85%", "85", " 85 % "])
def test_percent_forms(book, value):
    report = validate_files([book(Projects=[PROJECT_HEADER, PROJECT_ROW[:5] + [value, None]])])
    assert report.portfolio.projects[0].confidence == 0.85


def test_blank_rows_are_skipped(book):
    report = validate_files([book(Projects=[PROJECT_HEADER, [], PROJECT_ROW, [None] * 7])])
    assert report.valid and len(report.portfolio.projects) == 1


def test_every_problem_is_collected_in_one_pass(book):
    risks = [RISK_HEADER, ["P-1", "a", "Hgh", "Low"], ["P-1", "b", "Low", "Huge"], ["P-9", "c", "Low", "Low"]]
    report = validate_files([book(Risks=risks)])
    assert {f[3] for f in flat(report, "error")} == {"invalid-choice", "unknown-project"}
    assert len(report.errors) == 3


def test_a_broken_project_does_not_sink_the_valid_one(book):
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]]
    report = validate_files([book(Projects=projects)])
    assert [p.project_id for p in report.portfolio.projects] == ["P-1"]
    assert list(report.invalid_projects) == ["P-2"]


def test_child_error_invalidates_only_its_project(book):
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2"] + PROJECT_ROW[1:]]
    report = validate_files([book(Projects=projects, Risks=[RISK_HEADER, ["P-2", "x", "Hgh", "Low"]])])
    assert [p.project_id for p in report.portfolio.projects] == ["P-1"]


def test_ambiguous_and_unknown_systems_warn(book):
    projects = [PROJECT_HEADER, ["A", "n", "c", "Shopify", "QuickBooks"], ["B", "n", "c", "Shopify", "Acme ERP"]]
    report = validate_files([book(Projects=projects)])
    assert sorted(f for f in flat(report, "warning") if f[0] == "Projects") == [
        ("Projects", 2, "System B", "ambiguous-system"),
        ("Projects", 3, "System B", "unknown-system"),
    ]
    assert report.valid


def test_settings_override_defaults_and_bad_settings_are_located(book):
    settings = [["Setting", "Value"], ["Default Hourly Rate", 60], ["Phase Days Low", "1, 2, 3"], ["Colour", "blue"]]
    report = validate_files([book(Settings=settings)])
    assert report.portfolio.settings.default_hourly_rate == 60
    assert ("Settings", 3, "Value", "wrong-type") in flat(report)
    assert ("Settings", 4, "Setting", "unknown-setting") in flat(report)


def test_json_shape(book):
    data = validate_files([book(Projects=[PROJECT_HEADER, PROJECT_ROW[:5] + ["x", None]])]).to_dict()
    assert data["valid"] is False
    assert set(data["problems"][0]) >= {
        "severity",
        "code",
        "file",
        "sheet",
        "row",
        "column",
        "cell",
        "value",
        "message",
    }


@pytest.mark.parametrize("typed", ["TBD", "tbc", "?", "-"])
def test_typed_placeholders_count_as_blank(book, typed):
    report = validate_files([book(Projects=[PROJECT_HEADER + ["Data Volume"], PROJECT_ROW + [typed]])])
    assert report.portfolio.projects[0].data_volume is None
    report = validate_files([book(Projects=[PROJECT_HEADER, ["P-1", "n", typed, "Shopify", "Xero"]])])
    assert flat(report) == [("Projects", 2, "Client Name", "required-missing")]


@pytest.mark.parametrize(
    ("currency", "locale", "budget", "value"),
    [
        ("GBP", None, "£36,500", 36500),  # en-GB (from GBP): ',' is its thousands separator
        ("USD", None, "$29,750", 29750),
        ("EUR", "de-DE", "28.000 €", 28000),  # de-DE: '.' is its thousands separator
        ("EUR", "de-DE", "18.500", 18500),  # no symbol: the stated locale settles it
    ],
)
def test_an_amount_the_projects_currency_and_locale_settle_gives_no_ambiguity_warning(
    book, currency, locale, budget, value
):
    header = [*PROJECT_HEADER, "Currency", "Locale", "Budget"]
    report = validate_files([book(Projects=[header, [*PROJECT_ROW, currency, locale, budget]])])
    assert not [p for p in report.problems if p.code == "ambiguous-number"]
    assert report.portfolio.projects[0].budget == value


@pytest.mark.parametrize(
    ("currency", "locale", "budget"),
    [
        ("USD", None, "18.500"),  # en-US reads '.' as a decimal point: the reading taken is not the locale's
        ("EUR", None, "18.500"),  # EUR without a locale: en-IE, where '.' is a decimal point
        ("EUR", "fr-FR", "36,500"),  # fr-FR groups with a space: ',' is its decimal comma
        ("EUR", "de-DE", "£28.000"),  # a symbol of another currency
        ("CHF", None, "18,500"),  # no locale stated or known for the currency
    ],
)
def test_an_amount_its_locale_does_not_settle_still_warns_at_its_cell(book, currency, locale, budget):
    header = [*PROJECT_HEADER, "Currency", "Locale", "Budget"]
    report = validate_files([book(Projects=[header, [*PROJECT_ROW, currency, locale, budget]])])
    (warning,) = [p for p in report.problems if p.code == "ambiguous-number"]
    assert (warning.sheet, warning.column, warning.cell) == ("Projects", "Budget", "J2")
    assert "read as" in warning.message and "thousands separator" in warning.message
