"""The statement of work as a contract: parties, payment schedule, one approval block, effort only on request."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal

from planforge.context.documents import build_sow
from planforge.context.plan import build_context
from planforge.core.model import PaymentTerms, Settings, TeamMember
from planforge.core.names import PLAN, SOW
from planforge.formats.md_tokens import Document
from planforge.formats.options import WriteOptions
from planforge.formats.registry import write_docx
from planforge.outputs.documents import document_docx, render_document
from support import make_project

DAY = date(2026, 1, 15)
KINDS = frozenset({"sow"})
MILESTONES = PaymentTerms(
    milestones=(("Kickoff", Decimal(30)), ("UAT sign-off", Decimal(40)), ("Go-live", Decimal(30)))
)


def _sow(settings: Settings | None = None, **kw):
    project = make_project(budget=Decimal("10001"), **kw)
    ctx = build_context(project, settings or Settings(), DAY, KINDS)
    return ctx, build_sow(ctx), render_document("sow", ctx, WriteOptions(plan_date=DAY))


def test_supplier_and_client_are_named_as_parties():
    _, sow, text = _sow(Settings(firm_name="Northwind Integrations"))
    assert sow.supplier == "Northwind Integrations"
    assert "agreed between Northwind Integrations (the supplier" in text and "Client Co (the client)" in text
    _, blank, text = _sow()
    assert blank.supplier == "[Firm name]" and "**Supplier**: \\[Firm name\\]" in text


def test_milestone_amounts_sum_exactly_to_the_fee_with_the_remainder_last():
    ctx, sow, text = _sow(Settings(payment_terms=MILESTONES))
    amounts = [i.amount for i in sow.payment.instalments]
    assert amounts == ["$3,000", "$4,000", "$3,001"]  # 30% of 10,001 rounds to 3,000; the last takes the rest
    assert sow.payment.instalments[0].due == ctx.phases[0].start and sow.payment.instalments[2].due == ctx.go_live
    assert "| **Total** | | 100% | **$10,001** |" in text


def test_a_projects_payment_terms_override_settings_and_monthly_splits_by_month():
    ctx, sow, text = _sow(Settings(payment_terms=MILESTONES), payment_terms=PaymentTerms(monthly=True))
    months = [i.due for i in sow.payment.instalments]
    assert months[0] == date(2026, 3, 31) and months[-1].month == ctx.go_live.month
    parts = [Decimal(i.amount.strip("$").replace(",", "")) for i in sow.payment.instalments]
    assert sum(parts) == Decimal(10001)
    assert "monthly in arrears" in text


def test_blank_payment_terms_are_to_be_confirmed():
    _, sow, text = _sow()
    assert sow.payment.terms is None and "**Payment terms**: [TBD]" in text


def test_one_approval_block_naming_both_parties():
    _, _, text = _sow(Settings(firm_name="Northwind"))
    assert text.count("## 10. Approval") == 1 and text.count("Signature |") == 1
    assert "| Northwind (supplier) |" in text and "| Client Co (client) |" in text


def test_effort_only_when_settings_ask_and_never_a_zero_day_row():
    team = [
        TeamMember(row=2, name="Ana", role="QA Engineer"),
        TeamMember(row=3, name="Bo", role="Client Point of Contact"),
    ]
    _, sow, text = _sow(team=team)
    assert sow.effort == () and "person-days" not in text
    _, sow, text = _sow(Settings(show_effort_in_sow=True), team=team)
    assert sow.effort and all(e.person_days != "0" for e in sow.effort)
    assert {e.phase.number for e in sow.effort} < {1, 2, 3, 4, 5}  # a QA engineer works on some phases only
    assert "not the basis of the fee" in text


def test_the_sow_docx_has_one_approval_block_and_no_contents_when_short(tmp_path):
    ctx, _, text = _sow(Settings(firm_name="Northwind", payment_terms=MILESTONES))
    options = WriteOptions(plan_date=DAY, formats=("docx",))
    written = write_docx(ctx, Document(text), options, SOW)  # what generate writes
    for data in (written, document_docx("sow", ctx, text, options)):  # and the PDF edition's source
        xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "Approved for" not in xml and ">Contents<" not in xml and "Northwind (supplier)" in xml
    plan = zipfile.ZipFile(io.BytesIO(write_docx(ctx, Document("# Plan\n\n## 1. A\n"), options, PLAN))).read(
        "word/document.xml"
    )
    assert b"Approved for Client Co" in plan and b">Contents<" in plan  # the plan keeps both
