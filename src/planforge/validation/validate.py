"""Raw tables -> every located problem, plus the typed portfolio of the projects that passed.

One pass over each sheet collects all problems (never the first only). Structure is checked
first (sheets, header row, columns), then each cell against its column's kind and declared
bounds (a reading that was not certain becomes a located warning saying how it was read), then
the cross-row rules (duplicate and unsafe IDs, child rows whose project does not exist, amounts
in another currency, one person spelled two ways, implausible figures).
A project is valid when no error points at it: validity is derived from the problems alone, in
one place (``_held_back``). An error on a child row counts against the project its ID names, or,
when the ID matches no project, the closest one, so no plan is written missing rows its analyst typed.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planforge.core.errors import ERROR, Problem, UnreadableWorkbook, closest, did_you_mean, make_problem
from planforge.core.model import CHILD_TYPES, Portfolio, Project, Settings
from planforge.core.money import CURRENCY_LOCALES, currency_matches, format_money, group_symbol, plan_locale
from planforge.core.report import Report
from planforge.derive.calendar import (
    closed_days,
    next_business_day,
    non_working_reason,
    parse_closures,
    plan_years,
    project_holiday_country,
)
from planforge.derive.catalog import integration_types, lookup
from planforge.derive.rules import (
    PHASE_NAMES,
    complexity,
    phase_days,
    phase_status,
    schedule,
    status_contradiction,
    status_from_phases,
)
from planforge.intake import column_kinds, schema
from planforge.intake.parse import (
    MAX_TEXT,
    BadValue,
    Reading,
    accent_key,
    clean_text,
    id_problem,
    is_placeholder,
    parse_text,
    placeholder,
    show_invisible,
    xml_unsafe,
)
from planforge.intake.reader import (
    RawSheet,
    RawWorkbook,
    ScanWorkers,
    cell_ref,
    column_letter,
    find_workbooks,
    read_workbook,
)
from planforge.validation.claims import check as claims_check
from planforge.validation.data_volume import check as data_volume_check
from planforge.validation.deployment import check as deployment_check
from planforge.validation.firm import FirmCheck, firm_profile
from planforge.validation.holiday_country import read_holiday_country
from planforge.validation.mappings import check as mappings_check
from planforge.validation.support_period import check as support_period_check
from planforge.validation.system_cells import count_word, join_quoted, named_systems
from planforge.validation.traceability import CellRef
from planforge.validation.traceability import check as traceability_check
from planforge.validation.workflows import check as workflows_check

HEADER_SEARCH_ROWS = 30
#: A kickoff further than this from the run date is probably a typo (a year off).
KICKOFF_HORIZON_DAYS = 730
#: A first-year ROI above this (10 = 1,000%) usually means a budget or hours figure read wrong.
ROI_PLAUSIBLE = 10.0
_IGNORED_SHEETS = {schema.normalise_header(n) for n in (schema.INSTRUCTIONS_SHEET, "Lists", "Read Me", "README")}
#: Money columns whose written currency must agree with the project's.
_MONEY_KEYS = tuple(c.key for c in schema.PROJECTS.columns if c.kind == column_kinds.MONEY)
#: Columns naming people, compared across the workbook for spelling variants.
_PEOPLE = (("projects", "lead_engineer"), ("projects", "project_manager"), ("team", "name"))


@dataclass(slots=True)
class _Row:
    excel_row: int
    #: column key -> typed value; on child sheets without the Project ID (that is ``pid``), so the
    #: values are the record's fields as they stand
    values: dict[str, Any]
    #: the row's Project ID as typed (folded), "" when blank or unreadable
    pid: str = ""
    #: problems found on the row, attributed to a project once its ID is resolved
    pending: list[Problem] = field(default_factory=list)
    #: column key -> every currency a symbol or code typed with its amount may stand for
    currencies: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Table:
    sheet: str
    rows: list[_Row]
    broken: bool = False  # structure too damaged to trust its rows
    columns: dict[str, int] = field(default_factory=dict)

    def pid_cell(self, row: _Row) -> str:
        return self.cell(row, "project_id")

    def cell(self, row: _Row, key: str) -> str:
        return cell_ref(row.excel_row - 1, self.columns.get(key, 0))


def validate_files(paths: Iterable[str | Path], as_of: date | None = None, *, firm: FirmCheck = "ignore") -> Report:
    """Read and validate one or more intake workbooks into one portfolio. ``as_of`` is the run
    date that date plausibility is judged against (none: no kickoff-horizon check); ``firm``: see
    ``validate_workbook``."""
    raws, problems = read_all(paths)
    return validate_workbooks(raws, problems, as_of=as_of, firm=firm)


def read_all(paths: Iterable[str | Path]) -> tuple[list[RawWorkbook], list[Problem]]:
    """Read every file once (folders expand to their workbooks); an unreadable file becomes one
    problem, the others still count."""
    files, problems = find_workbooks(list(paths))
    raws, unreadable = read_files(files)
    return raws, problems + unreadable


def read_files(files: Iterable[Path], workers: ScanWorkers | None = None) -> tuple[list[RawWorkbook], list[Problem]]:
    """Read each workbook file (already found, see ``intake.find_workbooks``); an unreadable one
    becomes one problem, the others still count. ``workers``: see ``intake.read_workbook``."""
    raws: list[RawWorkbook] = []
    problems: list[Problem] = []
    for path in files:
        try:
            raws.append(read_workbook(path, workers=workers))
        except UnreadableWorkbook as e:
            problems.append(e.problem or make_problem("unreadable-file", file=path.name, reason=str(e)))
    return raws, problems


def validate_workbooks(
    raws: list[RawWorkbook],
    problems: list[Problem] | None = None,
    *,
    as_of: date | None = None,
    firm: FirmCheck = "ignore",
) -> Report:
    """Validate workbooks already read into one portfolio; IDs must be unique across files. ``firm``:
    see ``validate_workbook``."""
    problems = list(problems or [])
    projects: list[Project] = []
    invalid: dict[str, list[Problem]] = {}
    settings_by_file: dict[str, Settings] = {}
    linked: dict[str, str] = {}
    files: list[str] = []
    seen: dict[str, tuple[str, int]] = {}
    for raw in raws:
        files.append(raw.file)
        report = validate_workbook(raw, as_of=as_of, firm=firm)
        problems.extend(report.problems)
        invalid.update(report.invalid_projects)
        settings_by_file[raw.file] = report.portfolio.settings
        linked.update(report.portfolio.linked)
        for project in report.portfolio.projects:
            key = project.project_id.casefold()
            if key in seen:
                other_file, other_row = seen[key]
                p = make_problem(
                    "duplicate-id",
                    file=raw.file,
                    sheet="Projects",
                    row=project.row,
                    column="Project ID",
                    value=project.project_id,
                    other_row=f"{other_row} of {other_file}",
                    project_id=project.project_id,
                )
                problems.append(p)
                invalid.setdefault(project.project_id, []).append(p)
                continue
            seen[key] = (raw.file, project.row)
            projects.append(project)
    first = settings_by_file[files[0]] if files else Settings()
    portfolio = Portfolio(projects, first, tuple(files), settings_by_file, linked)
    return Report(problems=problems, portfolio=portfolio, invalid_projects=invalid)


def validate_workbook(raw: RawWorkbook, *, as_of: date | None = None, firm: FirmCheck = "ignore") -> Report:
    """Validate one workbook already read. Never raises for bad data. ``firm`` is how a blank Firm
    Name counts (``validation.firm``: ignored, an error holding back every project, or a draft's warning)."""
    checker = _Checker(raw.file)
    by_name = {schema.normalise_header(name): sheet for name, sheet in raw.sheets.items()}
    known = {schema.normalise_header(s.name) for s in schema.SHEETS} | {schema.normalise_header(schema.SETTINGS_SHEET)}
    strays = [s.name for k, s in by_name.items() if k not in known and k not in _IGNORED_SHEETS]

    settings, setting_cells = _read_settings(checker, by_name.get(schema.normalise_header(schema.SETTINGS_SHEET)))
    settings, firm_problems, linked = firm_profile(raw.path.parent, raw.file, settings, setting_cells, firm)
    checker.problems.extend(firm_problems)
    projects_sheet = by_name.get(schema.normalise_header("Projects"))
    if projects_sheet is None:
        checker.add("missing-sheet", sheet="Projects", suggestion=did_you_mean("Projects", list(raw.sheets)))
        return Report(checker.problems, Portfolio([], settings, (raw.file,), linked=linked))
    project_table = checker.table(projects_sheet, schema.PROJECTS)
    project_rows = _check_project_ids(checker, project_table)
    for row in project_table.rows:
        checker.problems.extend(p for p in row.pending if not _decided(p, row, settings))
        _check_holiday_country(checker, project_table, row)
        _check_project_row(checker, project_table, row, settings, as_of)

    children: dict[str, dict[str, list[object]]] = {}
    tables: dict[str, _Table] = {}
    broken_ids: set[str] = set(project_rows) if project_table.broken else set()
    for sheet_schema in schema.CHILD_SHEETS:
        raw_sheet = by_name.get(schema.normalise_header(sheet_schema.name))
        if raw_sheet is None:
            near = did_you_mean(sheet_schema.name, strays)
            if near:
                checker.add("missing-sheet", sheet=sheet_schema.name, suggestion=near)
            else:
                checker.add("missing-child-sheet", sheet=sheet_schema.name)
            continue
        table, rows = checker.open_table(raw_sheet, sheet_schema)
        tables[sheet_schema.key] = table
        keep = table.rows if sheet_schema.key == "team" else None  # only Team rows are needed later
        grouped, broken = _group_children(checker, table, rows, sheet_schema, list(project_rows), keep)
        children[sheet_schema.key] = grouped
        broken_ids |= broken
    _check_people(checker, project_table, tables.get("team"))

    bad_ids = _held_back(checker.problems) | broken_ids
    projects: list[Project] = []
    split_rows: list[tuple[str, int, str, list[str]]] = []  # Systems rows naming several systems
    for pid, row in project_rows.items():
        if pid in bad_ids:
            continue
        kids = {key: children.get(key, {}).get(pid, []) for key in CHILD_TYPES}
        values: dict[str, Any] = {**row.values, "currency": row.values.get("currency") or settings.currency, **kids}
        read, further = _one_system_per_cell(checker, project_table, row, kids["systems"])
        values.update(read)
        values["systems"] = _one_system_per_row(kids["systems"], split_rows, row.pid)
        further += [part for pid, _, _, parts in split_rows if pid == row.pid for part in parts[1:]]
        values["further_systems"] = tuple(further)
        project = Project(file=raw.file, row=row.excel_row, **values)
        _check_systems(checker, project_table, row, project)
        _check_phase_status(checker, project_table, row, project, settings, as_of)
        projects.append(project)
    cell = _cell_finder({**tables, schema.PROJECTS.key: project_table})
    for pid, fact_row, text, parts in split_rows:
        checker.add(
            "several-systems-in-cell",
            sheet="Systems",
            row=fact_row,
            column="System",
            cell=cell("Systems", fact_row, "System"),
            value=text,
            count=count_word(len(parts)),
            first=parts[0],
            others=join_quoted(parts[1:]),
            project_id=pid,
        )
    for pid in [pid for pid in project_rows if pid in bad_ids]:  # in row order
        # a held-back project's gaps are reported in the same pass as its errors, so one fix-up pass does
        held = _held_back_project(raw.file, project_rows[pid], children)
        incomplete = {sheet for p, sheet in checker.dropped if p == pid}
        checker.problems.extend(traceability_check(held, cell, incomplete=incomplete))
    for project in projects:
        checker.problems.extend(traceability_check(project, cell))
        checker.problems.extend(workflows_check(project, cell))
        checker.problems.extend(mappings_check(project, cell))
        checker.problems.extend(claims_check(project, cell))
        checker.problems.extend(deployment_check(project, cell))
        checker.problems.extend(support_period_check(project, settings, cell))
        checker.problems.extend(data_volume_check(project, cell))
    bad_ids |= _held_back(checker.problems)  # a workflow naming no system of its project holds it back
    projects = [p for p in projects if p.project_id not in bad_ids]
    errors_by_project: dict[str, list[Problem]] = defaultdict(list)
    for p in checker.problems:
        if p.severity == ERROR and p.project_id:
            errors_by_project[p.project_id].append(p)
    # a project held back by a sheet that cannot be read has no error of its own: the sheet's errors say why
    sheet_errors = [p for p in checker.problems if p.severity == ERROR and not p.project_id]
    invalid = {pid: errors_by_project.get(pid) or sheet_errors for pid in bad_ids if pid in project_rows}
    refused = [p for p in firm_problems if p.severity == ERROR]
    if refused:  # no client document without the firm that prepares it: every project is held back
        invalid = {pid: invalid.get(pid, []) + refused for pid in project_rows}
        projects = []
    return Report(checker.problems, Portfolio(projects, settings, (raw.file,), linked=linked), invalid)


#: The Projects fields the traceability checks read besides the child rows (whether there is a migration).
_TRACED_PROJECT_FIELDS = (
    "data_migration",
    "migration_scope",
    "migration_cleanup",
    "migration_strategy",
    "migration_time",
)


def _held_back_project(file: str, row: _Row, children: dict[str, dict[str, list[object]]]) -> Project:
    """A held-back project as far as its traceability needs: its child rows that read cleanly and the
    migration cells, nothing a document could be made from."""
    kids = {key: children.get(key, {}).get(row.pid, []) for key in CHILD_TYPES}
    traced = {k: row.values[k] for k in _TRACED_PROJECT_FIELDS if k in row.values}
    return Project(
        file=file,
        row=row.excel_row,
        project_id=row.pid,
        project_name="",
        client_name="",
        system_a="",
        system_b="",
        **traced,
        **kids,  # type: ignore[arg-type]
    )


def _cell_finder(tables: dict[str, _Table]) -> CellRef:
    """(sheet name, Excel row, column header) -> cell reference such as 'B5' (blank when the
    column is absent), for the checks that run on the typed projects (the Projects sheet's own too)."""
    by_name = {s.name: s for s in (schema.PROJECTS, *schema.CHILD_SHEETS)}

    def cell(sheet: str, row: int, header: str) -> str:
        sch = by_name[sheet]
        table = tables.get(sch.key)
        key = next((c.key for c in sch.columns if c.header == header), "")
        col = table.columns.get(key) if table else None
        return cell_ref(row - 1, col) if col is not None else ""

    return cell


def _held_back(problems: list[Problem]) -> set[str]:
    """The one rule of validity: a project is held back when any error names it."""
    return {p.project_id for p in problems if p.severity == ERROR and p.project_id}


def plausibility_after_derive(project: Project, roi_ratio: float | None) -> list[Problem]:
    """Warnings on figures only known once derived (run by the pipeline after derivation, so this
    stage never imports a later one): a first-year ROI over 1,000% usually means the budget or
    the hours saved were read wrong."""
    if roi_ratio is None or roi_ratio <= ROI_PLAUSIBLE:
        return []
    budget = format_money(project.budget, project.currency) if project.budget is not None else "blank"
    return [
        make_problem(
            "implausible-roi",
            file=project.file,
            sheet="Projects",
            row=project.row,
            column="Budget",
            value=str(project.budget) if project.budget is not None else None,
            ratio=f"{roi_ratio * 100:,.0f}%",
            reading=budget,
            project_id=project.project_id,
        )
    ]


class _Checker:
    """Collects problems for one file and parses tables against their schema."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        #: (project ID, sheet name) of child rows left out for an error: that sheet's rows of the project are incomplete
        self.dropped: set[tuple[str, str]] = set()
        #: parser -> its memo: columns that share a parser (every sheet's Project ID) share what it read
        self._memos: dict[Callable[[Any], Any], dict[Any, Any]] = {}

    def _reader(self, j: int, col: schema.Column) -> _Reader:
        """How column ``col`` at index ``j`` is read. Every parser but plain text is a pure function of
        the cell's value and type, so it is memoised; columns with the same parser (the Project ID of
        every sheet, names) share one memo across the file's sheets."""
        parse = col.kind.parser(col.rules())
        plain_text = parse is parse_text
        memo = None if plain_text else self._memos.setdefault(parse, {})
        size = _ID_MEMO_SIZE if col.kind == column_kinds.ID else _MEMO_SIZE
        return (j, col, col.key, col.required, plain_text, parse, memo, size, col.plausible)

    def add(self, code: str, **params: Any) -> Problem:
        problem = make_problem(code, file=self.file, **params)
        self.problems.append(problem)
        return problem

    def table(self, raw: RawSheet, sheet: schema.Sheet) -> _Table:
        """Check the sheet's structure and parse every row (``_Table.rows``)."""
        table, rows = self.open_table(raw, sheet)
        table.rows = list(rows)
        return table

    def open_table(self, raw: RawSheet, sheet: schema.Sheet) -> tuple[_Table, Iterator[_Row]]:
        """Check the sheet's structure now; parse its rows as they are drawn from the iterator, so a
        caller that groups rows can do so in the same pass (the table's ``rows`` stay empty)."""
        if raw.hidden:
            self.add("hidden-sheet", sheet=raw.name)
        for rng in raw.merged:
            self.add("merged-cells", sheet=raw.name, cell=rng.split(":")[0], value=rng)
        header_at = _find_header(raw.rows, "projectid")
        if header_at is None:
            self.add("missing-header-row", sheet=raw.name, value="Project ID", limit=HEADER_SEARCH_ROWS)
            return _Table(raw.name, [], broken=True), iter(())
        columns, broken = self._map_columns(raw, sheet, header_at)
        table = _Table(raw.name, [], broken, {c.key: j for j, c in columns.items()})
        return table, self._rows(raw, sheet, columns, header_at)

    def _rows(
        self, raw: RawSheet, sheet: schema.Sheet, columns: dict[int, schema.Column], header_at: int
    ) -> Iterator[_Row]:
        readers = [self._reader(j, col) for j, col in columns.items()]
        pid_col = next((j for j, c in columns.items() if c.key == "project_id"), None)
        keep_id = sheet.key == "projects"  # child rows carry their ID in ``_Row.pid`` only
        filled = _merged_ids(raw, pid_col, header_at)
        flags = raw.flags
        for i in range(header_at + 1, len(raw.rows)):
            cells = raw.rows[i]
            if cells.count(None) == len(cells) and not (flags and any((i, j) in flags for j in columns)):
                continue
            merged_from = filled.get(i) if filled else None
            if merged_from is not None and pid_col is not None:
                cells = list(cells)
                cells[pid_col] = merged_from[1]
            row = self._row(raw, i, cells, readers, keep_id)
            if merged_from is not None and pid_col is not None:
                row.pending.append(
                    make_problem(
                        "merged-id-filled",
                        file=self.file,
                        sheet=raw.name,
                        row=i + 1,
                        column="Project ID",
                        cell=cell_ref(i, pid_col),
                        value=merged_from[0],
                        assumed=row.pid,
                    )
                )
            yield row

    def _map_columns(self, raw: RawSheet, sheet: schema.Sheet, header_at: int) -> tuple[dict[int, schema.Column], bool]:
        lookup = schema.header_lookup(sheet)
        columns: dict[int, schema.Column] = {}
        seen: dict[str, int] = {}
        broken = False
        for j, text in enumerate(raw.rows[header_at]):
            ref = cell_ref(header_at, j)
            if text is None or not str(text).strip():
                if any(j < len(r) and r[j] is not None for r in raw.rows[header_at + 1 :]):
                    self.add("blank-header", sheet=raw.name, row=header_at + 1, cell=ref, cell_column=column_letter(j))
                continue
            col = lookup.get(schema.normalise_header(text))
            if col is None:
                self.add(
                    "unknown-column",
                    sheet=raw.name,
                    row=header_at + 1,
                    column=str(text),
                    cell=ref,
                    suggestion=did_you_mean(str(text), [c.header for c in sheet.columns]),
                )
                continue
            if col.key in seen:
                self.add(
                    "duplicate-header",
                    sheet=raw.name,
                    row=header_at + 1,
                    column=col.header,
                    cell=ref,
                    value=cell_ref(header_at, seen[col.key]),
                )
                broken = True
                continue
            seen[col.key] = j
            columns[j] = col
        present = {c.key for c in columns.values()}
        for col in sheet.required_columns:
            if col.key not in present:
                self.add(
                    "missing-column",
                    sheet=raw.name,
                    row=header_at + 1,
                    column=col.header,
                    suggestion=did_you_mean(col.header, [str(t) for t in raw.rows[header_at] if t]),
                )
                broken = True
        return columns, broken

    def _row(self, raw: RawSheet, i: int, cells: list[Any], readers: list[_Reader], keep_id: bool) -> _Row:
        """Parse one data row in one step: blank and placeholder cells, the column's parser (memoised
        per column for repeating values), bounds and plausibility. A clean cell costs no dict or
        problem; locations are computed only for the cells that have a problem, and problems wait
        in ``pending`` until the row's project is known."""
        values: dict[str, Any] = {}
        found: list[tuple[str, schema.Column, int, dict[str, Any]]] | None = None
        currencies: dict[str, tuple[str, ...]] | None = None
        flags = raw.flags
        width = len(cells)
        for j, col, key, required, plain_text, parse, column_memo, memo_size, plausible in readers:
            value = cells[j] if j < width else None
            if type(value) is str and xml_unsafe(value):  # before any parser or writer sees it
                reading = clean_text(value)
                found = found or []
                found.append(("text-cleaned", col, j, {"value": reading.value, **reading.params}))
                value = reading.value or None
            if flags and (i, j) in flags:
                flag = flags[(i, j)]
                kind = "formula-no-value" if flag.kind == "formula" else "error-cell"
                found = found or []
                found.append((kind, col, j, {"value": flag.value or None}))
                continue
            kind_of_value = type(value)
            if value is None or (kind_of_value is str and len(value) <= 16 and placeholder(value)):
                if required:
                    found = found or []
                    found.append(("required-missing", col, j, {}))
                continue
            if plain_text and kind_of_value is str and len(value) <= MAX_TEXT:
                values[key] = value  # the common case, without a call
                continue
            memo = column_memo if kind_of_value in _MEMO_TYPES else None
            memo_key = (value if kind_of_value is str else (kind_of_value, value)) if memo is not None else None
            result = memo.get(memo_key, _MISS) if memo is not None else _MISS
            if result is _MISS:
                try:
                    result = parse(value)
                except BadValue as e:
                    found = found or []
                    found.append((e.code, col, j, {"value": value, **e.params}))
                    continue
                if memo is not None and len(memo) < memo_size:
                    memo[memo_key] = result
            if type(result) is Reading:
                if result.code:
                    found = found or []
                    found.append((result.code, col, j, {"value": value, **result.params}))
                if result.currency:
                    currencies = currencies or {}
                    currencies[key] = result.currency
                result = result.value
            values[key] = result
            if plausible is not None and not plausible[0] <= result <= plausible[1]:
                found = found or []
                found.append(("implausible-value", col, j, {"value": value, **_plausible(col, result)}))
        pid = values.get("project_id") if keep_id else values.pop("project_id", None)
        pid = pid if isinstance(pid, str) else ""
        row = _Row(i + 1, values, pid, [], currencies or {})
        if i in raw.hidden_rows:
            row.pending.append(make_problem("hidden-row", file=self.file, sheet=raw.name, row=i + 1, project_id=pid))
        for code, col, j, params in found or ():
            row.pending.append(
                make_problem(
                    code,
                    file=self.file,
                    sheet=raw.name,
                    row=i + 1,
                    column=col.header,
                    cell=cell_ref(i, j),
                    project_id=pid,
                    **params,
                )
            )
        return row


