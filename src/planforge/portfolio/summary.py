"""The portfolio summary workbook (xlsxwriter): what a delivery lead opens on Monday.

Sheets: Overview, Portfolio, Timeline, Gantt, Confidence, Risks (with a heat map by severity),
People (weekly load, overlaps flagged) and Data Quality. Intake text is always written with
write_string, so "=HYPERLINK(...)" stays text; the only links are our own plan files, to the
richest format the run wrote. Every sheet prints landscape, one page wide, header rows repeated.
Document properties come from the plan date, so the same input gives the same bytes.

The Gantt is a grid of week cells (one column per week, headed by its Monday, months above), not a
bar chart: a chart's date axis can only tick at a fixed number of days, so its "Mar 2026" labels
drift off the 1st and dates are misread by weeks; a week column says exactly which week a phase is in,
prints legibly, and is what Excel users already read.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_cell_to_rowcol
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from planforge.core.atomic import write_bytes
from planforge.core.errors import CODES, ERROR, OUTPUT_FOLDER_CODES, Problem
from planforge.core.money import excel_money_format
from planforge.core.names import FORMAT_LABELS, REVIEW_DIR, plan_filename, review_filename, richest
from planforge.core.result import RunResult
from planforge.derive.calendar import week_start
from planforge.derive.completeness import Tbd
from planforge.derive.rules import PHASE_NAMES, risk_level, risk_score
from planforge.formats.options import WriteOptions
from planforge.portfolio.facts import ProjectFacts
from planforge.portfolio.workload import overlap_runs, people_load

GANTT_WEEK_LIMIT = 156  # three years of week columns; a longer portfolio says where the grid stops
SEVERITY_FILLS = {"High": "#F4B183", "Medium": "#FFE699", "Low": "#C6E0B4"}
PEOPLE_CHART_LIMIT = 12
CONFIDENCE_BANDS = (("Under 50%", 0, 0.5), ("50-69%", 0.5, 0.7), ("70-84%", 0.7, 0.85), ("85% and over", 0.85, 1.01))
PHASE_COLOURS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#70AD47")
CELL_TEXT_LIMIT = 32_767  # Excel's limit on the text of one cell
_TEXT, _NUMBER, _DATE, _MONEY = range(4)  # how a table column's cells are written
#: The summary's own column kinds (its cells, not intake columns): how each is written, and the
#: ``_Formats`` attribute of its cell format (an amount's format is its project's currency's).
_CELLS: Mapping[str, tuple[int, str]] = MappingProxyType(
    {
        "text": (_TEXT, "text"),
        "date": (_DATE, "date"),
        "money": (_MONEY, ""),
        "pct": (_NUMBER, "pct"),
        "num": (_NUMBER, "num"),
        "int": (_NUMBER, "int"),
        "count": (_NUMBER, "count"),
    }
)
Schedule: TypeAlias = list[list[tuple[date, date]] | None]  # per project, its phases' (start, end); None: undated
DATA_QUALITY_NOTES = (
    "Errors: one row each; each holds its project back until fixed. Warnings: one row per project, file and code,"
    " with how many (Problems), every cell in sheet order (Location) and the first one's message.",
    "Each problem with its own message and cell: planforge validate --json. A project's review file"
    " (review/<Project ID>-review.md) lists each of its warnings at its cell, and its TBD fields.",
)


def write_summary(target: Path, result: RunResult, projects: Sequence[ProjectFacts], options: WriteOptions) -> None:
    """Write the whole summary workbook atomically, dated ``options.plan_date``. The workbook is
    built in memory and written in one atomic write, so a full disk is the ``write-failed``
    problem naming the file (``core.atomic``) and leaves nothing half-written behind."""
    write_bytes(target, summary_xlsx(result, projects, options))


def summary_xlsx(result: RunResult, projects: Sequence[ProjectFacts], options: WriteOptions) -> bytes:
    """The summary workbook's bytes, dated ``options.plan_date``: of ``projects`` (each one's
    ``facts.project_facts``), with the run's problems and skipped projects from ``result``."""
    plan_date = options.plan_date
    buffer = io.BytesIO()
    book = Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    created = datetime(plan_date.year, plan_date.month, plan_date.day)
    book.set_properties(
        {
            "title": "Portfolio summary",
            "author": _firm(projects),
            "created": created,
            "comments": f"Plan date {plan_date.isoformat()}",
        }
    )
    fmt = _Formats(book)
    contexts = sorted(projects, key=lambda c: c.project_id)
    schedule = [c.spans() for c in contexts]  # None: no kickoff date, so off the calendar
    undated = [c.project_id for c, spans in zip(contexts, schedule) if spans is None]
    _overview(book, fmt, contexts, result, plan_date, len(undated))
    _portfolio(book, fmt, contexts, options.formats)
    _timeline(book, fmt, contexts)
    _gantt(book, fmt, contexts, schedule, undated)
    _confidence(book, fmt, contexts)
    _risks(book, fmt, contexts)
    _people(book, fmt, contexts, undated)
    _data_quality(book, fmt, result, contexts, schedule)
    book.close()
    return buffer.getvalue()


