"""Problems are data; exceptions are only for what stops a run.

Every kind of problem has a code and a message template (frictionless-style), and carries
its location: file, sheet, Excel row, column name and cell reference such as ``Risks!D14``.
Validation collects problems; only fatal conditions raise, wrapping one Problem.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Severity(StrEnum):
    """How bad a problem is. A str enum, so JSON, the summary workbook and comparisons see "error"/"warning"."""

    ERROR = "error"  # the project (or file) cannot be planned
    WARNING = "warning"  # planned, but read with an assumption the analyst should check


ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True, slots=True)
class ProblemKind:
    """One declared kind of problem: what ``planforge docs`` lists in docs/problems.md.

    ``template`` and ``hint`` are ``str.format`` templates filled from the problem's parameters
    (``value``, ``column``, ``sheet``, ``suggestion``, ...); unknown parameters render as blanks."""

    code: str
    severity: Severity
    title: str
    template: str
    hint: str
    description: str = ""
    #: The parameters the message and hint name (``{reason}``, ``{column}``, ...), read from the templates.
    params: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        named = {name for text in (self.template, self.hint) for _, name, _, _ in string.Formatter().parse(text)}
        object.__setattr__(self, "params", frozenset(name for name in named if name))

    def __call__(self, *, severity: str | None = None, **params: Any) -> Problem:
        """This kind's Problem, with its parameters checked: a parameter the templates do not name (and
        that is not a location field) or one they name but the caller left out is a ``TypeError``, so a
        misspelt or forgotten parameter fails in the tests instead of printing a blank to a client."""
        self.check(params)
        value = params.get("value")
        filled = _Blank(params)
        filled.setdefault("value_repr", _quote(value))
        filled.setdefault("suggestion", "")
        return Problem(
            code=self.code,
            severity=Severity(severity) if severity else self.severity,
            message=self.template.format_map(filled),
            hint=self.hint.format_map(filled),
            file=_text(params.get("file")),
            sheet=_text(params.get("sheet")),
            row=params.get("row"),
            column=_text(params.get("column")),
            cell=_text(params.get("cell")),
            value=value,
            project_id=_text(params.get("project_id")),
        )

    def check(self, params: Mapping[str, Any]) -> None:
        """Raise ``TypeError`` naming the unknown or missing parameters of a call of this kind."""
        unknown = sorted(set(params) - self.params - LOCATION_FIELDS)
        missing = sorted(self.params - set(params) - LOCATION_FIELDS - DEFAULTED_FIELDS)
        if unknown or missing:
            raise TypeError(f"problem {self.code!r}: unknown parameters {unknown}, missing parameters {missing}")


#: Where a problem is, which every kind takes whether or not its message names it.
LOCATION_FIELDS: frozenset[str] = frozenset({"file", "sheet", "row", "column", "cell", "value", "project_id"})
#: Parameters a message may name that have a default: the quoted value, and no suggestion.
DEFAULTED_FIELDS: frozenset[str] = frozenset({"value_repr", "suggestion"})


#: Every problem kind planforge reports. New kinds go at the end.
KINDS: tuple[ProblemKind, ...] = (
    ProblemKind(
        "unreadable-file",
        ERROR,
        "Unreadable file",
        "Cannot be read as an Excel workbook: {reason}",
        "Save it from Excel or LibreOffice as .xlsx and try again.",
        "The file is not a workbook planforge can open (not a zip, corrupt, or an old .xls).",
    ),
    ProblemKind(
        "encrypted-file",
        ERROR,
        "Password-protected workbook",
        "The workbook is password-protected",
        "Remove the password (File > Info > Protect Workbook) and save again.",
        "The workbook is encrypted; planforge never asks for passwords.",
    ),
    ProblemKind(
        "unsafe-file",
        ERROR,
        "Unsafe file refused",
        "Refused: {reason}",
        "Re-save the workbook from Excel or LibreOffice.",
        "The workbook looks crafted to exhaust memory or disk (a zip bomb, a huge used range); nothing of it is read.",
    ),
    ProblemKind(
        "missing-sheet",
        ERROR,
        "Missing sheet",
        'Sheet "{sheet}" is missing{suggestion}',
        "Add the sheet or rename the existing one; sheet names come from the intake template.",
        "A sheet the intake needs (Projects) is absent.",
    ),
    ProblemKind(
        "missing-child-sheet",
        WARNING,
        "Missing optional sheet",
        'Sheet "{sheet}" is missing; its sections will be marked TBD',
        "Add the sheet from the intake template when you have the data.",
        "A child sheet (Risks, Team, ...) is absent; the plan sections it feeds are marked TBD.",
    ),
    ProblemKind(
        "hidden-sheet",
        WARNING,
        "Hidden sheet",
        'Sheet "{sheet}" is hidden; its rows were read anyway',
        "Unhide it (right-click a sheet tab > Unhide) so reviewers see the same data.",
        "A hidden sheet was read like any other, so reviewers may not see data the plans use.",
    ),
    ProblemKind(
        "hidden-row",
        WARNING,
        "Hidden row",
        "Row {row} is hidden; it was read anyway",
        "Unhide it so reviewers see the same data, or delete it.",
        "A hidden row was read like any other.",
    ),
    ProblemKind(
        "merged-cells",
        WARNING,
        "Merged cells",
        "Cells {value} are merged; only the top-left cell holds a value",
        "Unmerge the cells and fill each row.",
        "Merged cells hold their value in the top-left cell only; the other rows read as blank.",
    ),
    ProblemKind(
        "missing-header-row",
        ERROR,
        "No header row",
        'No header row with "{value}" found in the first {limit} rows',
        "Keep the template's header row; it must contain a 'Project ID' column.",
        "No row near the top of the sheet holds the expected header.",
    ),
    ProblemKind(
        "missing-column",
        ERROR,
        "Missing column",
        'Required column "{column}" is missing{suggestion}',
        "Add the column back from the intake template.",
        "A required column of the sheet is absent.",
    ),
    ProblemKind(
        "unknown-column",
        WARNING,
        "Unknown column",
        'Column "{column}" is not part of the intake schema and was ignored{suggestion}',
        "Rename it to a template column or delete it.",
        "A column the intake schema does not know; its data is ignored.",
    ),
    ProblemKind(
        "duplicate-header",
        ERROR,
        "Duplicate column",
        'Column "{column}" appears more than once (also in {value})',
        "Keep one column of each name.",
        "Two columns carry the same header, so the value to use is ambiguous.",
    ),
    ProblemKind(
        "blank-header",
        WARNING,
        "Data without a header",
        "Column {cell_column} holds data but has no header; it was ignored",
        "Give the column a header from the template or delete it.",
        "A column holds data but no header names it; it is ignored.",
    ),
    ProblemKind(
        "required-missing",
        ERROR,
        "Required value missing",
        "{column} is required",
        "Fill the cell.",
        "A required cell is blank (typed placeholders such as TBD count as blank).",
    ),
    ProblemKind(
        "wrong-type",
        ERROR,
        "Wrong type",
        "{value_repr} is not {expected}",
        "{hint}",
        "The cell's text cannot be read as the column's type (number, date, amount, ...).",
    ),
    ProblemKind(
        "unknown-payment-milestone",
        ERROR,
        "Unknown payment milestone",
        "Payment milestone {milestone} in {value_repr} is not a milestone of the statement of work{suggestion}",
        "Name each milestone as the statement of work does ({milestones}), each with its share, "
        "e.g. Kickoff 30%, UAT sign-off 40%, Go-live 30%; or type monthly.",
        "A Payment Terms cell (Settings, or a project's row) names a milestone the statement of work "
        "has no date for, so its instalment could not be printed.",
    ),
    ProblemKind(
        "payment-terms-sum",
        ERROR,
        "Payment shares do not sum to 100%",
        "The shares in {value_repr} sum to {total}, not 100%",
        "Change the percentages so they add up to 100%, e.g. Kickoff 30%, UAT sign-off 40%, Go-live 30%.",
        "The milestone shares of a Payment Terms cell must invoice exactly the whole fee.",
    ),
    ProblemKind(
        "not-final",
        ERROR,
        "Not ready for the final edition",
        '{project}: the {document}, section "{section}", still shows {shown} ({what}), so the project\'s '
        "client documents were not written as the final edition",
        "Settle it at {fix}, then run generate --final again (without --final the drafts are written).",
        "generate --final found a [TBD] or an assumed value in a contract-bearing section (the statement "
        "of work's scope, deliverables, dates, acceptance, fees and payment; the plan's timeline): none of "
        "the project's client documents is written, the other projects are.",
    ),
    ProblemKind(
        "invalid-choice",
        ERROR,
        "Not one of the choices",
        "{value_repr} is not one of {choices}{suggestion}",
        "Pick a value from the cell's dropdown.",
        "The cell holds a value outside the column's list of choices.",
    ),
    ProblemKind(
        "duplicate-id",
        ERROR,
        "Duplicate Project ID",
        "Project ID {value_repr} is used more than once (also on row {other_row})",
        "Give each project its own ID.",
        "Two projects share one ID, so their plans would overwrite each other.",
    ),
    ProblemKind(
        "unknown-project",
        ERROR,
        "Unknown Project ID",
        "Project ID {value_repr} is not on the Projects sheet{suggestion}",
        "Pick the ID from the cell's dropdown, or add the project first.",
        "A child row names a Project ID that is not on the Projects sheet.",
    ),
    ProblemKind(
        "unsafe-id",
        ERROR,
        "Unsafe Project ID",
        "Project ID {value_repr} {reason}",
        "Use letters, digits, '-', '_' and '.' only, e.g. ACME-001.",
        "The ID cannot become a file name safely (path characters, reserved device names, ...).",
    ),
    ProblemKind(
        "id-collision",
        ERROR,
        "Project IDs differ only in case",
        "Project ID {value_repr} differs only in letter case from the one on row {other_row}; their plan files would collide",
        "Make the IDs differ by more than case.",
        "Two IDs would give the same file name on case-insensitive file systems.",
    ),
    ProblemKind(
        "formula-no-value",
        ERROR,
        "Formula without a saved value",
        "Formula has no saved value",
        "Open the workbook in Excel or LibreOffice, let it recalculate, and save it.",
        "The workbook was saved by a tool that did not compute formulas, so the value is unknown.",
    ),
    ProblemKind(
        "error-cell",
        ERROR,
        "Excel error value",
        "Cell holds the Excel error {value}",
        "Fix the formula or type the value.",
        "The cell holds an Excel error such as #REF! or #DIV/0!.",
    ),
    ProblemKind(
        "text-too-long",
        ERROR,
        "Text over Excel's limit",
        "Text is {length:,} characters, over Excel's cell limit of 32,767",
        "Shorten the text.",
        "The text is longer than an Excel cell can hold.",
    ),
    ProblemKind(
        "firm-name-missing",
        ERROR,
        "Firm Name missing",
        "Firm Name is blank, so the client documents would name no firm as their preparer; none was written",
        "Fill Firm Name on the Settings sheet, or run generate --draft to write drafts that read [Firm name].",
        "Every client document names the firm that prepared it (front matter, cover, Word/PDF author). "
        "generate refuses to write them for a workbook whose Settings > Firm Name is blank unless --draft is "
        "given; its projects are held back.",
    ),
    ProblemKind(
        "firm-name-placeholder",
        WARNING,
        "Firm Name missing (draft)",
        "Firm Name is blank; the draft documents name their preparer as [Firm name]",
        "Fill Firm Name on the Settings sheet before the documents go to the client.",
        "A --draft run writes the documents of a workbook with no Settings > Firm Name, with the placeholder "
        "[Firm name] wherever the firm is named; the review file lists it.",
    ),
    ProblemKind(
        "logo-unusable",
        WARNING,
        "Logo not usable",
        "Logo {value_repr} cannot be used ({reason}); the documents were written without a logo",
        "Give the path of a PNG, JPEG or GIF file, relative to the workbook (e.g. logo.png).",
        "Settings > Logo names a file that is missing, unreadable, too large or not an image.",
    ),
    ProblemKind(
        "unknown-setting",
        WARNING,
        "Unknown setting",
        "Setting {value_repr} is not known and was ignored{suggestion}",
        "Use a setting name from the template's Settings sheet.",
        "A row of the Settings sheet names a setting planforge does not know.",
    ),
    ProblemKind(
        "unknown-system",
        WARNING,
        "System not in the catalog",
        "{column} {value_repr} is not in the systems catalog; the integration type was not determined",
        "Fill Integration Type on the Projects sheet.",
        "The system name is not in the built-in catalog, so the integration type is not derived from it.",
    ),
    ProblemKind(
        "ambiguous-system",
        WARNING,
        "Ambiguous system name",
        "{column} {value_repr} is ambiguous; assumed {assumed}",
        "Write the full product name (e.g. {assumed}) to remove the doubt.",
        "The system name matches several catalog products; the most common one was assumed.",
    ),
    ProblemKind(
        "no-integration-type",
        WARNING,
        "No integration type",
        "No integration type could be determined from {value}",
        "Fill Integration Type on the Projects sheet.",
        "Neither the intake nor the systems catalog gives the integration type.",
    ),
    ProblemKind(
        "lock-file-skipped",
        WARNING,
        "Excel lock file skipped",
        "An Excel lock file (~$), not a workbook; skipped",
        "Close the workbook in Excel; lock files are not intakes.",
        "A ~$ lock file Excel leaves beside an open workbook was found and skipped.",
    ),
    ProblemKind(
        "outdated-output",
        WARNING,
        "Outdated output",
        "From an earlier run and not rewritten by this one (its project has errors, or this format or file was not asked for)",
        "Delete it, or generate it again, so no one reads it as current.",
        "A planforge file in the output folder that this run did not rewrite.",
    ),
    ProblemKind(
        "stale-output",
        WARNING,
        "Stale plan",
        "Plan from an earlier run whose project is no longer in the intake",
        "Delete it if the project was dropped.",
        "A plan in the output folder whose project is no longer in the intake.",
    ),
    ProblemKind(
        "out-of-range",
        ERROR,
        "Value out of range",
        "{value_repr} is out of range: {why}",
        "Check the figure; the accepted ranges are in docs/intake-reference.md.",
        "A number or date outside the range its column declares (finite, sane magnitude, dates 1900-2200).",
    ),
    ProblemKind(
        "ambiguous-number",
        WARNING,
        "Ambiguous number",
        "{value_repr} is ambiguous; read as {reading}",
        "Type it without thousands separators (18500) or with two decimals (18.500,00 or 18,500.00).",
        "A separator could be a thousands separator or a decimal point; the message says which reading was taken.",
    ),
    ProblemKind(
        "data-volume-read",
        WARNING,
        "Data volume read one of two ways",
        "{value_repr} reads two ways; its number was read as {how}, so the count is {reading}",
        "Type the count without separators (1234000 orders a day, or 1234k orders a day).",
        "A count in Projects > Data Volume whose number could use either digit convention; the complexity score and "
        "the test cases' loads use the reading the message gives.",
    ),
    ProblemKind(
        "ambiguous-percent",
        WARNING,
        "Ambiguous percentage",
        "{value_repr} is ambiguous for a rate; read as {reading}",
        "Type the percent sign (0.5%) to remove the doubt.",
        "A bare number under 1 in a rate column could be a fraction or percent points.",
    ),
    ProblemKind(
        "currency-mismatch",
        ERROR,
        "Currency contradicts the project",
        "{value_repr} is written in {written}, but the project's currency is {currency}",
        "Convert the amount to {currency}, or set the Currency column (Projects) or setting.",
        "An amount carries a currency symbol or code other than the project's currency.",
    ),
    ProblemKind(
        "implausible-value",
        WARNING,
        "Implausible figure",
        "{value_repr} is unusual for {column}; read as {reading} (usual: {usual})",
        "Check the figure; correct it if it was meant differently.",
        "A figure outside the usual range of its column (a budget under 100, a confidence under 10%, ...).",
    ),
    ProblemKind(
        "implausible-roi",
        WARNING,
        "Implausible ROI",
        "First-year ROI of {ratio} is implausible; the budget was read as {reading}",
        "Check Budget and the hours on Pain Points (a thousands separator read as a decimal point?).",
        "A derived first-year ROI over 1,000% usually means a misread budget or hours figure.",
    ),
    ProblemKind(
        "id-normalised",
        WARNING,
        "Project ID normalised",
        "Project ID {typed} holds invisible characters, unusual spaces or dashes; read as {assumed}",
        "Retype the ID with plain letters, digits and '-'.",
        "The ID was folded (Unicode NFKC, invisible characters removed, dashes unified) to match.",
    ),
    ProblemKind(
        "id-case-mismatch",
        WARNING,
        "Project ID differs in case",
        "Project ID {value_repr} differs only in letter case from {assumed} on the Projects sheet; matched to it",
        "Type the ID exactly as on the Projects sheet.",
        "A child row's ID matches a project only when letter case is ignored.",
    ),
    ProblemKind(
        "similar-names",
        WARNING,
        "Names differ only by accents",
        "{value_repr} differs only by accents or case from {other} at {other_cell}; counted as two people",
        "Spell each person's name the same way everywhere.",
        "Two spellings of what may be one person; the People load counts them apart.",
    ),
    ProblemKind(
        "merged-id-filled",
        WARNING,
        "Project ID filled from merged cells",
        "Project ID is blank under the merged cells {value}; read as {assumed}",
        "Unmerge the cells and type the ID on each row.",
        "A blank Project ID under a merged ID cell takes the merged value.",
    ),
    ProblemKind(
        "untraced-workflow",
        WARNING,
        "Workflow not traced",
        "Workflow {value_repr} has no {what}: no {other} row names it",
        "Add a row on {other} whose Workflow column gives this workflow's number or text.",
        "Traceability: every workflow needs a field mapping, a test scenario, an alert and a deployment step. "
        "Alerts and deployment steps with a blank Workflow cover every workflow; test scenarios and mappings must name it.",
    ),
    ProblemKind(
        "unknown-workflow",
        WARNING,
        "Workflow not found",
        "Workflow {value_repr} matches none of the project's {count} workflow(s){suggestion}; the row covers no workflow",
        "Give the workflow's number on the Workflows sheet (1, 2, ...), its Spec Section or its exact text.",
        "A Workflow cell on Alerts, Test Scenarios, Deployment Steps, Field Mappings, Scope, Success Criteria or "
        "Open Items names no workflow of its project.",
    ),
    ProblemKind(
        "unowned-item",
        WARNING,
        "No owner",
        "{what} {value_repr} has no owner; the documents say 'Owner to be assigned'",
        "Name the person who owns it in the Owner column.",
        "Traceability: every risk and every blocker needs a named owner.",
    ),
    ProblemKind(
        "uncovered-scope",
        WARNING,
        "In-scope item not delivered",
        "In-scope item {value_repr} is delivered by no workflow or deliverable",
        "Name the workflow that delivers it in the Scope sheet's Workflow column, add the workflow, or mark the item Out of scope.",
        "Traceability: an in-scope item is covered when its Workflow cell names a workflow, its wording contains a "
        "workflow's, or it names a deliverable (test cases, UAT, runbook, support, monitoring, training, migration, ...).",
    ),
    ProblemKind(
        "internal-error",
        ERROR,
        "Internal error",
        "Internal error while {stage}: {error}: {reason}",
        "This project's other files and every other project were still written; "
        "rerun with -vv for the traceback and report it with the cell that triggered it.",
        "planforge failed on one project (or on the summary or index) in a way it did not foresee; "
        "the failure costs that project or file only.",
    ),
    ProblemKind(
        "write-failed",
        ERROR,
        "File could not be written",
        "Could not write {file}: {reason}",
        "Free space on the disk, or remove what is in the way (a folder or read-only file of that name), then rerun.",
        "One output file could not be written (a full disk, a read-only folder, a folder of that name); "
        "nothing half-written is left, and the project's other files and the other projects were written.",
    ),
    ProblemKind(
        "text-cleaned",
        WARNING,
        "Characters removed",
        "{count} character(s) that documents cannot hold ({shown}) were removed",
        "Retype the text without them; they usually come from pasting out of another program.",
        "Control characters, non-characters (U+FFFE, U+FFFF) and broken surrogates cannot be stored in "
        "DOCX, HTML or XLSX files, so they are removed where the cell is read; surrogates become U+FFFD.",
    ),
    ProblemKind(
        "ambiguous-date",
        ERROR,
        "Ambiguous date",
        "{value_repr} could be {first} or {second}",
        "Type the date as year-month-day (2026-03-02), or pick it in Excel.",
        "A numeric date whose day and month could be read either way; planforge never guesses which.",
    ),
    ProblemKind(
        "kickoff-on-weekend",
        WARNING,
        "Kickoff on a non-working day",
        "Kickoff Date {value_repr} is {reason}; the plans start work on {start}",
        "Type the first working day of the project, or keep it if the plans' reading is right.",
        "Phases run on working days, so a kickoff on a weekend, a public holiday of the project's Holiday Country "
        "(else Settings > Holiday Country) or "
        "a date of Settings > Closure Dates moves to the next business day; the plans name that day and say why.",
    ),
    ProblemKind(
        "edited-output",
        WARNING,
        "Output edited by hand",
        "Changed since planforge wrote it; {action}",
        "Carry the edit into the intake to keep it in every later run, or rerun with --force to bring the file up "
        "to date (it keeps your version in backups/ first).",
        "A file in the output folder no longer holds the bytes planforge wrote (the run manifest says so): "
        "a rerun keeps it rather than overwrite someone's edits, unless --force is given.",
    ),
    ProblemKind(
        "render-limit",
        ERROR,
        "Render bound passed",
        "Stopped {stage}: {reason}",
        "Fix the template at that line (a loop or a text that grows without end); if this document really "
        "needs more, raise the bound: --render-timeout SECONDS or --render-max-size CHARS "
        "(render_timeout=, render_max_size= in the Python API).",
        "A firm template took longer than the render time bound or produced more than the render size bound "
        "for one project's document (see docs/templates.md); that document is not written, the project's "
        "other files and every other project are.",
    ),
    ProblemKind(
        "unknown-holiday-country",
        ERROR,
        "Unknown holiday country",
        "{value_repr} is not a country or country-region code the holiday calendar knows{suggestion}",
        "Type one ISO country code such as US or DE, or a country-region code such as GB-ENG, DE-BW or CA-ON.",
        "Settings > Holiday Country and Projects > Holiday Country name the public holidays a plan's schedule "
        "skips. A value the ``holidays`` library does not know as a country or subdivision code (an unknown "
        "code such as XX, a list such as 'DE, GB', a country's name such as Germany, a name the library "
        "exposes that is no country such as APR) is an error at its cell, with the closest codes. On a "
        "Projects row the project is held back; in Settings the value is set aside and the plans that would "
        "use it say they skip weekends and closure dates only.",
    ),
    ProblemKind(
        "workflow-system-unknown",
        ERROR,
        "System not in the project",
        "{what} {value_repr} is none of the project's systems ({systems}){suggestion}",
        "Write System A, System B or a system of the project's Systems sheet rows, as written there; "
        "or add the system on the Systems sheet.",
        "A workflow's Source System or Target System names no system of its project (System A, System B or a "
        "Systems sheet row), so no document could say which way its data moves.",
    ),
    ProblemKind(
        "same-source-target",
        ERROR,
        "Source and target are one system",
        "Source System and Target System are both {value_repr}",
        "Name the system the workflow reads from as Source and the one it writes to as Target.",
        "A workflow's Source System and Target System name the same system.",
    ),
    ProblemKind(
        "cadence-slower-than-target",
        WARNING,
        "Frequency slower than the latency target",
        "Frequency {value_repr} cannot meet the Latency Target of {target}: a change may wait {wait}",
        "Run it more often (e.g. {faster}) or agree a longer Latency Target with the client.",
        "Coherence: a workflow that runs less often than its Latency Target allows (or only on demand) "
        "cannot deliver a change within that target; the documents print the frequency as stated.",
    ),
    ProblemKind(
        "cadence-no-headroom",
        WARNING,
        "Frequency leaves no room within the latency target",
        "Frequency {value_repr} is as long as the Latency Target of {target}: a change made just after a run "
        "waits the whole target for the next one, with no time left for the run itself or a retry",
        "Run it more often (e.g. {faster}) or agree a longer Latency Target with the client.",
        "Coherence: an interval equal to the latency target meets it only if each run takes no time; the "
        "technical specifications print the pair as to be confirmed.",
    ),
    ProblemKind(
        "trigger-frequency-mismatch",
        WARNING,
        "Trigger and frequency disagree",
        "Frequency {value_repr} does not fit the Trigger {trigger}",
        "Make the two agree: Real-time with real-time, Scheduled with an interval (every 15 minutes, daily, ...), "
        "Manual with on demand; or leave the Trigger blank (it follows the Frequency).",
        "Coherence: a workflow's Trigger says one way of starting it and its Frequency another; the documents print "
        "both as stated.",
    ),
    ProblemKind(
        "criterion-cadence-slower",
        WARNING,
        "Frequency slower than a success criterion",
        'Success criterion {value_repr} promises {duration}, but its workflow "{workflow}" runs {frequency}: '
        "a change may wait {wait}",
        "Run the workflow more often (e.g. {faster}) on the Workflows sheet, tie the criterion to the workflow it "
        "measures, or agree a longer duration with the client.",
        'Coherence: a success criterion tied to a workflow (its Workflow cell) states a duration ("within 5 '
        "minutes\", read as a Latency Target is read) that the workflow's stated Frequency cannot meet. Criteria "
        "with no single clear duration, with a blank Workflow cell (about the whole project) or tied to a workflow "
        "whose Frequency is blank are not checked.",
    ),
    ProblemKind(
        "criterion-tighter-than-target",
        WARNING,
        "Success criterion tighter than the Latency Target",
        'Success criterion {value_repr} promises {duration}, but its workflow "{workflow}" has a Latency Target '
        "of {target}: the plans size the workflow to the criterion's {duration}",
        "Agree one figure with the client: set the Latency Target to {duration} on the Workflows sheet, or agree a "
        "criterion the target meets.",
        "Coherence: a success criterion tied to a workflow (its Workflow cell) states a duration shorter than the "
        "workflow's stated Latency Target, so the client is promised more than the workflow is specified for. The "
        "plans size the workflow's derived cadence (its polling interval) to the shorter figure, so no document "
        "contradicts the criterion.",
    ),
    ProblemKind(
        "question-answered-by-row",
        WARNING,
        "Open question the workflow row answers",
        'Open question {value_repr} asks about the {topic} of workflow "{workflow}", which its row states '
        "({stated}); the plans present it as a fact",
        "Close the question (or make it an Assumption to validate) if the row is agreed; otherwise clear "
        "Workflows > {columns} so the plans mark the value as assumed.",
        "Coherence: an Open Items question tied to a workflow (its Workflow cell) asks about its frequency, "
        "trigger or direction while the workflow's row states it, so the plan asks a question it answers elsewhere.",
    ),
    ProblemKind(
        "question-on-assumed-system",
        WARNING,
        "Open question on an assumed system",
        "Open question {value_repr} asks which {system} the project uses; until it is answered the plans assume "
        "{assumed} and say so wherever they state its facts",
        "Keep the question open until the client answers; then type the exact product in {where} "
        "(e.g. {assumed}) and close it.",
        "Coherence: an open question names a variant of a system whose name the catalog resolves to a default "
        '("QuickBooks Online or Desktop?" while the system is "QuickBooks"). The question stays in the plan, '
        "which notes the assumption next to it.",
    ),
    ProblemKind(
        "workflow-never-enabled",
        WARNING,
        "No deployment step enables a workflow",
        "No deployment step switches on workflow {number} ({value_repr}); the runbook adds a step to enable it, "
        "marked assumed",
        "Add a step that enables it (Enable, Switch on, Schedule, Route ...) and give {number} in its Workflow column.",
        "Coherence: every workflow must be switched on somewhere in the Deployment Steps. A step enables the "
        "workflows its Workflow cell names (blank: every workflow) when its wording enables, switches on, schedules, "
        "routes, runs or loads something.",
    ),
    ProblemKind(
        "step-longer-than-window",
        WARNING,
        "Deployment step does not fit the window",
        'Step "{step}" ({value_repr}) {ends}: it cannot run inside the deployment window "{window}"; the runbook '
        "says the steps continue in later windows",
        "Split the step across windows and say which window each part runs in, or widen the Deployment Window.",
        "Coherence: the steps of the first deployment window, in order, must end before the window closes (its stated "
        "length, else the whole day it names), and no step may take longer than one window.",
    ),
    ProblemKind(
        "several-systems-in-cell",
        WARNING,
        "Several systems in one cell",
        '{column} {value_repr} names {count} systems; the plans read "{first}" here and {others} as further '
        "systems of the project",
        "Keep one system in {column} and list {others} on the Systems sheet, one row per system, with its facts.",
        'Coherence: System A and System B each name one system; a cell such as "Klaviyo + Gorgias" whose parts are '
        "all known systems (the catalog or the project's Systems sheet) is read as its first system, and each other "
        "part as a further system of the project (in the title, key facts, credentials, SOW and specs), never as "
        "one system with a plus or comma in its name.",
    ),
    ProblemKind(
        "several-systems-in-workflow",
        WARNING,
        "Several systems in one workflow cell",
        '{column} {value_repr} names {count} systems; the documents read it as "{first}"',
        "Keep one system in {column} and add a workflow row for {others}: each workflow reads from one system "
        "and writes to one.",
        "Coherence: a workflow's Source System and Target System each name one of the project's systems; a cell "
        'such as "Klaviyo + Gorgias" is read as its first system, never as one system with a plus in its name.',
    ),
    ProblemKind(
        "two-way-stated-one-way",
        WARNING,
        "Two-way workflow with one stated direction",
        "Workflow {value_repr} says it syncs both ways, but its Source System and Target System state one "
        "direction ({source} to {target}); the documents use the stated direction",
        "Leave Source System and Target System blank for a two-way workflow (the documents then treat it as "
        "two-way), or reword the workflow to say which way it moves data.",
        "Coherence: the workflow's wording and its stated systems disagree on its direction; the stated systems "
        "win, so the documents describe it one way only.",
    ),
    ProblemKind(
        "phase-status-contradiction",
        WARNING,
        "Phase status contradicts the project status",
        "Status {value_repr} contradicts the phase dates on {day}: {phases}",
        "Update Projects > Status (e.g. {suggested}) or the Kickoff Date, so the plan's phases and status agree.",
        "Coherence: phase statuses follow the phase dates against the plan date; a project still in Planning or "
        "Discovery whose phases are complete by their dates, a Live project whose phases have not run, or a later "
        "phase complete while an earlier one has not started, contradicts itself. A project in Planning or "
        "Discovery is never shown with a phase Complete: the plan prints those phases as not started (phase 1 in "
        "progress in Discovery) until the status or the kickoff is updated.",
    ),
    ProblemKind(
        "ambiguous-matching-key",
        WARNING,
        "Matching key cannot tell records apart",
        "Matching key {value_repr} names the {other} each {record} belongs to, not the {record} itself: "
        "several {record} records of one {other} would share it and overwrite each other",
        "Mark the {record}'s own ID as a Matching Key too (or the second part of a composite key, such as the item "
        "for stock per location), or confirm with the client that one {other} never has more than one {record}.",
        "Coherence: a workflow's matching key finds a record again before it is written; a single key field "
        "that only refers to another record (order_id on a fulfilment, location_id on a stock level) cannot "
        "tell that record's children apart. The technical specifications print the key as one to confirm.",
    ),
    ProblemKind(
        "transform-unstated",
        WARNING,
        "Transform blank where a rule is stated",
        "Transform of {value_repr} is blank, which reads as copied as is, but a rule is stated for it: {rule}",
        "State the rule in Transform (e.g. 'less buffer stock per SKU'), or write 'as is' if the value is "
        "copied unchanged.",
        "Coherence: a blank Transform means the value is copied as is; when the workflow's wording, its test "
        "scenarios or scope items state a rule for the value, or the plan provides buffer stock logic for a stock "
        "quantity, the technical specifications print the transform as one to confirm instead.",
    ),
    ProblemKind(
        "required-field-partial",
        WARNING,
        "Required field its system sets only for some records",
        "Mapping of {value_repr} is Required, but {system} sets {field} only for some records: {without} carry "
        "none, so each of them would be parked for the missing value",
        "Agree with the client what {target} takes for {without} and state it in Transform (a default, or a "
        "second rule), or set Required to False if they are written without it.",
        "Coherence: the systems catalog records which source fields a system sets only for records made a "
        "certain way (an order's location_id only on a point-of-sale sale). A Required mapping of such a field "
        "reads as a rule that parks every other record; the technical specifications print its transform and "
        "Required as to be confirmed for those records.",
    ),
    ProblemKind(
        "holiday-country-region",
        WARNING,
        "Holiday country needs a region",
        "{value_repr} has no nationwide holiday calendar; the plans use the holidays common to all its regions "
        "and miss regional ones{suggestion}",
        "Type the region's code, e.g. GB-ENG for England (Easter Monday and the August bank holiday).",
        "Some countries have no single public-holiday calendar: the United Kingdom's bank holidays are set by "
        "each nation, so GB alone omits England's Easter Monday. The plans are written with the country's "
        "common holidays; the warning names the region codes the ``holidays`` library knows.",
    ),
    ProblemKind(
        "unknown-locale",
        ERROR,
        "Unknown locale",
        "{value_repr} is not a locale (a BCP 47 tag such as en-US or de-DE){suggestion}",
        "Type a language and region such as en-US, en-GB, de-DE or fr-CA; or leave it blank.",
        "Settings > Locale and Projects > Locale set how a plan prints money, numbers and percentages "
        "(de-DE: 48.500 €); the tag is read with Babel (CLDR). A tag Babel does not know is an error at its "
        "cell, with the closest tags; on a Projects row the project is held back.",
    ),
    ProblemKind(
        "traceability-gaps",
        WARNING,
        "Traceability gaps",
        "{project_id} has {count} traceability gaps: {gaps}",
        "Each gap is listed at its own cell in the project's review file and by 'planforge validate --json'; "
        "this cell is the first.",
        "The terminal's one line for a project's untraced workflows, unowned risks and blockers, undelivered "
        "in-scope items and Workflow cells that name no workflow (untraced-workflow, unowned-item, uncovered-scope, "
        "unknown-workflow, each cell named) when it has more than one; the review file, the summary and --json keep "
        "each at its cell.",
    ),
    ProblemKind(
        "shared-not-rewritten",
        WARNING,
        "Summary left as it was",
        "Not rewritten: this run writes only the projects given with --only, and this file lists every project",
        "Run without --only to bring it up to date.",
        "A run limited with --only (only=) in an intake with other projects leaves the portfolio summary and the "
        "index as the last full run wrote them, rather than shrink them to its own projects; the next run "
        "without --only rewrites them.",
    ),
    ProblemKind(
        "edited-output-replaced",
        WARNING,
        "Edited output replaced",
        "Changed since planforge wrote it; overwritten (--force), the edited version kept as {backup}",
        "Carry what should stay from the kept copy into the intake (or the new file), then delete the copy.",
        "A forced run overwrites files edited by hand, but first copies each into backups/<date and time>/ in the "
        "output folder, under its own name.",
    ),
    ProblemKind(
        "edited-output-merged",
        WARNING,
        "Hand edit merged",
        "Changed since planforge wrote it, and its data changed too: the edit and this run's changes are merged "
        "into it{others}",
        "Read the merged document once; the edit stays in it on later runs (--force would replace it, keeping a copy).",
        "A hand-edited Markdown document whose data changed is merged three ways (what planforge last wrote, the "
        "edited file, the new rendering); its HTML, Word and PDF editions are made from the merged text.",
    ),
    ProblemKind(
        "edited-output-conflict",
        WARNING,
        "Hand edit conflicts with new data",
        "Changed since planforge wrote it, and this run changes the same lines (line(s) {lines} of the edited file, "
        "{count} conflict(s)): the edited file and its other formats are kept as they were; the merge, with the "
        "conflicts marked, is in {merge}",
        "Resolve the marked lines in the merge file (remove the markers) and run again: planforge then takes it as "
        "the document. Or run with --force to take the new rendering (the edited file is kept in backups/).",
        "A hand edit and a change of the data touch the same lines of a Markdown document: nothing of it is guessed.",
    ),
    ProblemKind(
        "edited-output-unmerged",
        WARNING,
        "Hand edit not merged",
        "Changed since planforge wrote it, and its data changed, but the edit cannot be merged ({reason}): the "
        "document is kept in every format as it was, at the last run's data",
        "Run with --force to bring it up to date (your version is kept in backups/), then carry the edit over.",
        "A hand-edited Markdown document whose data changed is merged with its new rendering; when that cannot "
        "be done, none of the document's formats is rewritten, so they never disagree.",
    ),
    ProblemKind(
        "criterion-outlasts-support",
        WARNING,
        "Success criterion outlasts post-launch support",
        "Success criterion {value_repr} is observed over {period}, longer than post-launch support lasts "
        "({support}, which may span as few as {span}): it cannot be confirmed before handoff",
        "State a period post-launch support covers, set Projects > Stabilization Period Days to {needed} "
        "(support is lengthened to cover it), or say the criterion is measured after handoff.",
        'Coherence: a Success Criteria row states a period of observation ("for 60 consecutive days", "90 days in '
        'a row") longer than the shortest calendar span of post-launch support, the last phase (its Phase Days '
        "for the project's complexity, at least the Stabilization Period Days). Durations that are not periods "
        '("within 2 days") are not read.',
    ),
)

#: code -> kind, the registry ``make_problem`` reads.
CODES: Mapping[str, ProblemKind] = MappingProxyType({kind.code: kind for kind in KINDS})
#: The kinds about the output folder rather than the intake (files left by earlier runs, files
#: edited by hand): a run finds them afresh each time, and the summary, which is about the intake,
#: does not list them (the terminal and ``--json`` do).
OUTPUT_FOLDER_CODES: frozenset[str] = frozenset(
    {
        "stale-output",
        "outdated-output",
        "edited-output",
        "edited-output-replaced",
        "edited-output-merged",
        "edited-output-conflict",
        "edited-output-unmerged",
        "shared-not-rewritten",
    }
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One located finding. ``row`` is the Excel row number (1-based); ``cell`` like ``D14``."""

    code: str
    severity: Severity
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
        data["severity"] = self.severity.value
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
    """Build a Problem of the kind ``code`` names (``CODES[code]``), its parameters checked (``ProblemKind.__call__``).

    An unknown code is a ``KeyError`` naming it, so a misspelt code fails the first test that reaches it."""
    kind = CODES.get(code)
    if kind is None:
        raise KeyError(f"unknown problem code {code!r}")
    return kind(severity=severity, **params)


