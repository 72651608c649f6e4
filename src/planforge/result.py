"""What a generate run did: the validation report, the files written, the projects skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Problem
from .names import INDEX_NAME, PLAN_FILE, REVIEW_DIR, REVIEW_FILE, SUMMARY_NAME
from .plan_context import PlanContext
from .report import Report


@dataclass
class RunResult:
    """What a generate run did: the validation report, the files written, what was skipped.

    ``skipped`` maps each project left out for errors to its problems; ``stale`` lists files in the
    output folder this run did not rewrite, with the problem code it reported for each;
    ``timings`` holds seconds per stage (for bench/)."""

    report: Report
    written: list[Path] = field(default_factory=list)
    skipped: dict[str, list[Problem]] = field(default_factory=dict)
    stale: list[tuple[Path, str]] = field(default_factory=list)
    contexts: list[PlanContext] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the intake had no error and no project was skipped."""
        return self.report.valid and not self.skipped

    def outputs_of(self, project_id: str) -> list[Path]:
        """The files written for one project (plans in every format, its review), in the order written."""
        return [
            p
            for p in self.written
            if (m := PLAN_FILE.match(p.name) or REVIEW_FILE.match(p.name)) and m.group(1) == project_id
        ]

    def to_dict(self) -> dict[str, Any]:
        """The run as JSON-ready data (what ``planforge generate --json`` prints): per project its
        status (``written`` or ``skipped``), output file names and problems; then the portfolio files."""
        by_project: dict[str, list[Problem]] = {}
        for p in self.report.problems:
            if p.project_id:
                by_project.setdefault(p.project_id, []).append(p)
        projects = [
            {
                "project_id": ctx.project.project_id,
                "status": "written",
                "outputs": [_relative(p) for p in self.outputs_of(ctx.project.project_id)],
                "problems": [p.to_dict() for p in by_project.get(ctx.project.project_id, [])],
            }
            for ctx in self.contexts
        ]
        projects += [
            {"project_id": pid, "status": "skipped", "outputs": [], "problems": [p.to_dict() for p in problems]}
            for pid, problems in self.skipped.items()
        ]
        return {
            "ok": self.ok,
            "valid": self.report.valid,
            "projects": projects,
            "portfolio_outputs": [p.name for p in self.written if p.name in (SUMMARY_NAME, INDEX_NAME)],
            "stale": [{"file": p.name, "code": code} for p, code in self.stale],
            "problems": [p.to_dict() for p in self.report.problems],
        }


def _relative(path: Path) -> str:
    """A written file as its reader finds it in the output folder: ``ACME-001-implementation-plan.md``,
    ``review/ACME-001-review.md``."""
    return f"{path.parent.name}/{path.name}" if path.parent.name == REVIEW_DIR else path.name
