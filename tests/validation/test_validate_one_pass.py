"""Validation reads each row in one pass and remembers each column's parsed values; a value that
repeats must still give every cell its own located problem and its own reading."""

from __future__ import annotations

from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, RISK_HEADER, flat


def _projects(*rows: list) -> list[list]:
    return [PROJECT_HEADER + ["Currency", "Budget"], *rows]


def _project(pid: str, budget: object, currency: str = "EUR") -> list:
    return [pid, "Order sync", "Client", "Shopify", "QuickBooks Online", 0.85, "2026-02-02", currency, budget]


def test_a_repeated_ambiguous_amount_warns_at_every_cell(book):
    report = validate_files([book(Projects=_projects(*(_project(f"P-{i}", "18.500 €") for i in range(1, 4))))])
    assert [f for f in flat(report) if f[3] == "ambiguous-number"] == [
        ("Projects", 2, "Budget", "ambiguous-number"),
        ("Projects", 3, "Budget", "ambiguous-number"),
        ("Projects", 4, "Budget", "ambiguous-number"),
    ]


def test_a_repeated_amount_in_another_currency_is_a_mismatch_at_every_cell(book):
    rows = [_project("P-1", "£18000", "EUR"), _project("P-2", "£18000", "EUR"), _project("P-3", "£18000", "GBP")]
    report = validate_files([book(Projects=_projects(*rows))])
    assert [f for f in flat(report) if f[3] == "currency-mismatch"] == [
        ("Projects", 2, "Budget", "currency-mismatch"),
        ("Projects", 3, "Budget", "currency-mismatch"),
    ]


def test_a_repeated_bad_choice_is_an_error_at_every_cell_and_a_good_one_reads_the_same(book):
    risks = [RISK_HEADER] + [["P-1", f"risk {i}", "Hgh" if i % 2 else "high", "Low"] for i in range(6)]
    report = validate_files([book(Risks=risks)])
    assert flat(report, "error") == [("Risks", r, "Likelihood", "invalid-choice") for r in (3, 5, 7)]
    report = validate_files([book(Risks=[RISK_HEADER] + [["P-1", f"risk {i}", "high", "Low"] for i in range(4)])])
    assert [r.likelihood for r in report.portfolio.projects[0].risks] == ["High"] * 4


def test_an_id_normalised_on_projects_is_normalised_again_on_a_child_sheet(book):
    projects = [
        PROJECT_HEADER,
        ["P\u20131", "Order sync", "Client", "Shopify", "QuickBooks Online", 0.85, "2026-02-02"],
    ]
    risks = [RISK_HEADER, ["P\u20131", "risk", "Low", "Low"], ["P\u20131", "risk 2", "Low", "Low"]]
    report = validate_files([book(Projects=projects, Risks=risks)])
    assert [f for f in flat(report) if f[3] == "id-normalised"] == [
        ("Projects", 2, "Project ID", "id-normalised"),
        ("Risks", 2, "Project ID", "id-normalised"),
        ("Risks", 3, "Project ID", "id-normalised"),
    ]
    assert [r.row for r in report.portfolio.projects[0].risks] == [2, 3]


def test_the_same_number_as_a_cell_and_as_text_and_a_boolean_are_read_by_their_type(book):
    header = ["Project ID", "Role", "Name", "Responsibilities", "Allocation"]
    team = [header, ["P-1", "QA Engineer", "Ana", None, 1], ["P-1", "QA Engineer", "Ben", None, True]]
    report = validate_files([book(Team=team)])
    assert ("Team", 3, "Allocation", "wrong-type") in flat(report)
    report = validate_files([book(Team=team[:2] + [["P-1", "QA Engineer", "Ben", None, "1"]])])
    assert [m.allocation for m in report.portfolio.projects[0].team] == [1.0, 1.0]
