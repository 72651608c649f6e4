"""The writers of the output formats, by format name (``names.ALL_FORMATS`` declares the formats).

Every writer takes the document (its Markdown, the one content source, parsed once for all the
formats, ``md_tokens.Document``) and returns the file's bytes;
a format declared ``from_docx`` (PDF) is typeset by Typst here, or, with the LibreOffice engine,
made from the DOCX in one batch after every document (``formats.pdf``). A new format is its ``names.Format`` entry, its writer
module and its line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from planforge.context.plan import PlanContext
from planforge.core.names import DOCX, FORMATS_BY_NAME, HTML, MD, PDF, SOW, DocumentKind
from planforge.formats.docx import plan_docx
from planforge.formats.html import plan_html
from planforge.formats.md_tokens import Document
from planforge.formats.options import WriteOptions
from planforge.formats.typst_pdf import document_pdf

#: The PDF engines (``WriteOptions.pdf_engine``): Typst in process by default, LibreOffice from the DOCX.
TYPST, LIBREOFFICE = "typst", "libreoffice"
PDF_ENGINES = (TYPST, LIBREOFFICE)


class Writer(Protocol):
    """Writes one document of ``kind`` (the plan or a companion) of one project, from its Markdown
    and its tokens (``document``, which it reads and never changes)."""

    def __call__(self, ctx: PlanContext, document: Document, options: WriteOptions, kind: DocumentKind) -> bytes: ...


def write_markdown(ctx: PlanContext, document: Document, options: WriteOptions, kind: DocumentKind) -> bytes:
    """The Markdown itself, as UTF-8 (never parsed)."""
    del ctx, options, kind
    return document.markdown.encode("utf-8")


def write_html(ctx: PlanContext, document: Document, options: WriteOptions, kind: DocumentKind) -> bytes:
    """A standalone HTML page titled as the document (``ACME-001 statement of work: ...``)."""
    title = f"{ctx.project.project_id} {kind.title.lower()}: {ctx.project.project_name}"
    return plan_html(ctx, document, options, title=title).encode("utf-8")


#: A statement of work lists its contents (DOCX and PDF) only when it runs over this many words
#: (about six pages); a shorter one goes from its document control straight to section 1.
SOW_CONTENTS_WORDS = 3000


def front_matter(kind: DocumentKind, markdown: str) -> tuple[bool, bool]:
    """What the Word front matter of a ``kind`` document holds besides its cover and version history
    (``plan_docx``'s ``contents`` and ``approval``, in that order): a statement of work (a kind with the SOW's context)
    carries its own signatures, so no second approval block, and lists its contents only when longer
    than ``SOW_CONTENTS_WORDS``; every other document has both."""
    sow = kind.context == SOW.name
    return not sow or len(markdown.split()) > SOW_CONTENTS_WORDS, not sow


def write_docx(ctx: PlanContext, document: Document, options: WriteOptions, kind: DocumentKind) -> bytes:
    """A .docx with the document's title on the cover, in the running header and in the properties."""
    contents, approval = front_matter(kind, document.markdown)
    return plan_docx(ctx, document, options, title=kind.title, contents=contents, approval=approval)


def write_pdf(ctx: PlanContext, document: Document, options: WriteOptions, kind: DocumentKind) -> bytes:
    """A PDF typeset by Typst, with the Word edition's front matter (``front_matter``)."""
    contents, approval = front_matter(kind, document.markdown)
    return document_pdf(ctx, document, options, title=kind.title, contents=contents, approval=approval)


#: Format name -> its writer (PDF's is Typst's; with the LibreOffice engine PDF is made from the DOCX).
WRITERS: Mapping[str, Writer] = {
    MD.name: write_markdown,
    HTML.name: write_html,
    DOCX.name: write_docx,
    PDF.name: write_pdf,
}


def made_from_docx(name: str, options: WriteOptions) -> bool:
    """Whether the format called ``name`` is made from the DOCX after every document: PDF with the
    LibreOffice engine."""
    fmt = FORMATS_BY_NAME.get(name)
    return fmt is not None and fmt.from_docx and options.pdf_engine == LIBREOFFICE


def writer(name: str) -> Writer:
    """The writer of the format called ``name``: an unknown format, or one made from the DOCX, is an
    error (never another format's writer)."""
    found = WRITERS.get(name)
    if found is None:
        raise ValueError(f"no writer for the format {name!r} (writers: {', '.join(WRITERS)})")
    return found
