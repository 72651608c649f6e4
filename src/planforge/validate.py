"""Raw tables -> every located problem, plus the typed portfolio of the projects that passed.

One pass over each sheet collects all problems (never the first only). Structure is checked
first (sheets, header row, columns), then each cell against its column's kind, then the
cross-row rules (duplicate and unsafe IDs, child rows whose project does not exist).
A project is valid when no error points at its Projects row or any of its child rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .catalog import integration_types, lookup
from .errors import (
    ERROR,
    Problem,
    UnreadableWorkbook,
    did_you_mean,
    make_problem,
)
from .intake import (
    RawSheet,
    RawWorkbook,
    cell_ref,
    column_letter,
    find_workbooks,
    read_workbook,
)
from .model import CHILD_TYPES, Portfolio, Project, Settings
from .parse import MAX_TEXT, BadValue, id_problem, parse_text, parser_for
from .report import Report

HEADER_SEARCH_ROWS = 30
#: What analysts type for "not known yet": treated like a blank cell, so the plan shows [TBD] and
#: completeness is not flattered. ("NA" and "None" are real answers and stay text.)
_PLACEHOLDER_TEXT = frozenset({"tbd", "tbc", "tba", "?", "??", "???", "-", "--", "n/k"})
_IGNORED_SHEETS = {schema.normalise_header(n) for n in (schema.INSTRUCTIONS_SHEET, "Lists", "Read Me", "README")}


@dataclass
class _Row:
    excel_row: int
    values: dict[str, Any]
    ok: bool


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


def validate_files(paths: Iterable[str | Path]) -> Report:
    """Read and validate one or more intake workbooks into one portfolio."""
    raws, problems = read_all(paths)
    return validate_workbooks(raws, problems)


def read_all(paths: Iterable[str | Path]) -> tuple[list[RawWorkbook], list[Problem]]:
    """Read every file once (folders expand to their workbooks); an unreadable file becomes one
    problem, the others still count."""
    raws: list[RawWorkbook] = []
    files, problems = find_workbooks(list(paths))
    for path in files:
        try:
            raws.append(read_workbook(path))
        except UnreadableWorkbook as e:
            problems.append(e.problem)
    return raws, problems


def validate_workbooks(raws: list[RawWorkbook], problems: list[Problem] | None = None) -> Report:
    """Validate workbooks already read into one portfolio; IDs must be unique across files."""
    problems = list(problems or [])
    projects: list[Project] = []
    invalid: dict[str, list[Problem]] = {}
    settings_by_file: dict[str, Settings] = {}
    files: list[str] = []
    seen: dict[str, tuple[str, int]] = {}
    for raw in raws:
        files.append(raw.file)
        report = validate_workbook(raw)
        problems.extend(report.problems)
        invalid.update(report.invalid_projects)
        settings_by_file[raw.file] = report.portfolio.settings
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
    portfolio = Portfolio(projects, first, tuple(files), settings_by_file)
    return Report(problems=problems, portfolio=portfolio, invalid_projects=invalid)


def validate_workbook(raw: RawWorkbook) -> Report:
    """Validate one workbook already read. Never raises for bad data."""
    checker = _Checker(raw.file)
    by_name = {schema.normalise_header(name): sheet for name, sheet in raw.sheets.items()}
    known = {schema.normalise_header(s.name) for s in schema.SHEETS} | {schema.normalise_header(schema.SETTINGS_SHEET)}
    strays = [s.name for k, s in by_name.items() if k not in known and k not in _IGNORED_SHEETS]

    projects_sheet = by_name.get(schema.normalise_header("Projects"))
    if projects_sheet is None:
        checker.add("missing-sheet", sheet="Projects", suggestion=did_you_mean("Projects", list(raw.sheets)))
        return Report(checker.problems, Portfolio([], Settings(), (raw.file,)))
    project_table = checker.table(projects_sheet, schema.PROJECTS)
    project_rows = _check_project_ids(checker, project_table)

    children: dict[str, dict[str, list]] = {}
    bad_ids: set[str] = {pid for pid, row in project_rows.items() if not row.ok}
    all_ids = set(project_rows) | {r.values.get("project_id") for r in project_table.rows if r.values.get("project_id")}
    for sheet_schema in schema.CHILD_SHEETS:
        raw_sheet = by_name.get(schema.normalise_header(sheet_schema.name))
        if raw_sheet is None:
            near = did_you_mean(sheet_schema.name, strays)
            code = "missing-sheet" if near else "missing-child-sheet"
            checker.add(code, sheet=sheet_schema.name, suggestion=near)
            continue
        table = checker.table(raw_sheet, sheet_schema)
        grouped, broken = _group_children(checker, table, sheet_schema, all_ids)
        children[sheet_schema.key] = grouped
        bad_ids |= broken

    settings = _read_settings(checker, by_name.get(schema.normalise_header(schema.SETTINGS_SHEET)))
    for p in checker.problems:
        if p.severity == ERROR and p.project_id:
            bad_ids.add(p.project_id)

    projects: list[Project] = []
    for pid, row in project_rows.items():
        if pid in bad_ids:
            continue
        kids = {key: children.get(key, {}).get(pid, []) for key in CHILD_TYPES}
        project = Project(file=raw.file, row=row.excel_row, **row.values, **kids)
        _check_systems(checker, project_table, row, project)
        projects.append(project)
    errors_by_project: dict[str, list[Problem]] = defaultdict(list)
    for p in checker.problems:
        if p.severity == ERROR and p.project_id:
            errors_by_project[p.project_id].append(p)
    invalid = {pid: errors_by_project.get(pid, []) for pid in bad_ids}
    return Report(checker.problems, Portfolio(projects, settings, (raw.file,)), invalid)


class _Checker:
    """Collects problems for one file and parses tables against their schema."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, code: str, **params: Any) -> Problem:
        problem = make_problem(code, file=self.file, **params)
        self.problems.append(problem)
        return problem

    def table(self, raw: RawSheet, sheet: schema.Sheet) -> _Table:
        if raw.hidden:
            self.add("hidden-sheet", sheet=raw.name)
        for rng in raw.merged:
            self.add("merged-cells", sheet=raw.name, cell=rng.split(":")[0], value=rng)
        header_at = _find_header(raw.rows, "projectid")
        if header_at is None:
            self.add("missing-header-row", sheet=raw.name, value="Project ID", limit=HEADER_SEARCH_ROWS)
            return _Table(raw.name, [], broken=True)
        columns, broken = self._map_columns(raw, sheet, header_at)
        parsers = {j: (col, parser_for(col.kind, col.choices)) for j, col in columns.items()}
        rows: list[_Row] = []
        for i in range(header_at + 1, len(raw.rows)):
            cells = raw.rows[i]
            if not any(v is not None for v in cells) and not any((i, j) in raw.flags for j in columns):
                continue
            rows.append(self._row(raw, i, cells, parsers))
        return _Table(raw.name, rows, broken, {c.key: j for j, c in columns.items()})

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

    def _row(self, raw: RawSheet, i: int, cells: list[Any], parsers: dict) -> _Row:
        """Parse one data row; locations are only computed for the cells that have a problem."""
        values: dict[str, Any] = {}
        pending: list[tuple[str, schema.Column, int, dict]] = []
        flags = raw.flags
        width = len(cells)
        for j, (col, parse) in parsers.items():
            value = cells[j] if j < width else None
            if flags and (i, j) in flags:
                flag = flags[(i, j)]
                pending.append(
                    (
                        "formula-no-value" if flag.kind == "formula" else "error-cell",
                        col,
                        j,
                        {"value": flag.value or None},
                    )
                )
                continue
            if value is None or (type(value) is str and len(value) <= 4 and value.casefold() in _PLACEHOLDER_TEXT):
                if col.required:
                    pending.append(("required-missing", col, j, {}))
                continue
            if parse is parse_text and type(value) is str and len(value) <= MAX_TEXT:
                values[col.key] = value  # the common case, without a call
                continue
            try:
                values[col.key] = parse(value)
            except BadValue as e:
                pending.append((e.code, col, j, {"value": value, **e.params}))
        pid = values.get("project_id")
        pid = pid if isinstance(pid, str) else ""
        if i in raw.hidden_rows:
            self.add("hidden-row", sheet=raw.name, row=i + 1, project_id=pid)
        for code, col, j, params in pending:
            self.add(code, sheet=raw.name, row=i + 1, column=col.header, cell=cell_ref(i, j), project_id=pid, **params)
        return _Row(i + 1, values, not pending)


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
    """Unique, file-safe IDs. Returns ID -> row for every row that has an ID (valid or not)."""
    rows: dict[str, _Row] = {}
    folded: dict[str, _Row] = {}
    col = schema.PROJECTS.column("project_id")
    for row in table.rows:
        pid = row.values.get("project_id")
        if not pid:
            continue
        where = {"sheet": table.sheet, "column": col.header, "value": pid, "project_id": pid}
        reason = id_problem(pid)
        if reason:
            checker.add("unsafe-id", row=row.excel_row, cell=table.pid_cell(row), reason=reason, **where)
            row.ok = False
        if pid in rows:
            first = rows[pid]
            checker.add(
                "duplicate-id", row=first.excel_row, cell=table.pid_cell(first), other_row=row.excel_row, **where
            )
            checker.add("duplicate-id", row=row.excel_row, cell=table.pid_cell(row), other_row=first.excel_row, **where)
            first.ok = row.ok = False
            continue
        twin = folded.get(pid.casefold())
        if twin is not None:
            checker.add("id-collision", row=row.excel_row, cell=table.pid_cell(row), other_row=twin.excel_row, **where)
            row.ok = False
            twin.ok = False
            twin_pid = twin.values["project_id"]
            checker.add(
                "id-collision",
                row=twin.excel_row,
                cell=table.pid_cell(twin),
                other_row=row.excel_row,
                **{**where, "value": twin_pid, "project_id": twin_pid},
            )
        rows[pid] = row
        folded[pid.casefold()] = row
    if table.broken:
        for row in rows.values():
            row.ok = False
    return rows


