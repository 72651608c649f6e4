"""Word plans from the rendered Markdown: markdown-it tokens fed to python-docx.

The document reads as a deliverable: a cover page (firm, logo, client, project, version, date), a
document-control page (version history and an approval block with signature lines), a table of
contents, then the plan with real Heading 1-3 styles (kept with their next paragraph), tables with
repeating header rows at 9.5 pt, checklists and single tick markers. A DRAFT watermark stays while
the plan has TBDs or no approval is recorded (Projects > Approved By and Approval Date).

Styles: the house style set (``docx_styles``: Liberation fonts, which LibreOffice has wherever it
converts, so the PDF uses no fallback font) unless ``WriteOptions.reference_docx`` supplies the
firm's; the reference's body is dropped and its styles win. The zip is rewritten with fixed
timestamps, so the same input and date give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import docx
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.section import _Footer, _Header
from docx.shared import Cm, Length, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.token import Token

from planforge.context.plan import PlanContext
from planforge.core.errors import UsageError
from planforge.core.images import Logo
from planforge.core.names import DOCUMENT_FILE, PLAN_FILE
from planforge.derive.completeness import Tbd
from planforge.formats import docx_reference, docx_styles, md_tokens
from planforge.formats.options import WriteOptions, logo
from planforge.formats.text import Capped

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TABLE_FONT_SIZE = Pt(9.5)
ACCENT = RGBColor(0x1F, 0x38, 0x64)
MUTED = RGBColor(0x59, 0x59, 0x59)
TICK_GREEN = RGBColor(0x2E, 0x7D, 0x32)
#: Characters the body font lacks; they are set in docx_styles.SYMBOL_FONT so no converter substitutes one.
SYMBOLS = frozenset("☐☑✓✗−")
_W = nsdecls("w")
_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/>'
    '<v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
    '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject{n}" o:spid="_x0000_s20{n}5" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:146pt;rotation:315;'
    "z-index:-251655168;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
    'fillcolor="#D9D9D9" stroked="f"><v:fill opacity=".5"/>'
    '<v:textpath on="t" fitshape="t" style="font-family:&quot;{font}&quot;;font-size:1pt" string="DRAFT"/></v:shape></w:pict></w:r>'
)


def check_reference(path: Path) -> None:
    """Raise UsageError naming ``reference_docx`` unless ``path`` passes the reference checks
    (``docx_reference``) and then opens as a Word document."""
    try:
        docx.Document(io.BytesIO(_reference_package(path)))
    except UsageError:
        raise
    except Exception as e:
        raise UsageError(
            f"reference_docx {path} is not a readable Word document: {e}", parameter="reference_docx"
        ) from e


def _reference_package(path: Path) -> bytes:
    """The reference as python-docx may open it: read under the caps (never opened directly) and
    cut down to what a client document may carry (``docx_reference.clean``)."""
    return docx_reference.package(docx_reference.clean(docx_reference.read_reference(path)))


@lru_cache(maxsize=4)
def _template_bytes(reference: Path | None) -> bytes:
    """The starting document (the reference, else the house styles) with its body emptied, serialised once."""
    document = docx.Document(io.BytesIO(_reference_package(reference))) if reference else docx.Document()
    if reference is None:
        docx_styles.apply(document)
    body = document.element.body
    for element in list(body):
        if element.tag != qn("w:sectPr"):
            body.remove(element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def is_draft(ctx: PlanContext, final: bool = False) -> bool:
    """A plan is a draft while it has TBDs or, unless it is the final edition (``WriteOptions.final``),
    no approval (name and date) is recorded on Projects."""
    return ctx.draft or not (final or (ctx.project.approved_by and ctx.project.approval_date))


def _approved(ctx: PlanContext) -> bool:
    return bool(ctx.project.approved_by and ctx.project.approval_date)


def author(ctx: PlanContext) -> str:
    """Who the document is from: the firm (Settings > Firm Name; ``[Firm name]`` in a draft without
    one), never the client."""
    return ctx.header.firm_name


def plan_docx(
    ctx: PlanContext,
    markdown: str,
    options: WriteOptions,
    *,
    toc_field: bool = True,
    title: str = "Implementation Plan",
    contents: bool = True,
    approval: bool = True,
) -> bytes:
    """One plan (or companion document, named by ``title``: cover, running header, properties) as a
    .docx, byte-stable for the same input and plan date.

    ``toc_field`` True writes the contents as a Word TOC field whose shown result already holds the
    entries, neither dirty nor behind ``updateFields``, so Word opens it without a prompt (the reader
    refreshes it, page numbers included, with Update Table); False writes
    the same entries as paragraphs whose page numbers are PAGEREF fields, which LibreOffice computes when
    it lays the document out (it never refreshes a TOC field), for the PDF edition. ``contents`` False
    leaves the contents out; ``approval`` False leaves the approval block out of the document control
    (a document that carries its own signatures, such as the statement of work)."""
    document = docx.Document(io.BytesIO(_template_bytes(options.reference_docx)))
    writer = _Writer(document)
    body = document.element.body
    before = len(body)
    writer.write(md_tokens.without_title_block(md_tokens.parse(markdown)))
    plan_elements = list(body)[before - 1 : -1]  # everything written, without the final sectPr
    _cover(writer, ctx, options, title)
    _document_control(writer, ctx, options, approval)
    if contents:
        _contents(writer, toc_field)
    front = list(body)[before - 1 + len(plan_elements) : -1]
    for element in front:  # front matter goes before the plan it describes
        body.remove(element)
    for i, element in enumerate(front):
        body.insert(i, element)
    _page_setup(document, ctx, title, logo(ctx, options))
    if is_draft(ctx, options.final):
        _watermark(document, writer.font)
    _properties(document, ctx, options.plan_date, title, options.final)
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


@dataclass(frozen=True)
class _TocEntry:
    level: int
    text: str
    bookmark: str


class _Writer:
    def __init__(self, document: Document) -> None:
        self.doc = document
        self.styles = {s.name: s.style_id for s in document.styles if s.type == 1}  # paragraph styles
        self.table_styles = {s.name for s in document.styles if s.type == 3}
        self.lists: list[dict[str, int]] = []  # stack of {"ordered": bool, "n": int}
        self.item_prefix = ""
        self.toc: list[_TocEntry] = []
        normal = document.styles["Normal"].font.name if "Normal" in self.styles else None
        self.font = normal or docx_styles.BODY_FONT

    def style(self, *names: str) -> str | None:
        return next((n for n in names if n in self.styles), None)

    def add(self, style: str | None, container: BlockItemContainer | None = None) -> Paragraph:
        """A new paragraph with ``style`` set by id (python-docx's by-name lookup is slow)."""
        paragraph = (container or self.doc).add_paragraph()
        if style and style != "Normal":
            paragraph._p.style = self.styles[style]
        return paragraph

    def text(
        self,
        paragraph: Paragraph | _Link,
        text: str,
        *,
        bold: bool | None = None,
        italic: bool | None = None,
        size: Length | None = None,
        color: RGBColor | None = None,
        font: str | None = None,
    ) -> None:
        """Runs of ``text``; characters the body font lacks go in the symbol font, so nothing is substituted."""
        start = 0
        runs = []
        for i, ch in enumerate(text):  # one pass: linear in the text
            if ch in SYMBOLS:
                if i > start:
                    runs.append((text[start:i], font))
                runs.append((ch, docx_styles.SYMBOL_FONT))
                start = i + 1
        if start < len(text):
            runs.append((text[start:], font))
        for chunk, face in runs:
            run = paragraph.add_run(chunk)
            run.bold, run.italic = bold, italic
            if size is not None:
                run.font.size = size
            if color is not None:
                run.font.color.rgb = color
            if face:
                run.font.name = face
                run._r.rPr.rFonts.set(qn("w:cs"), face)  # type: ignore[union-attr]  # font.name made rPr/rFonts
                run._r.rPr.rFonts.set(qn("w:eastAsia"), face)  # type: ignore[union-attr]

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
                elif tok.meta.get("check"):
                    self.item_prefix = md_tokens.CHECK + " "
                elif level["ordered"]:
                    self.item_prefix = f"{level['n']}. "
                    level["n"] += 1
                else:
                    self.item_prefix = ""
            elif tok.type == "inline":
                self.paragraph(tok, tokens[i + 2] if i + 2 < len(tokens) else None)
            elif tok.type in ("html_block", "code_block", "fence"):
                self.text(self.add(None), tok.content.strip())
            i += 1

    def heading(self, level: int, inline: Token) -> None:
        """Markdown ``##`` is Heading 1 (``#`` is the title); levels 1-2 are bookmarked for the contents."""
        text = md_tokens.inline_text(inline)
        style = self.style("Title") if level == 1 else self.style(f"Heading {min(level - 1, 9)}")
        paragraph = self.add(style)
        paragraph.paragraph_format.keep_with_next = True
        if level in (2, 3):
            self.bookmarked(paragraph, text, level - 1)
        else:
            self.text(paragraph, text, bold=True if style is None else None)

    def bookmarked(self, paragraph: Paragraph, text: str, level: int) -> None:
        n = len(self.toc) + 1
        name = f"_Toc{n:06d}"
        paragraph._p.append(parse_xml(f'<w:bookmarkStart {_W} w:id="{n}" w:name="{name}"/>'))
        self.text(paragraph, text)
        paragraph._p.append(parse_xml(f'<w:bookmarkEnd {_W} w:id="{n}"/>'))
        self.toc.append(_TocEntry(level, text, name))

    def paragraph(self, inline: Token, after: Token | None) -> None:
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
                color = TICK_GREEN if self.item_prefix.startswith(md_tokens.CHECK) else ACCENT
                self.text(paragraph, self.item_prefix, color=None if self.item_prefix[0].isdigit() else color)
            self.item_prefix = ""
        else:
            paragraph = self.add(None)
            if after is not None and after.type in ("bullet_list_open", "ordered_list_open", "table_open"):
                paragraph.paragraph_format.keep_with_next = True  # "Tasks:" stays with its list
            elif md_tokens.inline_text(inline).rstrip().endswith(":"):
                paragraph.paragraph_format.keep_with_next = True
        self.runs(paragraph, inline)

    def runs(self, paragraph: Paragraph, inline: Token, size: Length | None = None) -> None:
        bold = italic = False
        target: Paragraph | _Link = paragraph  # runs go into a hyperlink while inside a link to a sibling document
        for child in inline.children or ():
            kind = child.type
            if kind == "link_open":
                target = _hyperlink(paragraph, str(child.attrGet("href") or ""))
                continue
            if kind == "link_close":
                target = paragraph
                continue
            if kind == "strong_open":
                bold = True
            elif kind == "strong_close":
                bold = False
            elif kind == "em_open":
                italic = True
            elif kind == "em_close":
                italic = False
            elif kind in ("text", "code_inline") and child.content:
                font = docx_styles.MONO_FONT if kind == "code_inline" else None
                self.text(target, child.content, bold=bold or None, italic=italic or None, size=size, font=font)
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
        table = self.new_table(len(rows), width)
        for r, (row, docx_row) in enumerate(zip(rows, table.rows)):
            cells = docx_row.cells  # table.cell(r, c) recomputes the grid on every call
            for c, inline in enumerate(row):
                paragraph = cells[c].paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                self.runs(paragraph, inline, size=TABLE_FONT_SIZE)
                if r == 0:
                    for run in paragraph.runs:
                        run.bold = True
        self.header_row(table)
        self._widths(table, [[md_tokens.inline_text(t) for t in row] for row in rows], width)
        self.add(None).paragraph_format.space_after = Pt(2)
        return i + 1

    def new_table(self, n_rows: int, n_cols: int) -> Table:
        table: Table = self.doc.add_table(rows=n_rows, cols=n_cols)
        style = next((n for n in ("Plan Table", "Table Grid", "Light Grid Accent 1") if n in self.table_styles), None)
        if style:
            table.style = self.doc.styles[style]
        for row in table.rows:  # a row never splits across pages
            row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {_W} w:val="true"/>'))
        return table

    def header_row(self, table: Table) -> None:
        _repeat_header(table.rows[0])
        for cell in table.rows[0].cells:
            _shade(cell, "D9E1F2")
            cell.paragraphs[0].paragraph_format.keep_with_next = True

    def _widths(self, table: Table, rows: list[list[str]], width: int, weights: list[float] | None = None) -> None:
        """Columns as wide as their text needs (a Risk column is wider than Likelihood), none below 2 cm."""
        section = self.doc.sections[0]
        usable = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]  # set in every template
        if weights is None:
            weights = column_weights(rows, int(usable / 12700 / TABLE_CHAR_PT))
        total = sum(weights)
        table.autofit = False
        grid = table._tbl.tblGrid
        for c, col in enumerate(grid.findall(qn("w:gridCol"))):
            col.set(qn("w:w"), str(int(usable * weights[c] / total / 635)))  # EMU -> twentieths of a point
        for docx_row in table.rows:
            for c, cell in enumerate(docx_row.cells):
                cell.width = int(usable * weights[c] / total)


