"""planforge: Excel discovery intake -> validated portfolio -> one implementation plan per project.

The Python API (see docs/api.md)::

    import planforge
    report = planforge.validate(["intake.xlsx"])          # -> Report (problems at their cells)
    portfolio = planforge.load(["intake.xlsx"])            # -> Portfolio (valid projects)
    text = planforge.render_plan(portfolio.projects[0], portfolio=portfolio)  # -> Markdown
    result = planforge.generate(["intake.xlsx"], "out", formats=["md", "html"])  # -> RunResult
"""

from ._version import __version__
from .api import Portfolio, generate, load, render_plan, validate
from .errors import (
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
from .pipeline import GenerateOptions
from .report import Report
from .result import RunResult

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
