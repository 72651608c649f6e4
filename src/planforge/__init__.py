"""planforge: Excel discovery intake -> validated portfolio -> one implementation plan per project.

The Python API (see docs/api.md)::

    import planforge
    report = planforge.validate(["intake.xlsx"])          # -> Report (problems at their cells)
    portfolio = planforge.load(["intake.xlsx"])            # -> Portfolio (valid projects)
    text = planforge.render_plan(portfolio.projects[0], portfolio=portfolio)  # -> Markdown
    result = planforge.generate(["intake.xlsx"], "out", formats=["md", "html"])  # -> RunResult
"""

from planforge._version import __version__
from planforge.api import Portfolio, generate, load, render_plan, validate
from planforge.core.errors import (
    ERROR,
    WARNING,
    OutputError,
    PlanforgeError,
    Problem,
    ProblemKind,
    Severity,
    TemplateError,
    UnreadableWorkbook,
    UsageError,
    ValidationFailed,
)
from planforge.core.report import Report
from planforge.core.result import RunResult
from planforge.pipeline import GenerateOptions

__all__ = [
    "ERROR",
    "WARNING",
    "GenerateOptions",
    "OutputError",
    "PlanforgeError",
    "Portfolio",
    "Problem",
    "ProblemKind",
    "Report",
    "RunResult",
    "Severity",
    "TemplateError",
    "UnreadableWorkbook",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "generate",
    "load",
    "render_plan",
    "validate",
]
