"""Reruns (planforge.rerun: digests, codec, manifest, planner): digests that change exactly when a
project's inputs do, a rerun plan, hand edits found by their bytes, and a manifest written atomically
and deterministically."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from planforge.core.model import Project, Risk, Settings
from planforge.rerun.digests import RunInputs, canonical, digest, portfolio_digest, project_digest, tree_digest
from planforge.rerun.manifest import (
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    Manifest,
    Output,
    ProjectEntry,
    RunRecord,
    load_manifest,
    write_manifest,
)
from planforge.rerun.planner import edited_by_hand, manifest_after, plan_rerun
from planforge.validation.validate import validate_files
from support import SAMPLE

DAY = date(2026, 1, 15)
INPUTS = RunInputs(plan_date=DAY, formats=("md",), templates="t" * 64)


def _project(pid: str = "P-1", **changes) -> Project:
    base = Project(
        file="intake.xlsx",
        row=2,
        project_id=pid,
        project_name="Order sync",
        client_name="Client One",
        system_a="Shopify",
        system_b="QuickBooks Online",
        budget=Decimal("18000.00"),
        kickoff_date=date(2026, 2, 2),
        risks=[Risk(row=2, risk="Rate limits", likelihood="High", impact="Medium")],
    )
    return dataclasses.replace(base, **changes)


def _settings(_: Project) -> Settings:
    return Settings()


# ------------------------------------------------------------------------------------------ digests


def test_equal_projects_have_equal_digests_and_any_value_changes_it():
    d = project_digest(_project(), Settings(), INPUTS)
    assert project_digest(_project(), Settings(), INPUTS) == d
    assert project_digest(_project(client_name="Client Two"), Settings(), INPUTS) != d
    child = [Risk(row=2, risk="Rate limits", likelihood="Low", impact="Medium")]
    assert project_digest(_project(risks=child), Settings(), INPUTS) != d
    moved = [Risk(row=3, risk="Rate limits", likelihood="High", impact="Medium")]
    assert project_digest(_project(risks=moved), Settings(), INPUTS) != d  # located cells in review files


def test_typed_values_that_print_alike_still_differ():
    assert digest(Decimal("18000")) != digest(Decimal("18000.00"))
    assert digest(Decimal("1")) != digest(1.0) != digest(1)
    assert digest(date(2026, 2, 2)) != digest("2026-02-02")
    assert digest(("a", "b")) == digest(["a", "b"])
    assert digest({"b": 1, "a": 2}) == digest({"a": 2, "b": 1})


def test_no_text_can_forge_a_boundary():
    assert digest(["ab", "c"]) != digest(["a", "bc"])
    assert digest("s1:a", "b") != digest("s1:a" + "s1:b")
    assert digest(Risk(row=2, risk="a", likelihood="Low", impact="High")) != digest(
        Risk(row=2, risk="a", likelihood="High", impact="Low")
    )


def test_digests_do_not_depend_on_the_process():
    script = (
        "from datetime import date; from planforge.validation.validate import validate_files; "
        "from planforge.rerun.digests import RunInputs, digest; from planforge.rerun.manifest import Manifest; "
        "from planforge.rerun.planner import plan_rerun; "
        f"pf = validate_files([{str(SAMPLE)!r}]).portfolio; "
        "plan = plan_rerun(Manifest(), pf.projects, RunInputs(plan_date=date(2026, 1, 15)), pf.settings_for); "
        "print(sorted(plan.digests.items()), digest({'x', 'y', 'z'}), digest({'k': 1, 'j': 2}))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1 and len(next(iter(runs))) > 9 * 64


def test_an_unknown_type_is_refused_not_stringified():
    with pytest.raises(TypeError, match="object"):
        canonical(object())


def test_settings_inputs_and_problems_each_change_the_digest():
    d = project_digest(_project(), Settings(), INPUTS)
    assert project_digest(_project(), Settings(default_hourly_rate=Decimal(50)), INPUTS) != d
    for change in (
        {"plan_date": date(2026, 1, 16)},
        {"formats": ("md", "html")},
        {"documents": ("plan", "review")},
        {"templates": "u" * 64},
        {"extra": {"reference_docx": "r" * 64}},
        {"version": "9.9.9"},
    ):
        assert project_digest(_project(), Settings(), dataclasses.replace(INPUTS, **change)) != d, change
    assert project_digest(_project(), Settings(), INPUTS, problems=["similar-names at Team!C5"]) != d


def test_every_validated_model_of_the_sample_serialises_the_same_twice():
    first = validate_files([SAMPLE]).portfolio
    second = validate_files([SAMPLE]).portfolio
    one = [project_digest(p, first.settings_for(p), INPUTS) for p in first.projects]
    two = [project_digest(p, second.settings_for(p), INPUTS) for p in second.projects]
    assert one == two and len(set(one)) == len(first.projects) == 10


def test_problems_serialise_with_their_severity():
    problems = validate_files([SAMPLE]).problems
    assert problems and digest(problems) == digest(validate_files([SAMPLE]).problems)
    assert digest(problems) != digest([dataclasses.replace(problems[0], cell="Z99"), *problems[1:]])
    assert digest([dataclasses.replace(problems[0], severity="error")]) != digest(problems[:1])


def test_tree_digest_follows_file_contents_and_names(tmp_path):
    packaged, firm = tmp_path / "templates", tmp_path / "firm"
    packaged.mkdir()
    (packaged / "plan.md.j2").write_text("# {{ title }}")
    alone = tree_digest(packaged, None)
    firm.mkdir()
    assert tree_digest(packaged, firm) != alone  # an empty firm folder is still a firm folder
    (firm / "plan.md.j2").write_text("# Firm {{ title }}")
    with_firm = tree_digest(packaged, firm)
    assert tree_digest(packaged, firm) == with_firm
    (firm / "plan.md.j2").write_text("# Firm! {{ title }}")
    assert tree_digest(packaged, firm) != with_firm
    (firm / "plan.md.j2").rename(firm / "other.md.j2")
    assert tree_digest(packaged, firm) != with_firm


# ------------------------------------------------------------------------------------------ a run and a rerun


def _cold_run(out: Path, projects: list[Project]) -> Manifest:
    """What the pipeline will do on a cold run: write every project's files, then the manifest."""
    plan = plan_rerun(Manifest(), projects, INPUTS, _settings, out_dir=out)
    written = {}
    for p in projects:
        name = f"{p.project_id}-implementation-plan.md"
        data = f"# {p.project_name} for {p.client_name}\n".encode()
        (out / name).write_bytes(data)
        (out / "review").mkdir(exist_ok=True)
        (out / "review" / f"{p.project_id}-review.md").write_bytes(b"review\n")
        written[p.project_id] = {
            name: Output.of_bytes(data),
            f"review/{p.project_id}-review.md": Output.of_bytes(b"review\n"),
        }
    (out / "portfolio-summary.xlsx").write_bytes(b"xlsx")
    manifest = manifest_after(
        Manifest(),
        plan,
        written,
        portfolio="p" * 64,
        shared={"portfolio-summary.xlsx": Output.of_file(out / "portfolio-summary.xlsx")},
    )
    write_manifest(out, manifest)
    return manifest


