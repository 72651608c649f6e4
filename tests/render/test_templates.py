"""Firm templates (issue 14): a firm folder in front of the shipped templates, the sandbox every
template renders in, and ``planforge templates export/check``."""

from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from jinja2.sandbox import ImmutableSandboxedEnvironment

from planforge.cli import main
from planforge.context.plan import build_context
from planforge.core.errors import TemplateError, UsageError
from planforge.core.model import Settings
from planforge.pipeline import generate
from planforge.render import template_check
from planforge.render.environment import (
    RenderLimit,
    RenderOptions,
    available_kinds,
    bounded_render,
    environment,
    kind_template,
    reload_templates,
    render_document,
    render_markdown,
    templates_dir,
)
from planforge.render.template_check import builtin_contexts, check_templates, context_reference
from support import SAMPLE, make_project

DAY = date(2026, 1, 15)
RISKS = "plan/05-risks.md.j2"
HANDOVER = "# Handover: {{ p.header.project_name }}\n\nLead: {{ p.header.lead_engineer }}\n"


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def firm(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "firm"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, "utf-8")
    return folder


def section(text: str, number: int) -> tuple[str, str, str]:
    """(before, section ``number``, after) of a plan's Markdown."""
    start = text.index(f"\n## {number}. ")
    end = text.index(f"\n## {number + 1}. ", start)
    return text[:start], text[start:end], text[end:]


_project = make_project


# --- overrides and new kinds ---


def test_overriding_one_section_changes_exactly_that_section(tmp_path):
    shipped = (templates_dir() / RISKS).read_text("utf-8")
    changed = shipped.replace("## 5. RISK ASSESSMENT & MITIGATION", "## 5. RISKS AND HOW WE HANDLE THEM")
    assert changed != shipped
    folder = firm(tmp_path, {RISKS: changed})
    plain = generate([SAMPLE], tmp_path / "plain", plan_date=DAY, summary=False)
    ours = generate([SAMPLE], tmp_path / "ours", plan_date=DAY, summary=False, templates=folder)
    assert [p.name for p in plain.written] == [p.name for p in ours.written] and plain.written
    plans = [(b, a) for b, a in zip(plain.written, ours.written) if b.name.endswith("-implementation-plan.md")]
    assert len(plans) == 10
    for before_path, after_path in plans:
        before, after = before_path.read_text("utf-8"), after_path.read_text("utf-8")
        b_head, b_risks, b_tail = section(before, 5)
        a_head, a_risks, a_tail = section(after, 5)
        assert (a_head, a_tail) == (b_head, b_tail)  # the rest byte-identical
        assert a_risks == b_risks.replace("RISK ASSESSMENT & MITIGATION", "RISKS AND HOW WE HANDLE THEM")
        assert a_risks != b_risks


def test_a_new_kind_folder_adds_a_document_kind(tmp_path):
    folder = firm(tmp_path, {"handover/handover.md.j2": HANDOVER})
    assert "handover" in available_kinds(folder) and "handover" not in available_kinds(None)
    assert {"plan", "review"} <= set(available_kinds(folder))
    ctx = build_context(_project(lead_engineer="Priya Shah"), Settings(), DAY)
    assert render_document("handover", ctx, RenderOptions(templates=folder)) == "# Handover: Test\n\nLead: Priya Shah\n"
    with pytest.raises(TemplateError, match=r"document kinds available: .*plan"):
        render_document("handover", ctx)  # not without the firm folder


def test_generate_writes_a_firm_kind_asked_for_with_documents(tmp_path):
    folder = firm(tmp_path, {"handover/handover.md.j2": HANDOVER})
    result = generate(
        [SAMPLE], tmp_path / "out", plan_date=DAY, summary=False, templates=folder, documents=("plan", "handover")
    )
    assert result.ok
    handover = (tmp_path / "out" / "ACME-001-handover.md").read_text("utf-8")
    assert handover == "# Handover: Order-to-Invoice Automation\n\nLead: Priya Natarajan\n"
    with pytest.raises(UsageError, match="handover"):  # a firm kind needs the firm's folder
        generate([SAMPLE], tmp_path / "none", plan_date=DAY, summary=False, documents=("handover",))


