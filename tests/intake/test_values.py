"""Typed text never silently changes meaning (issue 10) and every figure is bounded (issue 11).

One test per problem kind, each from its own small workbook, asserted as (sheet, row, column, code).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from planforge.core.money import excel_money_format, format_money, read_number
from planforge.pipeline import generate
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, flat

TEAM_HEADER = ["Project ID", "Role", "Name", "Allocation"]
PAIN_HEADER = ["Project ID", "Pain Point", "Hours per Week"]
OBJECTIVE_HEADER = ["Project ID", "Objective", "Business Impact"]
SETTINGS_HEADER = ["Setting", "Value"]
RUN_DATE = dt.date(2026, 1, 15)


def project(**extra):
    """Projects sheet rows: the default project plus extra columns."""
    return [PROJECT_HEADER + list(extra), PROJECT_ROW + list(extra.values())]


def only(report, code):
    return [p.flat() for p in report.problems if p.code == code]


# --- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, value",
    [("1.234,50", "1234.50"), ("1 234,50", "1234.50"), ("1,234.50", "1234.50"), ("18500", "18500"), ("18,50", "18.50")],
)
def test_amounts_in_either_convention_are_read_without_doubt(book, typed, value):
    report = validate_files([book(Projects=project(Budget=typed))])
    assert report.valid and only(report, "ambiguous-number") == []
    assert report.portfolio.projects[0].budget == Decimal(value)


def test_ambiguous_amount_is_read_as_thousands_with_a_warning(book):
    report = validate_files([book(Projects=project(Currency="EUR", Budget="18.500 €"))])
    assert flat(report) == [("Projects", 2, "Budget", "ambiguous-number")]
    assert "18,500" in report.problems[0].message
    assert report.portfolio.projects[0].budget == Decimal("18500")


def test_symbol_contradicting_the_project_currency_is_an_error_that_holds_it_back(book):
    report = validate_files([book(Projects=project(Budget="£18000"))])
    assert flat(report) == [("Projects", 2, "Budget", "currency-mismatch")]
    assert report.portfolio.projects == [] and list(report.invalid_projects) == ["P-1"]


def test_settings_currency_applies_and_dollar_fits_any_dollar_currency(book):
    settings = [SETTINGS_HEADER, ["Currency", "CAD"], ["Default Hourly Rate", "$50"]]
    report = validate_files([book(Settings=settings)])
    assert report.valid and report.portfolio.projects[0].currency == "CAD"
    assert report.portfolio.settings.default_hourly_rate == Decimal("50.00")


def test_plans_and_summary_print_amounts_in_the_project_currency(book, tmp_path):
    path = book(
        Projects=project(Currency="EUR", Budget=18000, **{"Hourly Rate": 40}),
        Pain_Points=[PAIN_HEADER, ["P-1", "Re-keying orders", 10]],
    )
    result = generate([path], tmp_path / "out", plan_date=RUN_DATE)
    plan = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    assert "on a €18,000 budget" in plan and "€40.00/h" in plan and "$" not in plan.split("ROI", 1)[1][:400]
    ws = openpyxl.load_workbook(tmp_path / "out" / "portfolio-summary.xlsx")["Portfolio"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("Annual Value") + 1)
    assert cell.value == 19200 and cell.number_format == excel_money_format("EUR") == '"€"#,##0'
    assert result.ok


def test_format_money_uses_babel():
    assert format_money(Decimal("18500"), "EUR") == "€18,500"
    assert format_money(Decimal("45.5"), "USD") == "$45.50"
    assert read_number("1,234", money=True).ambiguity.startswith("1,234")


# --- percentages and plausibility --------------------------------------------------------------


def test_error_rate_under_one_is_ambiguous_and_the_reading_is_named(book):
    report = validate_files([book(Projects=project(**{"Target Error Rate": 0.5}))])
    assert flat(report) == [("Projects", 2, "Target Error Rate", "ambiguous-percent")]
    assert "read as 0.5% (not 50%)" in report.problems[0].message
    assert report.portfolio.projects[0].target_error_rate == 0.005


def test_error_rate_with_a_percent_sign_is_certain(book):
    report = validate_files([book(Projects=project(**{"Target Error Rate": "0.5%"}))])
    assert flat(report) == [] and report.portfolio.projects[0].target_error_rate == 0.005


@pytest.mark.parametrize(
    "column, typed",
    [("Budget", 50), ("Confidence", 0.05)],
)
def test_implausible_figures_are_warnings_naming_the_reading(book, column, typed):
    rows = project(**{column: typed}) if column != "Confidence" else None
    if rows is None:
        rows = [PROJECT_HEADER, PROJECT_ROW[:5] + [typed] + PROJECT_ROW[6:]]
    report = validate_files([book(Projects=rows)])
    assert flat(report) == [("Projects", 2, column, "implausible-value")]
    assert report.valid


def test_kickoff_far_from_the_run_date_is_a_warning(book):
    rows = [PROJECT_HEADER, PROJECT_ROW[:6] + ["2029-03-02"]]
    path = book(Projects=rows)
    assert flat(validate_files([path], as_of=RUN_DATE)) == [("Projects", 2, "Kickoff Date", "implausible-value")]
    assert flat(validate_files([path], as_of=dt.date(2029, 1, 1))) == []


def test_roi_over_1000_percent_is_a_warning_after_derivation(book, tmp_path):
    path = book(Projects=project(Budget=200), Pain_Points=[PAIN_HEADER, ["P-1", "Re-keying", 10]])
    result = generate([path], tmp_path / "out", plan_date=RUN_DATE)
    assert ("Projects", 2, "Budget", "implausible-roi") in flat(result.report)
    assert result.ok  # a warning: the plan is still written


# --- choices and blanks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, role",
    [("Dev", "Backend Developer"), ("PM", "Project Manager"), ("qa", "QA Engineer"), ("devops", "DevOps Engineer")],
)
def test_role_synonyms_never_a_prefix_guess(book, typed, role):
    report = validate_files([book(Team=[TEAM_HEADER, ["P-1", typed, "Ann Lee", 0.5]])])
    assert report.valid
    assert report.portfolio.projects[0].team[0].role == role


def test_a_prefix_is_not_a_choice(book):
    report = validate_files([book(Risks=[RISK_HEADER, ["P-1", "x", "Mediu", "Low"]])])
    assert flat(report) == [("Risks", 2, "Likelihood", "invalid-choice")]


@pytest.mark.parametrize(
    "sheet, header, row, key, attr, expected",
    [
        (
            "Workflows",
            ["Project ID", "Workflow", "Trigger"],
            ["P-1", "Orders", "Real time"],
            "workflows",
            "trigger",
            "Real-time",
        ),
        ("Risks", RISK_HEADER, ["P-1", "x", "med", "H"], "risks", "likelihood", "Medium"),
        ("Systems", ["Project ID", "System", "Webhooks"], ["P-1", "Shopify", "Y"], "systems", "webhooks", "Yes"),
    ],
)
def test_normalised_choices_and_synonyms(book, sheet, header, row, key, attr, expected):
    report = validate_files([book(**{sheet: [header, row]})])
    assert report.valid, flat(report)
    assert getattr(getattr(report.portfolio.projects[0], key)[0], attr) == expected


def test_blue_green_is_a_deployment_strategy(book):
    report = validate_files([book(Projects=project(**{"Deployment Strategy": "Blue/Green"}))])
    assert report.portfolio.projects[0].deployment_strategy == "Blue-green"


@pytest.mark.parametrize("typed", ["N/A", "n/a", " - ", "none", "TBD", "tbc.", "?"])
def test_placeholders_are_blank_in_text_cells_too(book, typed):
    report = validate_files([book(Objectives=[OBJECTIVE_HEADER, ["P-1", "Automate orders", typed]])])
    assert report.valid
    assert report.portfolio.projects[0].objectives[0].business_impact is None


def test_placeholder_in_a_required_cell_is_missing(book):
    report = validate_files([book(Objectives=[OBJECTIVE_HEADER, ["P-1", "N/A", None]])])
    assert flat(report) == [("Objectives", 2, "Objective", "required-missing")]


# --- identity ----------------------------------------------------------------------------------


def test_child_id_differing_only_by_case_matches_with_a_warning(book):
    report = validate_files([book(Risks=[RISK_HEADER, ["p-1", "x", "Low", "Low", "", "Ann"]])])
    assert flat(report) == [("Risks", 2, "Project ID", "id-case-mismatch")]
    assert len(report.portfolio.projects[0].risks) == 1


@pytest.mark.parametrize("typed", ["P\u20131", "P-1\u200b", "P\u22121", "P\u2014\u20601"])
def test_child_id_with_dashes_or_invisible_characters_matches_with_a_warning(book, typed):
    report = validate_files([book(Risks=[RISK_HEADER, [typed, "x", "Low", "Low", "", "Ann"]])])
    assert flat(report) == [("Risks", 2, "Project ID", "id-normalised")]
    assert len(report.portfolio.projects[0].risks) == 1
    if "\u200b" in typed:
        assert "U+200B" in report.problems[0].message


def test_names_are_folded_so_one_person_is_one_key(book):
    team = [TEAM_HEADER, ["P-1", "Lead Engineer", "Priya  Natarajan", 0.5], ["P-1", "PM", "Dana\u00a0Whitfield", 0.5]]
    report = validate_files([book(Projects=project(**{"Lead Engineer": "Priya Natarajan"}), Team=team)])
    assert report.valid and flat(report) == []
    names = [m.name for m in report.portfolio.projects[0].team]
    assert names == ["Priya Natarajan", "Dana Whitfield"]


def test_names_differing_only_by_accents_are_a_warning_naming_both_cells(book):
    team = [TEAM_HEADER, ["P-1", "Lead Engineer", "Zoe Muller", 0.5], ["P-1", "QA", "Zoë Müller", 0.5]]
    report = validate_files([book(Team=team)])
    assert flat(report) == [("Team", 3, "Name", "similar-names")]
    assert "Team!C2" in report.problems[0].message and "Zoë Müller" in report.problems[0].message


# --- child rows that fail to attach ------------------------------------------------------------


def test_unknown_child_id_holds_back_the_closest_project(book):
    path = book(Risks=[RISK_HEADER, ["P-1", "a", "Low", "Low"], ["P-01", "b", "High", "High"]])
    report = validate_files([path])
    assert flat(report, "error") == [("Risks", 3, "Project ID", "unknown-project")]
    assert report.errors[0].project_id == "P-1"
    assert report.portfolio.projects == [] and list(report.invalid_projects) == ["P-1"]


def test_blank_id_under_a_merged_id_cell_takes_the_merged_value(book):
    def merge(wb):
        wb["Risks"].merge_cells("A2:A4")

    risks = [RISK_HEADER, ["P-1", "a", "Low", "Low"], [None, "b", "Low", "Low"], [None, "c", "High", "Low"]]
    report = validate_files([book(Risks=risks, after=merge)])
    assert only(report, "merged-id-filled") == [
        ("Risks", 3, "Project ID", "merged-id-filled"),
        ("Risks", 4, "Project ID", "merged-id-filled"),
    ]
    assert [r.risk for r in report.portfolio.projects[0].risks] == ["a", "b", "c"]


def test_held_back_project_writes_no_plan_and_the_run_says_why(book, tmp_path):
    path = book(Risks=[RISK_HEADER, ["p-1", "a", "Low", "Low"], ["P-1", "b", "Hgh", "Low"]])
    result = generate([path], tmp_path / "out", plan_date=RUN_DATE)
    assert list(result.skipped) == ["P-1"] and not (tmp_path / "out" / "P-1-implementation-plan.md").exists()
    assert [p.flat() for p in result.skipped["P-1"]] == [("Risks", 3, "Likelihood", "invalid-choice")]


# --- bounds (issue 11) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sheets, where",
    [
        ({"Pain_Points": [PAIN_HEADER, ["P-1", "x", 1e30]]}, ("Pain Points", 2, "Hours per Week", "out-of-range")),
        ({"Pain_Points": [PAIN_HEADER, ["P-1", "x", "1e30"]]}, ("Pain Points", 2, "Hours per Week", "wrong-type")),
        (
            {"Projects": project(**{"Monitoring Period Hours": "9" * 400})},
            ("Projects", 2, "Monitoring Period Hours", "out-of-range"),
        ),
        (
            {"Projects": [PROJECT_HEADER, PROJECT_ROW[:6] + ["9999-12-01"]]},
            ("Projects", 2, "Kickoff Date", "out-of-range"),
        ),
        ({"Settings": [SETTINGS_HEADER, ["Review Interval Days", 3000000]]}, ("Settings", 2, "Value", "out-of-range")),
        (
            {"Settings": [SETTINGS_HEADER, ["Phase Days Low", "1e999, 1, 1, 1, 1"]]},
            ("Settings", 2, "Value", "wrong-type"),  # an exponent is not a number of days
        ),
        (
            {"Settings": [SETTINGS_HEADER, ["Phase Days Low", ", ".join(["600000"] * 5)]]},
            ("Settings", 2, "Value", "out-of-range"),
        ),
        ({"Settings": [SETTINGS_HEADER, ["Working Weeks per Year", 1e26]]}, ("Settings", 2, "Value", "out-of-range")),
    ],
)
def test_out_of_range_figures_are_located_errors(book, sheets, where):
    report = validate_files([book(**sheets)])
    assert where in flat(report) and not report.valid


@pytest.mark.parametrize("raw", ["1e309", "inf", "-inf"])
def test_non_finite_number_cells_are_out_of_range(book, tmp_path, raw):
    path = book(Projects=project(**{"Monitoring Period Hours": 12345}))
    fixed = tmp_path / "fixed.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(fixed, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data.replace(b"<v>12345</v>", f"<v>{raw}</v>".encode()))
    report = validate_files([fixed])
    assert flat(report) == [("Projects", 2, "Monitoring Period Hours", "out-of-range")]


def test_out_of_range_costs_one_project_and_validate_agrees(book, tmp_path):
    rows = [PROJECT_HEADER, PROJECT_ROW[:6] + ["9999-12-01"], ["P-2"] + PROJECT_ROW[1:]]
    path = book(Projects=rows, Pain_Points=[PAIN_HEADER, ["P-2", "x", 1e30], ["P-1", "y", 5]])
    report = validate_files([path])
    result = generate([path], tmp_path / "out", plan_date=RUN_DATE)
    assert flat(report) == flat(result.report)
    assert sorted(result.skipped) == ["P-1", "P-2"] and result.contexts == []


def test_every_numeric_and_date_field_declares_its_range():
    from planforge.intake import schema

    for sheet in schema.SHEETS:
        for col in sheet.columns:
            if col.kind.name in ("int", "number", "money", "percent", "date"):
                assert col.bounds is not None, (sheet.name, col.header)
    for setting in schema.SETTINGS:
        if setting.kind.name in ("int", "number", "money", "percent", "phase_days"):
            assert setting.bounds is not None, setting.label


@pytest.mark.parametrize(
    "typed, expected",
    [("US$24,000", Decimal("24000")), ("$24,000.00 USD", Decimal("24000.00")), ("EUR 1,234.50", None)],
)
def test_dollar_spellings_read_and_a_foreign_code_is_kept_for_the_currency_check(typed, expected):
    amount = read_number(typed, money=True)
    if expected is None:  # read; the project's currency decides later (currency-mismatch)
        assert amount.currency == "EUR"
    else:
        assert (amount.value, amount.currency) == (expected, "USD")


@pytest.mark.parametrize("typed", ["1e4", "$1,2345", "12.345,678", "€24,000 USD"])
def test_exponents_extra_decimals_and_clashing_marks_are_not_amounts(typed):
    from planforge.intake.parse import BadValue, parse_money

    with pytest.raises(BadValue):
        parse_money(typed)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("13/02/2026", dt.date(2026, 2, 13)),
        ("02/13/2026", dt.date(2026, 2, 13)),
        ("03.03.2026", dt.date(2026, 3, 3)),
        ("February 2nd, 2026", dt.date(2026, 2, 2)),
    ],
)
def test_numeric_dates_read_only_when_the_numbers_decide(typed, expected):
    from planforge.intake.parse import parse_date

    assert parse_date(typed) == expected


def test_a_day_month_date_that_could_go_either_way_is_an_error(book):
    row = [*PROJECT_ROW[:6], "02/03/2026"]
    report = validate_files([book(Projects=[PROJECT_HEADER, row])])
    problem = next(p for p in report.problems if p.code == "ambiguous-date")
    assert problem.flat() == ("Projects", 2, "Kickoff Date", "ambiguous-date")
    assert "2 March 2026" in problem.message and "3 February 2026" in problem.message


def test_a_weekend_kickoff_is_read_with_a_located_warning_naming_the_working_day(book):
    report = validate_files([book(Projects=[PROJECT_HEADER, [*PROJECT_ROW[:6], "2026-02-07"]])])
    problem = next(p for p in report.problems if p.code == "kickoff-on-weekend")
    assert problem.flat() == ("Projects", 2, "Kickoff Date", "kickoff-on-weekend")
    assert "Saturday" in problem.message and "Monday 9 February 2026" in problem.message


@pytest.mark.parametrize(
    "typed, shown", [("0,5 %", "0.5%"), (0.015, "1.5%"), (0.0001, "0.01%"), (0.85, "85%"), ("-0", "0%")]
)
def test_plans_print_the_percentage_the_cell_was_read_as(book, tmp_path, typed, shown):
    result = generate(
        [book(Projects=[PROJECT_HEADER, [*PROJECT_ROW[:5], typed, PROJECT_ROW[6]]])], tmp_path, plan_date=RUN_DATE
    )
    plan = (tmp_path / "P-1-implementation-plan.md").read_text("utf-8")
    assert result.report.portfolio.projects, result.report.problems
    assert f"**Confidence Score**: {shown}" in plan


def test_a_child_sheet_that_cannot_be_read_holds_back_every_project_of_its_workbook(book, tmp_path):
    # the Risks header names no Risk column: its rows cannot be attributed, so no plan may go out without them
    risks = [["Project ID", "Hazard", "Likelihood", "Impact"], ["P-1", "Data loss", "Low", "High"]]
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", *PROJECT_ROW[1:]]]
    result = generate([book(Projects=projects, Risks=risks)], tmp_path, plan_date=RUN_DATE)
    assert ("Risks", 1, "Risk", "missing-column") in flat(result.report)
    assert sorted(result.skipped) == ["P-1", "P-2"] and not list(tmp_path.glob("*-implementation-plan.md"))
    assert [p.code for p in result.skipped["P-1"]] == ["missing-column"]  # the sheet's error says why