def _group_children(
    checker: _Checker, table: _Table, sheet: schema.Sheet, ids: set[str]
) -> tuple[dict[str, list], set[str]]:
    """Group child rows by project once; returns (pid -> records, pids made invalid by this sheet)."""
    record_type = CHILD_TYPES[sheet.key]
    grouped: dict[str, list] = defaultdict(list)
    broken: set[str] = set()
    id_list = sorted(i for i in ids if i)
    suggested: dict[str, str] = {}
    for row in table.rows:
        pid = row.values.get("project_id")
        if not pid:
            continue
        if pid not in ids:
            checker.add(
                "unknown-project",
                sheet=table.sheet,
                row=row.excel_row,
                column="Project ID",
                cell=table.pid_cell(row),
                value=pid,
                project_id="",
                suggestion=_suggest(pid, id_list, suggested),
            )
            continue
        if table.broken:
            broken.add(pid)
            continue
        if row.ok:
            fields = dict(row.values)
            del fields["project_id"]
            grouped[pid].append(record_type(row=row.excel_row, **fields))
    return grouped, broken


def _suggest(pid: str, ids: list[str], done: dict[str, str], limit: int = 500) -> str:
    """'Did you mean' for unknown IDs, memoised and capped so a sheet of junk IDs stays fast."""
    if pid not in done and len(done) < limit and len(ids) <= 20_000:
        done[pid] = did_you_mean(pid, ids)
    return done.get(pid, "")


