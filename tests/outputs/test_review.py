"""The review file lists every assumed value every written document shows, with its basis."""

from __future__ import annotations

from datetime import date

from planforge.pipeline import GenerateOptions, generate
from support import SAMPLE

DAY = date(2026, 1, 15)


def test_every_assumed_passage_of_every_document_is_in_the_review(tmp_path):
    generate([SAMPLE], tmp_path, GenerateOptions(plan_date=DAY, formats=("md",), documents=("all",)))
    reviews = sorted((tmp_path / "review").glob("*-review.md"))
    assert len(reviews) >= 9
    for review in reviews:
        pid = review.name.removesuffix("-review.md")
        marks = sum(f.read_text("utf-8").count("(assumed)") for f in tmp_path.glob(f"{pid}-*.md"))
        text = review.read_text("utf-8")
        section = text.split("## Where the documents show assumed values (", 1)[1].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| Document")]
        assert section.startswith(f"{len(rows)})")
        assert sum(row.count("(assumed)") for row in rows) == marks, pid
    harbor = (tmp_path / "review" / "HARBOR-004-review.md").read_text("utf-8")
    # a direction the workflow's name states outright is printed as stated; the review notes where it was read
    assert "| Direction: NetSuite to Shopify (assumed) |" not in harbor
    assert (
        "- Workflow 5 (Sync new NetSuite items to Shopify as draft products) direction: NetSuite to Shopify (basis: "
        "read from the workflow's name; state it in Workflows > Source System and Target System, row 16)" in harbor
    )
    # three workflows assume the same direction: each passage points at its own row (row 4's name states it)
    acme = (tmp_path / "review" / "ACME-001-review.md").read_text("utf-8")
    rows = [line.rsplit("row ", 1)[1].rstrip(" |") for line in acme.splitlines() if "| Direction: " in line]
    assert rows == ["2", "3", "5"]


def test_a_plan_only_run_lists_the_plans_passages_only(tmp_path):
    generate([SAMPLE], tmp_path, GenerateOptions(plan_date=DAY, formats=("md",)))
    harbor = (tmp_path / "review" / "HARBOR-004-review.md").read_text("utf-8")
    assert "| Implementation Plan | 8.2 Monitoring Tools |" not in harbor  # Settings tools are the firm's facts
    assert "| Implementation Plan |" in harbor
    assert "| Technical Specifications |" not in harbor
