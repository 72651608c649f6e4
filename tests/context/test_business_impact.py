"""Section 1.2 never repeats the executive summary word for word (issue 21, NORTH/PEAK)."""

from __future__ import annotations

from datetime import date

from planforge.context.compose import Summary, business_impacts, summary_text
from planforge.core.model import Objective, PainPoint
from planforge.pipeline import generate
from support import PROJECT_HEADER, PROJECT_ROW


def test_an_objective_the_summary_lists_is_not_repeated_but_its_own_impact_is():
    objectives = [Objective(2, "Orders reach ShipBob within minutes"), Objective(3, "Faster close", "Close in 3 days")]
    said = "The project has two objectives: Orders reach ShipBob within minutes Faster close"
    assert business_impacts(objectives, [], said) == ["Close in 3 days"]


def test_the_repeat_is_found_across_case_and_spacing():
    objectives = [Objective(2, "Automatic  tracking updates.")]
    assert business_impacts(objectives, [], "... automatic tracking updates ...") == []


def test_a_pain_point_the_summary_quotes_is_not_repeated():
    pains = [PainPoint(2, "Payouts are keyed by hand"), PainPoint(3, "Refunds are missed")]
    said = "It removes the two pain points listed in section 1.1, the first being: payouts are keyed by hand."
    assert business_impacts([], pains, said) == ["An end to today's manual work: Refunds are missed"]


def test_without_a_summary_every_outcome_is_listed():
    assert business_impacts([Objective(2, "Fewer errors")], []) == ["Fewer errors"]


def test_summary_text_is_the_analysts_when_given_else_the_composed_one():
    composed = Summary("Opening.", ("Goal one", "Goal two"), "Closing.")
    assert summary_text(composed, None) == "Opening. Goal one Goal two Closing."
    assert summary_text(composed, "Ours.") == "Ours."


def test_a_plan_whose_outcomes_are_all_in_the_summary_says_less_rather_than_repeat(book, tmp_path):
    path = book(
        Projects=[PROJECT_HEADER, PROJECT_ROW],
        Objectives=[["Project ID", "Objective"], ["P-1", "Orders reach QuickBooks within minutes"]],
    )
    generate([path], tmp_path / "out", plan_date=date(2026, 1, 15))
    plan = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    impact = plan.split("### 1.2 Business Impact", 1)[1].split("###", 1)[0]
    assert "Orders reach QuickBooks within minutes" not in impact
    assert "The executive summary states the outcomes expected" in impact
    assert "section 10" not in impact  # no claim about what another section holds
    assert plan.casefold().count("orders reach quickbooks within minutes") == 1
