"""Problems are data; exceptions are only for what stops a run.

Every kind of problem has a code and a message template (frictionless-style), and carries
its location: file, sheet, Excel row, column name and cell reference such as ``Risks!D14``.
Validation collects problems; only fatal conditions raise, wrapping one Problem.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"

#: code -> (severity, message template, hint). Templates are filled from Problem params.
CODES: dict[str, tuple[str, str, str]] = {
    "unreadable-file": (
        ERROR,
        "Cannot be read as an Excel workbook: {reason}",
        "Save it from Excel or LibreOffice as .xlsx and try again.",
    ),
    "encrypted-file": (
        ERROR,
        "The workbook is password-protected",
        "Remove the password (File > Info > Protect Workbook) and save again.",
    ),
    "unsafe-file": (ERROR, "Refused: {reason}", "Re-save the workbook from Excel or LibreOffice."),
    "missing-sheet": (
        ERROR,
        'Sheet "{sheet}" is missing{suggestion}',
        "Add the sheet or rename the existing one; sheet names come from the intake template.",
    ),
    "missing-child-sheet": (
        WARNING,
        'Sheet "{sheet}" is missing; its sections will be marked TBD',
        "Add the sheet from the intake template when you have the data.",
    ),
    "hidden-sheet": (
        WARNING,
        'Sheet "{sheet}" is hidden; its rows were read anyway',
        "Unhide it (right-click a sheet tab > Unhide) so reviewers see the same data.",
    ),
    "hidden-row": (
        WARNING,
        "Row {row} is hidden; it was read anyway",
        "Unhide it so reviewers see the same data, or delete it.",
    ),
    "merged-cells": (
        WARNING,
        "Cells {value} are merged; only the top-left cell holds a value",
        "Unmerge the cells and fill each row.",
    ),
    "missing-header-row": (
        ERROR,
        'No header row with "{value}" found in the first {limit} rows',
        "Keep the template's header row; it must contain a 'Project ID' column.",
    ),
    "missing-column": (
        ERROR,
        'Required column "{column}" is missing{suggestion}',
        "Add the column back from the intake template.",
    ),
    "unknown-column": (
        WARNING,
        'Column "{column}" is not part of the intake schema and was ignored{suggestion}',
        "Rename it to a template column or delete it.",
    ),
    "duplicate-header": (
        ERROR,
        'Column "{column}" appears more than once (also in {value})',
        "Keep one column of each name.",
    ),
    "blank-header": (
        WARNING,
        "Column {cell_column} holds data but has no header; it was ignored",
        "Give the column a header from the template or delete it.",
    ),
    "required-missing": (ERROR, "{column} is required", "Fill the cell."),
    "wrong-type": (ERROR, "{value_repr} is not {expected}", "{hint}"),
    "invalid-choice": (
        ERROR,
        "{value_repr} is not one of {choices}{suggestion}",
        "Pick a value from the cell's dropdown.",
    ),
    "duplicate-id": (
        ERROR,
        "Project ID {value_repr} is used more than once (also on row {other_row})",
        "Give each project its own ID.",
    ),
    "unknown-project": (
        ERROR,
        "Project ID {value_repr} is not on the Projects sheet{suggestion}",
        "Pick the ID from the cell's dropdown, or add the project first.",
    ),
    "unsafe-id": (
        ERROR,
        "Project ID {value_repr} {reason}",
        "Use letters, digits, '-', '_' and '.' only, e.g. ACME-001.",
    ),
    "id-collision": (
        ERROR,
        "Project ID {value_repr} differs only in letter case from the one on row {other_row}; their plan files would collide",
        "Make the IDs differ by more than case.",
    ),
    "formula-no-value": (
        ERROR,
        "Formula has no saved value",
        "Open the workbook in Excel or LibreOffice, let it recalculate, and save it.",
    ),
    "error-cell": (ERROR, "Cell holds the Excel error {value}", "Fix the formula or type the value."),
    "text-too-long": (ERROR, "Text is {length:,} characters, over Excel's cell limit of 32,767", "Shorten the text."),
    "unknown-setting": (
        WARNING,
        "Setting {value_repr} is not known and was ignored{suggestion}",
        "Use a setting name from the template's Settings sheet.",
    ),
    "unknown-system": (
        WARNING,
        "{column} {value_repr} is not in the systems catalog; the integration type was not determined",
        "Fill Integration Type on the Projects sheet.",
    ),
    "ambiguous-system": (
        WARNING,
        "{column} {value_repr} is ambiguous; assumed {assumed}",
        "Write the full product name (e.g. {assumed}) to remove the doubt.",
    ),
    "no-integration-type": (
        WARNING,
        "No integration type could be determined from {value}",
        "Fill Integration Type on the Projects sheet.",
    ),
    "lock-file-skipped": (
        WARNING,
        "An Excel lock file (~$), not a workbook; skipped",
        "Close the workbook in Excel; lock files are not intakes.",
    ),
    "outdated-output": (
        WARNING,
        "From an earlier run and not rewritten by this one (its project has errors, or this format or file was not asked for)",
        "Delete it, or generate it again, so no one reads it as current.",
    ),
    "stale-output": (
        WARNING,
        "Plan from an earlier run whose project is no longer in the intake",
        "Delete it if the project was dropped.",
    ),
    "out-of-range": (
        ERROR,
        "{value_repr} is out of range: {why}",
        "Check the figure; the accepted ranges are in docs/intake-reference.md.",
    ),
    "ambiguous-number": (
        WARNING,
        "{value_repr} is ambiguous; read as {reading}",
        "Type it without thousands separators (18500) or with two decimals (18.500,00 or 18,500.00).",
    ),
    "ambiguous-percent": (
        WARNING,
        "{value_repr} is ambiguous for a rate; read as {reading}",
        "Type the percent sign (0.5%) to remove the doubt.",
    ),
    "currency-mismatch": (
        ERROR,
        "{value_repr} is written in {written}, but the project's currency is {currency}",
        "Convert the amount to {currency}, or set the Currency column (Projects) or setting.",
    ),
    "implausible-value": (
        WARNING,
        "{value_repr} is unusual for {column}; read as {reading} (usual: {usual})",
        "Check the figure; correct it if it was meant differently.",
    ),
    "implausible-roi": (
        WARNING,
        "First-year ROI of {ratio} is implausible; the budget was read as {reading}",
        "Check Budget and the hours on Pain Points (a thousands separator read as a decimal point?).",
    ),
    "id-normalised": (
        WARNING,
        "Project ID {typed} holds invisible characters, unusual spaces or dashes; read as {assumed}",
        "Retype the ID with plain letters, digits and '-'.",
    ),
    "id-case-mismatch": (
        WARNING,
        "Project ID {value_repr} differs only in letter case from {assumed} on the Projects sheet; matched to it",
        "Type the ID exactly as on the Projects sheet.",
    ),
    "similar-names": (
        WARNING,
        "{value_repr} differs only by accents or case from {other} at {other_cell}; counted as two people",
        "Spell each person's name the same way everywhere.",
    ),
    "merged-id-filled": (
        WARNING,
        "Project ID is blank under the merged cells {value}; read as {assumed}",
        "Unmerge the cells and type the ID on each row.",
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One located finding. ``row`` is the Excel row number (1-based); ``cell`` like ``D14``."""

    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    value: Any = None
    hint: str = ""
    project_id: str = ""

    @property
    def location(self) -> str:
        """``Risks!D14 (Likelihood)``, or as much of it as is known."""
        where = self.sheet
        if self.cell:
            where = f"{self.sheet}!{self.cell}" if self.sheet else self.cell
        elif self.row:
            where = f"{self.sheet} row {self.row}"
        if self.column:
            where = f"{where} ({self.column})" if where else self.column
        return where or self.file

    def line(self) -> str:
        """The one-line form used on the terminal: ``Risks!D14 (Likelihood): "Hgh" is not one of ...``."""
        prefix = f"{self.location}: " if self.location and self.location != self.file else ""
        return f"{prefix}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = _jsonable(self.value)
        return data

    def flat(self) -> tuple[str, int | None, str, str]:
        """The shape tests assert on: (sheet, row, column, code)."""
        return (self.sheet, self.row, self.column, self.code)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def make_problem(code: str, *, severity: str | None = None, **params: Any) -> Problem:
    """Build a Problem from its code's template. Unknown template params render as blanks."""
    default_severity, template, hint = CODES[code]
    value = params.get("value")
    params.setdefault("value_repr", _quote(value))
    params.setdefault("suggestion", "")
    fields = {k: params.get(k) for k in ("file", "sheet", "row", "column", "cell", "value", "project_id")}
    message = template.format_map(_Blank(params))
    hint_text = hint.format_map(_Blank(params))
    return Problem(
        code=code,
        severity=severity or default_severity,
        message=message,
        hint=hint_text,
        **{k: (v if v is not None or k in ("row", "value") else "") for k, v in fields.items()},
    )


