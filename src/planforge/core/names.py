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


#: Every document kind ``generate --documents`` can write, in the order section 11 lists them.
DOCUMENT_KINDS: Final[tuple[str, ...]] = (
    "plan",
    "sow",
    "technical-specs",
    "test-cases",
    "deployment-runbook",
    "support-playbook",
)
#: The client's UAT tracker written beside the test cases (xlsx only, whatever the formats).
UAT_SUFFIX: Final = "-uat-tracker"
#: A companion document of any kind and format, or a UAT tracker; group 1 is the project ID.
DOCUMENT_FILE: Final = re.compile(
    r"^(.+)-(?:(?:sow|technical-specs|test-cases|deployment-runbook|support-playbook)\.(?:md|html|docx|pdf)"
    rf"|{UAT_SUFFIX[1:]}\.xlsx)$"
)


def expand_documents(kinds: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``all`` -> every kind; otherwise the kinds named, lower-cased, each once, in the order given."""
    out: list[str] = []
    for kind in kinds:
        for k in DOCUMENT_KINDS if kind.strip().lower() == "all" else (kind.strip().lower(),):
            if k not in out:
                out.append(k)
    return tuple(out)


def document_filename(project_id: str, kind: str, ext: str = "md") -> str:
    """``ACME-001-sow.html``: one project's document of ``kind`` (the plan keeps its own name)."""
    if kind == "plan":
        return plan_filename(project_id, ext)
    return f"{project_id}-{kind}.{ext}"


def uat_filename(project_id: str) -> str:
    """``ACME-001-uat-tracker.xlsx``: the UAT tracker the client fills in."""
    return f"{project_id}{UAT_SUFFIX}.xlsx"


def plan_filename(project_id: str, ext: str = "md") -> str:
    """``ACME-001-implementation-plan.md``: the file name of one project's plan in one format."""
    return f"{project_id}{PLAN_SUFFIX}.{ext}"


def review_filename(project_id: str) -> str:
    """``ACME-001-review.md``: the team's review material for one project (never sent to the client)."""
    return f"{project_id}{REVIEW_SUFFIX}.md"