def _firm(projects: Sequence[ProjectFacts]) -> str:
    """The workbook's author: the firm named in Settings, else a neutral label (never the tool)."""
    names = sorted({c.firm for c in projects if c.firm is not None})
    return names[0] if len(names) == 1 else "Delivery team"


class _Formats:
    def __init__(self, book: Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.text = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.wrap = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = book.add_format({"num_format": "0%"})
        self._book = book
        self._money: dict[str, Format] = {}
        self.num = book.add_format({"num_format": "0.0"})
        self.int = book.add_format({"num_format": "0"})
        self.count = book.add_format({"num_format": "0", "align": "center", "valign": "top"})  # beside wrapped text
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format(
            {
                "bold": True,
                "bg_color": "#D9E1F2",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.red = book.add_format({"bg_color": "#F8CBAD", "font_color": "#9C0006"})
        self.amber = book.add_format({"bg_color": "#FFE699", "num_format": "0.0"})
        self.link = book.add_format({"font_color": "#0563C1", "underline": 1})

    def money(self, currency: str) -> Format:
        """The whole-amount format of one currency (``"€"#,##0``), made once per workbook."""
        if currency not in self._money:
            self._money[currency] = self._book.add_format({"num_format": excel_money_format(currency)})
        return self._money[currency]


def _sheet(book: Workbook, name: str, header_rows: tuple[int, int] | None = (0, 0)) -> Worksheet:
    """A worksheet set up to print legibly: landscape, one page wide (any number tall), header rows
    repeated on every page, text cells wrapped (the cell formats)."""
    ws = book.add_worksheet(name)
    ws.set_landscape()
    ws.set_paper(9)  # A4; Letter printers scale it to fit the width
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&L&B{name}")
    ws.set_footer("&L&A&RPage &P of &N")
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    return ws


def _writer(ws: Worksheet, fmt: _Formats, kind: str) -> Callable[[int, int, Any], None]:
    """The cell writer for a column kind; text is always a string cell, whatever it starts with."""
    how, attr = _CELLS[kind]
    if how == _MONEY:  # each amount in its project's currency
        return lambda r, c, v: ws.write_number(r, c, float(v.amount), fmt.money(v.currency))
    cell_fmt = getattr(fmt, attr)
    if how == _DATE:
        return lambda r, c, v: ws.write_datetime(r, c, datetime(v.year, v.month, v.day), cell_fmt)
    if how == _NUMBER:
        return lambda r, c, v: ws.write_number(r, c, float(v), cell_fmt)
    return lambda r, c, v: ws.write_string(r, c, str(v)[:CELL_TEXT_LIMIT], cell_fmt)


def _table(
    ws: Worksheet,
    fmt: _Formats,
    name: str,
    columns: Sequence[tuple[str, str, float]],
    rows: list[list[Any]],
    first_row: int = 0,
) -> None:
    """A real Excel table (filters, banding) with typed cells and a frozen header.

    The cells are written as ``_writer`` writes them, through the worksheet's bound methods and formats
    chosen once per column (a table is most of the summary's million cells): same cells, same bytes."""
    write_string, write_number, write_datetime, set_row = (
        ws.write_string,
        ws.write_number,
        ws.write_datetime,
        ws.set_row,
    )
    plan: list[tuple[int, Any, float]] = []  # per column: how to write it, its format, its width
    for _, kind, width in columns:
        how, attr = _CELLS[kind]
        plan.append((how, getattr(fmt, attr) if attr else None, width))  # no format: per amount's currency
    money = fmt.money
    for i, row in enumerate(rows, start=first_row + 1):
        lines = 1
        for j, value in enumerate(row):
            if value is None or value == "" or isinstance(value, Tbd):
                continue
            how, cell_fmt, width = plan[j]
            if how == _TEXT:  # always a string cell, whatever it starts with
                text = str(value)
                write_string(i, j, text[:CELL_TEXT_LIMIT] if len(text) > CELL_TEXT_LIMIT else text, cell_fmt)
                if len(text) > width - 1 or "\n" in text:  # else it fits as typed: one line
                    lines = max(lines, _lines(text, width))
            elif how == _NUMBER:
                write_number(i, j, float(value), cell_fmt)
            elif how == _DATE:
                write_datetime(i, j, datetime(value.year, value.month, value.day), cell_fmt)
            else:
                write_number(i, j, float(value.amount), money(value.currency))
        if lines > 1:  # wrapped text gets the height it needs (no spreadsheet program computes it on opening)
            set_row(i, 15 * min(lines, 12))
    for j, (_, _kind, width) in enumerate(columns):
        ws.set_column(j, j, width)
    last = first_row + max(len(rows), 1)
    ws.add_table(
        first_row,
        0,
        last,
        len(columns) - 1,
        {
            "name": name,
            "style": "Table Style Medium 2",
            "columns": [{"header": header, "header_format": fmt.header} for header, _, _ in columns],
        },
    )
    ws.freeze_panes(first_row + 1, 1)
    ws.repeat_rows(first_row)
    ws.set_row(first_row, 32)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (word-wise estimate)."""
    if len(text) <= width - 1 and "\n" not in text:
        return 1  # fits as typed; collapsing spaces can only shorten it (most cells: no walk over words)
    total = 0
    for paragraph in text.split("\n"):
        line, count = 0, 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > width - 1:
                count, line = count + 1, len(word)
            else:
                line += len(word) + (1 if line else 0)
        total += count
    return total


def _overview(
    book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts], result: RunResult, plan_date: date, undated: int
) -> None:
    """The first page: the handful of numbers a delivery lead scans before opening the detail."""
    ws = _sheet(book, "Overview", header_rows=None)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 4, 14)
    ws.write(0, 0, f"Portfolio summary, {plan_date.day} {plan_date:%b %Y}", fmt.title)
    confidences = [c.confidence for c in contexts if c.confidence is not None]
    soon = [c for c in contexts if c.go_live and 0 <= (c.go_live - plan_date).days <= 30]
    high_risks = sum(c.risk_counts()["High"] for c in contexts)
    savings = [c.weekly_hours for c in contexts if c.weekly_hours is not None]
    figures = [
        ("Projects with a plan", len(contexts), "int"),
        ("Projects skipped for errors (see Data Quality)", len(result.skipped), "int"),
        (
            f"Average confidence ({len(confidences)} of {len(contexts)} projects record one)",
            sum(confidences) / len(confidences) if confidences else None,
            "pct",
        ),
        ("Projects without dates (no kickoff; see Data Quality)", undated, "int"),
        ("Go-lives in the next 30 days", len(soon), "int"),
        ("High risks (likelihood x impact)", high_risks, "int"),
        ("Open blockers", sum(c.blockers for c in contexts), "int"),
        ("Staff hours saved per week (stated)", sum(savings) if savings else None, "num"),
        (
            "Average plan completeness",
            sum(c.completeness for c in contexts) / len(contexts) if contexts else None,
            "pct",
        ),
    ]
    for i, (label, value, kind) in enumerate(figures, start=2):
        ws.write_string(i, 0, label, fmt.bold)
        if value is not None:
            _writer(ws, fmt, kind)(i, 1, value)
    row = len(figures) + 3
    go_lives = Counter(f"{c.go_live:%Y-%m}" for c in contexts if c.go_live)
    go_lives["no go-live date"] = sum(1 for c in contexts if not c.go_live)
    for title, counter in (
        ("Projects by status", Counter(c.status for c in contexts)),
        ("Projects by integration type (each project once)", Counter(c.type_group for c in contexts)),
        ("Go-lives by month", +go_lives),
    ):  # every block counts each project once, so its total is the number of projects
        ws.write_string(row, 0, title, fmt.header)
        ws.write_string(row, 1, "Projects", fmt.header)
        for k, (name, count) in enumerate(sorted(counter.items()), start=1):
            ws.write_string(row + k, 0, name)
            ws.write_number(row + k, 1, count)
        ws.write_string(row + len(counter) + 1, 0, "Total", fmt.bold)
        ws.write_number(row + len(counter) + 1, 1, sum(counter.values()), fmt.bold)
        row += len(counter) + 3


def plan_link(project_id: str, formats: tuple[str, ...]) -> str:
    """The plan file a delivery lead should open: the richest format written (pdf > docx > html > md)."""
    return plan_filename(project_id, richest(formats))


PORTFOLIO_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("Project ID", "text", 11),
    ("Client", "text", 16),
    ("Project", "text", 20),
    ("System A", "text", 11),
    ("System B", "text", 12),
    ("Integration Types", "text", 13),
    ("Confidence", "pct", 11),
    ("Complexity", "text", 11),
    ("Kickoff", "date", 10.5),
    ("Go-Live", "date", 10.5),
    ("Weeks to Go-Live", "num", 8),
    ("Status", "text", 10),
    ("Hours Saved / Week", "num", 9),
    ("Annual Value", "money", 11),
    ("First-Year ROI", "pct", 8),
    ("Payback (Months)", "num", 8),
    ("High Risks", "int", 6),
    ("Medium Risks", "int", 7),
    ("Low Risks", "int", 6),
    ("Open Questions", "int", 10),
    ("Blockers", "int", 8),
    ("Completeness", "pct", 13),
    ("Plan", "text", 10),
)
# the Portfolio columns shaded red (40% or less) through amber (70%) to green (100%), and those red above zero
PORTFOLIO_SCALED = ("Confidence", "Completeness")
PORTFOLIO_FLAGGED = ("High Risks", "Blockers")


def _portfolio(book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts], formats: tuple[str, ...]) -> None:
    """One row per project: its systems, confidence, dates, savings, risks and completeness, and a link
    to its plan in the richest format written; weak confidence and completeness, High risks and
    blockers stand out."""
    ws = _sheet(book, "Portfolio")
    _table(ws, fmt, "Portfolio", PORTFOLIO_COLUMNS, [_portfolio_row(ctx) for ctx in contexts])
    _plan_links(ws, fmt, contexts, formats, _column("Plan"))
    if contexts:
        _portfolio_highlights(ws, fmt, len(contexts))


def _column(header: str) -> int:
    """The index of a Portfolio column, by its header."""
    return [name for name, _, _ in PORTFOLIO_COLUMNS].index(header)


def _portfolio_row(c: ProjectFacts) -> list[Any]:
    """A project's Portfolio row, in ``PORTFOLIO_COLUMNS`` order; the Plan cell is left for its link."""
    counts = c.risk_counts()
    return [
        c.project_id,
        c.client_name,
        c.project_name,
        c.system_a,
        c.system_b,
        ", ".join(c.types) or "not determined",
        c.confidence,
        c.complexity,
        c.phases[0].start,
        c.go_live,
        sum(ph.days for ph in c.phases[:4]) / 5,
        c.status,
        c.weekly_hours,
        c.annual_value,
        c.roi,
        c.payback_months,
        counts["High"],
        counts["Medium"],
        counts["Low"],
        c.questions,
        c.blockers,
        c.completeness,
        None,
    ]


def _plan_links(
    ws: Worksheet, fmt: _Formats, contexts: Sequence[ProjectFacts], formats: tuple[str, ...], col: int
) -> None:
    """Each project's link to its plan, "Open (PDF)": our own link to our own file (IDs are validated
    file-safe), the only link in the workbook."""
    for i, ctx in enumerate(contexts, start=1):
        name = plan_link(ctx.project_id, formats)
        label = FORMAT_LABELS[name.rsplit(".", 1)[1]]
        ws.write_url(i, col, f"external:{name}", fmt.link, string=f"Open ({label})", tip=name)


def _portfolio_highlights(ws: Worksheet, fmt: _Formats, last: int) -> None:
    """The conditional formats over rows 1 to ``last``: a colour scale on each ratio in
    ``PORTFOLIO_SCALED``, red on each count in ``PORTFOLIO_FLAGGED`` that is above zero."""
    for col in map(_column, PORTFOLIO_SCALED):
        ws.conditional_format(
            1,
            col,
            last,
            col,
            {
                "type": "3_color_scale",
                "min_color": "#F8696B",
                "mid_color": "#FFEB84",
                "max_color": "#63BE7B",
                "min_type": "num",
                "min_value": 0.4,
                "mid_type": "num",
                "mid_value": 0.7,
                "max_type": "num",
                "max_value": 1,
            },
        )
    for col in map(_column, PORTFOLIO_FLAGGED):
        ws.conditional_format(1, col, last, col, {"type": "cell", "criteria": ">", "value": 0, "format": fmt.red})


def _timeline(book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts]) -> None:
    """The phase schedule, compact: one row per project with the phase it is in, who owns it (or the next), the
    kickoff and each phase's end (a phase starts the business day after the one before it ends, so
    the ends are the milestones; Deployment ends on the go-live day). Client and all owners are on
    Portfolio and in the plan; the weeks themselves are on the Gantt."""
    ws = _sheet(book, "Timeline")
    columns = [
        ("Project ID", "text", 14),
        ("Current Phase", "text", 20),
        ("Owner (Current or Next Phase)", "text", 18),
        ("Kickoff", "date", 11),
    ]
    for name in PHASE_NAMES:
        short = name.split(" ")[0].replace("Post-Launch", "Support")
        columns.append((f"{short} End" if short != "Deployment" else "Go-Live", "date", 11))
    columns.append(("Business Days to Go-Live", "int", 10))
    rows = []
    for c in contexts:
        current = next((ph for ph in c.phases if ph.status == "In Progress"), None)
        label = (
            f"{current.number}. {current.name}"
            if current
            else ("Complete" if all(ph.status == "Complete" for ph in c.phases) else c.phases[0].status)
        )
        # who a lead calls: the owner of the phase in progress, else of the next one still to finish
        acting = current or next((ph for ph in c.phases if ph.status != "Complete"), None)
        owner = acting.owner if acting is not None else None
        row: list[Any] = [c.project_id, label, owner, c.phases[0].start]
        row += [ph.end for ph in c.phases]
        rows.append(row + [sum(ph.days for ph in c.phases[:4])])
    _table(ws, fmt, "Timeline", columns, rows)


def _gantt(
    book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts], schedule: Schedule, undated: list[str]
) -> None:
    """One row per dated project, one column per week (headed by its Monday, the month above it);
    a week's cell carries the phase that has most of its working days, by number and colour, and
    "GL" marks the go-live week. Undated projects are listed under the grid and on Data Quality."""
    ws = _sheet(book, "Gantt", header_rows=(0, 3))
    dated = sorted(
        ((c, spans) for c, spans in zip(contexts, schedule) if spans is not None),
        key=lambda pair: (pair[1][0][0], pair[0].project_id),
    )
    legend = "Phases: " + "; ".join(f"{i} {name}" for i, name in enumerate(PHASE_NAMES, start=1))
    ws.write_string(0, 0, "Portfolio timeline by week", fmt.title)
    ws.write_string(1, 0, legend + ". GL: go-live week. Week columns start on Monday.", fmt.note)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 3, 10.5)
    plain = book.add_format({"num_format": "@"})
    if not dated:
        ws.write_string(4, 0, "No project has a kickoff date, so none can be placed on the calendar.")
        return
    first = min(spans[0][0] for _, spans in dated)
    last = max(spans[-1][1] for _, spans in dated)
    monday = week_start(first)
    weeks = [monday + timedelta(weeks=k) for k in range(min((last - monday).days // 7 + 1, GANTT_WEEK_LIMIT))]
    month_fmt = book.add_format({"bold": True, "bg_color": "#B4C6E7", "border": 1, "align": "left"})
    day_fmt = book.add_format(
        {"num_format": "d", "bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center", "font_size": 8}
    )
    phase_fmts = [
        book.add_format({"bg_color": colour, "border": 1, "border_color": "#FFFFFF", "align": "center", "font_size": 8})
        for colour in PHASE_COLOURS
    ]
    live_fmt = book.add_format(
        {"bg_color": "#C00000", "font_color": "#FFFFFF", "bold": True, "align": "center", "font_size": 8}
    )
    for col, label in enumerate(("Project ID", "Client", "Kickoff", "Go-Live")):
        ws.merge_range(2, col, 3, col, label, fmt.header)
    col0 = 4
    ws.set_column(col0, col0 + len(weeks) - 1, 3.2)
    k = 0
    while k < len(weeks):  # month bands over the week columns, each labelled once ("Mar 2026")
        month = (weeks[k].year, weeks[k].month)
        end = k
        while end + 1 < len(weeks) and (weeks[end + 1].year, weeks[end + 1].month) == month:
            end += 1
        label = f"{weeks[k]:%b %Y}"
        if end > k:
            ws.merge_range(2, col0 + k, 2, col0 + end, label, month_fmt)
        else:
            ws.write_string(2, col0 + k, label, month_fmt)
        k = end + 1
    for j, week in enumerate(weeks):
        ws.write_datetime(3, col0 + j, datetime.combine(week, datetime.min.time()), day_fmt)
    write_string, write_datetime = ws.write_string, ws.write_datetime
    labels = [str(n + 1) for n in range(len(phase_fmts))]
    for i, (c, spans) in enumerate(dated, start=4):
        write_string(i, 0, c.project_id, plain)
        write_string(i, 1, c.client_name, plain)
        write_datetime(i, 2, datetime.combine(spans[0][0], datetime.min.time()), fmt.date)
        if c.go_live:
            write_datetime(i, 3, datetime.combine(c.go_live, datetime.min.time()), fmt.date)
        live = (c.go_live - monday).days // 7 if c.go_live else -1  # go-live falls inside the phases' weeks
        first_week = (spans[0][0] - monday).days // 7
        last_week = min((spans[-1][1] - monday).days // 7, len(weeks) - 1)
        # only the project's own weeks can hold one of its phases
        for j, phase in _phases_by_week(spans, weeks, first_week, last_week):
            if j == live:
                write_string(i, col0 + j, "GL", live_fmt)
            elif phase is not None:
                write_string(i, col0 + j, labels[phase], phase_fmts[phase])
    row = 4 + len(dated) + 1
    if (last - monday).days // 7 + 1 > len(weeks):
        ws.write_string(row, 0, f"The grid stops after {len(weeks)} weeks; later dates are on the Timeline sheet.")
        row += 1
    if undated:
        ws.write_string(row, 0, "Not shown (no kickoff date, see Data Quality): " + ", ".join(undated), fmt.note)
    ws.freeze_panes(4, col0)


def _phases_by_week(
    spans: list[tuple[date, date]], weeks: list[date], first_week: int, last_week: int
) -> Iterator[tuple[int, int | None]]:
    """(week index, ``_phase_of_week``) for each week from ``first_week`` to ``last_week``.

    When the phases run in order without overlapping (each starts after the one before it ends, as
    derived), a week can only hold the phases that touch it: walk the spans once instead of asking each
    of them every week. Any other shape is asked week by week."""
    if any(start > end for start, end in spans) or any(a[1] >= b[0] for a, b in pairwise(spans)):
        for j in range(first_week, last_week + 1):
            yield j, _phase_of_week(spans, weeks[j])
        return
    n = 0
    for j in range(first_week, last_week + 1):
        week = weeks[j]
        friday = week + timedelta(days=4)
        while n < len(spans) and spans[n][1] < week:  # ended before this week: no day in it
            n += 1
        best, best_days = None, 0
        k = n
        while k < len(spans) and spans[k][0] <= friday:  # the spans that touch Monday..Friday, in order
            start, end = spans[k]
            days = (min(end, friday) - max(start, week)).days + 1
            if days > best_days:
                best, best_days = k, days
            k += 1
        yield j, best


def _phase_of_week(spans: list[tuple[date, date]], week: date) -> int | None:
    """The phase with the most working days (Mon-Fri) in the week starting ``week``, or None."""
    best, best_days = None, 0
    friday = week + timedelta(days=4)
    for n, (start, end) in enumerate(spans):
        days = (min(end, friday) - max(start, week)).days + 1  # the span's days within Monday..Friday
        if days > best_days:
            best, best_days = n, days
    return best


def _confidence(book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts]) -> None:
    ws = _sheet(book, "Confidence", header_rows=None)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 4, 14)
    ws.write(0, 0, "Confidence distribution", fmt.title)
    ws.write_row(1, 0, ["Band", "Projects"], fmt.header)
    bands = [
        (label, sum(1 for c in contexts if c.confidence is not None and lo <= c.confidence < hi))
        for label, lo, hi in CONFIDENCE_BANDS
    ]
    bands.append(("Not recorded", sum(1 for c in contexts if c.confidence is None)))
    for i, (label, count) in enumerate(bands, start=2):
        ws.write_string(i, 0, label)
        ws.write_number(i, 1, count)
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": "Projects",
            "categories": ["Confidence", 2, 0, 1 + len(bands), 0],
            "values": ["Confidence", 2, 1, 1 + len(bands), 1],
            "fill": {"color": "#4472C4"},
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": "Projects by confidence band"})
    chart.set_legend({"none": True})
    ws.insert_chart(1, 4, chart)
    top = 4 + len(bands) + 12
    ws.write(
        top - 1, 0, "Confidence by integration type (each project once, under its combination of types)", fmt.title
    )
    ws.write_row(top, 0, ["Integration Type", "Projects", "Average", "Lowest", "With Confidence"], fmt.header)
    by_type: dict[str, list[float]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for c in contexts:
        counts[c.type_group] += 1
        if c.confidence is not None:
            by_type[c.type_group].append(c.confidence)
    types = sorted(counts)
    for i, t in enumerate(types, start=top + 1):
        ws.write_string(i, 0, t)
        ws.write_number(i, 1, counts[t])
        values = by_type.get(t)  # the average is over the projects that record a confidence, counted beside it
        ws.write_number(i, 4, len(values or ()))
        if values:
            ws.write_number(i, 2, round(sum(values) / len(values), 4), fmt.pct)
            ws.write_number(i, 3, min(values), fmt.pct)
    total_row = top + 1 + len(types)
    everyone = [v for values in by_type.values() for v in values]
    ws.write_string(total_row, 0, "All projects", fmt.bold)
    ws.write_number(total_row, 1, sum(counts.values()), fmt.bold)
    ws.write_number(total_row, 4, len(everyone), fmt.bold)
    if everyone:
        ws.write_number(total_row, 2, round(sum(everyone) / len(everyone), 4), fmt.pct)
        ws.write_number(total_row, 3, min(everyone), fmt.pct)
    if types:
        chart = book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "Average confidence",
                "categories": ["Confidence", top + 1, 0, top + len(types), 0],
                "values": ["Confidence", top + 1, 2, top + len(types), 2],
                "fill": {"color": "#70AD47"},
                "data_labels": {"value": True, "num_format": "0%"},
            }
        )
        chart.set_title({"name": "Average confidence by integration type"})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_legend({"none": True})
        ws.insert_chart(top, 4, chart)


def _risks(book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts]) -> None:
    """The register a lead acts on: every High risk (likelihood x impact 6 or 9), the most severe
    first, with its mitigation and owner. Medium and Low risks are counted per project on Portfolio
    and listed in each plan's section 5; the heat map beside the register counts every risk."""
    ws = _sheet(book, "Risks")
    columns = [
        ("Project ID", "text", 14),
        ("Client", "text", 24),
        ("Risk", "text", 44),
        ("Likelihood", "text", 11),
        ("Impact", "text", 10),
        ("Level", "text", 9),
        ("Mitigation", "text", 44),
        ("Owner", "text", 18),
    ]
    grid: Counter[tuple[str, str]] = Counter()
    high: list[tuple[int, int, list[Any]]] = []
    for n, c in enumerate(contexts):  # contexts are sorted by project ID, so n orders within a score
        for likelihood, impact, count in c.risk_grid:
            grid[(likelihood, impact)] += count
        for r in c.high_risks:
            row = [c.project_id, c.client_name, r.risk, r.likelihood, r.impact, "High"]
            score = risk_score(r.likelihood, r.impact)
            high.append((-score, n, row + [r.mitigation, r.owner]))
    high.sort(key=lambda item: item[:2])  # stable: a project's risks keep their sheet order
    rows = [row for _, _, row in high]
    _table(ws, fmt, "Risks", columns, rows)
    if rows:
        ws.conditional_format(
            1, 5, len(rows), 5, {"type": "cell", "criteria": "==", "value": '"High"', "format": fmt.red}
        )
    col = len(columns) + 1
    ws.write(0, col, "Risks by likelihood x impact, coloured by severity", fmt.bold)
    ws.write_string(1, col, "Likelihood \\ Impact", fmt.header)
    levels = ("Low", "Medium", "High")
    cell_fmts = {
        level: book.add_format(
            {"bg_color": colour, "border": 1, "align": "center", "valign": "vcenter", "num_format": f'0" · {level}"'}
        )
        for level, colour in SEVERITY_FILLS.items()
    }
    for j, impact in enumerate(levels):
        ws.write_string(1, col + 1 + j, impact, fmt.header)
    for i, likelihood in enumerate(reversed(levels)):
        ws.write_string(2 + i, col, likelihood, fmt.header)
        for j, impact in enumerate(levels):  # the colour is the cell's severity; the count is its text
            ws.write_number(2 + i, col + 1 + j, grid[(likelihood, impact)], cell_fmts[risk_level(likelihood, impact)])
    ws.write_string(6, col, "Total risks", fmt.bold)
    ws.write_number(6, col + 1, sum(grid.values()), fmt.bold)
    ws.write_string(7, col, "Severity: High (red), Medium (amber), Low (green), from likelihood x impact.", fmt.note)
    ws.write_string(
        8,
        col,
        "The register lists the High risks, most severe first; Medium and Low risks are counted per project on "
        "Portfolio (Medium Risks, Low Risks) and listed in each plan's section 5.",
        fmt.note,
    )
    ws.set_column(col, col, 20)
    ws.set_column(col + 1, col + 3, 12)