TABLE_CHAR_PT = 5.4  # the average width of a 9.5 pt Liberation Sans character, bold headers included


def column_weights(rows: list[list[str]], line: int) -> list[float]:
    """Column widths in characters for a table ``line`` characters wide: every column gets its longest
    word (no word broken mid-way, "Medium" never becomes "Mediu/m"); what is left goes to the columns
    whose text still wraps, in proportion to how much more they need (capped at 60 characters)."""
    width = max(len(r) for r in rows)
    need = [2.0] * width
    want = [2.0] * width
    for row in rows:
        for c, text in enumerate(row):
            need[c] = max(need[c], max((len(w) for w in text.split()), default=0) + 3.5)  # + cell margins
            want[c] = max(want[c], min(len(text), 60) + 3.5)
    spare = line - sum(need)
    extra = [max(w - n, 0.0) for w, n in zip(want, need)]
    if spare <= 0 or not sum(extra):
        return need
    share = min(1.0, spare / sum(extra))
    widths = [n + e * share for n, e in zip(need, extra)]
    return widths


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _shown(value: object) -> str:
    return "" if value is None or isinstance(value, Tbd) else str(value)


def _cover(writer: _Writer, ctx: PlanContext, options: WriteOptions, name: str) -> None:
    """The cover page: firm (logo, name), title, project, client and the document's identity."""
    h = ctx.header
    image = logo(ctx, options)
    if image is not None:
        writer.add(None).add_run().add_picture(io.BytesIO(image.data), height=Cm(1.8))
    writer.text(writer.add(None), h.firm_name, bold=True, size=Pt(13), color=ACCENT)
    if h.firm_details:
        writer.text(writer.add(None), h.firm_details, size=Pt(9.5), color=MUTED)
    spacer = writer.add(None)
    spacer.paragraph_format.space_before = Pt(110)
    title = writer.add(writer.style("Title"))
    writer.text(title, name)
    writer.text(writer.add(writer.style("Subtitle")), h.project_name, size=Pt(18), color=ACCENT)
    systems = h.integration or f"{h.system_a} \u2194 {h.system_b}"
    writer.text(writer.add(None), f"{systems} integration", size=Pt(13), color=MUTED)
    prepared = writer.add(None)
    prepared.paragraph_format.space_before = Pt(36)
    writer.text(prepared, "Prepared for ", size=Pt(12), color=MUTED)
    writer.text(prepared, h.client_name, bold=True, size=Pt(12))
    facts = cover_facts(ctx, options.final)
    gap = writer.add(None)
    gap.paragraph_format.space_before = Pt(40)
    table = writer.doc.add_table(rows=len(facts), cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for (label, value), row in zip(facts, table.rows):
        writer.text(row.cells[0].paragraphs[0], label, size=Pt(10.5), color=MUTED)
        writer.text(row.cells[1].paragraphs[0], value, size=Pt(10.5), bold=True)
    writer._widths(table, [], 2, weights=[1, 3])
    writer.add(None).add_run().add_break(WD_BREAK.PAGE)


def cover_facts(ctx: PlanContext, final: bool) -> list[tuple[str, str]]:
    """The cover's identity of a document, as label and value, for the Word and PDF editions."""
    h = ctx.header
    return [
        ("Project ID", h.project_id),
        ("Version", ctx.references.version),
        ("Date", _day(ctx.plan_date)),
        ("Status", f"{h.status}, {_edition(ctx, final)}"),
        ("Prepared by", author(ctx)),
    ]


def history_rows(ctx: PlanContext, plan_date: date, final: bool) -> list[tuple[str, str, str, str]]:
    """The version history's rows (version, date, author, description), for the Word and PDF editions:
    each version issued before (``References.history``), then this one, whose description says what
    it changed and whether it is a draft."""
    draft = is_draft(ctx, final)
    status = (
        "Draft for review" if draft else f"Approved by {ctx.project.approved_by}" if _approved(ctx) else "Final edition"
    )
    owner = _shown(ctx.references.owner)
    by = f"{owner}, {author(ctx)}" if owner else author(ctx)
    changes = ctx.references.changes
    description = f"{changes}; {status[0].lower()}{status[1:]}" if changes else status
    earlier = [(r.version, _day(r.issued), by, r.summary) for r in ctx.references.history]
    return [*earlier, (ctx.references.version, _day(plan_date), by, description)]


def _edition(ctx: PlanContext, final: bool) -> str:
    """The cover's status: a draft, approved (Projects > Approved By and Approval Date), or the final
    edition (``generate --final``) before any approval is recorded."""
    if is_draft(ctx, final):
        return "draft for review"
    return "approved" if _approved(ctx) else "final edition"


def _document_control(writer: _Writer, ctx: PlanContext, options: WriteOptions, with_approval: bool = True) -> None:
    """Version history and (``with_approval``) the approval block: names and dates from the intake, blank lines to sign."""
    plan_date = options.plan_date
    heading = writer.add(writer.style("Heading 1"))
    heading.paragraph_format.keep_with_next = True
    writer.bookmarked(heading, "Document Control", 1)
    writer.toc.insert(0, writer.toc.pop())
    writer.text(writer.add(writer.style("Heading 3")), "Version history")
    rows = history_rows(ctx, plan_date, options.final)
    history = writer.new_table(len(rows) + 1, 4)
    for cell, text in zip(history.rows[0].cells, ("Version", "Date", "Author", "Description")):
        writer.text(cell.paragraphs[0], text, bold=True, size=TABLE_FONT_SIZE)
    for values, row in zip(rows, history.rows[1:]):
        for cell, text in zip(row.cells, values):
            writer.text(cell.paragraphs[0], text, size=TABLE_FONT_SIZE)
    writer.header_row(history)
    writer._widths(history, [], 4, weights=[1, 1.4, 2.2, 3.4])
    writer.add(None)
    if not with_approval:
        return
    writer.text(writer.add(writer.style("Heading 3")), "Approval")
    p = ctx.project
    rows = [
        (f"Prepared by {author(ctx)}", _shown(ctx.references.owner), "", _day(plan_date)),
        (
            f"Approved for {ctx.header.client_name}",
            p.approved_by or "",
            "",
            _day(p.approval_date) if p.approval_date else "",
        ),
    ]
    approval = writer.new_table(len(rows) + 1, 4)
    for cell, text in zip(approval.rows[0].cells, ("Role", "Name", "Signature", "Date")):
        writer.text(cell.paragraphs[0], text, bold=True, size=TABLE_FONT_SIZE)
    for values, row in zip(rows, approval.rows[1:]):
        row.height = Cm(1.3)  # room to sign
        for cell, text in zip(row.cells, values):
            writer.text(cell.paragraphs[0], text, size=TABLE_FONT_SIZE)
    writer.header_row(approval)
    writer._widths(approval, [], 4, weights=[2.2, 2.4, 2.6, 1.4])
    writer.add(None)


def _contents(writer: _Writer, toc_field: bool) -> None:
    """The table of contents: a Word TOC field (its entries pre-filled, refreshed only when asked)
    or, for the PDF edition, the same entries with PAGEREF page numbers LibreOffice fills in."""
    writer.add(None).add_run().add_break(WD_BREAK.PAGE)
    label = writer.add(writer.style("TOC Heading", "Heading 3"))
    writer.text(label, "Contents")
    section = writer.doc.sections[0]
    right = int((section.page_width - section.left_margin - section.right_margin) / 635)  # type: ignore[operator]
    entries = writer.toc
    for i, entry in enumerate(entries):
        style = writer.style(f"TOC {entry.level}", f"toc {entry.level}")
        paragraph = writer.add(style)
        fmt = paragraph.paragraph_format
        pPr = paragraph._p.get_or_add_pPr()
        pPr.append(parse_xml(f'<w:tabs {_W}><w:tab w:val="right" w:leader="dot" w:pos="{right}"/></w:tabs>'))
        if style is None:
            fmt.left_indent = Pt(0 if entry.level == 1 else 16)
        fmt.space_before = Pt(4 if entry.level == 1 else 0)
        fmt.space_after = Pt(0)
        if toc_field and i == 0:
            _field_char(paragraph, "begin")
            _instr(paragraph, ' TOC \\o "1-2" \\h \\z \\u ')
            _field_char(paragraph, "separate")
        writer.text(paragraph, entry.text, bold=True if entry.level == 1 else None)
        paragraph.add_run().add_tab()
        _field_char(paragraph, "begin")
        _instr(paragraph, f" PAGEREF {entry.bookmark} \\h ")
        _field_char(paragraph, "separate")
        paragraph.add_run("")
        _field_char(paragraph, "end")
        if toc_field and i == len(entries) - 1:
            _field_char(paragraph, "end")
    writer.add(None).add_run().add_break(WD_BREAK.PAGE)


def _field_char(paragraph: Paragraph, kind: str) -> None:
    paragraph._p.append(parse_xml(f'<w:r {_W}><w:fldChar w:fldCharType="{kind}"/></w:r>'))


def _instr(paragraph: Paragraph, instruction: str) -> None:
    run = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    run.append(text)
    paragraph._p.append(run)


class _Link:
    """A w:hyperlink to a sibling output file; ``add_run`` adds styled runs inside it."""

    def __init__(self, paragraph: Paragraph, href: str) -> None:
        self.paragraph = paragraph
        self.element = OxmlElement("w:hyperlink")
        rel = paragraph.part.relate_to(href, RT.HYPERLINK, is_external=True)
        self.element.set(qn("r:id"), rel)
        paragraph._p.append(self.element)

    def add_run(self, text: str) -> Run:
        run = Run(OxmlElement("w:r"), self.paragraph)
        self.element.append(run._r)
        run.text = text
        run.font.color.rgb = RGBColor(0x1F, 0x38, 0x64)
        run.font.underline = True
        return run


def _hyperlink(paragraph: Paragraph, href: str) -> _Link | Paragraph:
    """Only links to planforge's own sibling files (a plan or companion document) become
    hyperlinks; anything else stays plain text (cell text never becomes a link)."""
    if PLAN_FILE.match(href) or DOCUMENT_FILE.match(href):
        return _Link(paragraph, href)
    return paragraph


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: _Row) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _page_setup(document: Document, ctx: PlanContext, name: str, image: Logo | None) -> None:
    """Header (logo, client and project) and footer (version, page numbers) on every page but the
    cover. A reference DOCX's own header or footer with content (a letterhead's logo or text) is
    kept: its header as it is, its footer with planforge's page numbers added below."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section_width = int((section.page_width - section.left_margin - section.right_margin) / 635)  # type: ignore[operator]
    stops = f'<w:tabs {_W}><w:tab w:val="clear" w:pos="4680"/><w:tab w:val="right" w:pos="{section_width}"/></w:tabs>'
    if not _has_content(section.header):
        paragraph = section.header.paragraphs[0]
        paragraph.text = ""
        if image is not None:  # the logo at the left margin, the document's line at the right
            paragraph._p.get_or_add_pPr().append(parse_xml(stops))
            paragraph.add_run().add_picture(io.BytesIO(image.data), height=Cm(0.8))
            paragraph.add_run().add_tab()
        run = paragraph.add_run(f"{ctx.project.client_name} \u00b7 {ctx.project.project_name} \u00b7 {name}")
        run.font.size = Pt(8.5)
        run.font.color.rgb = MUTED
    kept = _has_content(section.footer)
    footer = section.footer.add_paragraph() if kept else section.footer.paragraphs[0]
    footer.text = ""
    footer._p.get_or_add_pPr().append(parse_xml(stops))  # the Footer style's centre stop cleared: page numbers go right
    left = footer.add_run(f"Version {ctx.references.version} \u00b7 {_day(ctx.plan_date)}")
    left.font.size = Pt(8.5)
    left.font.color.rgb = MUTED
    footer.add_run().add_tab()
    for part in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if part.isupper():
            _field(footer, part)
        else:
            footer.add_run(part).font.size = Pt(8.5)
    footer.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _has_content(part: _Header | _Footer) -> bool:
    """Whether a header or footer of its own (a reference DOCX's) holds text or a picture."""
    if part.is_linked_to_previous:
        return False
    element = part._element
    texts = "".join(t.text or "" for t in element.iter(qn("w:t")))
    return bool(texts.strip()) or next(element.iter(qn("w:drawing"), qn("w:pict")), None) is not None


def _watermark(document: Document, font: str) -> None:
    """A diagonal DRAFT behind the text of every page (a VML text path, as Word writes its watermarks)."""
    section = document.sections[0]
    for n, header in enumerate((section.header, section.first_page_header), start=1):
        paragraph = header.paragraphs[0]
        paragraph._p.append(parse_xml(_WATERMARK.format(n=n, font=font)))


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "17")
    props.append(size)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _properties(document: Document, ctx: PlanContext, plan_date: date, name: str, final: bool = False) -> None:
    """Properties from the firm and the plan, never from the tool that wrote them."""
    when = datetime(plan_date.year, plan_date.month, plan_date.day)
    props = Capped(document.core_properties)  # python-docx refuses properties over 255 characters
    props.title = f"{name}: {ctx.project.project_name}"
    props.subject = ctx.project.client_name
    props.author = author(ctx)
    props.last_modified_by = author(ctx)
    props.keywords = ", ".join((name.lower(), ctx.project.project_id, *ctx.types))
    props.category = name
    props.comments = f"Client: {ctx.project.client_name}; version {ctx.references.version}; {_day(plan_date)}"
    props.identifier = ctx.project.project_id
    props.version = ctx.references.version
    props.content_status = "Draft" if is_draft(ctx, final) else "Approved" if _approved(ctx) else "Final"
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
