"""The Python API: what ``import planforge`` offers, for notebooks and scripts.

    >>> import planforge
    >>> report = planforge.validate(["samples/intake-sample.xlsx"])
    >>> portfolio = planforge.load(["samples/intake-sample.xlsx"])
    >>> text = planforge.render_plan(portfolio.projects[0], portfolio=portfolio, plan_date=date(2026, 1, 15))
    >>> result = planforge.generate(["samples/intake-sample.xlsx"], "out", plan_date=date(2026, 1, 15))

See docs/api.md. Errors are ``PlanforgeError`` subclasses whose messages name the parameter at
fault (``only=``); problems in the workbooks are data in the ``Report``, never exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from planforge.context.plan import build_context
from planforge.core import model
from planforge.core.errors import UsageError
from planforge.core.model import Project, Settings
from planforge.core.names import HTML, MD, PLAN, expand_documents
from planforge.core.report import Report
from planforge.formats.html import plan_html
from planforge.formats.md_tokens import Document
from planforge.formats.options import WriteOptions
from planforge.outputs.batch import check_options
from planforge.outputs.documents import for_format
from planforge.pipeline import EARLIEST_PLAN_DATE, LATEST_PLAN_DATE, GenerateOptions
from planforge.pipeline import generate as generate
from planforge.portfolio.frames import portfolio_frames
from planforge.render.environment import RenderOptions, render_markdown
from planforge.validation.validate import validate_files

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GenerateOptions", "Portfolio", "generate", "load", "render_plan", "validate"]

PathLike = str | Path


@dataclass
class Portfolio(model.Portfolio):
    """The valid projects of the intake(s) and the policy that applies to each (``load`` returns it).

    The same data the plans are made from, plus ``frames()`` for analysis with pandas."""

    def frames(self) -> dict[str, pd.DataFrame]:
        """One DataFrame per intake sheet (``frames()["Risks"]``), typed columns, plus ``"Derived"``:
        per project the figures the plan derives (complexity, phase days, go-live, savings, ROI, risks).
        Needs pandas: ``pip install 'planforge[pandas]'``."""
        return portfolio_frames(self)


def validate(paths: Sequence[PathLike], *, plan_date: date | None = None, draft: bool = False) -> Report:
    """Read and check the intake workbook(s) (files or folders): every problem at its cell.

    ``report.valid`` is False when any error was found; ``report.problems`` lists errors and
    warnings; ``report.portfolio`` holds the projects that passed; ``report.to_frame()`` gives the
    problems as a DataFrame. ``plan_date`` (``validate --date``) is the run date kickoff dates are
    judged against (a kickoff years away is a warning); None: no such check. A blank Settings > Firm
    Name counts as ``generate`` counts it: an error holding the workbook's projects back, or with
    ``draft`` (``validate --draft``) a warning."""
    return validate_files(_paths(paths), as_of=_checked_date(plan_date), firm="draft" if draft else "required")


def load(paths: Sequence[PathLike]) -> Portfolio:
    """The valid projects of the intake(s) as a ``Portfolio``; projects with errors are left out
    (``validate`` says why)."""
    found = validate_files(_paths(paths)).portfolio
    return Portfolio(**{f.name: getattr(found, f.name) for f in fields(model.Portfolio)})


def render_plan(
    project: Project,
    *,
    portfolio: model.Portfolio | None = None,
    settings: Settings | None = None,
    plan_date: date | None = None,
    format: str = "md",
    templates: PathLike | None = None,
    documents: Sequence[str] = (PLAN.name,),
) -> str:
    """One project's implementation plan as text: Markdown (``format="md"``) or a standalone HTML
    page (``format="html"``). The firm policy comes from ``settings``, else from the project's own
    workbook in ``portfolio``, else the defaults; ``plan_date`` defaults to today.

    ``templates`` is the firm's templates folder (``generate --templates``), searched before the
    shipped templates; ``documents`` the kinds written beside the plan (``generate --documents``,
    ``all`` for every kind), which section 11 lists as attached."""
    if format not in (MD.name, HTML.name):
        raise UsageError(f"format= must be 'md' or 'html' for render_plan, not {format!r}", parameter="format")
    if templates is not None and not Path(templates).is_dir():
        raise UsageError(f"templates= {templates} is not a folder", parameter="templates")
    folder = Path(templates) if templates is not None else None
    if isinstance(documents, str):
        raise UsageError(f"documents= takes a list of kinds, not the string {documents!r}", parameter="documents")
    day = _checked_date(plan_date) or date.today()
    options = check_options(
        WriteOptions(plan_date=day, formats=(format,), documents=expand_documents(list(documents)), templates=folder)
    )
    if settings is None:
        settings = portfolio.settings_for(project) if portfolio is not None else Settings()
    ctx = build_context(project, settings, day, frozenset(options.documents))
    markdown = render_markdown(ctx, RenderOptions(templates=folder))
    if format == MD.name:
        return markdown
    return plan_html(ctx, for_format(Document(markdown), ctx, HTML.extension), options)


def _checked_date(day: date | None) -> date | None:
    if day is not None and not EARLIEST_PLAN_DATE <= day <= LATEST_PLAN_DATE:
        raise UsageError(
            f"plan_date= {day.isoformat()} is outside {EARLIEST_PLAN_DATE.year}-{LATEST_PLAN_DATE.year}",
            parameter="plan_date",
        )
    return day


def _paths(paths: Sequence[PathLike]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        raise UsageError("paths= takes a list of files or folders, e.g. ['intake.xlsx']", parameter="paths")
    return [Path(p) for p in paths]