def _people(book: Workbook, fmt: _Formats, contexts: Sequence[ProjectFacts], undated: list[str]) -> None:
    ws = _sheet(book, "People", header_rows=(2, 2))
    loads = people_load(contexts)
    if undated:
        ws.write_string(1, 0, "Not counted (no kickoff date, see Data Quality): " + ", ".join(undated), fmt.note)
    ws.write(
        0,
        0,
        "Weekly load per person (1.0 = full time), most over-allocated first. Red: over 100%; amber: two or more projects in the week.",
        fmt.note,
    )
    if not loads:
        ws.write(2, 0, "No team members with dated phases.")
        return
    over: Counter[str] = Counter(w.person for w in loads if w.over_allocated)
    overlap: Counter[str] = Counter(w.person for w in loads if w.overlapping)
    people = sorted({w.person for w in loads}, key=lambda p: (-over[p], -overlap[p], p))  # the most stretched first
    weeks = sorted({w.week for w in loads})
    by_key = {(w.person, w.week): w for w in loads}
    ws.write_string(2, 0, "Person", fmt.header)
    ws.write_string(2, 1, "Overlap Weeks", fmt.header)
    ws.write_string(2, 2, "Over-allocated Weeks", fmt.header)
    head = book.add_format({"num_format": "d mmm", "bold": True, "rotation": 90, "border": 1, "bg_color": "#D9E1F2"})
    for j, week in enumerate(weeks):
        ws.write_datetime(2, 3 + j, datetime.combine(week, datetime.min.time()), head)
    for i, person in enumerate(people, start=3):
        ws.write_string(i, 0, person)
        mine = [by_key[(person, w)] for w in weeks if (person, w) in by_key]
        ws.write_number(i, 1, sum(1 for w in mine if w.overlapping))
        ws.write_number(i, 2, sum(1 for w in mine if w.over_allocated))
        for j, week in enumerate(weeks):
            w = by_key.get((person, week))
            if w:
                ws.write_number(i, 3 + j, w.load, fmt.num if not w.overlapping else fmt.amber)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 2, 10)
    ws.set_column(3, 3 + len(weeks), 5)
    ws.set_row(2, 48)
    ws.freeze_panes(3, 3)
    last_row, last_col = 2 + len(people), 2 + len(weeks)
    ws.conditional_format(3, 3, last_row, last_col, {"type": "cell", "criteria": ">", "value": 1.0, "format": fmt.red})
    ws2 = _sheet(book, "People Flags")
    columns = [
        ("Person", "text", 22),
        ("From Week", "date", 11),
        ("To Week", "date", 11),
        ("Weeks", "int", 7),
        ("Peak Load", "num", 9),
        ("Over-allocated Weeks", "int", 12),
        ("Project IDs", "text", 48),
    ]
    _table(ws2, fmt, "PeopleFlags", columns, [list(r) for r in overlap_runs(loads)])