#: Parsed values a column remembers (per file, never across runs): IDs, choices, names, numbers and
#: dates repeat across thousands of rows. Only hashable cell types are remembered; failures never are.
_MEMO_TYPES = frozenset({str, int, float, bool, date})
_MEMO_SIZE = 4096
#: Project IDs repeat on every child sheet (their columns share one parser, so one memo): it may hold every ID.
_ID_MEMO_SIZE = 1 << 20
_MISS = object()

#: One column's reading, prepared once per table: (index, column, key, required, plain text,
#: parser, memo or None, memo cap, plausible range). A tuple, so the row loop unpacks it in one step.
_Reader = tuple[
    int, schema.Column, str, bool, bool, Callable[[Any], Any], dict[Any, Any] | None, int, tuple[Any, Any] | None
]


def _plausible(col: schema.Column, value: Any) -> dict[str, str]:
    """How an implausible value was read, and what is usual, for the warning."""
    if col.plausible is None:
        return {"reading": str(value), "usual": ""}
    low, high = col.plausible
    show = col.kind.show
    return {"reading": show(value), "usual": f"{show(low)} to {show(high)}"}


def _merged_ids(raw: RawSheet, pid_col: int | None, header_at: int) -> dict[int, tuple[str, Any]]:
    """Row index -> (merged range, ID) for blank Project ID cells under a merged Project ID cell."""
    if pid_col is None or not raw.merged:
        return {}
    filled: dict[int, tuple[str, Any]] = {}
    for rng in raw.merged:
        bounds = _range_bounds(rng)
        if bounds is None:
            continue
        r1, c1, r2, c2 = bounds
        if not c1 <= pid_col <= c2 or r1 <= header_at or r1 >= len(raw.rows):
            continue
        top = raw.rows[r1][pid_col] if pid_col < len(raw.rows[r1]) else None
        if top is None:
            continue
        for i in range(r1 + 1, min(r2, len(raw.rows) - 1) + 1):
            cells = raw.rows[i]
            if (pid_col >= len(cells) or cells[pid_col] is None) and any(v is not None for v in cells):
                filled[i] = (rng, top)
    return filled