def test_firm_partials_of_a_new_kind_are_inlined_and_located(tmp_path):
    folder = firm(
        tmp_path,
        {
            "handover/handover.md.j2": '# Handover\n{% include "handover/_contacts.md.j2" %}\n',
            "handover/_contacts.md.j2": "Contact: {{ p.header.project_manager }}\n{{ p.header.nope }}\n",
        },
    )
    ctx = build_context(_project(), Settings(), DAY)
    with pytest.raises(TemplateError) as info:
        render_document("handover", ctx, RenderOptions(templates=folder))
    assert str(info.value).startswith(f"{folder / 'handover/_contacts.md.j2'}:2: ")


def test_a_kind_is_a_folder_name_never_a_path():
    for bad in ("../plan", "Plan", "plan/plan", "", "a" * 80):
        with pytest.raises(TemplateError):
            kind_template(bad)


def test_cell_text_stays_inert_in_firm_templates(tmp_path):
    folder = firm(tmp_path, {"handover/handover.md.j2": HANDOVER})
    ctx = build_context(_project(project_name="{{ 7*7 }} *bold* [x](http://e.test)"), Settings(), DAY)
    text = render_document("handover", ctx, RenderOptions(templates=folder))
    assert "49" not in text
    assert text.startswith("# Handover: {{ 7\\*7 }} \\*bold\\* \\[x\\](http://e.test)")


def test_an_edited_firm_template_is_read_again_by_the_next_run(tmp_path):
    folder = firm(tmp_path, {"handover/handover.md.j2": "one {{ p.header.project_id }}\n"})
    ctx = build_context(_project(), Settings(), DAY)
    options = RenderOptions(templates=folder)
    assert render_document("handover", ctx, options) == "one T-1\n"
    path = folder / "handover/handover.md.j2"
    path.write_text("two {{ p.header.project_id }}\n", "utf-8")
    assert render_document("handover", ctx, options) == "one T-1\n"  # compiled once per run
    reload_templates()  # what generate and templates check do first
    assert render_document("handover", ctx, options) == "two T-1\n"
    path.write_text("three {{ p.header.project_id }}\n", "utf-8")
    generate([SAMPLE], tmp_path / "out", plan_date=DAY, summary=False, templates=folder)
    assert render_document("handover", ctx, options) == "three T-1\n"


# --- the sandbox ---

ESCAPES = [
    "{{ p.__class__ }}",
    "{{ p.header.__init__.__globals__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% if p.__class__ is defined %}x{% endif %}",
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ (p | attr('__class__')).mro() }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_sandbox_refuses_at_a_located_line_and_runs_nothing(tmp_path, payload):
    marker = tmp_path / "pwned"
    payload = payload.replace("MARKER", str(marker))
    folder = firm(tmp_path, {"handover/handover.md.j2": f"# Handover\n\n{payload}\n"})
    ctx = build_context(_project(), Settings(), DAY)
    with pytest.raises(TemplateError) as info:
        render_document("handover", ctx, RenderOptions(templates=folder))
    assert str(info.value).startswith(f"{folder / 'handover/handover.md.j2'}:3: ")
    assert re.search(r"not allowed|unsafe|not safely callable", str(info.value))
    issues = check_templates(folder, builtin_contexts())
    assert [(i.file, i.line, i.kind) for i in issues][:1] == [(str(folder / "handover/handover.md.j2"), 3, "sandbox")]
    assert not marker.exists()


def test_shipped_templates_render_in_the_sandbox_too():
    env = environment("md", None)
    assert type(env).__mro__[1].__name__ == "ImmutableSandboxedEnvironment"
    ctx = build_context(_project(), Settings(), DAY)
    assert render_markdown(ctx) == render_markdown(ctx, RenderOptions())


# --- templates check and export ---


def test_check_prints_file_and_line_of_a_misspelled_variable_and_exits_1(tmp_path):
    shipped = (templates_dir() / RISKS).read_text("utf-8")
    lines = shipped.split("\n")
    lines.insert(2, "Prepared for {{ projct.client_name }}.")
    folder = firm(tmp_path, {RISKS: "\n".join(lines)})
    result = cli("templates", "check", folder)
    assert result.exit_code == 1
    assert f"{folder / RISKS}:3: unknown variable 'projct' (did you mean \"project\"?)" in result.output