def _data_quality(
    book: Workbook, fmt: _Formats, result: RunResult, contexts: Sequence[ProjectFacts], schedule: Schedule
) -> None:
    """Every validation problem, then per project: not scheduled (no kickoff), and how many TBD fields it
    has, pointing at its review file, which lists each with where to fill it. Errors are one row each (each
    holds its project back; an analyst fixes each); a project's other problems of one kind share a row."""
    ws = _sheet(book, "Data Quality")
    ws.write_string(0, 0, "Data quality: what to fix in the intake", fmt.title)
    for i, note in enumerate(DATA_QUALITY_NOTES, start=1):
        ws.write_string(i, 0, note, fmt.note)
    columns = [
        ("Kind", "text", 10),
        ("Severity", "text", 9),
        ("Project ID", "text", 14),
        ("File", "text", 22),
        ("Location", "text", 30),
        ("Code or TBD Count", "text", 18),
        ("Problems", "count", 9),
        ("Message, or TBD Fields and Where to Fill Them", "text", 80),
    ]
    rows = data_quality_rows([p for p in result.report.problems if p.code not in OUTPUT_FOLDER_CODES])
    for ctx, spans in zip(contexts, schedule):  # by project ID
        if spans is None:  # said here, so no project leaves the Gantt or People silently
            rows.append(
                [
                    "Not scheduled",
                    "warning",
                    ctx.project_id,
                    ctx.file,
                    f"Projects row {ctx.row}",
                    "no kickoff date",
                    None,
                    "No kickoff date: the project is left out of the Gantt and the People load until "
                    "Projects > Kickoff Date is filled.",
                ]
            )
        missing = ctx.missing
        if missing:  # the count tells a lead where to chase; the fields and their cells are in the review file
            rows.append(
                [
                    "TBD",
                    "info",
                    ctx.project_id,
                    ctx.file,
                    f"Projects row {ctx.row}",
                    f"{missing} field{'s' if missing != 1 else ''}",
                    None,
                    f"{missing} field{'s' if missing != 1 else ''} to fill, each with its sheet and column in "
                    f"{REVIEW_DIR}/{review_filename(ctx.project_id)}",
                ]
            )
    _table(ws, fmt, "DataQuality", columns, rows, first_row=len(DATA_QUALITY_NOTES) + 1)


