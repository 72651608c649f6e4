"""The one orchestrator: read -> validate -> derive -> render -> summarize -> write.

It validates everything before writing anything, renders each valid project, writes every
file atomically inside the output folder, and reports (never hides) projects it skipped and
stale plans left from earlier runs. The CLI is a thin shell around ``generate``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import Problem, ValidationFailed, make_problem
from .model import Project
from .plan_context import PlanContext, build_context
from .render import render_markdown
from .validate import Report, validate_files
from .write import inside, prepare_out_dir, write_text

PLAN_SUFFIX = "-implementation-plan"
SUMMARY_NAME = "portfolio-summary.xlsx"


def plan_filename(project_id: str, ext: str = "md") -> str:
    return f"{project_id}{PLAN_SUFFIX}.{ext}"


@dataclass
class RunResult:
    """What a generate run did: the validation report, the files written, what was skipped."""

    report: Report
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, list[Problem]] = field(default_factory=dict)
    stale: list[Path] = field(default_factory=list)
    contexts: list[PlanContext] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report.valid and not self.skipped


Progress = Callable[[int], None]


def generate(paths: Sequence[str | Path], out_dir: str | Path, plan_date: date, *, only: Iterable[str] = (),
             strict: bool = False, summary: bool = True, progress: Progress | None = None) -> RunResult:
    """Generate one plan per valid project (and the portfolio summary) into ``out_dir``."""
    report = validate_files(paths)
    if strict and report.errors:
        raise ValidationFailed(f"{len(report.errors)} error(s) in the intake; --strict wrote nothing", report)
    out = prepare_out_dir(Path(out_dir))
    projects = _select(report.portfolio.projects, only, report)
    result = RunResult(report=report, skipped=dict(report.invalid_projects))
    settings = report.portfolio.settings
    for project in projects:
        ctx = build_context(project, settings, plan_date)
        result.contexts.append(ctx)
        target = inside(out, plan_filename(project.project_id))
        write_text(target, render_markdown(ctx))
        result.written.append(target)
        if progress:
            progress(1)
    if summary:
        from .summarize import write_summary

        target = inside(out, SUMMARY_NAME)
        write_summary(target, result, plan_date)
        result.written.append(target)
    result.stale = _stale_plans(out, report)
    for path in result.stale:
        report.problems.append(make_problem("stale-output", file=path.name))
    return result


def _select(projects: list[Project], only: Iterable[str], report: Report) -> list[Project]:
    wanted = list(only)
    if not wanted:
        return projects
    by_id = {p.project_id: p for p in projects}
    unknown = [pid for pid in wanted if pid not in by_id and pid not in report.invalid_projects]
    if unknown:
        from .errors import UsageError

        raise UsageError(f"--only names project(s) not in the intake: {', '.join(unknown)}")
    return [by_id[pid] for pid in wanted if pid in by_id]


_PLAN_FILE = re.compile(rf"^(.+){PLAN_SUFFIX}\.(md|html|docx)$")


def _stale_plans(out: Path, report: Report) -> list[Path]:
    """Plan files in ``out`` whose project is no longer in the intake at all."""
    known = {p.project_id for p in report.portfolio.projects} | set(report.invalid_projects)
    stale = []
    for path in sorted(out.iterdir()):
        m = _PLAN_FILE.match(path.name)
        if m and m.group(1) not in known:
            stale.append(path)
    return stale