def _text(value: Any) -> str:
    """A location field as given, blank when not given."""
    return "" if value is None else value


def _quote(value: Any) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return '"' + text.replace('"', '\\"') + '"'


def closest(
    name: str,
    options: Iterable[str],
    n: int = 1,
    cutoff: float = 0.6,
    fold: Callable[[str], str] = str.lower,
    keep_first: bool = False,
) -> list[str]:
    """The ``n`` options nearest to ``name``, best first; none under ``cutoff`` (difflib's ratio).
    Names and options are compared after ``fold`` (lower case by default; ``str.casefold`` for user
    text). Of options that fold alike the last is offered, or the first with ``keep_first``.
    The one place planforge asks difflib: every "did you mean" and "closest" reads it."""
    folded: dict[str, str] = {}
    for option in options:
        if keep_first:
            folded.setdefault(fold(option), option)
        else:
            folded[fold(option)] = option
    return [folded[m] for m in difflib.get_close_matches(fold(str(name)), list(folded), n=n, cutoff=cutoff)]


def did_you_mean(name: str, options: list[str] | tuple[str, ...]) -> str:
    """`` (did you mean "Risks"?)`` when a close option exists, else an empty string."""
    match = closest(name, options)
    return f' (did you mean "{match[0]}"?)' if match else ""


class _Blank(dict[str, Any]):
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


class RenderLimit(TemplateError):
    """Raised when rendering one document passes a render bound (time or size); ``detail`` says which
    and, once located, in which template file and line."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class UsageError(PlanforgeError):
    """Raised when the caller asks for something impossible (an unknown format, an ``only=`` ID not in the
    intake, an unreadable ``reference_docx``). ``parameter`` names the library argument at fault; the
    message speaks of it as ``name=``, and the CLI rewrites that to its flag."""

    exit_code = 2

    def __init__(self, message: str, problem: Problem | None = None, *, parameter: str | None = None):
        super().__init__(message, problem)
        self.parameter = parameter


class ValidationFailed(PlanforgeError):
    """Raised by ``strict=True`` runs when the intake has any error; carries the report."""

    def __init__(self, message: str, report: Any):
        super().__init__(message)
        self.report = report