def data_quality_rows(problems: Sequence[Problem], limit: int = CELL_TEXT_LIMIT) -> list[list[Any]]:
    """The Data Quality rows of the run's problems, in the order each row's first problem was found:
    (Kind, Severity, Project ID, File, Location, Code, Problems, Message).

    An error is a row of its own, and so is a problem of no project (the run's or a file's). A project's
    other problems are grouped by (project, file, code): one row with their number, every place joined in
    sheet order ("Workflows!B8, B9, B10 (Workflow)", at most ``limit`` characters, then "and N more"),
    and the kind's title with the first one's message."""
    entries: list[list[Problem]] = []
    groups: dict[tuple[str, str, str, str], list[Problem]] = {}
    for p in problems:
        if p.severity == ERROR or not p.project_id:
            entries.append([p])
            continue
        key = (p.project_id, p.file, p.code, p.severity)
        group = groups.get(key)
        if group is None:
            group = groups[key] = []
            entries.append(group)
        group.append(p)
    return [_problem_row(group, limit) for group in entries]


def _problem_row(group: list[Problem], limit: int) -> list[Any]:
    if len(group) == 1:
        p = group[0]
        return ["Problem", p.severity, p.project_id or None, p.file, p.location, p.code, 1, p.message]
    sheets: dict[str, int] = {}
    for p in group:  # sheets in the order their problems were found; within a sheet, by row then column
        sheets.setdefault(p.sheet, len(sheets))
    ordered = sorted(group, key=lambda p: (sheets[p.sheet], *_row_col(p)))
    places = list(dict.fromkeys(_place(p) for p in ordered))  # distinct, in order (a cell may hold several)
    first = ordered[0]
    kind = CODES.get(first.code)
    title = kind.title if kind is not None else first.code
    where = "cells" if all(p.cell for p in group) else "places"
    at = f" at {len(places):,} {where}" if len(places) != len(group) else ""
    message = f"{title}: {len(group):,} problems{at}. The first: {first.message}"
    return [
        "Problem",
        first.severity,
        first.project_id,
        first.file,
        _joined_places(places, limit) or first.location,
        first.code,
        len(group),
        message,
    ]