def _range_bounds(rng: str) -> tuple[int, int, int, int] | None:
    """'A5:B8' -> 0-based (row1, col1, row2, col2), or None when it is not a range."""
    corners = []
    for ref in rng.split(":"):
        letters = ref.rstrip("0123456789")
        digits = ref[len(letters) :]
        if not letters.isalpha() or not letters.isascii() or not digits.isdigit():
            return None
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        corners.append((int(digits) - 1, col - 1))
    if len(corners) != 2:
        return None
    (r1, c1), (r2, c2) = corners
    return r1, c1, r2, c2


_HEADERS = {c.header: c.key for c in schema.PROJECTS.columns}


def _decided(problem: Problem, row: _Row, settings: Settings) -> bool:
    """Whether an ``ambiguous-number`` on a Projects row is settled by the project's locale and
    currency, so no warning is due: the separator read as a thousands separator ("36,500",
    "28.000") is the thousands separator of the project's locale (Projects > Locale, else Settings >
    Locale, else the one its currency names in ``CURRENCY_LOCALES``: en-GB for GBP), and a symbol or
    code written with it names the project's currency. A locale that reads the separator as a
    decimal point (en-US for "18.500", fr-FR for "36,500"), a currency no locale is known for, or a
    symbol of another currency keeps the warning."""
    if problem.code != "ambiguous-number" or type(problem.value) is not str:
        return False
    currency = row.values.get("currency") or settings.currency
    stated = row.values.get("locale") or settings.locale
    if not stated and currency not in CURRENCY_LOCALES:
        return False
    written = row.currencies.get(_HEADERS.get(problem.column, ""), ())
    if written and not currency_matches(written, currency):
        return False
    number = "".join(c for c in problem.value if c.isdigit() or c in ".,").strip(".,")  # "Fr." is no separator
    separator = "." if "." in number else ","
    return group_symbol(plan_locale(row.values.get("locale"), settings.locale, currency)) == separator


