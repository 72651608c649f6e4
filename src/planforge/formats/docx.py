"""Word plans from the rendered Markdown: markdown-it tokens written as WordprocessingML.

The document reads as a deliverable: a cover page (firm, logo, client, project, version, date), a
document-control page (version history and an approval block with signature lines), a table of
contents, then the plan with real Heading 1-3 styles (kept with their next paragraph), tables with
repeating header rows at 9.5 pt, checklists and single tick markers. A DRAFT watermark stays while
the plan has TBDs or no approval is recorded (Projects > Approved By and Approval Date).

Styles: the house style set (``docx_styles``: Liberation fonts, which LibreOffice has wherever it
converts, so the PDF uses no fallback font) unless ``WriteOptions.reference_docx`` supplies the
firm's; the reference's body is dropped and its styles win. The body is written as text
(``docx_xml``) into a package whose unchanging parts are read and compressed once per run
(``docx_package``), to the byte what python-docx wrote for the same calls; the zip has fixed
timestamps, so the same input and date give the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path

from markdown_it.token import Token

from planforge.context.plan import PlanContext
from planforge.core.errors import UsageError
from planforge.core.names import DOCUMENT_FILE, PLAN_FILE
from planforge.derive.completeness import Tbd
from planforge.formats import docx_package, docx_styles, md_tokens
from planforge.formats import docx_xml as x
from planforge.formats.options import WriteOptions, logo
from planforge.formats.text import DOCX_CORE_PROPERTY_LIMIT, truncate

TABLE_FONT_SIZE = x.half_points(x.pt(9.5))
ACCENT = "1F3864"
MUTED = "595959"
TICK_GREEN = "2E7D32"
#: Characters the body font lacks; they are set in docx_styles.SYMBOL_FONT so no converter substitutes one.
SYMBOLS = frozenset("☐☑✓✗−")
_SYMBOL = x.RunStyle(font=docx_styles.SYMBOL_FONT)


def check_reference(path: Path) -> None:
    """Raise UsageError naming ``reference_docx`` unless ``path`` passes the reference checks
    (``docx_reference``) and then opens as a Word document."""
    try:
        docx_package.open_reference(path)
    except UsageError:
        raise
    except Exception as e:
        raise UsageError(
            f"reference_docx {path} is not a readable Word document: {e}", parameter="reference_docx"
        ) from e


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
    markdown: str | md_tokens.Document,
    options: WriteOptions,
    *,
    toc_field: bool = True,
    title: str = "Implementation Plan",
    contents: bool = True,
    approval: bool = True,
) -> bytes:
    """One plan (or companion document, named by ``title``: cover, running header, properties; its
    Markdown or its parse) as a .docx, byte-stable for the same input and plan date.

    ``toc_field`` True writes the contents as a Word TOC field whose shown result already holds the
    entries, neither dirty nor behind ``updateFields``, so Word opens it without a prompt (the reader
    refreshes it, page numbers included, with Update Table); False writes
    the same entries as paragraphs whose page numbers are PAGEREF fields, which LibreOffice computes when
    it lays the document out (it never refreshes a TOC field), for the PDF edition. ``contents`` False
    leaves the contents out; ``approval`` False leaves the approval block out of the document control
    (a document that carries its own signatures, such as the statement of work)."""
    template = docx_package.template(options.reference_docx)
    package = docx_package.Package(template)
    writer = _Writer(template, package)
    writer.write(md_tokens.without_title_block(md_tokens.document(markdown).tokens))
    plan = writer.out
    writer.out = []  # front matter goes before the plan it describes
    _cover(writer, ctx, options, title)
    _document_control(writer, ctx, options, approval)
    if contents:
        _contents(writer, toc_field)
    body = "".join(writer.out) + "".join(plan)
    page = docx_package.PageSetup(
        header=running_header(ctx, title),
        footer=running_footer(ctx),
        logo=logo(ctx, options),
        muted=MUTED,
        watermark=template.font if is_draft(ctx, options.final) else None,
    )
    return package.write(body, page, _properties(ctx, options.plan_date, title, options.final))


@dataclass(frozen=True)
class _TocEntry:
    level: int
    text: str
    bookmark: str


@dataclass
class _Paragraph:
    """A ``w:p`` being written: its properties as python-docx would set them, and its children
    (runs as text; a hyperlink as the list of its runs, which may still grow after later runs)."""

    style: str | None = None
    keep_next: bool = False
    tabs: str = ""
    spacing: dict[str, int] = field(default_factory=dict)  # attribute -> twips, in the order first set
    indent: dict[str, int] = field(default_factory=dict)
    children: list[str | list[str]] = field(default_factory=list)

    def xml(self) -> str:
        props = []
        if self.style is not None:
            props.append(f'<w:pStyle w:val="{x.attr(self.style)}"/>')
        if self.keep_next:
            props.append("<w:keepNext/>")
        props.append(self.tabs)
        if self.spacing:
            props.append("<w:spacing" + "".join(f' w:{k}="{v}"' for k, v in self.spacing.items()) + "/>")
        if self.indent:
            props.append("<w:ind" + "".join(f' w:{k}="{v}"' for k, v in self.indent.items()) + "/>")
        inner = "".join(props)
        head = f"<w:pPr>{inner}</w:pPr>" if inner else ""
        if not head and not self.children:
            return "<w:p/>"
        return f"<w:p>{head}{''.join(c if isinstance(c, str) else _join_link(c) for c in self.children)}</w:p>"


def _join_link(runs: list[str]) -> str:
    rid, *inner = runs
    return f"<w:hyperlink {rid}/>" if not inner else f"<w:hyperlink {rid}>{''.join(inner)}</w:hyperlink>"


class _Writer:
    def __init__(self, template: docx_package.Template, package: docx_package.Package) -> None:
        self.template = template
        self.package = package
        self.styles = template.paragraph_styles
        self.out: list[str] = []  # body elements, serialised
        self.lists: list[dict[str, int]] = []  # stack of {"ordered": bool, "n": int}
        self.item_prefix = ""
        self.toc: list[_TocEntry] = []
        self.font = template.font
        self.r = template.prefixes["r"]

    def style(self, *names: str) -> str | None:
        return next((n for n in names if n in self.styles), None)

    def add(self, style: str | None) -> _Paragraph:
        """A new paragraph with ``style`` set by id."""
        return _Paragraph(style=self.styles[style] if style and style != "Normal" else None)

    def emit(self, paragraph: _Paragraph) -> None:
        self.out.append(paragraph.xml())

    def text(
        self,
        paragraph: _Paragraph | list[str],
        text: str,
        *,
        bold: bool | None = None,
        italic: bool | None = None,
        size: int | None = None,
        color: str | None = None,
        font: str | None = None,
        link: bool = False,
    ) -> None:
        """Runs of ``text`` (``add_text``); ``paragraph`` a hyperlink's runs (``link``)."""
        target = paragraph if isinstance(paragraph, list) else paragraph.children
        add_text(target, text, bold=bold, italic=italic, size=size, color=color, font=font, link=link)

    def write(self, tokens: Sequence[Token]) -> None:
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
                paragraph = self.add(None)
                self.text(paragraph, tok.content.strip())
                self.emit(paragraph)
            i += 1

    def heading(self, level: int, inline: Token) -> None:
        """Markdown ``##`` is Heading 1 (``#`` is the title); levels 1-2 are bookmarked for the contents."""
        text = md_tokens.inline_text(inline)
        style = self.style("Title") if level == 1 else self.style(f"Heading {min(level - 1, 9)}")
        paragraph = self.add(style)
        paragraph.keep_next = True
        if level in (2, 3):
            self.bookmarked(paragraph, text, level - 1)
        else:
            self.text(paragraph, text, bold=True if style is None else None)
        self.emit(paragraph)

    def bookmarked(self, paragraph: _Paragraph, text: str, level: int) -> None:
        n = len(self.toc) + 1
        name = f"_Toc{n:06d}"
        paragraph.children.append(f'<w:bookmarkStart w:id="{n}" w:name="{name}"/>')
        self.text(paragraph, text)
        paragraph.children.append(f'<w:bookmarkEnd w:id="{n}"/>')
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
                paragraph.indent = {"left": x.twips(x.pt(18 * len(self.lists))), "hanging": x.twips(x.pt(14))}
            if self.item_prefix:
                color = TICK_GREEN if self.item_prefix.startswith(md_tokens.CHECK) else ACCENT
                self.text(paragraph, self.item_prefix, color=None if self.item_prefix[0].isdigit() else color)
            self.item_prefix = ""
        else:
            paragraph = self.add(None)
            if after is not None and after.type in ("bullet_list_open", "ordered_list_open", "table_open"):
                paragraph.keep_next = True  # "Tasks:" stays with its list
            elif md_tokens.inline_text(inline).rstrip().endswith(":"):
                paragraph.keep_next = True
        self.runs(paragraph, inline)
        self.emit(paragraph)

    def runs(self, paragraph: _Paragraph, inline: Token, size: int | None = None, header: bool = False) -> None:
        """The inline's runs (``inline_runs``): made once per run for a sentence the run has seen,
        unless it holds a link, whose relationship is this package's."""
        made = md_tokens.memoised(
            inline, (inline_runs, size, header), partial(_unlinked_runs, size=size, header=header)
        )
        if made is None:
            inline_runs(paragraph.children, inline, size, header, self.hyperlink)
        else:
            paragraph.children += made

    def hyperlink(self, href: str) -> list[str] | None:
        """A hyperlink's runs, its relationship id first: only links to planforge's own sibling
        files (a plan or companion document) become hyperlinks; anything else stays plain text
        (None: cell text never becomes a link)."""
        if not (PLAN_FILE.match(href) or DOCUMENT_FILE.match(href)):
            return None
        return [f'{self.r}:id="{self.package.hyperlink(href)}"']

    def table(self, tokens: Sequence[Token], start: int) -> int:
        rows: list[list[Token]] = []
        i = start
        while tokens[i].type != "table_close":
            if tokens[i].type == "tr_open":
                rows.append([])
            elif tokens[i].type == "inline":
                rows[-1].append(tokens[i])
            i += 1
        width = max(len(r) for r in rows)
        cells = []
        for r, row in enumerate(rows):
            line = []
            for c in range(width):
                paragraph = _Paragraph()
                if c < len(row):
                    paragraph.spacing["after"] = 0
                    self.runs(paragraph, row[c], size=TABLE_FONT_SIZE, header=r == 0)
                line.append(paragraph)
            cells.append(line)
        texts = [[md_tokens.inline_text(t) for t in row] for row in rows]
        self.out.append(self.grid(cells, self.weights(texts), styled=True, header=True))
        self.out.append('<w:p><w:pPr><w:spacing w:after="40"/></w:pPr></w:p>')
        return i + 1

    def weights(self, rows: list[list[str]]) -> list[float]:
        return column_weights(rows, int(self.template.usable / 12700 / TABLE_CHAR_PT))

    def grid(
        self,
        cells: list[list[_Paragraph]],
        weights: list[float],
        *,
        styled: bool,
        header: bool,
        heights: list[int | None] | None = None,
        align_left: bool = False,
    ) -> str:
        """A table as python-docx's ``add_table`` then the writer's styling left it: fixed column widths
        and, ``styled``, the table style with rows that never split; ``header``, the first row repeated
        and shaded; ``heights`` rows' heights in twips (room to sign)."""
        usable = self.template.usable
        total = sum(weights)
        emus = [int(usable * w / total) for w in weights]
        props = []
        if styled and self.template.table_style is not None:
            props.append(f'<w:tblStyle w:val="{x.attr(self.template.table_style)}"/>')
        props.append('<w:tblW w:type="auto" w:w="0"/>')
        if align_left:
            props.append('<w:jc w:val="left"/>')
        props.append('<w:tblLayout w:type="fixed"/>')
        props.append(
            '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
            'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
        )
        grid = "".join(f'<w:gridCol w:w="{int(usable * w / total / 635)}"/>' for w in weights)
        parts = [f"<w:tbl><w:tblPr>{''.join(props)}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>"]
        for r, row in enumerate(cells):
            first = header and r == 0
            row_props = []
            if styled:
                row_props.append('<w:cantSplit w:val="true"/>')
            height = heights[r] if heights else None
            if height is not None:
                row_props.append(f'<w:trHeight w:val="{height}"/>')
            if first:
                row_props.append('<w:tblHeader w:val="true"/>')
            parts.append(f"<w:tr><w:trPr>{''.join(row_props)}</w:trPr>" if row_props else "<w:tr>")
            for c, paragraph in enumerate(row):
                shade = '<w:shd w:val="clear" w:color="auto" w:fill="D9E1F2"/>' if first else ""
                if first:
                    paragraph.keep_next = True
                width = f'<w:tcW w:type="dxa" w:w="{x.twips(emus[c])}"/>'
                parts.append(f"<w:tc><w:tcPr>{width}{shade}</w:tcPr>{paragraph.xml()}</w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return "".join(parts)


def add_text(
    target: list[str] | list[str | list[str]],
    text: str,
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    size: int | None = None,
    color: str | None = None,
    font: str | None = None,
    link: bool = False,
) -> None:
    """Runs of ``text`` appended to ``target``; characters the body font lacks go in the symbol font,
    so nothing is substituted. ``link``: a hyperlink's runs, underlined in the accent colour."""
    if not text:
        return
    base = x.RunStyle(
        font=font,
        bold=bool(bold),
        italic=bool(italic),
        color=ACCENT if link else color,
        size=size,
        underline=link,
    )
    if not SYMBOLS.intersection(text):
        target.append(x.run(text, base))
        return
    symbol = x.RunStyle(
        font=docx_styles.SYMBOL_FONT,
        bold=base.bold,
        italic=base.italic,
        color=base.color,
        size=size,
        underline=link,
    )
    start = 0
    for i, ch in enumerate(text):  # one pass: linear in the text
        if ch in SYMBOLS:
            if i > start:
                target.append(x.run(text[start:i], base))
            target.append(x.run(ch, symbol))
            start = i + 1
    if start < len(text):
        target.append(x.run(text[start:], base))


def _unlinked_runs(inline: Token, *, size: int | None, header: bool) -> tuple[str, ...] | None:
    """An inline token's runs when it holds no link (they are the same in every document), else None."""
    if any(child.type == "link_open" for child in inline.children or ()):
        return None
    out: list[str | list[str]] = []
    inline_runs(out, inline, size, header, _no_hyperlink)
    return tuple(r for r in out if isinstance(r, str))


def _no_hyperlink(href: str) -> list[str] | None:
    raise AssertionError(f"a link to {href} where none was seen")


def inline_runs(
    out: list[str | list[str]],
    inline: Token,
    size: int | None,
    header: bool,
    hyperlink: Callable[[str], list[str] | None],
) -> None:
    """The inline's runs appended to ``out``; ``header`` (a table's first row) bolds every run outside
    a link, as python-docx's ``paragraph.runs`` (direct runs only) were bolded. A link's runs go in
    the list ``hyperlink(href)`` gives (appended to ``out``), or, for None, plainly in ``out``."""
    bold = italic = False
    link: list[str] | None = None  # runs go into a hyperlink while inside a link to a sibling document
    for child in inline.children or ():
        kind = child.type
        if kind == "link_open":
            link = hyperlink(str(child.attrGet("href") or ""))
            if link is not None:
                out.append(link)
            continue
        if kind == "link_close":
            link = None
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
            if link is not None:
                add_text(link, child.content, bold=bold or None, italic=italic or None, size=size, font=font, link=True)
            else:
                add_text(out, child.content, bold=bold or header or None, italic=italic or None, size=size, font=font)
        elif kind == "softbreak":
            out.append(x.plain_run(" ", bold=header))
        elif kind in ("hardbreak", "html_inline"):
            out.append(x.line_break(bold=header))


def _cell(writer: _Writer, text: str, **style: object) -> _Paragraph:
    paragraph = _Paragraph()
    writer.text(paragraph, text, **style)  # type: ignore[arg-type]
    return paragraph


def _cover(writer: _Writer, ctx: PlanContext, options: WriteOptions, name: str) -> None:
    """The cover page: firm (logo, name), title, project, client and the document's identity."""
    h = ctx.header
    image = logo(ctx, options)
    if image is not None:
        inline = writer.package.body_picture(image, x.cm(1.8))
        writer.out.append(f"<w:p><w:r><w:drawing>{inline}</w:drawing></w:r></w:p>")
    line = writer.add(None)
    writer.text(line, h.firm_name, bold=True, size=x.half_points(x.pt(13)), color=ACCENT)
    writer.emit(line)
    if h.firm_details:
        line = writer.add(None)
        writer.text(line, h.firm_details, size=x.half_points(x.pt(9.5)), color=MUTED)
        writer.emit(line)
    spacer = writer.add(None)
    spacer.spacing["before"] = x.twips(x.pt(110))
    writer.emit(spacer)
    title = writer.add(writer.style("Title"))
    writer.text(title, name)
    writer.emit(title)
    subtitle = writer.add(writer.style("Subtitle"))
    writer.text(subtitle, h.project_name, size=x.half_points(x.pt(18)), color=ACCENT)
    writer.emit(subtitle)
    systems = h.integration or f"{h.system_a} \u2194 {h.system_b}"
    line = writer.add(None)
    writer.text(line, f"{systems} integration", size=x.half_points(x.pt(13)), color=MUTED)
    writer.emit(line)
    prepared = writer.add(None)
    prepared.spacing["before"] = x.twips(x.pt(36))
    writer.text(prepared, "Prepared for ", size=x.half_points(x.pt(12)), color=MUTED)
    writer.text(prepared, h.client_name, bold=True, size=x.half_points(x.pt(12)))
    writer.emit(prepared)
    facts = cover_facts(ctx, options.final)
    gap = writer.add(None)
    gap.spacing["before"] = x.twips(x.pt(40))
    writer.emit(gap)
    size = x.half_points(x.pt(10.5))
    cells = [
        [_cell(writer, label, size=size, color=MUTED), _cell(writer, value, size=size, bold=True)]
        for label, value in facts
    ]
    writer.out.append(writer.grid(cells, [1, 3], styled=False, header=False, align_left=True))
    writer.out.append(x.PAGE_BREAK)


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
    heading.keep_next = True
    writer.bookmarked(heading, "Document Control", 1)
    writer.emit(heading)
    writer.toc.insert(0, writer.toc.pop())
    label = writer.add(writer.style("Heading 3"))
    writer.text(label, "Version history")
    writer.emit(label)
    rows = history_rows(ctx, plan_date, options.final)
    cells = [[_cell(writer, t, bold=True, size=TABLE_FONT_SIZE) for t in ("Version", "Date", "Author", "Description")]]
    cells += [[_cell(writer, t, size=TABLE_FONT_SIZE) for t in values] for values in rows]
    writer.out.append(writer.grid(cells, [1, 1.4, 2.2, 3.4], styled=True, header=True))
    writer.out.append("<w:p/>")
    if not with_approval:
        return
    label = writer.add(writer.style("Heading 3"))
    writer.text(label, "Approval")
    writer.emit(label)
    approvals = approval_rows(ctx, plan_date)
    cells = [[_cell(writer, t, bold=True, size=TABLE_FONT_SIZE) for t in ("Role", "Name", "Signature", "Date")]]
    cells += [[_cell(writer, t, size=TABLE_FONT_SIZE) for t in values] for values in approvals]
    room = x.twips(x.cm(1.3))  # room to sign
    heights: list[int | None] = [None, *(room for _ in approvals)]
    writer.out.append(writer.grid(cells, [2.2, 2.4, 2.6, 1.4], styled=True, header=True, heights=heights))
    writer.out.append("<w:p/>")


def _contents(writer: _Writer, toc_field: bool) -> None:
    """The table of contents: a Word TOC field (its entries pre-filled, refreshed only when asked)
    or, for the PDF edition, the same entries with PAGEREF page numbers LibreOffice fills in."""
    writer.out.append(x.PAGE_BREAK)
    label = writer.add(writer.style("TOC Heading", "Heading 3"))
    writer.text(label, "Contents")
    writer.emit(label)
    right = int(writer.template.usable / 635)
    entries = writer.toc
    for i, entry in enumerate(entries):
        style = writer.style(f"TOC {entry.level}", f"toc {entry.level}")
        paragraph = writer.add(style)
        paragraph.tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{right}"/></w:tabs>'
        if style is None:
            paragraph.indent["left"] = x.twips(x.pt(0 if entry.level == 1 else 16))
        paragraph.spacing["before"] = x.twips(x.pt(4 if entry.level == 1 else 0))
        paragraph.spacing["after"] = 0
        runs = paragraph.children
        if toc_field and i == 0:
            runs += (x.field_char("begin"), x.instruction(' TOC \\o "1-2" \\h \\z \\u '), x.field_char("separate"))
        writer.text(paragraph, entry.text, bold=True if entry.level == 1 else None)
        runs += (x.TAB_RUN, x.field_char("begin"), x.instruction(f" PAGEREF {entry.bookmark} \\h "))
        runs += (x.field_char("separate"), x.EMPTY_RUN, x.field_char("end"))
        if toc_field and i == len(entries) - 1:
            runs.append(x.field_char("end"))
        writer.emit(paragraph)
    writer.out.append(x.PAGE_BREAK)


def _properties(ctx: PlanContext, plan_date: date, name: str, final: bool = False) -> docx_package.CoreProperties:
    """Properties from the firm and the plan, never from the tool that wrote them (each shortened to
    what Word accepts in one property)."""

    def cap(text: str) -> str:
        return truncate(text, DOCX_CORE_PROPERTY_LIMIT)

    return docx_package.CoreProperties(
        title=cap(f"{name}: {ctx.project.project_name}"),
        subject=cap(ctx.project.client_name),
        creator=cap(author(ctx)),
        last_modified_by=cap(author(ctx)),
        keywords=cap(", ".join((name.lower(), ctx.project.project_id, *ctx.types))),
        category=cap(name),
        description=cap(f"Client: {ctx.project.client_name}; version {ctx.references.version}; {_day(plan_date)}"),
        identifier=cap(ctx.project.project_id),
        version=cap(ctx.references.version),
        content_status="Draft" if is_draft(ctx, final) else "Approved" if _approved(ctx) else "Final",
        when=datetime(plan_date.year, plan_date.month, plan_date.day),
    )


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


def running_header(ctx: PlanContext, title: str) -> str:
    """The running header's text, in every paged format: client, project and document."""
    return f"{ctx.project.client_name} \u00b7 {ctx.project.project_name} \u00b7 {title}"


def running_footer(ctx: PlanContext) -> str:
    """The running footer's text beside the page number: the version and its date."""
    return f"Version {ctx.references.version} \u00b7 {_day(ctx.plan_date)}"


def approval_rows(ctx: PlanContext, plan_date: date) -> list[tuple[str, str, str, str]]:
    """The approval block's rows (role, name, signature, date), in every paged format: the firm's
    preparer, then the client's approver as Projects > Approved By and Approval Date give them."""
    p = ctx.project
    return [
        (f"Prepared by {author(ctx)}", _shown(ctx.references.owner), "", _day(plan_date)),
        (
            f"Approved for {ctx.header.client_name}",
            p.approved_by or "",
            "",
            _day(p.approval_date) if p.approval_date else "",
        ),
    ]


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def _shown(value: object) -> str:
    return "" if value is None or isinstance(value, Tbd) else str(value)
