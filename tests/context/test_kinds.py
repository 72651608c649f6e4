"""Document kinds: one registry (core/names.py) that every consumer reads, and a firm's own kind made
the way a firm makes one, by copying a shipped companion folder under a new name."""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.context.documents import BUILDERS
from planforge.context.plan import build_context
from planforge.core.errors import UsageError
from planforge.core.model import Settings
from planforge.core.names import COMPANIONS, DOCUMENT_KINDS, PLAN, SUPPORT_PLAYBOOK
from planforge.pipeline import generate
from planforge.render.environment import KIND_FILE, RenderOptions, document_kind, render_document, templates_dir
from planforge.render.template_check import check_templates
from support import SAMPLE, make_project

DAY = date(2026, 1, 15)
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "planforge"
SLUG_LITERAL = re.compile(r"""["'](?:sow|technical-specs|test-cases|deployment-runbook|support-playbook)["']""")


def copy_kind(tmp_path: Path, shipped: str, new: str) -> Path:
    """A firm folder holding a copy of the shipped ``shipped/`` folder renamed ``new/``, its template too."""
    folder = tmp_path / "firm"
    shutil.copytree(templates_dir() / shipped, folder / new)
    (folder / new / f"{shipped}.md.j2").rename(folder / new / f"{new}.md.j2")
    return folder


def test_every_companion_kind_is_declared_once_with_its_builder_and_its_folder():
    assert (PLAN.name, *(k.name for k in COMPANIONS)) == DOCUMENT_KINDS
    assert set(BUILDERS) == {k.context for k in COMPANIONS}
    for kind in COMPANIONS:
        assert (templates_dir() / kind.template).is_file()
        # the shipped kind.toml (copied along with the folder) names the kind's own context
        assert tomllib.loads((templates_dir() / kind.name / KIND_FILE).read_text("utf-8")) == {"context": kind.context}


def test_the_companion_slugs_are_literals_in_one_module_only():
    holders = sorted(
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if SLUG_LITERAL.search(path.read_text("utf-8"))
    )
    assert holders == ["core/names.py"]


def test_a_copied_support_playbook_folder_renders_as_handover(tmp_path):
    folder = copy_kind(tmp_path, SUPPORT_PLAYBOOK.name, "handover")
    assert document_kind("handover", folder).context == SUPPORT_PLAYBOOK.context
    assert document_kind("handover", folder).title == "Handover"
    assert check_templates(folder) == []
    plain = generate([SAMPLE], tmp_path / "plain", plan_date=DAY, summary=False, documents=("support-playbook",))
    ours = generate(
        [SAMPLE], tmp_path / "out", plan_date=DAY, summary=False, templates=folder, documents=("plan", "handover")
    )
    assert plain.ok and ours.ok
    handover = tmp_path / "out" / "ACME-001-handover.md"
    assert handover in ours.written
    text = handover.read_text("utf-8")
    assert "Order-to-Invoice Automation" in text and "**Project ID**: ACME-001" in text
    # the same context as the kind it was copied from: the same document, under the firm's name
    assert text == (tmp_path / "plain" / "ACME-001-support-playbook.md").read_text("utf-8")


def test_the_cli_accepts_the_copied_kind(tmp_path):
    folder = copy_kind(tmp_path, SUPPORT_PLAYBOOK.name, "handover")
    runner = CliRunner()
    checked = runner.invoke(main, ["templates", "check", str(folder)])
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "out"
    args = ["generate", str(SAMPLE), "-o", str(out), "--date", "2026-01-15", "--templates", str(folder)]
    made = runner.invoke(main, [*args, "--documents", "handover", "--only", "ACME-001", "--format", "md,html", "-q"])
    assert made.exit_code == 0, made.output
    assert (out / "ACME-001-handover.md").is_file()
    assert "<title>ACME-001 handover: " in (out / "ACME-001-handover.html").read_text("utf-8")


def test_a_kind_file_may_give_the_title(tmp_path):
    folder = copy_kind(tmp_path, SUPPORT_PLAYBOOK.name, "handover")
    (folder / "handover" / KIND_FILE).write_text('context = "support-playbook"\ntitle = "Support Handover"\n')
    assert document_kind("handover", folder).title == "Support Handover"


def test_a_firm_kind_without_a_kind_file_gets_the_plan_context_only(tmp_path):
    folder = copy_kind(tmp_path, SUPPORT_PLAYBOOK.name, "handover")
    (folder / "handover" / KIND_FILE).unlink()
    assert document_kind("handover", folder).context is None
    issues = check_templates(folder)
    assert ("unknown-variable", "handover.md.j2") in {(i.kind, Path(i.file).name) for i in issues}


def test_a_kind_file_naming_no_companion_context_is_a_finding(tmp_path):
    folder = copy_kind(tmp_path, SUPPORT_PLAYBOOK.name, "handover")
    (folder / "handover" / KIND_FILE).write_text('context = "handbook"\n')
    issues = check_templates(folder)
    assert (str(folder / "handover" / KIND_FILE), "syntax") in {(i.file, i.kind) for i in issues}
    with pytest.raises(UsageError, match="handbook"):
        generate([SAMPLE], tmp_path / "out", plan_date=DAY, templates=folder, documents=("handover",))


def test_a_kind_file_linked_out_of_the_folder_is_refused(tmp_path):
    folder = copy_kind(tmp_path, SUPPORT_PLAYBOOK.name, "handover")
    outside = tmp_path / "elsewhere.toml"
    outside.write_text('context = "support-playbook"\n')
    link = folder / "handover" / KIND_FILE
    link.unlink()
    os.symlink(outside, link)
    assert (str(link), "outside-folder") in {(i.file, i.kind) for i in check_templates(folder)}
    ctx = build_context(make_project(), Settings(), DAY)
    with pytest.raises(Exception, match="outside the templates folder"):
        render_document("handover", ctx, RenderOptions(templates=folder))
    with pytest.raises(UsageError, match="outside the templates folder"):
        generate([SAMPLE], tmp_path / "out", plan_date=DAY, templates=folder, documents=("handover",))
