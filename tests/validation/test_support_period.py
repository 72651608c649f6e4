"""Issue 21: an exit criterion must fit its phase. A success criterion's period of observation longer
than post-launch support can span is a located coherence warning; one that fits, or a duration that is
no period, is not."""

from __future__ import annotations

import pytest

from planforge.core.model import Settings, SuccessCriterion
from planforge.validation.support_period import Period, check, stated_period
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, flat, make_project

SC_HEADER = ["Project ID", "Criterion", "Workflow"]


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Every paid order posts within 10 minutes for 30 consecutive days", Period("30 consecutive days", 30)),
        ("Zero unreconciled payouts 60 days in a row", Period("60 days", 60)),
        ("No failed run over 12 weeks", Period("12 weeks", 84)),
        ("Stable for 20 consecutive business days", Period("20 consecutive business days", 20, True)),
        ("Orders post within 2 days", None),  # a latency, not a period of observation
        ("Backfill 90 days of orders", None),
        ("No incident for 5 days, then for 45 straight days", Period("45 straight days", 45)),
    ],
)
def test_a_period_of_observation_is_read_only_where_the_text_marks_one(text, period):
    assert stated_period(text) == period


def _problems(*criteria: str, **kw):
    project = make_project(success_criteria=[SuccessCriterion(i + 2, c) for i, c in enumerate(criteria)], **kw)
    return [(p.row, p.code) for p in check(project, Settings(), lambda sheet, row, column: f"{sheet}!B{row}")]


def test_a_period_longer_than_support_is_found_and_one_it_covers_is_not():
    # low complexity: 10 planned days, lengthened to 22 for the 30-day stabilisation, spanning at least 30 days
    assert _problems("Zero errors for 30 consecutive days", "Zero errors for 31 consecutive days") == [
        (3, "criterion-outlasts-support")
    ]
    assert _problems("Zero errors for 22 consecutive business days") == []
    assert _problems("Zero errors for 23 consecutive business days") == [(2, "criterion-outlasts-support")]


def test_a_longer_stabilisation_period_lengthens_support_so_the_criterion_fits():
    assert _problems("Zero errors for 60 consecutive days", stabilization_period_days=60) == []


def test_the_warning_is_located_at_the_criterion_cell_and_says_what_to_change(book):
    path = book(
        Projects=[PROJECT_HEADER, PROJECT_ROW],
        **{"Success Criteria": [SC_HEADER, ["P-1", "No unreconciled payout for 90 days in a row", ""]]},
    )
    report = validate_files([path])
    assert ("Success Criteria", 2, "Criterion", "criterion-outlasts-support") in [f[:4] for f in flat(report)]
    problem = next(p for p in report.problems if p.code == "criterion-outlasts-support")
    assert "90 days" in problem.message and "22 business days" in problem.message
    assert "Stabilization Period Days to 90" in problem.hint
