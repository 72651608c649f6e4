"""The one orchestrator: read -> validate -> derive -> render -> summarize -> write.

It validates everything before writing anything, renders each valid project, writes every
file atomically inside the output folder, and reports (never hides) projects it skipped and
stale plans left from earlier runs. Each stage is timed (``RunResult.timings``) for bench/.
The CLI is a thin shell around ``generate``.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import Problem, UsageError, ValidationFailed, make_problem
from .model import Project
from .plan_context import PlanContext, build_context
from .validate import Report, plausibility_after_derive, read_all, validate_workbooks
from .write import inside, prepare_out_dir

PLAN_SUFFIX = "-implementation-plan"
SUMMARY_NAME = "portfolio-summary.xlsx"
FORMATS = ("md", "html", "docx", "pdf")


def plan_filename(project_id: str, ext: str = "md") -> str:
    return f"{project_id}{PLAN_SUFFIX}.{ext}"


@dataclass
class RunResult:
    """What a generate run did: the validation report, the files written, what was skipped."""

    report: Report
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, list[Problem]] = field(default_factory=dict)
    stale: list[tuple[Path, str]] = field(default_factory=list)
    contexts: list[PlanContext] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report.valid and not self.skipped


Progress = Callable[[int, int], None]  # (plans just done, plans in all)


def generate(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    plan_date: date,
    *,
    only: Iterable[str] = (),
    strict: bool = False,
    summary: bool = True,
    formats: Sequence[str] = ("md",),
    jobs: int | None = None,
    progress: Progress | None = None,
    reference_docx: Path | None = None,
) -> RunResult:
    """Generate one plan per valid project (and the portfolio summary) into ``out_dir``."""
    from .outputs import check_formats

    check_formats(formats, reference_docx)
    with _collector_paused():
        return _generate(
            paths,
            out_dir,
            plan_date,
            only=only,
            strict=strict,
            summary=summary,
            formats=formats,
            jobs=jobs,
            progress=progress,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The run builds hundreds of thousands of long-lived, acyclic records; Python's cyclic
    collector kept rescanning them and made large runs superlinear. Pause it for the run."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _generate(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    plan_date: date,
    *,
    only: Iterable[str],
    strict: bool,
    summary: bool,
    formats: Sequence[str],
    jobs: int | None,
    progress: Progress | None,
) -> RunResult:
    from .outputs import write_plans

    started = time.perf_counter()
    timings: dict[str, float] = {}
    with _timed(timings, "read"):
        raws, problems = read_all(paths)
    with _timed(timings, "validate"):
        report = validate_workbooks(raws, problems, as_of=plan_date)
        del raws
    if strict and report.errors:
        raise ValidationFailed(f"{len(report.errors)} error(s) in the intake; --strict wrote nothing", report)
    only = list(only)
    projects = _select(report.portfolio.projects, only, report)
    out = prepare_out_dir(Path(out_dir))
    skipped = {pid: ps for pid, ps in report.invalid_projects.items() if not only or pid in only}
    result = RunResult(report=report, skipped=skipped, timings=timings)
    with _timed(timings, "derive"):
        portfolio = report.portfolio
        result.contexts = [build_context(p, portfolio.settings_for(p), plan_date) for p in projects]
        for ctx in result.contexts:
            report.problems += plausibility_after_derive(ctx.project, ctx.roi_figures.roi if ctx.roi_figures else None)
    result.stale = _stale_outputs(out, report, [c.project.project_id for c in result.contexts], formats, summary, only)
    for path, code in result.stale:
        report.problems.append(make_problem(code, file=path.name))
    side_job = None
    if summary:
        from .summarize import write_summary

        target = inside(out, SUMMARY_NAME)

        def side_job() -> None:
            write_summary(target, result, plan_date)

    result.written += write_plans(
        result.contexts, out, formats, plan_date, timings, jobs=jobs, progress=progress, side_job=side_job
    )
    if summary:
        result.written.append(target)
    if "html" in formats:
        from .html_writer import index_html
        from .write import write_text

        target = inside(out, "index.html")
        write_text(target, index_html(result.contexts, formats))
        result.written.append(target)
    timings["total"] = time.perf_counter() - started
    return result


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def _select(projects: list[Project], only: Iterable[str], report: Report) -> list[Project]:
    wanted = list(only)
    if not wanted:
        return projects
    by_id = {p.project_id: p for p in projects}
    unknown = [pid for pid in wanted if pid not in by_id and pid not in report.invalid_projects]
    if unknown:
        raise UsageError(f"--only names project(s) not in the intake: {', '.join(unknown)}")
    return [by_id[pid] for pid in wanted if pid in by_id]


_PLAN_FILE = re.compile(rf"^(.+){PLAN_SUFFIX}\.(md|html|docx|pdf)$")


def _stale_outputs(
    out: Path, report: Report, written_ids: list[str], formats: Sequence[str], summary: bool, only: list[str]
) -> list[tuple[Path, str]]:
    """planforge files in ``out`` that this run will not rewrite, so nobody mistakes them for current:
    plans whose project is gone from the intake (``stale-output``); plans of projects skipped for
    errors, plans in formats not produced this time, and an index or summary not produced this
    time (``outdated-output``). With --only, other projects' plans are left out of the report."""
    expected = {plan_filename(pid, fmt) for pid in written_ids for fmt in formats}
    if summary:
        expected.add(SUMMARY_NAME)
    if "html" in formats:
        expected.add("index.html")
    known = {p.project_id for p in report.portfolio.projects} | set(report.invalid_projects)
    found = []
    for path in sorted(out.iterdir()):
        name = path.name
        if name in expected:
            continue
        m = _PLAN_FILE.match(name)
        if m:
            pid = m.group(1)
            if only and pid not in only:
                continue
            found.append((path, "stale-output" if pid not in known else "outdated-output"))
        elif name in (SUMMARY_NAME, "index.html") and not only:
            found.append((path, "outdated-output"))
    return found
