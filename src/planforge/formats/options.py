"""The options every writer is handed explicitly (no writer reads a module global)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planforge.context.plan import PlanContext
from planforge.core.images import Logo
from planforge.core.names import DEFAULT_FORMATS
from planforge.render.limits import DEFAULT_MAX_SIZE, DEFAULT_TIMEOUT


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteOptions:
    """How one run writes its outputs.

    ``plan_date`` dates every document (same input and date give the same bytes); ``formats`` are
    the plan formats asked for (see ``names.FORMATS``); ``reference_docx`` is the Word document whose
    styles the DOCX plans use (None: python-docx's default); ``soffice`` is the LibreOffice command
    the PDF writer runs (found once by ``outputs.check_options``); ``logo`` is the firm's logo
    (``generate --logo``, read and checked), placed over each workbook's Settings > Logo on the Word/PDF
    cover and running header and at the top of each HTML page;
    ``render_timeout`` and ``render_max_size`` bound the rendering of each document (``render.limits``);
    ``final`` writes the final edition (see ``outputs.final``); ``pdf_engine`` says how PDFs are made."""

    plan_date: date
    formats: tuple[str, ...] = DEFAULT_FORMATS
    reference_docx: Path | None = None
    soffice: str | None = None
    logo: Logo | None = None
    templates: Path | None = None  # the firm's templates folder, in front of the shipped ones
    #: document kinds to write per project (names.DOCUMENT_KINDS); "plan" is the implementation plan
    documents: tuple[str, ...] = ("plan",)
    render_timeout: float = DEFAULT_TIMEOUT  # seconds per document
    render_max_size: int = DEFAULT_MAX_SIZE  # characters per document
    #: the final edition (``generate --final``): no DRAFT mark for want of a recorded approval
    final: bool = False
    #: how PDFs are made: "typst" typesets each in process (``formats.typst_pdf``); "libreoffice"
    #: converts the DOCX in batches (``formats.pdf``), for a firm that wants the Word rendering exactly
    pdf_engine: str = "typst"


def logo(ctx: PlanContext, options: WriteOptions) -> Logo | None:
    """The logo a document carries: ``options.logo`` (``generate --logo``), else the workbook's Settings > Logo."""
    return options.logo or ctx.header.logo