def test_check_follows_attributes_through_the_typed_context(tmp_path):
    text = (
        "{% set h = p.header %}\n"
        "{{ h.clinet_name }}\n"
        "{% for row in p.risk_register.rows %}{{ row.ownr }}{% endfor %}\n"
        "{{ p.dependencies.migration.scope }} {{ project.risks[0].risk }} {{ r.findings | length }}\n"
    )
    folder = firm(tmp_path, {"handover/handover.md.j2": text})
    issues = [(i.line, i.kind, i.message) for i in check_templates(folder, builtin_contexts())]
    assert issues == [
        (
            2,
            "unknown-attribute",
            "h.clinet_name: Header has no attribute 'clinet_name' (did you mean \"client_name\"?)",
        ),
        (3, "unknown-attribute", "row.ownr: RiskRow has no attribute 'ownr' (did you mean \"owner\"?)"),
    ]


def test_check_reports_syntax_and_runtime_errors_located(tmp_path):
    folder = firm(tmp_path, {"handover/handover.md.j2": "# H\n{% for x in %}\n"})
    assert [(i.line, i.kind) for i in check_templates(folder, builtin_contexts())] == [(2, "syntax")]
    folder = firm(tmp_path, {"handover/handover.md.j2": "# H\n\n{{ p.header | percent }}\n"})
    issues = check_templates(folder, builtin_contexts())
    assert [(i.file, i.line, i.kind) for i in issues] == [(str(folder / "handover/handover.md.j2"), 3, "runtime")]
    assert "TypeError" in issues[0].message


def test_check_flags_a_file_no_kind_uses(tmp_path):
    folder = firm(tmp_path, {"stray.md.j2": "x\n", "handover/handover.md.j2": "ok\n"})
    assert [(Path(i.file).name, i.kind) for i in check_templates(folder, builtin_contexts())] == [
        ("stray.md.j2", "misplaced")
    ]


def test_export_then_check_is_clean(tmp_path):
    result = cli("templates", "export", tmp_path / "ours")
    assert result.exit_code == 0, result.output
    exported = sorted(p.relative_to(tmp_path / "ours").as_posix() for p in (tmp_path / "ours").rglob("*.j2"))
    assert "plan/plan.md.j2" in exported and RISKS in exported and "review/review.md.j2" in exported
    result = cli("templates", "check", tmp_path / "ours", "--sample", SAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def test_export_refuses_a_non_empty_folder_unless_forced(tmp_path):
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "notes.txt").write_text("mine")
    assert cli("templates", "export", tmp_path / "ours").exit_code == 2
    assert not (tmp_path / "ours" / "plan").exists()
    assert cli("templates", "export", tmp_path / "ours", "--force").exit_code == 0
    assert (tmp_path / "ours" / RISKS).is_file() and (tmp_path / "ours" / "notes.txt").read_text() == "mine"


# --- generate refuses a broken firm folder before writing anything ---


def test_generate_refuses_a_broken_firm_folder_and_writes_nothing(tmp_path):
    folder = firm(tmp_path, {RISKS: "## 5. Risks\n{{ p.risk_registr.rows }}\n"})
    result = cli("generate", SAMPLE, "-o", tmp_path / "out", "--templates", folder, "--date", "2026-01-15")
    assert result.exit_code == 2
    assert f"--templates {folder} has 1 problem(s)" in result.output
    assert f"{folder / RISKS}:2: p.risk_registr: PlanContext has no attribute 'risk_registr'" in result.output
    assert not (tmp_path / "out").exists()
    with pytest.raises(UsageError) as info:
        generate([SAMPLE], tmp_path / "out", plan_date=DAY, templates=folder)
    assert info.value.parameter == "templates"


def test_generate_with_a_firm_folder_from_the_command_line(tmp_path):
    shipped = (templates_dir() / RISKS).read_text("utf-8")
    folder = firm(tmp_path, {RISKS: shipped.replace("Common Integration Risks", "Risks we see on every project")})
    result = cli("generate", SAMPLE, "-o", tmp_path / "out", "--templates", folder, "--date", "2026-01-15", "-q")
    assert result.exit_code == 0, result.output
    plan = next((tmp_path / "out").glob("*-implementation-plan.md")).read_text("utf-8")
    assert "### Risks we see on every project" in plan and "Common Integration Risks" not in plan


