"""Output names and formats: the leaf every stage may import (it imports nothing of planforge).

The orchestrator, the writers, the summary workbook and the stale-output check all agree on
these names, so they live here rather than in the orchestrator that imports those stages.
"""

from __future__ import annotations

import re
from typing import Final

#: Every output format ``generate`` can write, in the order the index links them.
FORMATS: Final[tuple[str, ...]] = ("md", "html", "docx", "pdf")
#: What each format is called for readers (index links).
FORMAT_LABELS: Final[dict[str, str]] = {"html": "HTML", "md": "Markdown", "docx": "Word", "pdf": "PDF"}
PLAN_SUFFIX: Final = "-implementation-plan"
SUMMARY_NAME: Final = "portfolio-summary.xlsx"
INDEX_NAME: Final = "index.html"
#: A plan file name of any format; group 1 is the project ID, group 2 the format.
PLAN_FILE: Final = re.compile(rf"^(.+){PLAN_SUFFIX}\.(md|html|docx|pdf)$")
#: The team's review material per project (TBDs with their cells, assumptions, findings): Markdown
#: only, in its own folder so nothing in the output folder's top level is internal.
REVIEW_DIR: Final = "review"
REVIEW_SUFFIX: Final = "-review"
REVIEW_FILE: Final = re.compile(rf"^(.+){REVIEW_SUFFIX}\.md$")


def plan_filename(project_id: str, ext: str = "md") -> str:
    """``ACME-001-implementation-plan.md``: the file name of one project's plan in one format."""
    return f"{project_id}{PLAN_SUFFIX}.{ext}"


def review_filename(project_id: str) -> str:
    """``ACME-001-review.md``: the team's review material for one project (never sent to the client)."""
    return f"{project_id}{REVIEW_SUFFIX}.md"