def test_rerun_plan_sorts_projects_into_unchanged_changed_and_removed(tmp_path):
    _cold_run(tmp_path, [_project("P-1"), _project("P-2"), _project("P-3")])
    manifest = load_manifest(tmp_path)
    assert manifest is not None
    plan = plan_rerun(
        manifest, [_project("P-1"), _project("P-2", client_name="New"), _project("P-4")], INPUTS, _settings
    )
    assert (plan.unchanged, plan.changed, plan.removed) == (("P-1",), ("P-2", "P-4"), ("P-3",))
    assert plan.portfolio_changed


def test_nothing_changed_means_nothing_to_do(tmp_path):
    projects = [_project("P-1"), _project("P-2")]
    _cold_run(tmp_path, projects)
    plan = plan_rerun(load_manifest(tmp_path), projects, INPUTS, _settings, out_dir=tmp_path, portfolio="p" * 64)
    assert (plan.unchanged, plan.changed, plan.removed, plan.portfolio_changed) == (("P-1", "P-2"), (), (), False)
    assert plan_rerun(load_manifest(tmp_path), projects, INPUTS, _settings, portfolio="q" * 64).portfolio_changed


def test_a_missing_output_redoes_its_project_and_force_redoes_all(tmp_path):
    projects = [_project("P-1"), _project("P-2")]
    _cold_run(tmp_path, projects)
    (tmp_path / "review" / "P-2-review.md").unlink()
    manifest = load_manifest(tmp_path)
    plan = plan_rerun(manifest, projects, INPUTS, _settings, out_dir=tmp_path)
    assert (plan.unchanged, plan.changed) == (("P-1",), ("P-2",))
    forced = plan_rerun(manifest, projects, INPUTS, _settings, out_dir=tmp_path, force=True)
    assert (forced.unchanged, forced.changed, forced.portfolio_changed) == ((), ("P-1", "P-2"), True)


def test_the_manifest_and_its_checks_leave_unchanged_files_untouched(tmp_path):
    projects = [_project("P-1"), _project("P-2")]
    _cold_run(tmp_path, projects)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    past = 1_700_000_000_000_000_000
    for path in files:
        os.utime(path, ns=(past, past))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    manifest = load_manifest(tmp_path)
    plan = plan_rerun(manifest, projects, INPUTS, _settings, out_dir=tmp_path)
    assert edited_by_hand(tmp_path) == []
    write_manifest(tmp_path, manifest_after(manifest, plan, {}))
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


