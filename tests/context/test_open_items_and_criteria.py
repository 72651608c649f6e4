"""Issue 21: plan sections 9 and 10 name the workflow an open item or success criterion is tied to,
and a question on a system the plans assume keeps its place and reads with that assumption."""

from __future__ import annotations

from datetime import date

from planforge.context.documents import build_specs
from planforge.context.plan import build_context
from planforge.core.model import OpenItem, Settings, SuccessCriterion, Workflow
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
#: a question on an assumed system is asked once, as a blocker (section 9.2)
BLOCKER = (
    "- QuickBooks Online or Desktop? Needed before design sign-off: this plan's approach, API facts and timeline"
    " assume QuickBooks Online until it is answered, and the answer may change them."
)


def test_a_question_on_an_assumed_system_is_a_blocker_asked_once():
    ctx = build_context(make_project(system_a="Etsy", system_b="QuickBooks", open_items=[QUESTION]), Settings(), DAY)
    plan = render_markdown(ctx)
    blockers = plan.split("### 9.2", 1)[1].split("### 9.3", 1)[0]
    assert BLOCKER + "\n" in blockers
    assert plan.count("QuickBooks Online or Desktop?") == 2  # listed in 9.1 as blocking, answered-for in 9.2
    assert "- QuickBooks Online or Desktop? (blocks design sign-off;" in plan.split("### 9.1", 1)[1].split("### 9.2")[0]


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
    assert BLOCKER in plan


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
