"""What a generate run did: the validation report, the files written, the projects skipped."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planforge.core.errors import OutputError, Problem, RenderLimit, make_problem
from planforge.core.model import Project
from planforge.core.names import DOCUMENT_FILE, INDEX_NAME, PLAN_FILE, REVIEW_DIR, REVIEW_FILE, SUMMARY_NAME
from planforge.core.report import Report

if TYPE_CHECKING:
    from planforge.context.plan import PlanContext

log = logging.getLogger("planforge")


@dataclass
class RunResult:
    """What a generate run did: the validation report, the files written, what was skipped.

    ``skipped`` maps each project left out for errors to its problems; ``failed`` maps each project
    whose plan (or one of its files) could not be made, after validation passed, to the
    ``internal-error`` or ``write-failed`` problems that say why (every other project was still
    written); ``contexts`` holds the projects whose files were all written; ``stale`` lists files in
    the output folder this run did not rewrite, with the problem code it reported for each;
    ``unchanged`` lists the projects a rerun left alone (their inputs match the run manifest, their
    files keep their bytes and modification time), with ``kept_outputs`` their files; ``edited``
    lists files edited by hand since planforge wrote them (kept unless the run was forced), and
    ``backups`` the copy a forced run kept of each one it replaced (edited file -> copy); ``timings`` holds seconds per stage (for bench/)."""

    report: Report
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, list[Problem]] = field(default_factory=dict)
    failed: dict[str, list[Problem]] = field(default_factory=dict)
    stale: list[tuple[Path, str]] = field(default_factory=list)
    contexts: list[PlanContext] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    kept_outputs: dict[str, list[Path]] = field(default_factory=dict)
    edited: list[Path] = field(default_factory=list)
    backups: dict[Path, Path] = field(default_factory=dict)

    @property
    def rewritten(self) -> list[str]:
        """The projects whose files this run wrote (every written one that is not ``unchanged``)."""
        unchanged = set(self.unchanged)
        return [c.project.project_id for c in self.contexts if c.project.project_id not in unchanged]

    @property
    def ok(self) -> bool:
        """True when the intake had no error, no project was skipped and every file was written."""
        return self.report.valid and not self.skipped and not self.failed

    def outputs_of(self, project_id: str) -> list[Path]:
        """The files written for one project (plans and documents in every format, its review), in the order written.
        For many projects use ``outputs_by_project`` (one pass), not this per project."""
        return self.outputs_by_project().get(project_id, [])

    def outputs_by_project(self) -> dict[str, list[Path]]:
        """Project ID -> the files written for it, in the order written: one pass over ``written``."""
        grouped: dict[str, list[Path]] = {}
        for p in self.written:
            if m := PLAN_FILE.match(p.name) or DOCUMENT_FILE.match(p.name) or REVIEW_FILE.match(p.name):
                grouped.setdefault(m.group(1), []).append(p)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON-ready data (what ``planforge generate --json`` prints): per project its
        status (``written``, ``unchanged``, ``failed`` or ``skipped``), output file names and problems;
        then the portfolio files, the files edited by hand."""
        by_project: dict[str, list[Problem]] = {}
        for p in self.report.problems:
            if p.project_id:
                by_project.setdefault(p.project_id, []).append(p)
        outputs = self.outputs_by_project()
        unchanged = set(self.unchanged)
        derived = [c.project.project_id for c in self.contexts]
        seen = set(derived)
        projects = [
            {
                "project_id": pid,
                "status": "unchanged" if pid in unchanged else "written",
                "outputs": [_relative(p) for p in (self.kept_outputs if pid in unchanged else outputs).get(pid, [])],
                "problems": [p.to_dict() for p in by_project.get(pid, [])],
            }
            for pid in derived + [pid for pid in self.unchanged if pid not in seen]
        ]
        projects += [
            {"project_id": pid, "status": "skipped", "outputs": [], "problems": [p.to_dict() for p in problems]}
            for pid, problems in self.skipped.items()
        ]
        projects += [
            {
                "project_id": pid,
                "status": "failed",
                "outputs": [_relative(p) for p in outputs.get(pid, [])],
                "problems": [p.to_dict() for p in by_project.get(pid, [])],
            }
            for pid in self.failed
        ]
        return {
            "ok": self.ok,
            "valid": self.report.valid,
            "projects": projects,
            "portfolio_outputs": [p.name for p in self.written if p.name in (SUMMARY_NAME, INDEX_NAME)],
            "stale": [{"file": p.name, "code": code} for p, code in self.stale],
            "edited": [_relative(p) for p in self.edited],
            "backups": {_relative(p): str(copy) for p, copy in self.backups.items()},
            "problems": [p.to_dict() for p in self.report.problems],
        }


def failure(stage: str, error: BaseException, *, project: Project | None = None, file: str = "") -> Problem:
    """The problem that stands for an exception caught at a run's isolation boundary: ``write-failed``
    for a file the system refused (``OutputError``), ``render-limit`` for a document whose template
    passed a render bound (``RenderLimit``: its text names the template file, line and bound),
    ``internal-error`` for anything else, naming the stage, the exception type and its text; located
    at the project's row when there is one (else at ``file``). The traceback goes to the ``planforge``
    logger at debug level (``-vv``), never into the problem."""
    log.debug("%s failed%s", stage, f" for {project.project_id}" if project else "", exc_info=error)
    where: dict[str, Any] = {"file": file} if file else {}  # a portfolio file (the summary, the index)
    if project is not None:
        where = {"project_id": project.project_id, "file": project.file, "sheet": "Projects", "row": project.row}
    if isinstance(error, OutputError):
        cause = error.__cause__
        reason = cause.strerror if isinstance(cause, OSError) and cause.strerror else str(error)
        named = file or (error.problem.file if error.problem else "") or where.get("file", "")
        return make_problem("write-failed", **{**where, "file": named}, reason=reason)
    reason = " ".join(str(error).split())
    if len(reason) > 300:
        reason = reason[:297] + "..."
    if isinstance(error, RenderLimit):
        return make_problem("render-limit", **where, stage=stage, reason=reason)
    return make_problem(
        "internal-error", **where, stage=stage, error=type(error).__name__, reason=reason or "(no message)"
    )


def _relative(path: Path) -> str:
    """A written file as its reader finds it in the output folder: ``ACME-001-implementation-plan.md``,
    ``review/ACME-001-review.md``."""
    return f"{path.parent.name}/{path.name}" if path.parent.name == REVIEW_DIR else path.name
