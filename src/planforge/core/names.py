"""Output names, formats and document kinds: the leaf every stage may import (it imports nothing of planforge).

The orchestrator, the writers, the summary workbook and the stale-output check all agree on
these names, so they live here rather than in the orchestrator that imports those stages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Format:
    """One output format: the one declaration ``--format``, the file names, the writers' dispatch
    (``formats.registry.WRITERS``), the HTML index's links and the summary's Plan link read.

    ``rank`` orders formats from the plainest to the richest: the index links a plan's formats
    in rank order (the page itself first), the summary's Plan link opens the richest written.
    ``from_docx``: made from the DOCX in one batch after every document (no writer of its own)."""

    name: str
    label: str
    rank: int
    from_docx: bool = False

    @property
    def extension(self) -> str:
        """The file extension, without the dot (each format's is its name)."""
        return self.name


MD: Final = Format("md", "Markdown", 0)
HTML: Final = Format("html", "HTML", 1)
DOCX: Final = Format("docx", "Word", 2)
PDF: Final = Format("pdf", "PDF", 3, from_docx=True)
#: Every output format, plainest first.
ALL_FORMATS: Final[tuple[Format, ...]] = (MD, HTML, DOCX, PDF)
#: Every output format ``generate`` can write, by name, plainest first.
FORMATS: Final[tuple[str, ...]] = tuple(f.name for f in ALL_FORMATS)
#: The formats by name.
FORMATS_BY_NAME: Final[dict[str, Format]] = {f.name: f for f in ALL_FORMATS}
#: What each format is called for readers (index and summary links).
FORMAT_LABELS: Final[dict[str, str]] = {f.name: f.label for f in ALL_FORMATS}
#: What ``generate`` writes when no format is asked for.
DEFAULT_FORMATS: Final[tuple[str, ...]] = (MD.name,)
PLAN_SUFFIX: Final = "-implementation-plan"
SUMMARY_NAME: Final = "portfolio-summary.xlsx"
INDEX_NAME: Final = "index.html"
#: A plan file name of any format; group 1 is the project ID, group 2 the format.
PLAN_FILE: Final = re.compile(rf"^(.+){PLAN_SUFFIX}\.({'|'.join(FORMATS)})$")
#: The team's review material per project (TBDs with their cells, assumptions, findings): Markdown
#: only, in its own folder so nothing in the output folder's top level is internal.
REVIEW_DIR: Final = "review"
#: The folder in the output folder where ``force`` keeps each edited file it replaces, one subfolder a run.
BACKUP_DIR: Final = "backups"
REVIEW_SUFFIX: Final = "-review"
REVIEW_FILE: Final = re.compile(rf"^(.+){REVIEW_SUFFIX}\.md$")


@dataclass(frozen=True, slots=True)
class DocumentKind:
    """One kind of document ``generate --documents`` can write: the one declaration its title
    (section 11, the SOW's deliverables, the Word cover), its template folder, its file names, the
    CLI help, the intake help and ``templates check`` read.

    ``context`` names the companion context (``d`` in the template, ``context.documents.BUILDERS``)
    the kind receives: a shipped companion kind receives its own; the plan none; a firm's kind made
    from a copy of a shipped folder the one its ``kind.toml`` names."""

    name: str
    title: str
    context: str | None = None

    @property
    def template(self) -> str:
        """``sow/sow.md.j2``: the one template the kind starts from."""
        return f"{self.name}/{self.name}.md.j2"

    def filename(self, project_id: str, ext: str = MD.extension) -> str:
        """One project's document of this kind in the format of extension ``ext``."""
        return document_filename(project_id, self.name, ext)


PLAN: Final = DocumentKind("plan", "Implementation Plan")
SOW: Final = DocumentKind("sow", "Statement of Work", "sow")
TECHNICAL_SPECS: Final = DocumentKind("technical-specs", "Technical Specifications", "technical-specs")
TEST_CASES: Final = DocumentKind("test-cases", "Test Cases", "test-cases")
DEPLOYMENT_RUNBOOK: Final = DocumentKind("deployment-runbook", "Deployment Runbook", "deployment-runbook")
SUPPORT_PLAYBOOK: Final = DocumentKind("support-playbook", "Support Playbook", "support-playbook")
#: The companion documents of a plan, in the order section 11 lists them.
COMPANIONS: Final[tuple[DocumentKind, ...]] = (SOW, TECHNICAL_SPECS, TEST_CASES, DEPLOYMENT_RUNBOOK, SUPPORT_PLAYBOOK)
#: Every document kind ``generate --documents`` can write, in the order section 11 lists them.
DOCUMENT_KINDS: Final[tuple[str, ...]] = (PLAN.name, *(k.name for k in COMPANIONS))
#: The shipped kinds by name.
KINDS_BY_NAME: Final[dict[str, DocumentKind]] = {k.name: k for k in (PLAN, *COMPANIONS)}
#: The client's UAT tracker written beside the test cases (xlsx only, whatever the formats).
UAT_SUFFIX: Final = "-uat-tracker"
#: A companion document of any kind and format, or a UAT tracker; group 1 is the project ID.
DOCUMENT_FILE: Final = re.compile(
    rf"^(.+)-(?:(?:{'|'.join(k.name for k in COMPANIONS)})\.(?:{'|'.join(FORMATS)})"
    rf"|{UAT_SUFFIX[1:]}\.xlsx)$"
)


def shipped_kind(name: str) -> DocumentKind | None:
    """The shipped kind called ``name``, or None (a firm's own kind, or no kind)."""
    return KINDS_BY_NAME.get(name)


def documents_help(end: str) -> str:
    """The kinds as a reader is told them (CLI help, intake help): ``plan, sow, ..., or all`` + ``end``."""
    return ", ".join(DOCUMENT_KINDS) + ", or all" + end


def expand_documents(kinds: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``all`` -> every kind; otherwise the kinds named, lower-cased, each once, in the order given."""
    out: list[str] = []
    for kind in kinds:
        for k in DOCUMENT_KINDS if kind.strip().lower() == "all" else (kind.strip().lower(),):
            if k not in out:
                out.append(k)
    return tuple(out)


def document_filename(project_id: str, kind: str, ext: str = MD.extension) -> str:
    """``ACME-001-sow.html``: one project's document of ``kind`` (the plan keeps its own name)."""
    if kind == "plan":
        return plan_filename(project_id, ext)
    return f"{project_id}-{kind}.{ext}"


def uat_filename(project_id: str) -> str:
    """``ACME-001-uat-tracker.xlsx``: the UAT tracker the client fills in."""
    return f"{project_id}{UAT_SUFFIX}.xlsx"


def plan_filename(project_id: str, ext: str = MD.extension) -> str:
    """``ACME-001-implementation-plan.md``: the file name of one project's plan in one format."""
    return f"{project_id}{PLAN_SUFFIX}.{ext}"


def review_filename(project_id: str) -> str:
    """``ACME-001-review.md``: the team's review material for one project (never sent to the client)."""
    return f"{project_id}{REVIEW_SUFFIX}.md"


def link_order(formats: Sequence[str], first: str | None = None) -> tuple[str, ...]:
    """``formats`` (names) plainest first, ``first`` (the linking page's own format) ahead of the rest."""
    ordered = sorted((FORMATS_BY_NAME[f] for f in set(formats) if f in FORMATS_BY_NAME), key=lambda f: f.rank)
    return tuple(f.name for f in ordered if f.name == first) + tuple(f.name for f in ordered if f.name != first)


def richest(formats: Sequence[str]) -> str:
    """The richest of ``formats`` (pdf > docx > html > md); Markdown when none is known."""
    return (link_order(formats) or (MD.name,))[-1]
