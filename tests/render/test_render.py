"""Cell text is data: escaped Markdown renders back to exactly the text typed, and tables hold."""

from __future__ import annotations

import html

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markdown_it import MarkdownIt

from planforge.derive.completeness import Finding
from planforge.render.environment import (
    _finalize,
    _item_lines_str,
    _table_cell,
    code_span,
    environment,
    escape_inline,
    table_cell,
)
from support import make_project

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")

NASTY = [
    "# Heading",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "*bold* and _it_",
    "[link](http://x.test)",
    "![img](x.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`code`",
    "a | b",
    "{{ 7*7 }}",
    "{% raw %}",
    "---",
    "===",
    "> quote",
    "&amp; &#169;",
    "trailing\\",
    "~~strike~~",
    "<http://autolink.test>",
    "line one\nline two",
    "    indented code",
    "[ref]: http://x.test",
    "***",
    "1986. A great year",
]


def rendered_text(markdown: str) -> str:
    out = MD.renderInline(markdown)
    return html.unescape(out)


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_renders_as_typed(text):
    assert rendered_text(escape_inline(text)) == " ".join(text.split())


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_makes_no_block_structure(text):
    tokens = MD.parse("Intro line\n\n" + escape_inline(text) + "\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] * 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_is_inert(text):
    escaped = escape_inline(text)
    assert "\n" not in escaped
    tokens = MD.parse("x\n\n" + escaped + "\n")
    assert all(t.type in ("paragraph_open", "inline", "paragraph_close") for t in tokens)
    children = [c.type for t in tokens if t.type == "inline" for c in t.children]
    assert not {"link_open", "image", "html_inline", "code_inline", "em_open", "strong_open", "s_open"} & set(children)


def test_table_cells_keep_the_row_shape():
    cells = ["a | b", "x\ny", "<b>bold</b>", "\\|"]
    table = "| A | B | C | D |\n|---|---|---|---|\n| " + " | ".join(table_cell(c) for c in cells) + " |\n"
    tokens = MD.parse(table)
    assert sum(1 for t in tokens if t.type == "td_open") == 4
    inline = [t for t in tokens if t.type == "inline"][4:]
    assert html.unescape(MD.renderer.render(inline[0].children, MD.options, {})) == "a | b"


def test_code_span_fences_backticks():
    assert code_span("a`b") == "``a`b``"
    assert rendered_text(code_span("``x")) == "<code>``x</code>"


def test_inlined_includes_keep_real_file_and_line_for_errors(tmp_path):
    import jinja2

    from planforge.render.environment import _InliningLoader

    (tmp_path / "main.md.j2").write_text('# Title\n{% include "part.md.j2" %}\nend {{ ok }}\n')
    (tmp_path / "part.md.j2").write_text("first\n{{ missing }}\n")
    loader = _InliningLoader(str(tmp_path))
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError) as info:
        env.get_template("main.md.j2").render(ok=1)
    lineno = _template_lineno(info.value)
    assert loader.line_map["main.md.j2"][lineno - 1] == ("part.md.j2", 2)
    assert env.get_template("main.md.j2").render(ok=1, missing="x") == "# Title\nfirst\nx\nend 1"


def _template_lineno(error) -> int:
    import traceback

    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith("main.md.j2")]
    return frames[-1].lineno


# --- prose, coherence and the two audiences (issue 13) ---

from datetime import date as _date  # noqa: E402

from planforge.context import compose  # noqa: E402
from planforge.context.plan import build_context  # noqa: E402
from planforge.core.model import Objective, PainPoint, Project, Risk, Settings, Workflow  # noqa: E402
from planforge.render.environment import blocks, item_lines, render_markdown, render_review  # noqa: E402

MD_PARSER = MarkdownIt("commonmark")


_project = make_project


def _summary_text(project: Project) -> str:
    s = compose.executive_summary(project, ("accounting",), "Timeline.", None, None, 0.0)
    return s.opening + " | " + " / ".join(s.objectives)


def test_one_objective_in_the_sentence_several_as_a_list():
    one = _summary_text(_project(objectives=[Objective(2, "Retire the legacy ledger")]))
    assert "The project has one objective: retire the legacy ledger." in one
    two = compose.executive_summary(
        _project(objectives=[Objective(2, "Retire the legacy ledger"), Objective(3, "Automated daily sales posting")]),
        (),
        "T.",
        None,
        None,
        0.0,
    )
    assert two.opening.endswith("The project has two objectives:")
    assert two.objectives == ("Retire the legacy ledger", "Automated daily sales posting")