def _row_col(p: Problem) -> tuple[int, int]:
    """Where a problem sits in its sheet, for sheet order: its cell's (row, column), else its row."""
    return xl_cell_to_rowcol(p.cell) if p.cell else ((p.row or 0) - 1, -1)


def _place(p: Problem) -> tuple[str, str, str, str]:
    """(sheet, separator, "B8" or "row 8" or "", column): one place a problem points at, as
    ``Problem.location`` writes it ("Workflows!B8", "Projects row 8")."""
    if p.cell:
        return p.sheet, "!", p.cell, p.column
    return p.sheet, " ", f"row {p.row}" if p.row else "", p.column


def _joined_places(places: list[tuple[str, str, str, str]], limit: int) -> str:
    """Places joined per sheet ("Workflows!B8, B9 (Workflow); Risks!F10 (Owner)"), a column named once when
    all of a sheet's places share it. Over ``limit`` characters, as many as fit, then "and N more"."""
    text = _render_places(places)
    if len(text) <= limit:
        return text

    def cut(k: int) -> str:
        return f"{_render_places(places[:k])} and {len(places) - k:,} more"

    lo, hi = 0, min(len(places), limit // 2)  # each shown place takes at least two characters (", B2")
    while lo < hi:  # the most places whose text, with "and N more", fits
        mid = (lo + hi + 1) // 2
        if len(cut(mid)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return cut(lo) if lo else f"{len(places):,} places, too long to list here"


def _render_places(places: list[tuple[str, str, str, str]]) -> str:
    segments: list[str] = []
    k = 0
    while k < len(places):
        sheet = places[k][0]
        end = k
        while end + 1 < len(places) and places[end + 1][0] == sheet:
            end += 1
        mine = places[k : end + 1]
        columns = {column for *_, column in mine}
        shared = next(iter(columns)) if len(columns) == 1 else ""  # named once, after the sheet's places
        parts = []
        for n, (_, sep, ref, column) in enumerate(mine):
            label = f"{sheet}{sep}{ref}" if n == 0 and sheet and ref else (ref or sheet)
            if column and not shared:
                label = f"{label} ({column})" if label else column
            parts.append(label)
        segment = ", ".join(parts)
        if shared:
            segment = f"{segment} ({shared})" if segment else shared
        segments.append(segment)
        k = end + 1
    return "; ".join(segments)
