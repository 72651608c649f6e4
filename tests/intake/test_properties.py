"""Property-based: random cell values and sheet shapes never crash planforge, every error is
located, and every valid project still gets its plan."""

from __future__ import annotations

import string
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planforge.core.errors import CODES, ERROR
from planforge.pipeline import generate
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, RISK_HEADER, write_book

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
GOOD = {
    "Project ID": st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12),
    "Project Name": TEXT.filter(str.strip),
    "Client Name": TEXT.filter(str.strip),
    "System A": st.sampled_from(["Shopify", "WooCommerce", "Square", "Squarespace", "Acme ERP"]),
    "System B": st.sampled_from(["QuickBooks Online", "Klaviyo", "ShipStation", "QuickBooks", "Vendor Portal"]),
    "Confidence": st.one_of(st.floats(0, 1), st.integers(0, 100), st.sampled_from(["85%", "0.7", "high"])),
    "Kickoff Date": st.one_of(st.dates(date(2020, 1, 1), date(2030, 1, 1)), st.just("2026-02-02"), st.just("soon")),
}
JUNK = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(datetime(1990, 1, 1), datetime(2040, 1, 1)),
)


def cell(column: str):
    return st.one_of(GOOD[column], GOOD[column], JUNK)


ROW = st.fixed_dictionaries({c: cell(c) for c in PROJECT_HEADER})
RISK = st.tuples(
    st.one_of(GOOD["Project ID"], JUNK),
    TEXT,
    st.sampled_from(["Low", "Medium", "High", "Hgh", None]),
    st.sampled_from(["Low", "High", "Huge", None]),
    TEXT,
    TEXT,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    rows=st.lists(ROW, min_size=1, max_size=5),
    risks=st.lists(RISK, max_size=5),
    header_shuffle=st.permutations(PROJECT_HEADER),
    drop=st.sets(st.sampled_from(PROJECT_HEADER), max_size=2),
    blank_rows=st.integers(0, 2),
)
def test_random_workbooks_never_crash_and_errors_are_located(
    tmp_path_factory, rows, risks, header_shuffle, drop, blank_rows
):
    tmp = tmp_path_factory.mktemp("prop")
    header = [h for h in header_shuffle if h not in drop]
    sheet = [header] + [[None] * len(header)] * blank_rows + [[row[h] for h in header] for row in rows]
    path = write_book(tmp / "intake.xlsx", {"Projects": sheet, "Risks": [RISK_HEADER, *map(list, risks)]})

    report = validate_files([path])
    for problem in report.problems:
        assert problem.code in CODES and problem.message
        if problem.severity == ERROR and problem.code not in ("unreadable-file", "unsafe-file", "encrypted-file"):
            assert problem.sheet, problem
            assert (
                problem.row is not None or problem.code in ("missing-sheet", "missing-header-row") or problem.column
            ), problem

    result = generate([path], tmp / "out", plan_date=date(2026, 1, 15))
    written = sorted(p.name for p in (tmp / "out").glob("*.md"))
    assert written == sorted(f"{p.project_id}-implementation-plan.md" for p in report.portfolio.projects)
    for name in written:
        assert "## 11. REFERENCE DOCUMENTS" in (tmp / "out" / name).read_text("utf-8")
    assert set(result.skipped).isdisjoint(p.project_id for p in report.portfolio.projects)