def _check_project_row(checker: _Checker, table: _Table, row: _Row, settings: Settings, as_of: date | None) -> None:
    """Cross-field checks on one Projects row: amounts written in another currency than the
    project's, and a kickoff implausibly far from the run date."""
    pid = row.pid
    currency = row.values.get("currency") or settings.currency
    for key in _MONEY_KEYS:
        written = row.currencies.get(key, ())
        if written and not currency_matches(written, currency):
            col = schema.PROJECTS.column(key)
            checker.add(
                "currency-mismatch",
                sheet=table.sheet,
                row=row.excel_row,
                column=col.header,
                cell=table.cell(row, key),
                value=str(row.values.get(key)),
                written="/".join(written[:3]),
                currency=currency,
                project_id=pid,
            )
    kickoff = row.values.get("kickoff_date")
    if as_of is not None and kickoff is not None and abs((kickoff - as_of).days) > KICKOFF_HORIZON_DAYS:
        checker.add(
            "implausible-value",
            sheet=table.sheet,
            row=row.excel_row,
            column="Kickoff Date",
            cell=table.cell(row, "kickoff_date"),
            value=kickoff.isoformat(),
            reading=f"{kickoff.isoformat()}, more than two years from the run date {as_of.isoformat()}",
            usual="within two years of the run date",
            project_id=pid,
        )
    country = row.values.get("holiday_country") or settings.holiday_country
    reason = non_working_reason(kickoff, country, parse_closures(settings.closure_dates)[0]) if kickoff else ""
    if kickoff is not None and reason:  # a weekend, public holiday or closure: the plans' calendar
        start = next_business_day(kickoff, _closed(settings, kickoff, country))
        checker.add(
            "kickoff-on-weekend",
            sheet=table.sheet,
            row=row.excel_row,
            column="Kickoff Date",
            cell=table.cell(row, "kickoff_date"),
            value=kickoff.isoformat(),
            reason=reason,
            start=f"{start:%A} {start.day} {start:%B %Y}",
            project_id=pid,
        )