def _quote(value: Any) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return '"' + text.replace('"', '\\"') + '"'


def did_you_mean(name: str, options: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean "Risks"?)`` when a close option exists, else an empty string."""
    import difflib

    lowered = {o.lower(): o for o in options}
    match = difflib.get_close_matches(str(name).lower(), list(lowered), n=1, cutoff=0.6)
    return f' (did you mean "{lowered[match[0]]}"?)' if match else ""


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class PlanforgeError(Exception):
    """Base of every error planforge raises on purpose. The CLI catches this class only."""

    exit_code = 1

    def __init__(self, message: str, problem: Problem | None = None):
        super().__init__(message)
        self.problem = problem


class UnreadableWorkbook(PlanforgeError):
    """Raised when a file is not a readable workbook (not a zip, corrupt, encrypted, a bomb)."""


class OutputError(PlanforgeError):
    """Raised when the output folder cannot be created or written."""


class TemplateError(PlanforgeError):
    """Raised when a plan template fails to render; names the template and line."""


class UsageError(PlanforgeError):
    """Raised for command-line misuse that click itself cannot catch (bad --date, bad --format)."""

    exit_code = 2


class ValidationFailed(PlanforgeError):
    """Raised by ``--strict`` runs when the intake has any error; carries the report."""

    def __init__(self, message: str, report: Any):
        super().__init__(message)
        self.report = report
