"""End to end on the sample: every section, golden plans, well-formed tables, batch behaviour.

Golden plans (Markdown and HTML) live in tests/golden/ and are compared by pytest-regressions;
after an intended change, regenerate them with:
    pytest tests/test_generate.py -k golden --force-regen
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from planforge.core.errors import ValidationFailed
from planforge.outputs.base_texts import BASE_DIR
from planforge.pipeline import generate
from planforge.render.environment import render_review
from planforge.rerun.manifest import MANIFEST_NAME
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, ROOT, SAMPLE

DAY = date(2026, 1, 15)
GOLDEN = ROOT / "tests" / "golden"
SEED = ROOT / "docs" / "seed" / "implementation-plan-template.md"
MD = MarkdownIt("commonmark").enable("table")


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("plans")
    result = generate([SAMPLE], out, plan_date=DAY)
    return out, result


def plan(out: Path, pid: str) -> str:
    return (out / f"{pid}-implementation-plan.md").read_text("utf-8")


SAMPLE_IDS = (
    "ACME-001",
    "BLOOM-002",
    "PEAK-003",
    "HARBOR-004",
    "CITY-005",
    "SUMMIT-006",
    "NORTH-007",
    "LUMEN-008",
    "FJORD-009",
    "TIDE-010",
)


def test_one_plan_per_project_and_the_summary(sample_run):
    out, result = sample_run
    assert result.ok
    assert sorted(p.name for p in out.iterdir() if p.name not in (MANIFEST_NAME, BASE_DIR)) == sorted(
        [f"{pid}-implementation-plan.md" for pid in SAMPLE_IDS] + ["portfolio-summary.xlsx", "review"]
    )
    # the team's review material sits apart from what is sent to the client
    assert sorted(p.name for p in (out / "review").iterdir()) == sorted(f"{pid}-review.md" for pid in SAMPLE_IDS)


def test_every_plan_has_every_top_level_section_of_the_seed_in_order(sample_run):
    out, _ = sample_run
    sections = [
        line for line in SEED.read_text("utf-8").splitlines() if re.match(r"^## [A-Z0-9]", line) and "[" not in line
    ]
    assert len(sections) == 12
    for path in out.glob("*.md"):
        text = path.read_text("utf-8")
        positions = [text.find("\n" + s + "\n") for s in sections]
        assert -1 not in positions, (path.name, [s for s, p in zip(sections, positions) if p == -1])
        assert positions == sorted(positions)


def test_no_placeholder_template_syntax_or_nan_left(sample_run):
    out, _ = sample_run
    for path in out.glob("*.md"):
        text = path.read_text("utf-8")
        leftovers = re.findall(r"\[(?!TBD\])[A-Z][A-Z0-9_/]{2,}\]|\{\{|\{%|\bnan\b|\bNaN\b|\bNaT\b|: None$", text, re.M)
        assert leftovers == [], (path.name, leftovers)
        assert "<!--" not in text


def test_two_type_project_gets_both_blocks_and_renumbered_testing(sample_run):
    text = plan(sample_run[0], "HARBOR-004")
    assert "#### 2.4 Accounting-Specific Features" in text
    assert "#### 2.5 Inventory-Specific Features" in text
    assert "#### 2.6 Testing" in text
    assert "**Payment reconciliation failures**" in text and "**Stock drift between systems**" in text
    assert "Tax calculation" not in text  # its scope speaks of no tax: the standard tax feature and risk stay out


def test_single_type_project_numbering(sample_run):
    text = plan(sample_run[0], "BLOOM-002")
    assert "#### 2.4 Marketing-Specific Features" in text and "#### 2.5 Testing" in text
    assert "Accounting-Specific" not in text


def test_migration_section_only_with_a_migration(sample_run):
    out, _ = sample_run
    assert "### 4.4 Data Migration Requirements" in plan(out, "SUMMIT-006")
    assert "36 months of invoices" in plan(out, "SUMMIT-006")
    assert "Data Migration Requirements" not in plan(out, "ACME-001")


def test_lists_take_every_row(sample_run):
    text = plan(sample_run[0], "HARBOR-004")
    assert "- [ ] Sync new NetSuite items to Shopify as draft products" in text  # the 5th workflow
    assert text.count("| Inventory drift |") == 1  # the 4th alert


def test_sparse_project_shows_tbd_and_lists_what_to_chase(sample_run):
    text = plan(sample_run[0], "FJORD-009")
    assert "**Lead Engineer**: [TBD]" in text
    assert "**Edition**: Draft" in text  # TBDs make the client edition a draft
    ctx = next(c for c in sample_run[1].contexts if c.project.project_id == "FJORD-009")
    review = render_review(ctx)
    assert re.search(r"\d+% \(\d+ of \d+ fields filled\)", review)
    assert "- Kickoff date: Projects > Kickoff Date" in review


CLIENT_FORBIDDEN = (
    "planforge",
    "Completeness",
    "Still to be confirmed",
    "Projects >",
    "Settings >",
    "Systems sheet",
    "Team sheet",
    "Deployment Steps sheet",
    "Alerts sheet",
    "systems catalog",
    ".md`",
)


def test_client_edition_holds_no_internal_text(sample_run):
    """No tool name, bookkeeping, sheet/column reference or fill-in instruction in any client plan."""
    for path in sample_run[0].glob("*-implementation-plan.md"):
        text = path.read_text("utf-8").casefold()
        for phrase in CLIENT_FORBIDDEN:
            assert phrase.casefold() not in text, (path.name, phrase)


def test_review_holds_the_bookkeeping(sample_run):
    ctx = next(c for c in sample_run[1].contexts if c.project.project_id == "FJORD-009")
    review = render_review(ctx)
    assert "Etsy webhook support: Yes (commercial access only) (basis: systems catalog: developers.etsy.com" in review
    assert "Test data source" in review and "Hosting provider" not in review  # Settings > Hosting Provider is a fact
    assert "QuickBooks was read as QuickBooks Online" in review


def test_seen_self_contradictions_are_gone(sample_run):
    out = sample_run[0]
    acme, harbor = plan(out, "ACME-001"), plan(out, "HARBOR-004")
    assert "go-live on Sunday 5 Apr 2026" in acme
    assert "go-live on Saturday" in harbor
    summit, city, fjord = plan(out, "SUMMIT-006"), plan(out, "CITY-005"), plan(out, "FJORD-009")
    assert "within minutes" not in summit and "nightly batches" not in summit
    assert "scheduled workflow (post daily BigCommerce sales to Xero as invoices)" in summit
    assert "one owning system" not in city and "Stock synced both ways" in city
    assert "Etsy publishes" not in fjord and "Etsy offers webhooks only under conditions" in fjord
    assert "(assumed)" in fjord.split("**Source**:")[1].split("\n")[0]
    for text in (acme, harbor, summit, city, fjord):
        assert "weeks to go-live" not in text.split("business days")[0]
        assert not re.search(r"\d+\.(?!5 )\d+ weeks", text)  # weeks to the half: "about 2.5 weeks", never "2.6"
        assert not re.search(r"\d+\.0 months", text)
        assert "The objectives are:" not in text and "The first pain point it removes" not in text


def test_every_table_parses_with_matching_cell_counts(sample_run):
    out, _ = sample_run
    for path in out.glob("*.md"):
        assert_tables_well_formed(path.read_text("utf-8"), path.name)


def assert_tables_well_formed(text: str, name: str = "") -> int:
    tokens = MD.parse(text)
    tables, header, row = 0, None, 0
    for t in tokens:
        if t.type == "table_open":
            tables += 1
        elif t.type == "tr_open":
            row = 0
        elif t.type in ("th_open", "td_open"):
            row += 1
        elif t.type == "tr_close":
            header = row if header is None else header
            assert row == header, (name, row, header)
        elif t.type == "table_close":
            header = None
    assert tables >= 1 and tables == len(re.findall(r"^\|[-| ]+\|$", text, re.M)), name
    return tables


def test_same_input_and_date_give_identical_bytes(sample_run, tmp_path):
    out, _ = sample_run
    generate([SAMPLE], tmp_path, plan_date=DAY)
    for path in out.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(out)).read_bytes(), path.name


GOLDEN_IDS = ["ACME-001", "HARBOR-004", "SUMMIT-006", "FJORD-009", "TIDE-010"]


@pytest.fixture(scope="module")
def html_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    generate([SAMPLE], out, plan_date=DAY, formats=["html"], only=GOLDEN_IDS, summary=False)
    return out


@pytest.mark.parametrize("pid", GOLDEN_IDS)
def test_golden_markdown(sample_run, pid, file_regression):
    file_regression.check(plan(sample_run[0], pid), fullpath=GOLDEN / f"{pid}-implementation-plan.md", newline="\n")


@pytest.mark.parametrize("pid", GOLDEN_IDS)
def test_golden_html(html_run, pid, file_regression):
    text = (html_run / f"{pid}-implementation-plan.html").read_text("utf-8")
    file_regression.check(text, fullpath=GOLDEN / f"{pid}-implementation-plan.html", newline="\n")


def test_hostile_cell_text_stays_data(book, tmp_path):
    evil = "Acme | Co\n# Not a heading\n<script>alert(1)</script> {{ 7*7 }} `x` [a](javascript:alert(1))"
    row = ["P-1", "{% raw %}Name", evil, "Shopify", "QuickBooks Online", 0.85, "2026-02-02"]
    risks = [RISK_HEADER, ["P-1", "a|b\nc", "Low", "High", "- not a list", "<b>x</b>"]]
    generate(
        [book(Projects=[PROJECT_HEADER, row], Risks=risks)], tmp_path / "out", plan_date=DAY, formats=["md", "html"]
    )
    text = (tmp_path / "out" / "P-1-implementation-plan.md").read_text("utf-8")
    assert_tables_well_formed(text)
    for html in (MD.render(text), (tmp_path / "out" / "P-1-implementation-plan.html").read_text("utf-8")):
        assert "<script" not in html  # any HTML renderer of the Markdown, and our own HTML plan
        assert "javascript:" not in re.sub(r"\[a\]\(javascript:alert\(1\)\)", "", html)  # only as escaped text
        assert 'href="javascript' not in html
    assert "<h1>Not a heading</h1>" not in html and "49" not in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert not any("Not a heading" in h for h in headings)


def test_broken_project_is_skipped_and_valid_ones_written(book, tmp_path):
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]]
    result = generate([book(Projects=projects)], tmp_path / "out", plan_date=DAY)
    assert [p.name for p in sorted((tmp_path / "out").glob("*.md"))] == ["P-1-implementation-plan.md"]
    assert list(result.skipped) == ["P-2"] and not result.ok


def test_strict_writes_nothing_when_any_error(book, tmp_path):
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]]
    with pytest.raises(ValidationFailed):
        generate([book(Projects=projects)], tmp_path / "out", plan_date=DAY, strict=True)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_only_limits_the_run(tmp_path):
    generate([SAMPLE], tmp_path, plan_date=DAY, only=["BLOOM-002"], summary=False)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name not in (MANIFEST_NAME, BASE_DIR)) == [
        "BLOOM-002-implementation-plan.md",
        "review",
    ]
    assert [p.name for p in (tmp_path / "review").iterdir()] == ["BLOOM-002-review.md"]


def test_stale_plans_are_reported_not_mixed_in(tmp_path):
    (tmp_path / "OLD-1-implementation-plan.md").write_text("old")
    result = generate([SAMPLE], tmp_path, plan_date=DAY, summary=False)
    assert [(p.name, code) for p, code in result.stale] == [("OLD-1-implementation-plan.md", "stale-output")]
    assert any(p.code == "stale-output" for p in result.report.problems)


def test_plans_of_broken_projects_are_reported_as_not_updated(book, tmp_path):
    (tmp_path / "P-2-implementation-plan.md").write_text("from last week")
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]]
    result = generate([book(Projects=projects)], tmp_path, plan_date=DAY, summary=False)
    assert [(p.name, code) for p, code in result.stale] == [("P-2-implementation-plan.md", "outdated-output")]


def test_outputs_not_rewritten_this_run_are_reported(tmp_path):
    generate([SAMPLE], tmp_path, plan_date=DAY, formats=("md", "docx"), only=["ACME-001"])
    result = generate([SAMPLE], tmp_path, plan_date=DAY, formats=("md",), only=["ACME-001"], summary=False)
    assert [(p.name, code) for p, code in result.stale] == [("ACME-001-implementation-plan.docx", "outdated-output")]
    result = generate([SAMPLE], tmp_path, plan_date=DAY, formats=("md",), summary=False)
    assert ("portfolio-summary.xlsx", "outdated-output") in [(p.name, code) for p, code in result.stale]


def test_only_reports_failures_among_the_selected(book, tmp_path):
    projects = [PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]]
    result = generate([book(Projects=projects)], tmp_path / "out", plan_date=DAY, only=["P-1"], summary=False)
    assert result.skipped == {} and [c.project.project_id for c in result.contexts] == ["P-1"]


def test_no_temporary_files_left(sample_run):
    out, _ = sample_run
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name not in (MANIFEST_NAME, BASE_DIR)]


def test_several_intakes_in_one_run_each_with_its_own_settings(book, tmp_path):
    first = book(
        "a.xlsx",
        Settings=[["Setting", "Value"], ["Default Hourly Rate", 100]],
        Pain_Points=[["Project ID", "Pain Point", "Hours per Week"], ["P-1", "x", 10]],
    )
    second = book(
        "b.xlsx",
        Projects=[PROJECT_HEADER, ["Q-1"] + PROJECT_ROW[1:]],
        Pain_Points=[["Project ID", "Pain Point", "Hours per Week"], ["Q-1", "x", 10]],
    )
    result = generate([first, second], tmp_path / "out", plan_date=DAY, summary=False)
    rates = {c.project.project_id: c.roi_figures.hourly_rate for c in result.contexts}
    assert rates == {"P-1": 100, "Q-1": 45}


def test_the_same_id_in_two_intakes_is_an_error(book, tmp_path):
    result = generate([book("a.xlsx"), book("b.xlsx")], tmp_path / "out", plan_date=DAY, summary=False)
    assert [c.project.project_id for c in result.contexts] == ["P-1"]
    assert [(p.code, p.file) for p in result.report.errors] == [("duplicate-id", "b.xlsx")]


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_every_file_written_has_the_mode_the_umask_gives(tmp_path, mask, mode):
    """A shared output folder: plans, companion documents, reviews, the summary, the index and the
    manifest get the mode any new file gets under the user's umask, not mkstemp's private 0600."""
    old = os.umask(mask)
    try:
        generate([SAMPLE], tmp_path, plan_date=DAY, formats=["md", "html", "docx"], documents=["all"])
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 60
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(mode)}


def test_an_output_folder_inside_the_templates_folder_reruns_as_unchanged(tmp_path):
    from_firm = tmp_path / "firm"
    (from_firm / "plan").mkdir(parents=True)
    out = from_firm / "out"
    first = generate([SAMPLE], out, plan_date=DAY, templates=from_firm, only=["ACME-001"], summary=False)
    assert first.rewritten == ["ACME-001"]
    again = generate([SAMPLE], out, plan_date=DAY, templates=from_firm, only=["ACME-001"], summary=False)
    assert again.unchanged == ["ACME-001"] and not again.written


def test_every_file_written_gets_the_mode_the_umask_gives_new_files(tmp_path):
    old = os.umask(0o022)
    try:
        result = generate(
            [SAMPLE], tmp_path, plan_date=DAY, only=["HARBOR-004"], formats=["md", "html"], documents=["all"]
        )
    finally:
        os.umask(old)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"portfolio-summary.xlsx", "index.html", MANIFEST_NAME, "HARBOR-004-uat-tracker.xlsx"} <= names
    assert any(p.parent.name == "review" for p in files) and len(result.written) > 10
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {p.name: "0o644" for p in files}