def test_one_pain_point_is_not_called_the_first():
    text = _summary_text(_project(pain_points=[PainPoint(2, "Payouts are keyed by hand")]))
    assert "first" not in text and "the team reports today: payouts are keyed by hand." in text


def test_timeline_counts_four_phases_to_go_live_and_separates_confidence():
    ctx = build_context(_project(confidence=0.65), Settings(), _date(2026, 1, 15))
    closing = ctx.summary.composed.closing
    assert "Four phases lead to go-live" in closing
    assert "post-launch support (phase 5) follows" in closing
    assert "Discovery confidence is 65%, so phases 1 to 4 include a 30% contingency." in closing
    assert "support at" not in closing


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Yes", "yes"),
        ("No", "no"),
        ("yes (commercial access only)", "conditional"),
        ("Partial", "conditional"),
        (None, "unknown"),
    ],
)
def test_webhook_support_reading(text, kind):
    assert compose.webhook_support(text) == kind


def test_approach_follows_triggers_and_direction():
    project = _project(
        system_a="Square POS",
        system_b="Shopify",
        workflows=[Workflow(2, "Sync inventory counts both ways per location", "Real-time")],
    )
    reasons = dict(compose.approach_rationale(project, ("pos",), {"Square POS": "Yes", "Shopify": "Yes"}, False))
    assert "Stock synced both ways without overwrites" in reasons
    assert "One source of truth for stock" not in reasons
    daily = _project(workflows=[Workflow(2, "Post daily sales to Xero", "Scheduled")])
    reasons = dict(compose.approach_rationale(daily, ("accounting",), {"Shopify": "Yes", "Xero": "Yes"}, False))
    assert "Scheduled where the business runs on a schedule" in reasons
    assert not any("within minutes" in r for r in reasons.values())


def test_blank_risk_owner_is_not_a_person():
    ctx = build_context(
        _project(lead_engineer="Priya", risks=[Risk(3, "Tax drift", "Low", "High", "Check")]),
        Settings(),
        _date(2026, 1, 15),
    )
    assert ctx.risks[0].owner == "Owner to be assigned"
    assert "Risks > Owner, row 3" in render_review(ctx)


def test_holidays_from_settings_move_phase_dates():
    plain = build_context(_project(), Settings(), _date(2026, 1, 15))
    closed = build_context(_project(), Settings(closure_dates="2026-03-03, 2026-03-04"), _date(2026, 1, 15))
    assert closed.phases[0].start == plain.phases[0].start
    assert closed.phases[0].end > plain.phases[0].end
    bad = build_context(_project(), Settings(closure_dates="next Tuesday", holiday_country="ZZ"), _date(2026, 1, 15))
    review = render_review(bad)
    assert "'next Tuesday' is not a date" in review and "'ZZ'" in review


def test_unparseable_window_is_a_review_finding():
    ctx = build_context(_project(deployment_window="after hours"), Settings(), _date(2026, 1, 15))
    assert "names no weekday" in render_review(ctx)


def test_section_11_titles_and_to_follow():
    text = render_markdown(build_context(_project(), Settings(), _date(2026, 1, 15)))
    assert "- **Statement of Work** (to follow)" in text and "-sow.md" not in text
    produced = render_markdown(build_context(_project(), Settings(), _date(2026, 1, 15), frozenset({"sow"})))
    assert (
        "- **[Statement of Work](T-1-sow.md)**\n" in produced and "Technical Specifications** (to follow)" in produced
    )


def test_defaults_are_marked_assumed_for_the_client_and_settings_tools_are_facts():
    settings = Settings(hosting_provider="AWS", monitoring_tool="Datadog", incident_tool="Jira")
    project = _project(pain_points=[PainPoint(2, "Order entry by hand", 5)])  # quantified: a baseline
    text = render_markdown(build_context(project, settings, _date(2026, 1, 15)))
    # the firm's Settings are its own facts (issue 22), never labelled assumed
    assert "Cloud hosting provider: AWS\n" in text and "AWS (assumed)" not in text
    assert "Datadog (assumed)" not in text and "Jira (assumed)" not in text and "Datadog" in text
    assert "our planning estimate is 80% fewer data-entry errors once re-keying is automated (assumed)" in text