def _check_holiday_country(checker: _Checker, table: _Table, row: _Row) -> None:
    """Projects > Holiday Country read as Settings' is (``read_holiday_country``), at its cell: a value
    the holidays library does not know is an error that holds the project back (its plan would count
    through the client's holidays); ``GB`` is read with a warning naming its regions."""
    value = row.values.get("holiday_country")
    if not value:
        return
    where = {
        "sheet": table.sheet,
        "row": row.excel_row,
        "column": "Holiday Country",
        "cell": table.cell(row, "holiday_country"),
        "value": value,
        "project_id": row.pid,
    }
    try:
        reading = read_holiday_country(value)
    except BadValue as e:
        checker.add(e.code, **where, **e.params)
        row.values["holiday_country"] = None
        return
    if type(reading) is Reading:
        checker.add(reading.code, **where, **reading.params)
        reading = reading.value
    row.values["holiday_country"] = reading


def _closed(settings: Settings, kickoff: date, country: str | None) -> frozenset[date]:
    """The days the plans skip around ``kickoff``: the same calendar the plan's timeline asks for
    (the project's Holiday Country, else Settings', and Settings > Closure Dates; a bad entry is
    reported where it is read)."""
    closures, _ = parse_closures(settings.closure_dates)
    return closed_days(country, closures, plan_years(kickoff))[0]


