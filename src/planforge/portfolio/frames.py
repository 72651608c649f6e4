"""The portfolio as pandas DataFrames, for analysis in a notebook.

pandas is an optional dependency (``pip install 'planforge[pandas]'``): it is imported only when a
frame is asked for, so the command line never needs it. Columns are typed by their kind
(``ColumnKind.dtype``): text and IDs as ``string``, whole numbers ``Int64``, numbers, percentages
and amounts ``Float64``, dates ``datetime64``, Yes/No ``boolean``; blanks are missing values
(``<NA>``/``NaT``).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from planforge.context.plan import build_context
from planforge.core.model import Portfolio, Project
from planforge.derive import rules as derive
from planforge.intake import schema

if TYPE_CHECKING:
    import pandas as pd

DERIVED_SHEET = "Derived"
GO_LIVE_PHASES = 4  # go-live is the end of phase 4 (Deployment); phase 5 is post-launch support
#: The derived-figures frame: one row per project, column -> dtype.
DERIVED_COLUMNS: dict[str, str] = {
    "Project ID": "string",
    "Complexity": "string",
    "Days to Go-Live": "Int64",
    "Support Days": "Int64",
    "Work Starts": "datetime64[ns]",
    "Go-Live": "datetime64[ns]",
    "Support Ends": "datetime64[ns]",
    "Weekly Hours Saved": "Float64",
    "Annual Hours Saved": "Float64",
    "Annual Value": "Float64",
    "ROI": "Float64",
    "Payback Months": "Float64",
    "Risks": "Int64",
    "High Risks": "Int64",
}


def portfolio_frames(portfolio: Portfolio) -> dict[str, pd.DataFrame]:
    """One DataFrame per intake sheet (by sheet name, headers as in the workbook, plus ``File`` and
    ``Row``), then ``"Derived"``: the derived figures of each project (see ``derived_frame``)."""
    frames = {sheet.name: _sheet_frame(sheet, portfolio.projects) for sheet in schema.SHEETS}
    frames[DERIVED_SHEET] = derived_frame(portfolio)
    return frames


def _sheet_frame(sheet: schema.Sheet, projects: list[Project]) -> pd.DataFrame:
    import pandas as pd  # optional heavy dependency, imported only when a frame is asked for

    dtypes = {"File": "string", "Row": "Int64"} | {c.header: c.kind.dtype for c in sheet.columns}
    rows: list[dict[str, Any]] = []
    for project in projects:
        records: list[Any] = getattr(project, sheet.key) if sheet.child else [project]
        for record in records:
            names = {f.name for f in fields(record)}
            row: dict[str, Any] = {"File": project.file, "Row": record.row}
            for column in sheet.columns:
                value = getattr(record, column.key) if column.key in names else None
                if column.key == "project_id" and sheet.child:
                    value = project.project_id
                row[column.header] = _cell(value)
            rows.append(row)
    return pd.DataFrame.from_records(rows, columns=list(dtypes)).astype(dtypes)


def derived_frame(portfolio: Portfolio, plan_date: date | None = None) -> pd.DataFrame:
    """Per project: complexity; business days to go-live (phases 1-4, after the confidence buffer)
    and of post-launch support (phase 5); the first working day, go-live and end of support (blank
    without a kickoff date); hours and value saved, ROI and payback; and its risk count (all, and
    those rated High by likelihood x impact). The same functions and rules the plans use."""
    import pandas as pd  # optional heavy dependency, imported only when a frame is asked for

    rows = []
    for project in portfolio.projects:
        ctx = build_context(project, portfolio.settings_for(project), plan_date or date.today())
        phases = ctx.phases
        savings, roi = ctx.savings, ctx.roi_figures
        levels = [derive.risk_level(r.likelihood, r.impact) for r in project.risks]
        rows.append(
            {
                "Project ID": project.project_id,
                "Complexity": ctx.complexity,
                "Days to Go-Live": sum(p.days for p in phases[:GO_LIVE_PHASES]),
                "Support Days": sum(p.days for p in phases[GO_LIVE_PHASES:]),
                "Work Starts": _cell(phases[0].start) if phases and phases[0].start else None,
                "Go-Live": _cell(ctx.go_live) if ctx.go_live else None,
                "Support Ends": _cell(phases[-1].end) if phases and phases[-1].end else None,
                "Weekly Hours Saved": savings.weekly_hours if savings else None,
                "Annual Hours Saved": savings.annual_hours if savings else None,
                "Annual Value": _cell(roi.annual_value) if roi else None,
                "ROI": roi.roi if roi else None,
                "Payback Months": roi.payback_months if roi else None,
                "Risks": len(project.risks),
                "High Risks": levels.count("High"),
            }
        )
    return pd.DataFrame.from_records(rows, columns=list(DERIVED_COLUMNS)).astype(DERIVED_COLUMNS)


def _cell(value: Any) -> Any:
    """A model value as pandas takes it: amounts as floats, several choices as one text, dates as timestamps."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if isinstance(value, date):
        return str(value)
    return value