def test_the_firms_error_reduction_figure_needs_a_baseline():
    # no pain point's hours are known, so the savings and ROI are still to come: no bare percentage
    project = _project(pain_points=[PainPoint(2, "Payouts keyed by hand", None)])
    text = render_markdown(build_context(project, Settings(), _date(2026, 1, 15)))
    line = next(line for line in text.splitlines() if line.startswith("**Estimated Error Reduction**"))
    assert "%" not in line and "To be measured against a count of today's errors" in line
    # the intake's own figure is always shown
    stated = render_markdown(
        build_context(_project(pain_points=[], error_reduction=0.5), Settings(), _date(2026, 1, 15))
    )
    assert "**Estimated Error Reduction**: 50% fewer data-entry errors" in stated


def test_line_breaks_and_bullets_survive_and_stay_inert():
    out = item_lines("First line\n- a bullet\n# not a heading")
    tokens = [t.type for t in MD_PARSER.parse("- " + out)]
    assert "heading_open" not in tokens and tokens.count("bullet_list_open") == 2
    block = blocks("Intro line\nsecond line\n\n* one\n* two <script>")
    html_out = MD_PARSER.render(block)
    assert "<br />" in html_out and "<li>one</li>" in html_out and "<script>" not in html_out


def _pain_line(text: str, hours: float | None) -> str:
    plan = render_markdown(
        build_context(_project(pain_points=[PainPoint(2, text, hours)]), Settings(), _date(2026, 1, 15))
    )
    return next(line for line in plan.splitlines() if line.startswith("- **Pain Point**"))


def test_hours_beside_a_pain_point_only_when_its_text_does_not_give_them():
    # the analyst's words already state the weekly hours: no note repeating them
    assert (
        _pain_line("Order entry takes about 15 hours a week", 15)
        == "- **Pain Point**: Order entry takes about 15 hours a week"
    )
    assert _pain_line("Keying takes 25 hours per week", None) == "- **Pain Point**: Keying takes 25 hours per week"
    # another unit: the weekly figure the total uses, converted
    assert _pain_line("Finance spends 40 hours per month reconciling", None).endswith("_(about 9.2 hours a week)_")
    # no hours in the text: the Hours per Week column
    assert _pain_line("Month-end takes two people most of a day", 6).endswith("_(6 hours a week)_")
    plan = render_markdown(
        build_context(
            _project(pain_points=[PainPoint(2, "Takes 15 hours a week", 15), PainPoint(3, "Slow", 2)]),
            Settings(),
            _date(2026, 1, 15),
        )
    )
    assert "- **Pain Point 1**: Takes 15 hours a week\n- **Pain Point 2**: Slow _(2 hours a week)_\n" in plan
    # text and column disagree: the column (which the total counts) is shown
    assert _pain_line("Order entry takes 10 hours a week", 12).endswith("_(12 hours a week)_")


def test_tbd_markers_carry_no_bookkeeping_explanations():
    project = _project(kickoff_date=None)
    text = render_markdown(build_context(project, Settings(), _date(2026, 1, 15)))
    assert "[TBD] (" not in text and "recorded yet" not in text and "not yet described" not in text
    assert "Discovery & Design documents Client Co's current process and the problems it creates ([TBD]).\n" in text


def test_the_business_problem_agrees_in_number_and_numbers_only_several_pain_points():
    def problem(*pains: str) -> str:
        project = _project(pain_points=[PainPoint(i, text, 1) for i, text in enumerate(pains, start=2)])
        text = render_markdown(build_context(project, Settings(), _date(2026, 1, 15)))
        return text.split("### 1.1 Business Problem\n", 1)[1].split("\n\n###", 1)[0]

    one = problem("Payouts keyed by hand")
    assert one.startswith("The current process is still to be described ([TBD]); Discovery & Design documents it")
    assert "The problem Client Co reports so far:" in one
    assert "- **Pain Point**: Payouts keyed by hand" in one
    two = problem("Payouts keyed by hand", "Fees missed")
    assert "The problems Client Co reports so far:" in two
    assert "- **Pain Point 1**: Payouts keyed by hand _(1 hour a week)_\n- **Pain Point 2**: Fees missed" in two