def test_a_hand_edit_is_found_by_its_bytes_even_at_the_same_size(tmp_path):
    _cold_run(tmp_path, [_project("P-1"), _project("P-2")])
    plan_file = tmp_path / "P-1-implementation-plan.md"
    text = plan_file.read_bytes()
    plan_file.write_bytes(text.replace(b"Order", b"Ordre"))  # same size, other bytes
    (tmp_path / "portfolio-summary.xlsx").write_bytes(b"xlsx, annotated")
    (tmp_path / "review" / "P-2-review.md").unlink()  # missing is not edited
    assert edited_by_hand(tmp_path) == [tmp_path / "P-1-implementation-plan.md", tmp_path / "portfolio-summary.xlsx"]
    # only what a rerun would overwrite: the changed projects' files, and the shared ones when they change
    assert edited_by_hand(tmp_path, projects=["P-2"], shared=False) == []
    assert edited_by_hand(tmp_path, projects=["P-1"], shared=False) == [tmp_path / "P-1-implementation-plan.md"]
    assert edited_by_hand(tmp_path, projects=[], shared=True) == [tmp_path / "portfolio-summary.xlsx"]
    assert edited_by_hand(tmp_path, shared=False) == [tmp_path / "P-1-implementation-plan.md"]


def test_updated_keeps_unchanged_entries_replaces_changed_and_drops_removed_or_skipped(tmp_path):
    first = _cold_run(tmp_path, [_project("P-1"), _project("P-2"), _project("P-3")])
    plan = plan_rerun(first, [_project("P-1"), _project("P-2", client_name="New"), _project("P-5")], INPUTS, _settings)
    new = {"P-2-implementation-plan.md": Output.of_bytes(b"new")}
    after = manifest_after(first, plan, {"P-2": new})  # P-5 was skipped for errors: wrote nothing
    assert after.projects["P-1"] == first.projects["P-1"]
    assert after.projects["P-2"] == ProjectEntry(plan.digests["P-2"], new)
    assert set(after.projects) == {"P-1", "P-2"}
    assert after.shared == first.shared and after.portfolio == first.portfolio
    only = plan_rerun(first, [_project("P-2", client_name="New")], INPUTS, _settings)  # a run limited to P-2
    kept = manifest_after(first, only, {"P-2": new}, keep_removed=True)
    assert kept.projects["P-1"] == first.projects["P-1"] and kept.projects["P-3"] == first.projects["P-3"]
    assert set(manifest_after(first, only, {"P-2": new}).projects) == {"P-2"}


def test_the_manifest_round_trips_and_is_written_deterministically(tmp_path):
    manifest = _cold_run(tmp_path, [_project("P-2"), _project("P-1")])
    data = (tmp_path / MANIFEST_NAME).read_bytes()
    assert load_manifest(tmp_path) == manifest
    write_manifest(tmp_path, load_manifest(tmp_path))
    assert (tmp_path / MANIFEST_NAME).read_bytes() == data
    raw = json.loads(data)
    assert list(raw["projects"]) == ["P-1", "P-2"] and raw["format"] == MANIFEST_FORMAT
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": 99, "projects": {}, "shared": {}, "portfolio": "", "planforge": "0"}',
        b'{"format": 1, "projects": {"P-1": {"digest": "zz", "outputs": {}}}, "shared": {}, "portfolio": "", "planforge": "0"}',
    ],
)
def test_a_manifest_that_cannot_be_trusted_means_a_cold_run(tmp_path, content):
    (tmp_path / MANIFEST_NAME).write_bytes(content)
    assert load_manifest(tmp_path) is None
    assert edited_by_hand(tmp_path) == []


@pytest.mark.parametrize(
    "rel", ["../outside.md", "/etc/passwd", "a/../../b", "C:/x.md", "a\\b.md", "./a.md", "", "a//b.md", "review/"]
)
def test_a_recorded_path_outside_the_output_folder_is_refused(tmp_path, rel):
    good = Manifest(projects={"P-1": ProjectEntry("a" * 64, {"P-1.md": Output("b" * 64, 3)})})
    raw = json.loads(good.to_json())
    raw["projects"]["P-1"]["outputs"] = {rel: {"sha256": "b" * 64, "size": 3}}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(raw))
    assert load_manifest(tmp_path) is None


def test_no_manifest_is_a_cold_run(tmp_path):
    assert load_manifest(tmp_path) is None
    plan = plan_rerun(Manifest(), [_project("P-1")], INPUTS, _settings)
    assert (plan.unchanged, plan.changed, plan.removed, plan.portfolio_changed) == ((), ("P-1",), (), True)