# --- docs/templates.md ---

DOC = Path(__file__).resolve().parents[2] / "docs" / "templates.md"


def test_the_context_reference_in_the_docs_is_generated_from_the_dataclasses():
    text = DOC.read_text("utf-8")
    start = text.index("<!-- context-reference:start -->\n") + len("<!-- context-reference:start -->\n")
    end = text.index("<!-- context-reference:end -->")
    assert text[start:end] == context_reference(), "regenerate: see docs/templates.md, 'Reference'"
    assert "| `risk_register` | `Risks` |" in text and "### RiskRow" in text


def test_the_worked_example_checks_clean_and_renders(tmp_path):
    blocks = re.findall(r"`firm/([^`]+)`[^\n]*:\n\n```jinja\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert [name for name, _ in blocks] == [RISKS, "handover/handover.md.j2"]
    folder = firm(tmp_path, dict(blocks))
    assert check_templates(folder, builtin_contexts()) == []
    ctx = builtin_contexts()[0]
    assert "## 5. RISKS AND HOW WE HANDLE THEM" in render_markdown(ctx, RenderOptions(templates=folder))
    assert render_document("handover", ctx, RenderOptions(templates=folder)).startswith("# Handover: Order to invoice")


def test_the_sandbox_fast_path_answers_as_the_sandbox_does():
    """Every attribute the fast path serves is one the sandbox itself would allow, with the same value."""
    env = environment("md", None)
    seen, queue, served = set(), list(builtin_contexts()), 0
    while queue:
        obj = queue.pop()
        if id(obj) in seen or not is_dataclass(obj):
            continue
        seen.add(id(obj))
        for f in fields(obj):
            value = getattr(obj, f.name)
            assert env.getattr(obj, f.name) is ImmutableSandboxedEnvironment.getattr(env, obj, f.name) is value
            served += 1
            queue += list(value) if isinstance(value, (tuple, list)) else [value]
    assert served > 200


# --- links out of the templates folder (issue 20, item 8) ---

SECRET = "root:x:0:0:the secret line\n"


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET, "utf-8")
    return secret


def test_a_template_linked_outside_the_folder_refuses_the_run_naming_the_link(tmp_path):
    secret = _outside(tmp_path)
    folder = firm(tmp_path, {})
    (folder / "plan").mkdir(parents=True)
    (folder / RISKS).symlink_to(secret)
    link = folder / RISKS
    issues = check_templates(folder, builtin_contexts())
    assert {(i.file, i.kind) for i in issues} == {(str(link), "outside-folder")}
    result = cli("generate", SAMPLE, "-o", tmp_path / "out", "--templates", folder, "--date", "2026-01-15")
    assert result.exit_code == 2 and str(link) in result.output and "outside the templates folder" in result.output
    assert not (tmp_path / "out").exists()
    ctx = build_context(_project(), Settings(), DAY)
    with pytest.raises(TemplateError, match="outside the templates folder"):  # the loader refuses on its own too
        render_markdown(ctx, RenderOptions(templates=folder))


def test_a_linked_folder_and_include_targets_cannot_leave_the_folder(tmp_path):
    secret = _outside(tmp_path)
    (secret.parent / "handover.md.j2").write_text("# Handover\n", "utf-8")
    folder = firm(tmp_path, {"notes/notes.md.j2": '# Notes\n{% include "notes/leak.md.j2" %}\n'})
    (folder / "handover").symlink_to(secret.parent, target_is_directory=True)
    (folder / "notes" / "leak.md.j2").symlink_to(secret)
    issues = {(i.file, i.kind) for i in check_templates(folder, builtin_contexts())}
    assert (str(folder / "handover"), "outside-folder") in issues
    assert (str(folder / "notes" / "leak.md.j2"), "outside-folder") in issues
    ctx = build_context(_project(), Settings(), DAY)
    for kind in ("handover", "notes"):
        with pytest.raises(TemplateError, match="outside the templates folder"):
            render_document(kind, ctx, RenderOptions(templates=folder))
    for name in ("notes/../../elsewhere/secret.txt", str(secret)):  # '..' refused, absolute made relative
        with pytest.raises(jinja2.TemplateNotFound):
            environment("md", RenderOptions(templates=folder)).from_string(f"{{% include {name!r} %}}").render()


