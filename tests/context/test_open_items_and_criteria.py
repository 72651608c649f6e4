"""Issue 21: plan sections 9 and 10 name the workflow an open item or success criterion is tied to,
and a question on a system the plans assume keeps its place and reads with that assumption."""

from __future__ import annotations

from datetime import date

from planforge.context.documents import build_specs
from planforge.context.plan import build_context
from planforge.core.model import OpenItem, Settings, SuccessCriterion, Workflow
from planforge.derive.catalog import load_catalog
from planforge.pipeline import generate
from planforge.render.environment import render_document, render_markdown
from support import PROJECT_HEADER, make_project

DAY = date(2026, 1, 15)
WORKFLOWS = [Workflow(2, "Publish stock levels to Shopify", "Scheduled"), Workflow(3, "Post payouts", "Scheduled")]


def _plan(**kw):
    return render_markdown(build_context(make_project(workflows=WORKFLOWS, **kw), Settings(), DAY))


def test_a_tied_criterion_names_its_workflow_and_a_blank_one_does_not():
    plan = _plan(
        success_criteria=[
            SuccessCriterion(2, "Stock within 5 minutes", "1"),
            SuccessCriterion(3, "Month-end close two days faster"),
            SuccessCriterion(4, "Both reconciled daily", "1; Post payouts"),
        ]
    )
    assert "- [ ] Stock within 5 minutes (workflow: Publish stock levels to Shopify)\n" in plan
    assert "- [ ] Month-end close two days faster\n" in plan
    assert "- [ ] Both reconciled daily (workflows: Publish stock levels to Shopify, Post payouts)\n" in plan


def test_a_tied_open_item_names_its_workflow_before_owner_and_due_date():
    plan = _plan(
        open_items=[
            OpenItem(2, "Which location is the default?", "Question", "Omar Haddad", date(2026, 2, 6), "1"),
            OpenItem(3, "Sandbox not provisioned", "Blocker", None, None, "2"),
            OpenItem(4, "Which subsidiary owns online sales?", "Question", "Evelyn Park"),
        ]
    )
    assert (
        "- Which location is the default? (workflow: Publish stock levels to Shopify; owner: Omar Haddad, due 6 Feb 2026)\n"
        in plan
    )
    assert "- Sandbox not provisioned (workflow: Post payouts)\n" in plan
    assert "- Which subsidiary owns online sales? (owner: Evelyn Park)\n" in plan


def test_workflow_names_in_the_plan_are_escaped_as_cell_text():
    project = make_project(
        workflows=[Workflow(2, "Sync *all* <stock>", "Scheduled")],
        success_criteria=[SuccessCriterion(2, "Fast", "1")],
        open_items=[OpenItem(2, "Which pool?", "Question", "Ann", None, "1")],
    )
    plan = render_markdown(build_context(project, Settings(), DAY))
    assert "- [ ] Fast (workflow: Sync \\*all\\* \\<stock>)\n" in plan
    assert "- Which pool? (workflow: Sync \\*all\\* \\<stock>; owner: Ann)\n" in plan


QUESTION = OpenItem(2, "QuickBooks Online or Desktop?", "Question")
#: a question on an assumed system is asked once, in section 9.1, with what another answer would change
ASKED = (
    "- QuickBooks Online or Desktop? Design sign-off waits on the answer: this plan assumes QuickBooks Online"
    " until then; QuickBooks Desktop is a different product with no cloud API, so the design changes if it is"
    " the one in use."
)


def test_a_question_on_an_assumed_system_is_asked_once_with_its_consequence():
    """A client reader counted the QuickBooks question in five places: 9.1 asks it, with the catalog's
    consequence; the blockers, the risk row, the summary and 4.3 read QuickBooks Online as an assumption."""
    ctx = build_context(make_project(system_a="Etsy", system_b="QuickBooks", open_items=[QUESTION]), Settings(), DAY)
    plan = render_markdown(ctx)
    assert plan.count("QuickBooks Online or Desktop?") == 1
    assert plan.count("no cloud API") == 1
    assert ASKED + "\n" in plan.split("### 9.1", 1)[1].split("### 9.2", 1)[0]
    blockers = plan.split("### 9.2", 1)[1].split("### 9.3", 1)[0]
    assert "- No blockers identified as of 15 Jan 2026 beyond the open question in section 9.1 that design" in blockers
    before = plan.split("## 9. OPEN", 1)[0]
    assert "until the open question" not in before and "section 9.2" not in plan
    mentions = [line for line in before.splitlines() if "QuickBooks Online" in line]
    assert mentions and all("assume" in line for line in mentions), mentions
    assert "The timeline assumes QuickBooks Online (section 9.1)" in before


def test_the_catalog_says_what_every_ambiguous_name_would_change():
    notes = [why for system in load_catalog() for _, why in system.ambiguous]
    assert notes and all("the design changes" in why for why in notes), notes


def test_the_same_question_on_a_system_written_in_full_adds_nothing():
    ctx = build_context(make_project(system_b="QuickBooks Online", open_items=[QUESTION]), Settings(), DAY)
    assert "- QuickBooks Online or Desktop?\n" in render_markdown(ctx)


def test_every_mention_of_the_assumed_product_reads_as_the_assumption(book, tmp_path):
    """FJORD-009's case end to end: wherever a document names the product the plans assumed for
    "QuickBooks", the sentence says it is assumed; the plan's own question is the one exception."""
    row = ["P-1", "Marketplace bookkeeping", "Fjord Knitwear", "Etsy", "QuickBooks", 0.6, "2026-02-02"]
    path = book(
        Projects=[PROJECT_HEADER, row],
        **{"Open Items": [["Project ID", "Item", "Type"], ["P-1", "QuickBooks Online or Desktop?", "Question"]]},
    )
    generate([path], tmp_path / "out", plan_date=DAY, summary=False, documents=("all",))
    texts = {f.name: f.read_text("utf-8") for f in (tmp_path / "out").glob("P-1-*.md")}
    assert len(texts) >= 6
    mentions = [
        (name, line)
        for name, text in texts.items()
        for line in text.splitlines()
        if "QuickBooks Online" in line and "QuickBooks Online or Desktop?" not in line
    ]
    assert mentions, "the catalog facts name the assumed product"
    assert all("assume" in line for _, line in mentions), mentions
    plan = texts["P-1-implementation-plan.md"]
    assert ASKED in plan


def test_the_specs_read_the_assumed_product_as_an_assumption():
    ctx = build_context(make_project(system_a="Etsy", system_b="QuickBooks", open_items=[QUESTION]), Settings(), DAY)
    specs = render_document("technical-specs", ctx)
    assert build_specs(ctx) is not None
    assert all("assume" in line for line in specs.splitlines() if "QuickBooks Online" in line)


def test_the_specs_list_each_workflows_open_questions_under_it():
    project = make_project(
        workflows=WORKFLOWS,
        open_items=[
            OpenItem(2, "Which location is the default?", "Question", "Omar Haddad", None, "1"),
            OpenItem(3, "Sandbox not provisioned", "Blocker", None, None, "2"),
            OpenItem(4, "Which subsidiary owns online sales?", "Question", "Evelyn Park"),
            OpenItem(5, "The 3PL keeps its share", "Assumption", None, None, "2"),
        ],
    )
    first, second = build_specs(build_context(project, Settings(), DAY)).workflows
    assert first.questions == ("Which location is the default?",)
    assert second.questions == ("Sandbox not provisioned",)