def test_portfolio_digest_follows_every_project_and_every_problem():
    base = portfolio_digest({"P-1": "a" * 64, "P-2": "b" * 64}, INPUTS)
    assert portfolio_digest({"P-1": "a" * 64, "P-2": "c" * 64}, INPUTS) != base
    assert portfolio_digest({"P-2": "b" * 64, "P-1": "a" * 64}, INPUTS) != base  # run order is summary order
    assert portfolio_digest({"P-1": "a" * 64, "P-2": "b" * 64}, INPUTS, ["unknown-project at Risks!A9"]) != base


def test_the_run_record_keeps_each_problem_exactly(tmp_path):
    from decimal import Decimal

    from planforge.core.errors import make_problem

    values = [None, "text", 3, 2.5, True, Decimal("18500.50"), DAY, datetime(2026, 1, 2, 3, 4), timedelta(days=2)]
    problems = tuple(
        make_problem(
            "invalid-choice",
            choices="Low, Medium, High",
            file="in.xlsx",
            sheet="Risks",
            row=i + 2,
            column="Impact",
            value=v,
            project_id="P",
        )
        for i, v in enumerate(values)
    )
    record = RunRecord("c" * 64, problems, {"P": (0, 3)}, ("P-1",), ("P-1",), ("plan",))
    write_manifest(tmp_path, Manifest(run=record))
    loaded = load_manifest(tmp_path)
    assert loaded is not None and loaded.run == record
    assert [type(p.value) for p in loaded.run.problems] == [type(v) for v in values]


@pytest.mark.parametrize("damage", ["position", "text", "value"])
def test_a_damaged_run_record_means_a_cold_run(tmp_path, damage):
    from planforge.core.errors import make_problem

    problem = make_problem(
        "invalid-choice", choices="Low, Medium, High", file="in.xlsx", sheet="Risks", row=2, value="x", project_id="P"
    )
    write_manifest(tmp_path, Manifest(run=RunRecord("c" * 64, (problem,), {"P": (0,)})))
    raw = json.loads((tmp_path / MANIFEST_NAME).read_bytes())
    if damage == "position":
        raw["run"]["invalid"]["P"] = [5]
    elif damage == "text":
        raw["run"]["problems"][0][0] = 99
    else:
        raw["run"]["problems"][0][8] = {"module": "os.system"}
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(raw))
    assert load_manifest(tmp_path) is None


@pytest.mark.parametrize(
    "value", [{"decimal": "junk"}, {"decimal": "NaN"}, {"timedelta": [10**12, 0, 0]}, "\ud800", float("nan")]
)
def test_a_run_record_with_an_impossible_value_means_a_cold_run(tmp_path, value):
    from planforge.core.errors import make_problem

    problem = make_problem(
        "invalid-choice", choices="Low, Medium, High", file="in.xlsx", sheet="Risks", row=2, value="x", project_id="P"
    )
    write_manifest(tmp_path, Manifest(run=RunRecord("c" * 64, (problem,), {"P": (0,)})))
    raw = json.loads((tmp_path / MANIFEST_NAME).read_bytes())
    raw["run"]["problems"][0][8] = value
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(raw), "utf-8", errors="surrogatepass")
    assert load_manifest(tmp_path) is None


def test_a_deeply_nested_manifest_means_a_cold_run(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text('{"format": 2, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert load_manifest(tmp_path) is None


def test_a_template_in_a_symlinked_folder_counts(tmp_path):
    shared, firm = tmp_path / "shared", tmp_path / "firm"
    shared.mkdir()
    firm.mkdir()
    (shared / "05-risks.md.j2").write_text("a", "utf-8")
    (firm / "plan").symlink_to(shared, target_is_directory=True)
    (firm / "loop").symlink_to(firm, target_is_directory=True)  # a link back up is read once, not forever
    before = tree_digest(firm)
    (shared / "05-risks.md.j2").write_text("b", "utf-8")
    assert tree_digest(firm) != before


def test_tree_digest_leaves_out_the_output_folder_inside_a_templates_folder(tmp_path):
    firm = tmp_path / "firm"
    (firm / "plan").mkdir(parents=True)
    (firm / "plan" / "plan.md.j2").write_text("x", "utf-8")
    out = firm / "out"
    before = tree_digest(firm, exclude=out)
    out.mkdir()
    (out / "ACME-001-implementation-plan.md").write_text("written by a run", "utf-8")
    assert tree_digest(firm, exclude=out) == before  # the run's own files are not a template change
    assert tree_digest(firm) != before
    (firm / "plan" / "plan.md.j2").write_text("y", "utf-8")
    assert tree_digest(firm, exclude=out) != before