def test_go_live_note_names_the_day_and_quotes_the_window():
    project = _project(deployment_window="Month-end close week excluded; Friday evenings")
    text = render_markdown(build_context(project, Settings(), _date(2026, 1, 15)))
    phase4 = next(line for line in text.splitlines() if line.startswith("**Duration**") and "go-live" in line)
    assert "go-live on Friday " in phase4
    assert phase4.rstrip().endswith("(deployment window: Month-end close week excluded; Friday evenings)")
    assert "go-live in the Month-end" not in text


def test_outcomes_without_objectives_read_as_outcomes():
    """Pain points become outcomes, except the one the executive summary already quotes (issue 21)."""
    pains = [PainPoint(2, "Etsy payouts are recorded in QuickBooks by hand"), PainPoint(3, "Refunds are missed")]
    text = render_markdown(build_context(_project(pain_points=pains), Settings(), _date(2026, 1, 15)))
    assert "Expected outcomes once the integration is live:" in text and "we enable" not in text
    assert "- An end to today's manual work: Refunds are missed" in text
    assert "- An end to today's manual work: Etsy payouts" not in text


def test_metric_values_after_a_label_start_with_a_capital():
    project = _project(
        target_sync_duration="inventory within 5 minutes",
        accuracy_metric="daily totals match",
        response_time_target="p95 under 2 seconds",
    )
    text = render_markdown(build_context(project, Settings(), _date(2026, 1, 15)))
    assert "- **Sync Duration**: Inventory within 5 minutes" in text
    assert "- **Data Accuracy**: Daily totals match" in text
    assert "- **API Response Times**: p95 under 2 seconds" in text  # not a plain word: left as typed
    assert "- **Sync Success Rate**: At least " in text and "Average" not in text


def test_fast_paths_answer_as_the_slow_ones():
    """The memoised escapes and the environment's getattr closure give exactly the uncached answers
    and the sandbox's: finalize hands back plain str (no copy in the template's str()), same text."""
    for text in ("plain", "a|b", "*x*", "# h", "1. x", "line\nline", "  ", "", "- a\n- b", "x\n\n- y", "<b>&amp;"):
        assert table_cell(text) == _table_cell(text)
        assert _finalize(text) == escape_inline(text) and type(_finalize(text)) is str
        assert item_lines(text) == _item_lines_str.__wrapped__(text)  # the memo answers as the function does
    env, sandbox = environment("md"), ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    finding = Finding("rule", "message")
    assert env.getattr(finding, "rule") == sandbox.getattr(finding, "rule") == "rule"
    assert env.getattr("abc", "upper")() == sandbox.getattr("abc", "upper")() == "ABC"
    with pytest.raises(SecurityError):
        env.getattr(finding, "__class__")


def test_markdown_templates_escape_through_public_finalize_only():
    """The md environment escapes every ``{{ value }}`` through Jinja's public ``finalize`` hook (no
    private code generator); HTML keeps Jinja's own autoescaping."""
    md = environment("md").compile("{{ x }}", raw=True)
    assert "environment.finalize(" in md
    assert "escape(" in environment("html").compile("{{ x }}", raw=True)
    assert environment("md").from_string("{{ x }}|{{ n }}|{{ d }}").render(x="*a*", n=3, d=None) == "\\*a\\*|3|[TBD]"


def test_numbered_lines_keep_their_typed_numbers_as_text():
    from planforge.render.environment import blocks

    text = blocks("intro\n\n1. one\n3) three")
    html_out = MD.render(text)
    assert "1. one" in html_out and "3) three" in html_out  # as typed, not renumbered
    assert "<ol" not in html_out and "<li>one</li>" not in html_out


def test_markdown_escaping_lives_in_one_module():
    """The renderer's filters and the reference documents escape through ``core.markdown``; no other
    module keeps its own copy of a Markdown escaping rule (a pipe or backslash replacement)."""
    from pathlib import Path

    from planforge.core.markdown import code_cell, escape_text, pipe_cell

    assert escape_inline("a|b *c*") == escape_text("a|b *c*") == "a\\|b \\*c\\*"
    assert pipe_cell("a|b\nc") == "a\\|b c" and code_cell("int | None") == "`int \\| None`"
    src = Path(__file__).resolve().parents[2] / "src" / "planforge"
    copies = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p.name != "markdown.py" and ('replace("|"' in p.read_text() or "[\\\\`*_" in p.read_text())
    ]
    assert copies == []
