"""The portfolio summary workbook (xlsxwriter): what a delivery lead opens on Monday.

Sheets: Portfolio, Timeline (with a Gantt chart), Confidence, Risks (with a heat map),
People (weekly load, overlaps flagged) and Data Quality. Intake text is always written with
write_string, so "=HYPERLINK(...)" stays text; the only links are our own plan files.
Document properties come from the plan date, so the same input gives the same bytes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from .._version import __version__
from ..completeness import Tbd
from ..derive import PHASE_NAMES, risk_level
from ..money import Money, excel_money_format
from ..names import plan_filename
from ..plan_context import PlanContext
from ..result import RunResult
from ..workload import overlap_runs, people_load, phase_spans
from .atomic import atomic_path
from .options import WriteOptions

GANTT_LIMIT = 40
PEOPLE_CHART_LIMIT = 12
CONFIDENCE_BANDS = (("Under 50%", 0, 0.5), ("50-69%", 0.5, 0.7), ("70-84%", 0.7, 0.85), ("85% and over", 0.85, 1.01))
PHASE_COLOURS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#70AD47")


def write_summary(target: Path, result: RunResult, options: WriteOptions) -> None:
    """Write the whole summary workbook atomically, dated ``options.plan_date``."""
    plan_date = options.plan_date
    with atomic_path(target) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
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
                "author": "planforge",
                "created": created,
                "comments": f"planforge {__version__}; plan date {plan_date.isoformat()}",
            }
        )
        fmt = _Formats(book)
        contexts = sorted(result.contexts, key=lambda c: c.project.project_id)
        _overview(book, fmt, contexts, result, plan_date)
        _portfolio(book, fmt, contexts)
        _timeline(book, fmt, contexts)
        _confidence(book, fmt, contexts)
        _risks(book, fmt, contexts)
        _people(book, fmt, contexts)
        _data_quality(book, fmt, result)
        book.close()


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.title = book.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.text = book.add_format({"num_format": "@"})
        self.wrap = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = book.add_format({"num_format": "0%"})
        self._book = book
        self._money: dict[str, Any] = {}
        self.num = book.add_format({"num_format": "0.0"})
        self.int = book.add_format({"num_format": "0"})
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

    def money(self, currency: str) -> Any:
        """The whole-amount format of one currency (``"€"#,##0``), made once per workbook."""
        if currency not in self._money:
            self._money[currency] = self._book.add_format({"num_format": excel_money_format(currency)})
        return self._money[currency]


def _sheet(book, name: str):
    """A worksheet set up to print legibly: landscape, one page wide."""
    ws = book.add_worksheet(name)
    ws.set_landscape()
    ws.set_paper(1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&L&A&RPage &P of &N")
    return ws


def _writer(ws, fmt: _Formats, kind: str):
    """The cell writer for a column kind; text is always a string cell, whatever it starts with."""
    if kind == "date":
        date_fmt = fmt.date
        return lambda r, c, v: ws.write_datetime(r, c, datetime(v.year, v.month, v.day), date_fmt)
    if kind == "money":  # each amount in its project's currency
        return lambda r, c, v: ws.write_number(r, c, float(v.amount), fmt.money(v.currency))
    if kind in ("pct", "num", "int"):
        num_fmt = getattr(fmt, kind)
        return lambda r, c, v: ws.write_number(r, c, float(v), num_fmt)
    text_fmt = fmt.text
    return lambda r, c, v: ws.write_string(r, c, str(v)[:32767], text_fmt)


def _table(
    ws, fmt: _Formats, name: str, columns: list[tuple[str, str, int]], rows: list[list[Any]], first_row: int = 0
) -> None:
    """A real Excel table (filters, banding) with typed cells and a frozen header."""
    writers = [_writer(ws, fmt, kind) for _, kind, _ in columns]
    for i, row in enumerate(rows, start=first_row + 1):
        for j, value in enumerate(row):
            if value is not None and value != "" and not isinstance(value, Tbd):
                writers[j](i, j, value)
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


def _overview(book, fmt: _Formats, contexts: list[PlanContext], result: RunResult, plan_date: date) -> None:
    """The first page: the handful of numbers a delivery lead scans before opening the detail."""
    ws = _sheet(book, "Overview")
    ws.set_column(0, 0, 46)
    ws.set_column(1, 4, 14)
    ws.write(0, 0, f"Portfolio summary, {plan_date.day} {plan_date:%b %Y}", fmt.title)
    confidences = [c.project.confidence for c in contexts if c.project.confidence is not None]
    soon = [c for c in contexts if c.go_live and 0 <= (c.go_live - plan_date).days <= 30]
    high_risks = sum(_risk_counts(c)["High"] for c in contexts)
    savings = [c.savings.weekly_hours for c in contexts if c.savings]
    figures = [
        ("Projects with a plan", len(contexts), "int"),
        ("Projects skipped for errors (see Data Quality)", len(result.skipped), "int"),
        ("Average confidence", sum(confidences) / len(confidences) if confidences else None, "pct"),
        ("Go-lives in the next 30 days", len(soon), "int"),
        ("High risks (likelihood x impact)", high_risks, "int"),
        ("Open blockers", sum(len(c.blockers) for c in contexts), "int"),
        ("Staff hours saved per week (stated)", sum(savings) if savings else None, "num"),
        (
            "Average plan completeness",
            sum(c.completeness.ratio for c in contexts) / len(contexts) if contexts else None,
            "pct",
        ),
    ]
    for i, (label, value, kind) in enumerate(figures, start=2):
        ws.write_string(i, 0, label, fmt.bold)
        if value is not None:
            _writer(ws, fmt, kind)(i, 1, value)
    row = len(figures) + 3
    for title, counter in (
        ("Projects by status", Counter(c.status for c in contexts)),
        ("Projects by integration type", Counter(t for c in contexts for t in (c.types or ("not determined",)))),
        ("Go-lives by month", Counter(f"{c.go_live:%Y-%m}" for c in contexts if c.go_live)),
    ):
        ws.write_string(row, 0, title, fmt.header)
        ws.write_string(row, 1, "Projects", fmt.header)
        for k, (name, count) in enumerate(sorted(counter.items()), start=1):
            ws.write_string(row + k, 0, name)
            ws.write_number(row + k, 1, count)
        row += len(counter) + 2


def _risk_counts(ctx: PlanContext) -> Counter:
    return Counter(risk_level(r.likelihood, r.impact) for r in ctx.project.risks)


def _portfolio(book, fmt: _Formats, contexts: list[PlanContext]) -> None:
    ws = _sheet(book, "Portfolio")
    columns = [
        ("Project ID", "text", 14),
        ("Client", "text", 26),
        ("Project", "text", 30),
        ("System A", "text", 16),
        ("System B", "text", 18),
        ("Integration Types", "text", 20),
        ("Confidence", "pct", 11),
        ("Complexity", "text", 11),
        ("Kickoff", "date", 11),
        ("Go-Live", "date", 11),
        ("Weeks to Go-Live", "num", 10),
        ("Status", "text", 12),
        ("Hours Saved / Week", "num", 11),
        ("Annual Value", "money", 12),
        ("First-Year ROI", "pct", 10),
        ("Payback (Months)", "num", 10),
        ("High Risks", "int", 8),
        ("Medium Risks", "int", 8),
        ("Low Risks", "int", 8),
        ("Open Questions", "int", 9),
        ("Blockers", "int", 9),
        ("Completeness", "pct", 12),
        ("Plan", "text", 34),
    ]
    rows = []
    for ctx in contexts:
        p, counts = ctx.project, _risk_counts(ctx)
        savings = _savings(ctx)
        rows.append(
            [
                p.project_id,
                p.client_name,
                p.project_name,
                p.system_a,
                p.system_b,
                ", ".join(ctx.types) or "not determined",
                p.confidence,
                ctx.complexity,
                ctx.phases[0].start,
                ctx.go_live,
                sum(ph.days for ph in ctx.phases[:4]) / 5,
                ctx.status,
                savings[0],
                savings[1],
                savings[2],
                savings[3],
                counts["High"],
                counts["Medium"],
                counts["Low"],
                len(ctx.questions),
                len(ctx.blockers),
                ctx.completeness.ratio,
                None,
            ]
        )
    _table(ws, fmt, "Portfolio", columns, rows)
    for i, ctx in enumerate(contexts, start=1):  # our own link to our own file; IDs are validated file-safe
        name = plan_filename(ctx.project.project_id)
        ws.write_url(i, len(columns) - 1, f"external:{name}", fmt.link, string=name)
    if contexts:
        last = len(contexts)
        for col in (6, 21):
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
        ws.conditional_format(1, 16, last, 16, {"type": "cell", "criteria": ">", "value": 0, "format": fmt.red})
        ws.conditional_format(1, 20, last, 20, {"type": "cell", "criteria": ">", "value": 0, "format": fmt.red})


def _savings(ctx: PlanContext) -> tuple[Any, Any, Any, Any]:
    """(hours a week, annual value, first-year ROI, payback months); None where unknown."""
    weekly = ctx.savings.weekly_hours if ctx.savings else None
    if ctx.roi_figures is None:
        return weekly, None, None, None
    r = ctx.roi_figures
    return weekly, Money(r.annual_value, ctx.project.currency), r.roi, r.payback_months


def _timeline(book, fmt: _Formats, contexts: list[PlanContext]) -> None:
    ws = _sheet(book, "Timeline")
    columns = [("Project ID", "text", 14), ("Client", "text", 24), ("Current Phase", "text", 20)]
    for name in PHASE_NAMES:
        short = name.split(" ")[0].replace("Post-Launch", "Support")
        columns += [(f"{short} Start", "date", 11), (f"{short} End", "date", 11)]
    columns += [("Business Days to Go-Live", "int", 10), ("Owners", "text", 40)]
    rows = []
    for c in contexts:
        current = next((ph for ph in c.phases if ph.status == "In Progress"), None)
        label = (
            f"{current.number}. {current.name}"
            if current
            else ("Complete" if all(ph.status == "Complete" for ph in c.phases) else c.phases[0].status)
        )
        row: list[Any] = [c.project.project_id, c.project.client_name, label]
        for ph in c.phases:
            row += [ph.start, ph.end]
        owners = "; ".join(f"{ph.number}: {ph.owner}" for ph in c.phases if not isinstance(ph.owner, Tbd))
        rows.append(row + [sum(ph.days for ph in c.phases[:4]), owners])
    _table(ws, fmt, "Timeline", columns, rows)
    dated = sorted(
        ((c, spans) for c in contexts if (spans := phase_spans(c)) is not None),
        key=lambda pair: (pair[1][0][0], pair[0].project.project_id),
    )
    if not dated:
        return
    shown = dated[:GANTT_LIMIT]
    gantt = book.add_worksheet("Gantt Data")
    gantt.hide()
    gantt.write_row(0, 0, ["Project", "Start", *PHASE_NAMES])
    for i, (c, spans) in enumerate(shown, start=1):
        gantt.write_string(i, 0, c.project.project_id)
        gantt.write_datetime(i, 1, datetime.combine(spans[0][0], datetime.min.time()), fmt.date)
        for j, (start, end) in enumerate(spans):
            span = (spans[j + 1][0] - start).days if j + 1 < len(spans) else (end - start).days + 1
            gantt.write_number(i, 2 + j, span)
    chart = book.add_chart({"type": "bar", "subtype": "stacked"})
    n = len(shown)
    chart.add_series(
        {
            "name": "Start",
            "categories": ["Gantt Data", 1, 0, n, 0],
            "values": ["Gantt Data", 1, 1, n, 1],
            "fill": {"none": True},
            "border": {"none": True},
        }
    )
    for j, name in enumerate(PHASE_NAMES):
        chart.add_series(
            {
                "name": name,
                "categories": ["Gantt Data", 1, 0, n, 0],
                "values": ["Gantt Data", 1, 2 + j, n, 2 + j],
                "fill": {"color": PHASE_COLOURS[j]},
                "gap": 40,
            }
        )
    start = min(spans[0][0] for _, spans in shown)
    end = max(spans[4][1] for _, spans in shown)
    more = f" (first {n} of {len(dated)} by kickoff)" if len(dated) > n else ""
    chart.set_title({"name": f"Portfolio timeline{more}"})
    chart.set_x_axis(
        {
            "date_axis": True,
            "num_format": "mmm yyyy",
            "min": _serial(start),
            "max": _serial(end) + 7,
            "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
        }
    )
    chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom", "delete_series": [0]})
    chart.set_size({"width": 900, "height": max(320, 60 + 22 * n)})
    ws.insert_chart(len(rows) + 3, 0, chart)


def _serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def _confidence(book, fmt: _Formats, contexts: list[PlanContext]) -> None:
    ws = _sheet(book, "Confidence")
    ws.set_column(0, 0, 22)
    ws.set_column(1, 3, 14)
    ws.write(0, 0, "Confidence distribution", fmt.title)
    ws.write_row(1, 0, ["Band", "Projects"], fmt.header)
    bands = [
        (label, sum(1 for c in contexts if c.project.confidence is not None and lo <= c.project.confidence < hi))
        for label, lo, hi in CONFIDENCE_BANDS
    ]
    bands.append(("Not recorded", sum(1 for c in contexts if c.project.confidence is None)))
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
    ws.write(top - 1, 0, "Confidence by integration type", fmt.title)
    ws.write_row(top, 0, ["Integration Type", "Projects", "Average", "Lowest"], fmt.header)
    by_type: dict[str, list[float]] = defaultdict(list)
    counts: Counter = Counter()
    for c in contexts:
        for t in c.types or ("not determined",):
            counts[t] += 1
            if c.project.confidence is not None:
                by_type[t].append(c.project.confidence)
    types = sorted(counts)
    for i, t in enumerate(types, start=top + 1):
        ws.write_string(i, 0, t)
        ws.write_number(i, 1, counts[t])
        values = by_type.get(t)
        if values:
            ws.write_number(i, 2, round(sum(values) / len(values), 4), fmt.pct)
            ws.write_number(i, 3, min(values), fmt.pct)
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


def _risks(book, fmt: _Formats, contexts: list[PlanContext]) -> None:
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
    rows = [
        [
            c.project.project_id,
            c.project.client_name,
            r.risk,
            r.likelihood,
            r.impact,
            risk_level(r.likelihood, r.impact),
            r.mitigation,
            r.owner,
        ]
        for c in contexts
        for r in c.project.risks
    ]
    _table(ws, fmt, "Risks", columns, rows)
    if rows:
        ws.conditional_format(
            1, 5, len(rows), 5, {"type": "cell", "criteria": "==", "value": '"High"', "format": fmt.red}
        )
    grid = Counter((r[3], r[4]) for r in rows)
    col = len(columns) + 1
    ws.write(0, col, "Likelihood x impact (number of risks)", fmt.bold)
    ws.write_string(1, col, "Likelihood \\ Impact", fmt.header)
    levels = ("Low", "Medium", "High")
    for j, impact in enumerate(levels):
        ws.write_string(1, col + 1 + j, impact, fmt.header)
    for i, likelihood in enumerate(reversed(levels)):
        ws.write_string(2 + i, col, likelihood, fmt.header)
        for j, impact in enumerate(levels):
            ws.write_number(2 + i, col + 1 + j, grid[(likelihood, impact)])
    ws.set_column(col, col, 20)
    ws.set_column(col + 1, col + 3, 10)
    ws.conditional_format(
        2,
        col + 1,
        4,
        col + 3,
        {"type": "3_color_scale", "min_color": "#FFFFFF", "mid_color": "#FFD966", "max_color": "#F4B183"},
    )


def _people(book, fmt: _Formats, contexts: list[PlanContext]) -> None:
    ws = _sheet(book, "People")
    loads = people_load(contexts)
    ws.write(
        0,
        0,
        "Weekly load per person (1.0 = full time), most over-allocated first. Red: over 100%; amber: two or more projects in the week.",
        fmt.note,
    )
    if not loads:
        ws.write(2, 0, "No team members with dated phases.")
        return
    over: Counter = Counter(w.person for w in loads if w.over_allocated)
    overlap: Counter = Counter(w.person for w in loads if w.overlapping)
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


def _data_quality(book, fmt: _Formats, result: RunResult) -> None:
    """Every validation problem at its cell, then one row per project listing its TBD fields."""
    ws = _sheet(book, "Data Quality")
    columns = [
        ("Kind", "text", 10),
        ("Severity", "text", 9),
        ("Project ID", "text", 14),
        ("File", "text", 22),
        ("Location", "text", 26),
        ("Code or TBD Count", "text", 18),
        ("Message, or TBD Fields and Where to Fill Them", "text", 100),
    ]
    rows: list[list[Any]] = []
    for p in result.report.problems:
        rows.append(["Problem", p.severity, p.project_id or None, p.file, p.location, p.code, p.message])
    for ctx in sorted(result.contexts, key=lambda c: c.project.project_id):
        missing = ctx.completeness.missing
        if missing:
            fields = "; ".join(f"{t.label} ({t.source})" for t in missing)
            rows.append(
                [
                    "TBD",
                    "info",
                    ctx.project.project_id,
                    ctx.project.file,
                    f"Projects row {ctx.project.row}",
                    f"{len(missing)} field{'s' if len(missing) != 1 else ''}",
                    fields,
                ]
            )
    _table(ws, fmt, "DataQuality", columns, rows)