def _check_phase_status(
    checker: _Checker, table: _Table, row: _Row, project: Project, settings: Settings, as_of: date | None
) -> None:
    """Phase statuses that contradict the project's Status on the plan date, at the Status cell.
    Phases 1-3 are dated as the plan dates them (kickoff, business days, holidays and closures);
    phase 4 and support also follow the deployment window, so they are left to the plan."""
    kickoff = project.kickoff_date
    if as_of is None or kickoff is None:
        return
    days = phase_days(complexity(project)[0], project.confidence, settings)
    spans = schedule(kickoff, days[:3], _closed(settings, kickoff, project_holiday_country(project, settings)))
    statuses = [phase_status(span, as_of, project.status) for span in spans]
    reason = status_contradiction(statuses, project.status)
    if not reason:
        return
    shown = "; ".join(f"phase {i} {PHASE_NAMES[i - 1]} {s}" for i, s in enumerate(statuses, 1))
    checker.add(
        "phase-status-contradiction",
        sheet=table.sheet,
        row=row.excel_row,
        column="Status",
        cell=table.cell(row, "status") if "status" in table.columns else "",
        value=project.status or "Planning",
        day=f"{as_of:%d %b %Y}".lstrip("0"),
        phases=f"{reason} ({shown})",
        suggested=status_from_phases(statuses),
        project_id=project.project_id,
    )


