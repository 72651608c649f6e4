"""What a sparse plan (FJORD-009: two systems, one pain point, one open question) says about what it
does not know: its timeline's basis, its outcomes, and the system it assumes."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.pipeline import GenerateOptions, generate
from planforge.render.environment import templates_dir
from support import SAMPLE

DAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("sparse")
    generate([SAMPLE], out, GenerateOptions(plan_date=DAY, formats=("md",)))
    return {p.name.split("-implementation")[0]: p.read_text("utf-8") for p in out.glob("*-implementation-plan.md")}


def _summary(text: str) -> str:
    return text.split("## EXECUTIVE SUMMARY", 1)[1].split("**Key Facts**", 1)[0]


def test_a_derived_timeline_says_what_it_assumes(plans):
    fjord = _summary(plans["FJORD-009"])
    assert (
        "The phase lengths assume a low-complexity integration (no workflow agreed yet, so sized as one simple flow; no migration of historical data assumed)"
        in fjord
    )
    assert "Discovery confidence is not yet assessed, so phases 1 to 4 include a 30% contingency." in fjord


def test_a_stated_complexity_makes_no_sizing_claim(plans):
    stated = [pid for pid, text in plans.items() if "The phase lengths assume" not in _summary(text)]
    assert stated and "FJORD-009" not in stated


def test_outcomes_without_objectives_do_not_point_at_a_summary_that_states_none(plans):
    impact = plans["FJORD-009"].split("### 1.2", 1)[1].split("###", 1)[0]
    assert "The executive summary states" not in impact
    assert "- An end to the manual work described in section 1.1" in impact


def test_an_assumed_system_is_asked_about_once_and_blocks_design_sign_off(plans):
    questions = plans["FJORD-009"].split("### 9.1", 1)[1].split("###", 1)[0]
    assert "- QuickBooks Online or Desktop? Design sign-off waits on the answer" in questions
    assert (
        "assumes QuickBooks Online until then; QuickBooks Desktop is a different product with no cloud API" in questions
    )
    blockers = plans["FJORD-009"].split("### 9.2", 1)[1].split("###", 1)[0]
    assert "QuickBooks" not in blockers and "beyond the open question in section 9.1" in blockers


def _section(text: str, start: str, end: str) -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def test_no_risks_rows_lists_the_risk_the_plan_already_knows(plans):
    risks = _section(plans["FJORD-009"], "## 5. RISK", "### Common")
    assert (
        "| The QuickBooks in use proves not to be QuickBooks Online, which this plan assumes (section 9.1), and"
        " the design changes with it |" in risks
    )
    # the question is asked once, in 9.1; the risk row points to it without repeating it
    assert plans["FJORD-009"].count("QuickBooks Online or Desktop?") == 1
    assert "| [TBD] | [TBD] |" not in risks
    # a project with its own Risks rows keeps only them
    assert "may change that" not in _section(plans["HARBOR-004"], "## 5. RISK", "### Common")


def test_no_workflows_yet_names_the_scope_the_workflows_will_deliver(plans):
    fjord = plans["FJORD-009"]
    item = '"Etsy payouts recorded in QuickBooks automatically", '  # the scope item itself, no bookkeeping label
    assert item in _section(fjord, "#### 2.3", "#### 2.4")
    assert item in _section(fjord, "### 6.3", "---")


def test_a_bookkeeping_cutover_keeps_hand_keyed_entries_from_being_posted_twice(plans):
    """An accounting integration replaces entries keyed by hand: the standard cutover confirms the
    agreed cutover date right after go/no-go, before the first sync; a non-accounting plan has no
    such step."""
    steps = plans["FJORD-009"].split("### 7.3 Deployment Steps", 1)[1].split("### 7.4", 1)[0]
    assert "2. Confirm the cutover date agreed with Fjord Knitwear: entries keyed by hand before it stay" in steps
    assert steps.index("cutover date") < steps.index("Enable the first sync cycle")
    assert "cutover date agreed" not in plans["BLOOM-002"]
    fjord = plans["FJORD-009"]
    assert "The problem Fjord Knitwear reports so far:" in fjord
    assert "- **Pain Point**: Etsy payouts" in fjord
    # payout reconciliation is what FJORD's scope speaks of: its own feature, not one to confirm or remove
    features = _section(fjord, "#### 2.4", "#### 2.5")
    assert "- [ ] Payment reconciliation logic" in features and "part of every integration" not in features


def test_the_standard_feature_list_is_said_to_be_confirmed_only_when_the_scope_names_none_of_it():
    from planforge.context.plan import build_context
    from planforge.core.model import ScopeItem, Settings
    from planforge.render.environment import render_markdown
    from support import make_project

    day = date(2026, 1, 15)
    silent = make_project(
        system_a="Etsy", system_b="QuickBooks Online", scope=[ScopeItem(2, "Go live soon", "In scope")]
    )
    features = _section(render_markdown(build_context(silent, Settings(), day)), "#### 2.4", "#### 2.5")
    assert features.count("- [ ] ") == 4  # the whole standard list, nothing in the scope to keep it to
    assert "These features are part of every integration of this type; during Discovery & Design we confirm" in features


def test_a_plan_with_no_workflow_proposes_the_types_discovery_agenda(plans):
    questions = _section(plans["FJORD-009"], "### 9.1", "### 9.2")
    assert "**Proposed Discovery agenda**: no workflow is agreed yet" in questions
    assert "- How Etsy payouts reach the books: as one net deposit, or as gross sales, fees and refunds" in questions
    assert "- Whether Etsy collects and remits the sales tax or Fjord Knitwear does" in questions
    # a project whose workflows are agreed asks only its own questions
    assert "Proposed Discovery agenda" not in plans["HARBOR-004"]


def test_every_integration_type_has_a_discovery_agenda():
    plan = templates_dir() / "plan"
    types = {p.name for p in (plan / "features").glob("*.md.j2")}
    assert types and types == {p.name for p in (plan / "discovery").glob("*.md.j2")}


def test_the_summary_says_what_the_timeline_rests_on_that_is_not_settled(plans):
    # an assumed system an open question asks about, and the vendor approvals 4.2 lists, in the summary a
    # client reads first (they were only in sections 4.2 and 9)
    assert (
        "The timeline assumes QuickBooks Online (section 9.1) and depends"
        " on the integration's approval by Etsy and QuickBooks Online (section 4.2)." in _summary(plans["FJORD-009"])
    )
    assert "The timeline depends on the integration's approval by QuickBooks Online" in _summary(plans["ACME-001"])
    assert "The timeline " not in _summary(plans["BLOOM-002"])  # WooCommerce and Klaviyo approve nothing


def test_the_stability_exit_criterion_fits_the_support_phase_and_says_what_follows_an_incident(plans):
    """Issue 21: '30 consecutive calendar days' beside a 22-business-day phase read as a contradiction."""
    support = _section(plans["FJORD-009"], "### Phase 5", "## 3.")
    assert "**Duration**: 22 business days" in support
    assert (
        "- ✓ Stable operation (no Critical or High incident) for 30 consecutive calendar days counted from "
        "go-live (this phase's 22 business days), with support extended if such an incident restarts the count\n"
        in support
    )
    assert "which fit" not in support and "support continues until" not in support


def test_assumptions_list_each_assumed_value_and_leave_the_bookkeeping_to_the_review(plans, tmp_path):
    """A client reader could not tell what 'the values marked (assumed)' were: 9.3 lists each one with
    its value and the section that uses it, in client words; where each comes from stays in the review."""
    assumptions = _section(plans["FJORD-009"], "### 9.3", "---")
    assert "beyond the values marked" not in assumptions
    for line in (
        "- **Product assumed for QuickBooks** (section 9.1): QuickBooks Online\n",
        "- **Etsy and QuickBooks API facts** (section 4.3): the vendors' published rate limits",
        "- **Test data** (section 6.2): The client's own Etsy shop (Etsy offers no sandbox) and a QuickBooks",
        "- **Deployment approach** (section 7.1): Big-bang cutover in one window\n",
        "- **Failed records** (section 8.1): At most one payout a day is too few to measure a 99.5% success rate",
        "- **Alert thresholds** (section 8.3): the standard alerts\n",
    ):
        assert line in assumptions
    for internal in ("sheet", "Settings >", "Projects >", "intake", "basis", "firm standard"):
        assert internal not in assumptions
    # a project's own Assumption items come first, then the values the plan assumes
    harbor = _section(plans["HARBOR-004"], "### 9.3", "---")
    assert harbor.index("- The 3PL connector") < harbor.index("this plan also assumes the following values:")
    assert "- **Workflow 3 (Sync fulfilments from NetSuite to Shopify), frequency**: On each change" in harbor
    review = generate_review(tmp_path)
    assert "- Deployment strategy: Big-bang cutover in one window (basis: the standard cutover steps)" in review
    assert "| Implementation Plan | 9.3" not in review  # 9.3 prints no '(assumed)' passage of its own


def generate_review(tmp_path) -> str:
    generate([SAMPLE], tmp_path, GenerateOptions(plan_date=DAY, formats=("md",)))
    return (tmp_path / "review" / "FJORD-009-review.md").read_text("utf-8")


def test_the_discovery_agenda_names_the_kind_of_integration_in_plain_words():
    from planforge.context.plan import build_context
    from planforge.core.model import Settings
    from support import make_project

    ctx = build_context(make_project(system_a="Etsy", system_b="QuickBooks Online"), Settings(), date(2026, 1, 15))
    assert ctx.integration_kind == "an accounting integration"
    pos = build_context(make_project(system_a="Square", system_b="Shopify"), Settings(), date(2026, 1, 15))
    assert pos.integration_kind.startswith("a point-of-sale")