def test_a_link_inside_the_folder_is_fine(tmp_path):
    shipped = (templates_dir() / RISKS).read_text("utf-8")
    folder = firm(tmp_path, {"shared/risks.md.j2": shipped})
    (folder / "plan").mkdir()
    (folder / RISKS).symlink_to(folder / "shared" / "risks.md.j2")
    assert [i.kind for i in check_templates(folder, builtin_contexts())] == ["misplaced"]  # shared/ is no kind


# --- bounds on rendering one document (issue 20, item 4) ---

FAST = {"timeout": 0.5, "max_size": 100_000}
ACME_ONLY = "{% if p.project.project_id == 'ACME-001' %}BOMB{% endif %}"


def _bomb_plan(tmp_path: Path, bomb: str) -> Path:
    plan = (templates_dir() / "plan/plan.md.j2").read_text("utf-8")
    return firm(tmp_path, {"plan/plan.md.j2": plan + ACME_ONLY.replace("BOMB", bomb) + "\n"})


@pytest.mark.parametrize(
    "bomb",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",  # calls nothing
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
        "{{ 'x' * 10**9 }}",
        "{{ 'x'.ljust(10**9) }}",
        "{{ '%999999999s' % 'x' }}",
        "{{ '{:>999999999}'.format('x') }}",
        "{{ lipsum(10**6) }}",
        "{{ 'x' | center(10**9) }}",
        "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    ],
)
def test_a_template_past_a_render_bound_costs_only_its_document(tmp_path, bomb):
    folder = _bomb_plan(tmp_path, bomb)
    acme = build_context(_project(project_id="ACME-001"), Settings(), DAY)
    other = build_context(_project(project_id="BETA-002"), Settings(), DAY)
    options = RenderOptions(templates=folder, **FAST)
    reload_templates()
    with pytest.raises(RenderLimit) as info:
        render_markdown(acme, options)
    assert str(info.value).startswith(f"{folder / 'plan/plan.md.j2'}:")
    assert "render" in str(info.value) and "(rendering ACME-001)" in str(info.value)
    assert render_markdown(other, options) == render_markdown(other, RenderOptions(templates=folder))


def test_a_render_bound_hit_in_templates_check_is_a_located_problem(tmp_path):
    bomb = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    folder = firm(tmp_path, {"handover/handover.md.j2": f"# Handover\n\n{bomb}\n"})
    issues = check_templates(folder, builtin_contexts(), RenderOptions(**FAST))
    assert [(i.file, i.line, i.kind) for i in issues][:1] == [(str(folder / "handover/handover.md.j2"), 3, "limit")]
    assert "time limit" in issues[0].message


def test_a_render_restores_the_alarm_handler_it_found():
    import signal

    def handler(signum, frame):
        return None

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        render_markdown(build_context(_project(), Settings(), DAY))
        assert signal.getsignal(signal.SIGALRM) is handler
    finally:
        signal.signal(signal.SIGALRM, previous)


# --- the render bounds of a run: --render-timeout, --render-max-size (issue 20, item 4) ---

CPU_BOMB = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
SIZE_BOMB = "{% for i in range(100000) %}{{ lipsum(1) }}{% endfor %}"


def _files(folder: Path) -> dict[str, bytes]:
    """Every project's file in an output folder (the run's own manifest, summary and index aside)."""
    shared = {".planforge-manifest.json", "portfolio-summary.xlsx", "index.html"}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in shared
    }


