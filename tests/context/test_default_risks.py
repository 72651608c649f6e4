"""Issue 21: a thin risk register gets the standard risks of its integration type and systems, marked
assumed, and the common-risk list below the table does not repeat them."""

from __future__ import annotations

from datetime import date

from planforge.context.plan import THIN_REGISTER, build_context
from planforge.core.model import Risk, Settings, Workflow
from planforge.render.environment import render_markdown
from support import make_project

DAY = date(2026, 1, 15)


def _risks(n: int, text: str = "Carrier outage") -> list[Risk]:
    return [Risk(i + 2, f"{text} {i}", "Low", "Low", "Watch it", "Ana") for i in range(n)]


def test_no_risks_rows_get_the_types_standard_risk_marked_assumed():
    ctx = build_context(make_project(), Settings(), DAY)  # Shopify -> Xero: accounting
    (row,) = ctx.risk_register.assumed
    assert row.risk.startswith("Shopify's payouts do not reconcile in Xero") and row.risk.endswith("(assumed)")
    assert ctx.risk_register.promoted == {"Payment reconciliation failures"}
    assert "Standard risks" in [a.label for a in ctx.completeness.assumptions]
    assert ctx.risk_register.rows == ()  # the portfolio's register reads only the intake's rows


def test_the_common_list_does_not_repeat_a_risk_the_table_states():
    text = render_markdown(build_context(make_project(), Settings(), DAY))
    section = text.split("## 5.", 1)[1].split("## 6.", 1)[0]
    assert "Shopify's payouts do not reconcile in Xero" in section
    assert "Payment reconciliation failures" not in section
    assert (
        "_Rows marked (assumed) are risks that integrations of this type, with these systems, usually carry; we will confirm each one with Client Co"
        in section
    )
    assert "our standard" not in section  # client-facing prose, not our internal shorthand


def test_a_full_register_gets_no_standard_rows():
    ctx = build_context(make_project(risks=_risks(THIN_REGISTER)), Settings(), DAY)
    assert ctx.risk_register.assumed == () and ctx.risk_register.promoted == frozenset()
    text = render_markdown(ctx)
    assert "_Rows marked (assumed)" not in text and "- **Payment reconciliation failures**" in text


def test_a_stated_risk_on_the_same_topic_replaces_the_standard_row():
    ctx = build_context(make_project(risks=_risks(1, "Payouts fail to reconcile")), Settings(), DAY)
    assert ctx.risk_register.assumed == ()
    assert [r.risk for r in ctx.risk_register.table] == ["Payouts fail to reconcile 0"]


def test_a_system_without_a_sandbox_adds_the_live_testing_risk():
    ctx = build_context(make_project(system_a="Etsy", system_b="QuickBooks Online"), Settings(), DAY)
    live = [r for r in ctx.risk_register.assumed if "offers no sandbox" in r.risk]
    assert len(live) == 1 and live[0].risk.startswith("Tests on Client Co's live Etsy account (Etsy offers no sandbox)")
    assert live[0].likelihood == "Medium"  # the missing sandbox is a known fact, not a likely event
    shopify = build_context(make_project(), Settings(), DAY)
    assert not [r for r in shopify.risk_register.assumed if "sandbox" in r.risk]


def test_the_standard_reconciliation_row_does_not_presume_how_payouts_are_posted():
    """Section 9.1 asks whether a payout is one net deposit or its parts: the risk row must not answer it."""
    (row,) = build_context(make_project(), Settings(), DAY).risk_register.assumed
    assert "Each payout posted as" not in row.mitigation
    assert "agreed in Discovery & Design" in row.mitigation


def _live_row(*workflows: Workflow) -> str:
    ctx = build_context(
        make_project(system_a="Etsy", system_b="QuickBooks Online", workflows=list(workflows)), Settings(), DAY
    )
    (row,) = [r for r in ctx.risk_register.assumed if "offers no sandbox" in r.risk]
    return row.mitigation


def test_a_system_no_workflow_writes_to_is_only_read_by_the_tests():
    """One-way Etsy -> QuickBooks: nothing writes to Etsy, so no test sets aside an Etsy record."""
    text = _live_row(
        Workflow(2, "Post Etsy orders to QuickBooks Online", "Scheduled", None, "Etsy", "QuickBooks Online")
    )
    assert text.startswith(
        "The integration and its tests only read from Etsy; every write goes to the QuickBooks Online test"
    )
    assert "must write to Etsy" not in text


def test_a_workflow_that_writes_to_the_live_system_keeps_the_set_aside_record():
    text = _live_row(Workflow(2, "Push stock to Etsy", "Scheduled", None, "QuickBooks Online", "Etsy"))
    assert "a test that must write to Etsy uses a record Client Co sets aside" in text


def test_with_no_workflows_the_plans_direction_says_the_live_system_is_only_read():
    """No workflows yet: the key facts print Etsy -> QuickBooks Online, so the tests only read Etsy."""
    assert _live_row().startswith("The integration and its tests only read from Etsy")
    flipped = build_context(make_project(system_a="QuickBooks Online", system_b="Etsy"), Settings(), DAY)
    (row,) = [r for r in flipped.risk_register.assumed if "offers no sandbox" in r.risk]
    assert "a test that must write to Etsy uses a record" in row.mitigation


def test_a_webhook_quirk_of_a_system_whose_webhooks_the_design_does_not_use_is_marked_as_not_applying():
    from planforge.core.model import SystemFacts

    ctx = build_context(make_project(system_a="Etsy", system_b="QuickBooks Online"), Settings(), DAY)
    etsy = next(f for f in ctx.dependencies.api if f.name == "Etsy")
    assert etsy.quirks_note == "does not apply: this design does not use Etsy's webhooks"
    text = render_markdown(ctx)
    assert "- Known quirks: Thin webhook payloads (does not apply: this design does not use Etsy's webhooks)" in text
    stated = make_project(
        system_a="Etsy",
        system_b="QuickBooks Online",
        systems=[SystemFacts(2, "Etsy", known_quirks="Thin webhook payloads")],
    )
    etsy = next(f for f in build_context(stated, Settings(), DAY).dependencies.api if f.name == "Etsy")
    assert etsy.quirks_note == ""  # the Systems sheet's own quirk prints as written
