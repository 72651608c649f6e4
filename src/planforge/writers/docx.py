"""Word plans from the rendered Markdown: markdown-it tokens fed to python-docx.

Real Heading 1-3 styles (the navigation pane works), real tables with repeating header rows,
checklists with checkbox glyphs, page numbers in the footer and document properties. A
reference document (``WriteOptions.reference_docx``) supplies the styles; its body is dropped. The zip is
rewritten with fixed timestamps, so the same input and date give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from markdown_it.token import Token

from ..errors import UsageError
from ..plan_context import PlanContext
from . import md_tokens
from .options import WriteOptions
from .text import Capped

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def check_reference(path: Path) -> None:
    """Raise UsageError naming ``reference_docx`` unless ``path`` opens as a Word document."""
    try:
        docx.Document(str(path))
    except Exception as e:
        raise UsageError(
            f"reference_docx {path} is not a readable Word document: {e}", parameter="reference_docx"
        ) from e


@lru_cache(maxsize=4)
def _template_bytes(reference: Path | None) -> bytes:
    """The starting document (reference or default) with its body emptied, serialised once per reference."""
    document = docx.Document(str(reference)) if reference else docx.Document()
    body = document.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx(ctx: PlanContext, markdown: str, options: WriteOptions) -> bytes:
    """One plan as a .docx in ``options.reference_docx``'s styles, byte-stable for the same input and plan date."""
    document = docx.Document(io.BytesIO(_template_bytes(options.reference_docx)))
    writer = _Writer(document)
    writer.write(md_tokens.parse(markdown))
    _footer_page_numbers(document)
    _header(document, ctx)
    _properties(document, ctx, options.plan_date)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


