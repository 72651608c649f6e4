"""The validation report: every problem found, and the portfolio of the projects that passed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planforge.core.errors import ERROR, WARNING, Problem
from planforge.core.model import Portfolio

if TYPE_CHECKING:  # pandas is an optional dependency (the ``pandas`` extra)
    import pandas as pd

#: The columns of ``Report.to_frame()``, with their pandas dtypes.
PROBLEM_COLUMNS: dict[str, str] = {
    "code": "string",
    "severity": "category",
    "file": "string",
    "sheet": "string",
    "row": "Int64",
    "column": "string",
    "cell": "string",
    "value": "string",
    "message": "string",
    "hint": "string",
    "project_id": "string",
}


@dataclass
class Report:
    """What validation found: every problem, and the portfolio of valid projects."""

    problems: list[Problem]
    portfolio: Portfolio
    invalid_projects: dict[str, list[Problem]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "problems": [p.to_dict() for p in self.problems]}

    def to_frame(self) -> pd.DataFrame:
        """Every problem as one row of a DataFrame (columns ``PROBLEM_COLUMNS``). Needs pandas
        (``pip install 'planforge[pandas]'``)."""
        return problems_frame(self.problems)


class RestoredReport(Report):
    """The report of a rerun that found nothing to redo, restored from the run manifest: the problems
    and held-back projects exactly as the last run found them (same inputs, same findings). The
    portfolio is read from the workbooks only when first asked for, so such a rerun never reads them;
    a workbook changed since the run was checked would be read as it is then."""

    def __init__(
        self,
        problems: list[Problem],
        invalid_projects: dict[str, list[Problem]],
        load_portfolio: Callable[[], Portfolio],
    ):
        self.problems = problems
        self.invalid_projects = invalid_projects
        self._load_portfolio = load_portfolio
        self._portfolio: Portfolio | None = None

    @property  # a lazy field: read on first use
    def portfolio(self) -> Portfolio:
        if self._portfolio is None:
            self._portfolio = self._load_portfolio()
        return self._portfolio

    @portfolio.setter
    def portfolio(self, value: Portfolio) -> None:
        self._portfolio = value


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a typed DataFrame: ``row`` is a nullable integer, ``severity`` a category."""
    import pandas as pd  # optional heavy dependency, imported only when a frame is asked for

    records = [{**p.to_dict(), "value": None if p.value is None else str(p.value)} for p in problems]
    frame = pd.DataFrame.from_records(records, columns=list(PROBLEM_COLUMNS))
    return frame.astype(PROBLEM_COLUMNS)