def _check_people(checker: _Checker, projects: _Table, team: _Table | None) -> None:
    """One person spelled two ways (Zoe Muller / Zoë Müller, or by case) is counted as two people
    by the summary: warn at each variant, naming the first cell that spells it differently."""
    first: dict[str, tuple[str, str, str]] = {}  # accent key -> (spelling, "Sheet!A1", pid)
    warned: set[tuple[str, str]] = set()
    keys: dict[str, str] = {}  # name -> accent key: the same few names fill thousands of rows
    for table, key in ((projects, "lead_engineer"), (projects, "project_manager"), (team, "name")):
        if table is None or key not in table.columns:
            continue
        for row in table.rows:
            name = row.values.get(key)
            if not isinstance(name, str) or not name:
                continue
            k = keys.get(name)
            if k is None:
                k = keys[name] = accent_key(name)
            seen = first.get(k)
            if seen is None:
                seen = first[k] = (name, f"{table.sheet}!{table.cell(row, key)}", row.pid)
            if seen[0] != name and (k, name) not in warned:
                warned.add((k, name))
                checker.add(
                    "similar-names",
                    sheet=table.sheet,
                    row=row.excel_row,
                    column=schema.PROJECTS.column(key).header if key != "name" else "Name",
                    cell=table.cell(row, key),
                    value=name,
                    other=f'"{seen[0]}"',
                    other_cell=seen[1],
                    project_id=row.pid,
                )


def _one_system_per_cell(
    checker: _Checker, table: _Table, row: _Row, facts: list[Any]
) -> tuple[dict[str, str], list[str]]:
    """System A and B as the plans read them: a cell naming several known systems is read as its
    first (validation.system_cells) and its others as further systems of the project (returned),
    with a warning at the cell saying so and where they belong."""
    read: dict[str, str] = {}
    further: list[str] = []
    for key in ("system_a", "system_b"):
        text = row.values.get(key)
        parts = named_systems(text, [f.system for f in facts]) if isinstance(text, str) else []
        if not parts:
            continue
        read[key] = parts[0]
        further += parts[1:]
        checker.add(
            "several-systems-in-cell",
            sheet=table.sheet,
            row=row.excel_row,
            column=schema.PROJECTS.column(key).header,
            cell=table.cell(row, key),
            value=text,
            count=count_word(len(parts)),
            first=parts[0],
            others=join_quoted(parts[1:]),
            project_id=row.pid,
        )
    return read, further


def _one_system_per_row(facts: list[Any], split: list[tuple[str, int, str, list[str]]], pid: str) -> list[Any]:
    """The Systems sheet's rows as the plans read them: a System cell naming several known systems
    ("Klaviyo, Gorgias") is read as its first, and recorded in ``split`` (project, row, text,
    parts) for the warning at its cell; never one system with a comma in its name."""
    names = [f.system for f in facts]
    read = []
    for f in facts:
        parts = named_systems(f.system, names) if isinstance(f.system, str) else []
        if parts:
            split.append((pid, f.row, f.system, parts))
            f = dataclasses.replace(f, system=parts[0])
        read.append(f)
    return read


def _check_systems(checker: _Checker, table: _Table, row: _Row, project: Project) -> None:
    """Warnings from the systems catalog: ambiguous names, and types that cannot be detected."""
    matches = {}
    for key in ("system_a", "system_b"):
        name = getattr(project, key)
        match = lookup(name)
        matches[key] = match
        where = {
            "sheet": table.sheet,
            "row": row.excel_row,
            "cell": table.cell(row, key),
            "column": schema.PROJECTS.column(key).header,
            "value": name,
            "project_id": project.project_id,
        }
        if match.system and match.ambiguity:
            checker.add("ambiguous-system", assumed=match.system.name, **where)
        elif match.system is None and not project.integration_type:
            checker.add("unknown-system", **where)
    if project.integration_type or any(m.system is None for m in matches.values()):
        return
    if not integration_types(matches["system_a"], matches["system_b"]):
        checker.add(
            "no-integration-type",
            sheet=table.sheet,
            row=row.excel_row,
            column="Integration Type",
            cell=table.cell(row, "integration_type") if "integration_type" in table.columns else "",
            value=f"{project.system_a} and {project.system_b}",
            project_id=project.project_id,
        )


def _find_header(rows: list[list[Any]], wanted: str) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(schema.normalise_header(v) == wanted for v in row if v is not None):
            return i
    return None


def _check_project_ids(checker: _Checker, table: _Table) -> dict[str, _Row]:
    """Unique, file-safe IDs. Returns ID -> row for every row that has an ID (valid or not);
    problems name the project, which is what makes it invalid (see ``_held_back``)."""
    rows: dict[str, _Row] = {}
    folded: dict[str, _Row] = {}
    col = schema.PROJECTS.column("project_id")
    for row in table.rows:
        pid = row.pid
        if not pid:
            continue
        where = {"sheet": table.sheet, "column": col.header, "value": show_invisible(pid), "project_id": pid}
        reason = id_problem(pid)
        if reason:
            checker.add("unsafe-id", row=row.excel_row, cell=table.pid_cell(row), reason=reason, **where)
        if pid in rows:
            first = rows[pid]
            checker.add(
                "duplicate-id", row=first.excel_row, cell=table.pid_cell(first), other_row=row.excel_row, **where
            )
            checker.add("duplicate-id", row=row.excel_row, cell=table.pid_cell(row), other_row=first.excel_row, **where)
            continue
        twin = folded.get(pid.casefold())
        if twin is not None:
            checker.add("id-collision", row=row.excel_row, cell=table.pid_cell(row), other_row=twin.excel_row, **where)
            twin_pid = twin.pid
            checker.add(
                "id-collision",
                row=twin.excel_row,
                cell=table.pid_cell(twin),
                other_row=row.excel_row,
                **{**where, "value": twin_pid, "project_id": twin_pid},
            )
        rows[pid] = row
        folded[pid.casefold()] = row
    return rows