@pytest.mark.parametrize(
    ("bomb", "flag", "bound"),
    [
        (CPU_BOMB, ("--render-timeout", "1"), "took longer than the render time limit of 1 s"),
        (SIZE_BOMB, ("--render-max-size", "100000"), "over the render limit of 100,000 per document"),
    ],
)
def test_a_run_whose_firm_template_runs_away_for_one_project_costs_only_its_plan(tmp_path, bomb, flag, bound):
    folder = _bomb_plan(tmp_path, bomb)
    common = ("--date", "2026-01-15", "--format", "md,html,docx", "--no-summary")
    clean = cli("generate", SAMPLE, "-o", tmp_path / "clean", *common, *flag)
    assert clean.exit_code == 0, clean.output
    hit = cli("generate", SAMPLE, "-o", tmp_path / "hit", *common, "--templates", folder, *flag, "--json")
    assert hit.exit_code == 1 and "Traceback" not in hit.output
    errors = [p for p in json.loads(hit.stdout)["problems"] if p["severity"] == "error"]
    assert [(p["project_id"], p["sheet"], p["row"], p["code"]) for p in errors] == [
        ("ACME-001", "Projects", 2, "render-limit")
    ]
    assert errors[0]["message"].startswith(f"Stopped rendering the plan: {folder / 'plan/plan.md.j2'}:")
    assert bound in errors[0]["message"] and "(rendering ACME-001)" in errors[0]["message"]
    before, after = _files(tmp_path / "clean"), _files(tmp_path / "hit")
    assert not [name for name in after if "ACME-001-implementation-plan." in name]  # the plan is not written
    others = {name: data for name, data in before.items() if "ACME-001" not in name and not name.startswith(".")}
    assert len(others) == 9 * 4 and {name: after.get(name) for name in others} == others  # 3 formats, a review


def test_the_render_bounds_are_checked_and_reach_every_render(tmp_path):
    for bad in ({"render_timeout": 0}, {"render_timeout": float("nan")}, {"render_timeout": 10**6}):
        with pytest.raises(UsageError, match="render_timeout="):
            generate([SAMPLE], tmp_path / "out", **bad)
    for bad in ({"render_max_size": 0}, {"render_max_size": 1.5}, {"render_max_size": True}):
        with pytest.raises(UsageError, match="render_max_size="):
            generate([SAMPLE], tmp_path / "out", **bad)
    with pytest.raises(UsageError, match="timeout="):
        RenderOptions(timeout=-1)
    result = cli("generate", SAMPLE, "-o", tmp_path / "out", "--render-max-size", "0")
    assert result.exit_code == 2 and "--render-max-size" in result.output
    result = cli("templates", "check", _bomb_plan(tmp_path, CPU_BOMB), "--render-timeout", "0")
    assert result.exit_code == 2 and "--render-timeout" in result.output
    # a bound smaller than every plan: each one is a render-limit problem, nothing is written
    small = generate([SAMPLE], tmp_path / "small", plan_date=DAY, summary=False, render_max_size=1000)
    assert not list((tmp_path / "small").glob("*-implementation-plan.md"))
    errors = [(p.project_id, p.code) for p in small.report.problems if p.severity == "error"]
    assert sorted(errors) == sorted((p.project_id, "render-limit") for p in small.report.portfolio.projects)
    assert len(errors) == 10 and not small.contexts


def test_a_template_that_runs_away_for_every_project_is_refused_within_one_bound(tmp_path, monkeypatch):
    plan = (templates_dir() / "plan/plan.md.j2").read_text("utf-8")
    folder = firm(tmp_path, {"plan/plan.md.j2": f"{plan}{CPU_BOMB}\n"})
    with pytest.raises(UsageError, match=r"templates= .* 1 problem\(s\)") as info:
        generate([SAMPLE], tmp_path / "out", plan_date=DAY, templates=folder, render_timeout=0.5)
    assert "took longer than the render time limit of 0.5 s" in str(info.value)
    assert not (tmp_path / "out").exists()
    plans = []

    def counted(template, options, variables):
        plans.extend([variables["p"].project.project_id] if template.name == "plan/plan.md.j2" else [])
        return bounded_render(template, options, variables)

    monkeypatch.setattr(template_check, "bounded_render", counted)
    result = cli("templates", "check", folder, "--render-timeout", "0.5")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stdout.count("render time limit of 0.5 s") == 1
    assert plans == ["DEMO-001"]  # the plan's trial stops at its first bound: 11 trial projects, 1 bound paid