class _Writer:
    def __init__(self, document):
        self.doc = document
        self.styles = {s.name: s.style_id for s in document.styles if s.type == 1}  # paragraph styles
        self.lists: list[dict] = []  # stack of {"ordered": bool, "n": int}
        self.item_prefix = ""

    def style(self, *names: str) -> str | None:
        return next((n for n in names if n in self.styles), None)

    def add(self, style: str | None, container=None):
        """A new paragraph with ``style`` set by id (python-docx's by-name lookup is slow)."""
        paragraph = (container or self.doc).add_paragraph()
        if style and style != "Normal":
            paragraph._p.style = self.styles[style]
        return paragraph

    def write(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "heading_open":
                self.heading(int(tok.tag[1]), tokens[i + 1])
                i += 3
                continue
            if tok.type == "table_open":
                i = self.table(tokens, i)
                continue
            if tok.type in ("bullet_list_open", "ordered_list_open"):
                self.lists.append({"ordered": tok.type == "ordered_list_open", "n": int(tok.attrGet("start") or 1)})
            elif tok.type in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif tok.type == "list_item_open":
                level = self.lists[-1]
                if "task" in tok.meta:
                    self.item_prefix = "☑ " if tok.meta["task"] == "done" else "☐ "
                elif level["ordered"]:
                    self.item_prefix = f"{level['n']}. "
                    level["n"] += 1
                else:
                    self.item_prefix = ""
            elif tok.type == "inline":
                self.paragraph(tok)
            elif tok.type in ("html_block", "code_block", "fence"):
                self.add(None).add_run(tok.content.strip())
            i += 1

    def heading(self, level: int, inline: Token) -> None:
        text = md_tokens.inline_text(inline)
        style = self.style("Title") if level == 1 else self.style(f"Heading {min(level - 1, 9)}")
        paragraph = self.add(style)
        paragraph.add_run(text)
        if style is None:
            paragraph.runs[0].bold = True

    def paragraph(self, inline: Token) -> None:
        if self.lists:
            level = self.lists[-1]
            plain_list = level["ordered"] or self.item_prefix
            style = (
                self.style("List Paragraph", "Normal")
                if plain_list
                else self.style("List Bullet", "List Paragraph", "Normal")
            )
            paragraph = self.add(style)
            if plain_list or len(self.lists) > 1:
                paragraph.paragraph_format.left_indent = Pt(18 * len(self.lists))
                paragraph.paragraph_format.first_line_indent = Pt(-14)
            if self.item_prefix:
                run = paragraph.add_run(self.item_prefix)
                if self.item_prefix in ("☐ ", "☑ "):
                    run.font.color.rgb = RGBColor(0x1F, 0x38, 0x64)
            self.item_prefix = ""
        else:
            paragraph = self.add(None)
        self.runs(paragraph, inline)

    def runs(self, paragraph, inline: Token) -> None:
        bold = italic = False
        for child in inline.children or ():
            kind = child.type
            if kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind in ("text", "code_inline") and child.content:
                run = paragraph.add_run(child.content)
                run.bold, run.italic = bold or None, italic or None
                if kind == "code_inline":
                    run.font.name = "Consolas"
            elif kind == "softbreak":
                paragraph.add_run(" ")
            elif kind in ("hardbreak", "html_inline"):
                paragraph.add_run().add_break(WD_BREAK.LINE)

    def table(self, tokens: list[Token], start: int) -> int:
        rows: list[list[Token]] = []
        i = start
        while tokens[i].type != "table_close":
            if tokens[i].type == "tr_open":
                rows.append([])
            elif tokens[i].type == "inline":
                rows[-1].append(tokens[i])
            i += 1
        width = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=width)
        table_styles = {st.name for st in self.doc.styles if st.type == 3}
        style = next((n for n in ("Table Grid", "Light Grid Accent 1") if n in table_styles), None)
        if style:
            table.style = self.doc.styles[style]
        for r, (row, docx_row) in enumerate(zip(rows, table.rows)):
            cells = docx_row.cells  # table.cell(r, c) recomputes the grid on every call
            for c, inline in enumerate(row):
                cell = cells[c]
                paragraph = cell.paragraphs[0]
                self.runs(paragraph, inline)
                for run in paragraph.runs:
                    run.font.size = Pt(9)  # tables read better a size down from body text
                    run.bold = True if r == 0 else run.bold
                if r == 0:
                    _shade(cell, "D9E1F2")
        _repeat_header(table.rows[0])
        self._widths(table, rows, width)
        self.add(None)
        return i + 1

    def _widths(self, table, rows: list[list[Token]], width: int) -> None:
        """Columns as wide as their text needs (a Risk column is wider than Likelihood)."""
        section = self.doc.sections[0]
        usable = section.page_width - section.left_margin - section.right_margin
        longest_text = [0] * width
        longest_word = [0] * width
        for row in rows:
            for c, inline in enumerate(row):
                text = md_tokens.inline_text(inline)
                longest_text[c] = max(longest_text[c], min(len(text), 40))
                longest_word[c] = max(longest_word[c], max((len(w) for w in text.split()), default=0))
        weights = [
            max(word * 2.5 + 5, text) for word, text in zip(longest_word, longest_text)
        ]  # no word broken mid-way
        total = sum(weights)
        table.autofit = False
        grid = table._tbl.tblGrid
        for c, col in enumerate(grid.findall(qn("w:gridCol"))):
            col.set(qn("w:w"), str(int(usable * weights[c] / total / 635)))  # EMU -> twentieths of a point
        for docx_row in table.rows:
            for c, cell in enumerate(docx_row.cells):
                cell.width = int(usable * weights[c] / total)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _footer_page_numbers(document) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.text = ""
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def _header(document, ctx: PlanContext) -> None:
    """Client and project on every page, as a consultancy deliverable carries them."""
    paragraph = document.sections[0].header.paragraphs[0]
    paragraph.text = ""
    run = paragraph.add_run(f"{ctx.project.client_name} \u00b7 {ctx.project.project_name} \u00b7 Implementation Plan")
    run.font.size = Pt(8)
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _properties(document, ctx: PlanContext, plan_date: date) -> None:
    when = datetime(plan_date.year, plan_date.month, plan_date.day)
    props = Capped(document.core_properties)  # python-docx refuses properties over 255 characters
    props.title = f"Implementation Plan: {ctx.project.project_name}"
    props.subject = ctx.project.client_name
    props.author = "planforge"
    props.last_modified_by = "planforge"
    props.keywords = ", ".join(("implementation plan", ctx.project.project_id, *ctx.types))
    props.category = "Implementation plan"
    props.comments = f"Client: {ctx.project.client_name}; plan date {plan_date.isoformat()}"
    props.identifier = ctx.project.project_id
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps and a fixed entry order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, _FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
