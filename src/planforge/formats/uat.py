"""The UAT tracker the client's testers fill in: one row per test case, xlsxwriter.

A Source column (Agreed scenario or the firm's Standard check), a Result dropdown (Pass, Fail,
Blocked), Tester, Date and Notes columns left for the testers,
a frozen header and filters. Every text cell is written with ``write_string``, so a scenario
that starts with '=' stays text and never becomes a formula. Byte-stable (fixed properties).
"""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter

from planforge.context.documents import TestCases

RESULTS = ("Pass", "Fail", "Blocked")
_COLUMNS = (
    ("ID", 8),
    ("Workflow", 34),
    ("Scenario", 48),
    ("Type", 14),
    ("Source", 10),
    ("Expected Result", 60),
    ("Result", 10),
    ("Tester", 18),
    ("Date", 12),
    ("Notes", 40),
)
_FIXED = datetime(2026, 1, 1)


def uat_tracker(cases: TestCases) -> bytes:
    """The tracker of one project's test cases as .xlsx bytes."""
    buffer = io.BytesIO()
    h = cases.header
    when = datetime(h.date.year, h.date.month, h.date.day)
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties(
        {
            "title": f"UAT tracker: {h.project_name}",
            "subject": h.client_name,
            "author": str(h.owner),
            "created": when or _FIXED,
        }
    )
    head = book.add_format(
        {"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF", "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    entry = book.add_format({"text_wrap": True, "valign": "top", "bg_color": "#FFF8E1", "locked": False})
    day = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "bg_color": "#FFF8E1", "locked": False})
    ws = book.add_worksheet("UAT")
    for col, (title, width) in enumerate(_COLUMNS):
        ws.write_string(0, col, title, head)
        ws.set_column(col, col, width)
    rows = cases.cases
    for r, c in enumerate(rows, start=1):
        for col, text in enumerate((c.id, c.workflow, c.scenario, c.type, c.source, c.tracker_expected)):
            ws.write_string(r, col, text, wrap)
        for col in range(6, 10):
            ws.write_blank(r, col, None, day if col == 8 else entry)
    last = max(len(rows), 1)
    ws.data_validation(
        1,
        6,
        max(last, 200),
        6,
        {"validate": "list", "source": list(RESULTS), "error_message": "Choose Pass, Fail or Blocked."},
    )
    ws.data_validation(1, 8, max(last, 200), 8, {"validate": "date", "criteria": ">", "value": datetime(2000, 1, 1)})
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, len(_COLUMNS) - 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    book.close()
    return buffer.getvalue()