def _group_children(
    checker: _Checker,
    table: _Table,
    rows: Iterable[_Row],
    sheet: schema.Sheet,
    ids: list[str],
    keep: list[_Row] | None = None,
) -> tuple[dict[str, list[object]], set[str]]:
    """Group child rows by project as they are parsed (one pass over the sheet); returns (pid ->
    records, pids made invalid by a broken sheet). Rows are kept in ``keep`` when given.
    A child ID matches its project exactly, or by letter case with a warning; an ID that matches
    none is an error counted against the closest project, which is then held back."""
    record_type = CHILD_TYPES[sheet.key]
    grouped: dict[str, list[object]] = defaultdict(list)
    broken: set[str] = set()
    exact = set(ids)
    by_case: dict[str, str] = {}
    for i in ids:
        by_case.setdefault(i.casefold(), i)
    id_list = sorted(exact)
    suggested: dict[str, str] = {}
    for row in rows:
        if keep is not None:
            keep.append(row)
        pid = row.pid
        target = ""
        if not pid:
            pass
        elif pid in exact:
            target = pid
        elif pid.casefold() in by_case:
            target = by_case[pid.casefold()]
            checker.add(
                "id-case-mismatch",
                sheet=table.sheet,
                row=row.excel_row,
                column="Project ID",
                cell=table.pid_cell(row),
                value=pid,
                assumed=target,
                project_id=target,
            )
        else:
            target = _closest_id(pid, id_list, suggested)
            checker.add(
                "unknown-project",
                sheet=table.sheet,
                row=row.excel_row,
                column="Project ID",
                cell=table.pid_cell(row),
                value=show_invisible(pid),
                project_id=target,
                suggestion=f' (did you mean "{target}"? that project is held back until this row is fixed)'
                if target
                else "",
            )
        if row.pending:
            checker.problems.extend(
                p if p.project_id == target else dataclasses.replace(p, project_id=target) for p in row.pending
            )
        if not target:
            continue
        if table.broken:
            broken.add(target)
            continue
        if not row.pending or all(p.severity != ERROR for p in row.pending):
            grouped[target].append(record_type(row=row.excel_row, **row.values))
        else:
            checker.dropped.add((target, sheet.name))
    if table.broken:  # rows that cannot be read cannot be attributed: no plan may go out without them
        broken |= set(ids)
        checker.dropped |= {(i, sheet.name) for i in ids}
    return grouped, broken


def _closest_id(pid: str, ids: list[str], done: dict[str, str], limit: int = 500) -> str:
    """The project an unknown child ID most likely means (memoised and capped, so a sheet of junk IDs
    stays fast), or "" when none is close."""
    if pid not in done and len(done) < limit and len(ids) <= 20_000 and len(pid) <= 200:
        match = closest(pid, ids, cutoff=0.6, fold=str.casefold, keep_first=True)
        done[pid] = match[0] if match else ""
    return done.get(pid, "")


def _read_settings(checker: _Checker, raw: RawSheet | None) -> tuple[Settings, dict[str, dict[str, Any]]]:
    """Settings rows (Setting | Value) over the built-in defaults; bad values keep the default. With
    them, where each setting's value cell is (by key; a blank value's too)."""
    at: dict[str, dict[str, Any]] = {}
    if raw is None:
        return Settings(), at
    header_at = _find_header(raw.rows, "setting")
    if header_at is None:
        return Settings(), at
    header = [schema.normalise_header(v) for v in raw.rows[header_at]]
    if "value" not in header:
        checker.add("missing-column", sheet=raw.name, row=header_at + 1, column="Value")
        return Settings(), at
    name_col, value_col = header.index("setting"), header.index("value")
    lookup = schema.settings_lookup()
    values: dict[str, Any] = {}
    written: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {}
    for i in range(header_at + 1, len(raw.rows)):
        cells = raw.rows[i]
        name = cells[name_col] if name_col < len(cells) else None
        value = cells[value_col] if value_col < len(cells) else None
        if name is None:
            continue
        setting = lookup.get(schema.normalise_header(name))
        where = {"sheet": raw.name, "row": i + 1, "column": "Value", "cell": cell_ref(i, value_col)}
        if setting is None:
            checker.add(
                "unknown-setting",
                **{**where, "column": "Setting", "cell": cell_ref(i, name_col)},
                value=name,
                suggestion=did_you_mean(str(name), [s.label for s in schema.SETTINGS]),
            )
            continue
        at.setdefault(setting.key, where)
        flag = raw.flags.get((i, value_col))
        if flag is not None:
            checker.add(
                "formula-no-value" if flag.kind == "formula" else "error-cell", **where, value=flag.value or None
            )
            continue
        if type(value) is str and xml_unsafe(value):  # before any parser or writer sees it
            reading = clean_text(value)
            checker.add("text-cleaned", **where, value=reading.value, **reading.params)
            value = reading.value or None
        if value is None or is_placeholder(value):
            continue
        try:
            result = _parse_setting(setting, value)
        except BadValue as e:
            checker.add(e.code, **where, value=value, **e.params)
            continue
        if type(result) is Reading:
            if result.code:
                checker.add(result.code, **where, value=value, **result.params)
            if result.currency:
                written[setting.key] = (where, result.currency)
            result = result.value
        values[setting.key] = result
    settings = Settings(**values)
    for key, (where, codes) in written.items():
        if not currency_matches(codes, settings.currency):
            checker.add(
                "currency-mismatch",
                **where,
                value=str(values[key]),
                written="/".join(codes[:3]),
                currency=settings.currency,
            )
    return settings, at


def _parse_setting(setting: schema.Setting, value: Any) -> Any:
    if setting.key == "holiday_country":
        return read_holiday_country(value)
    return setting.kind.parser(setting.rules())(value)
