"""Payment Terms cells (Settings and Projects): monthly, or milestones whose shares sum to 100."""

from __future__ import annotations

from decimal import Decimal

import pytest

import planforge
from planforge.core.model import PaymentTerms
from planforge.intake.parse import BadValue, parse_payment_terms
from support import PROJECT_HEADER, PROJECT_ROW, write_book


def test_milestones_and_monthly_are_read():
    assert parse_payment_terms("Kickoff 30%, UAT 40%; launch: 30 %") == PaymentTerms(
        milestones=(("Kickoff", Decimal(30)), ("UAT sign-off", Decimal(40)), ("Go-live", Decimal(30)))
    )
    assert parse_payment_terms("Monthly") == PaymentTerms(monthly=True)
    assert str(parse_payment_terms("kickoff: 30, uat 70 %")) == "Kickoff 30%, UAT sign-off 70%"  # how frames show it


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kickoff 30%, Go-live 60%", "payment-terms-sum"),
        ("Kickof 50%, Lunch 50%", "unknown-payment-milestone"),
        ("half now", "wrong-type"),
    ],
)
def test_bad_terms_name_their_problem(text, code):
    with pytest.raises(BadValue) as e:
        parse_payment_terms(text)
    assert e.value.code == code


def test_bad_terms_are_located_at_their_cells(tmp_path):
    book = write_book(
        tmp_path / "t.xlsx",
        {
            "Projects": [[*PROJECT_HEADER, "Payment Terms"], [*PROJECT_ROW, "Kickoff 50%, Handover 40%"]],
            "Settings": [
                ["Setting", "Value"],
                ["Payment Terms", "Signature 50%, Lunch 50%"],
                ["Show Effort in SOW", "Yes"],
            ],
        },
    )
    report = planforge.validate([book])
    found = {(p.sheet, p.row, p.column, p.code) for p in report.problems if "payment" in p.code}
    assert found == {
        ("Projects", 2, "Payment Terms", "payment-terms-sum"),
        ("Settings", 2, "Value", "unknown-payment-milestone"),
    }
    assert report.portfolio.settings.show_effort_in_sow is True