def _read_settings(checker: _Checker, raw: RawSheet | None) -> Settings:
    """Settings rows (Setting | Value) over the built-in defaults; bad values keep the default."""
    if raw is None:
        return Settings()
    header_at = _find_header(raw.rows, "setting")
    if header_at is None:
        return Settings()
    header = [schema.normalise_header(v) for v in raw.rows[header_at]]
    if "value" not in header:
        checker.add("missing-column", sheet=raw.name, row=header_at + 1, column="Value")
        return Settings()
    name_col, value_col = header.index("setting"), header.index("value")
    lookup = schema.settings_lookup()
    values: dict[str, Any] = {}
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
        flag = raw.flags.get((i, value_col))
        if flag is not None:
            checker.add(
                "formula-no-value" if flag.kind == "formula" else "error-cell", **where, value=flag.value or None
            )
            continue
        if value is None:
            continue
        try:
            values[setting.key] = _parse_setting(setting, value)
        except BadValue as e:
            checker.add(e.code, **where, value=value, **e.params)
    return Settings(**values)


def _parse_setting(setting: schema.Setting, value: Any) -> Any:
    if setting.key.startswith("phase_days_"):
        parts = [p.strip() for p in str(value).replace(";", ",").split(",")]
        try:
            days = tuple(int(float(p)) for p in parts)
        except ValueError:
            days = ()
        if len(days) != 5 or any(d <= 0 for d in days):
            raise BadValue(
                "wrong-type",
                expected="five positive whole numbers (business days of phases 1-5)",
                hint="Type five numbers separated by commas, e.g. 10, 20, 10, 3, 20.",
            )
        return days
    return parser_for(setting.kind)(value)
