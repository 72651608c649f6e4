"""The house style set of the Word plans, applied to python-docx's blank document when no
``--reference-docx`` is given (a firm's reference document replaces all of it).

Fonts are named explicitly, never through the theme (Calibri/Cambria, which a Linux LibreOffice
replaces with whatever it has): Liberation Sans for text (metric-compatible with Arial, which Word
is told to use where Liberation is missing), Liberation Mono for code and DejaVu Sans for the few
symbols Liberation lacks (☐ ☑ ✓). All three ship with LibreOffice's usual Linux installs, so the PDF
embeds exactly these fonts and nothing is substituted.
"""

from __future__ import annotations

from typing import Any

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.styles.styles import Styles
from lxml import etree

BODY_FONT = "Liberation Sans"
MONO_FONT = "Liberation Mono"
SYMBOL_FONT = "DejaVu Sans"
#: font -> the font Word uses where it is not installed (w:altName in the font table)
ALT_NAMES = {BODY_FONT: "Arial", MONO_FONT: "Courier New", SYMBOL_FONT: "Segoe UI Symbol"}
ACCENT = RGBColor(0x1F, 0x38, 0x64)
INK = RGBColor(0x1F, 0x29, 0x33)
_W = nsdecls("w")
_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

#: paragraph style -> (size pt, bold, colour, space before, space after)
_HEADINGS = {
    "Title": (28, True, ACCENT, 0, 6),
    "Subtitle": (18, False, ACCENT, 0, 6),
    "Heading 1": (15, True, ACCENT, 18, 6),
    "Heading 2": (12.5, True, ACCENT, 14, 4),
    "Heading 3": (11, True, INK, 10, 3),
    "TOC Heading": (15, True, ACCENT, 0, 8),
}


def apply(document: Document) -> None:
    """Give ``document`` the house styles: explicit fonts, readable sizes, headings kept with their text."""
    styles = document.styles
    _explicit_fonts(styles.element)
    normal = styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    fmt = normal.paragraph_format
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15
    fmt.widow_control = True
    for name, (size, bold, colour, before, after) in _HEADINGS.items():
        style = styles[name]
        style.font.name = BODY_FONT
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = colour
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.keep_with_next = True
        _no_border(style)
    styles["List Bullet"].paragraph_format.space_after = Pt(3)
    for level, (indent, after) in enumerate(((0, 4), (0.6, 2)), start=1):
        toc = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(indent)
        toc.paragraph_format.space_after = Pt(after)
        toc.font.bold = level == 1
    _table_style(styles)
    _bullets(document)
    _font_table(document)


def _bullets(document: Document) -> None:
    """List bullets as a plain "•" in the body font (the blank document's Symbol-font private-use glyph
    makes LibreOffice embed OpenSymbol)."""
    numbering = document.part.numbering_part.element
    for level in numbering.iter(qn("w:lvl")):
        fmt = level.find(qn("w:numFmt"))
        if fmt is None or fmt.get(qn("w:val")) != "bullet":
            continue
        level.find(qn("w:lvlText")).set(qn("w:val"), "\u2022")
        for fonts in level.iter(qn("w:rFonts")):
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), BODY_FONT)
            fonts.attrib.pop(qn("w:hint"), None)


def _explicit_fonts(styles_element: Any) -> None:
    """Every run font in the style part named outright (the document defaults included)."""
    for fonts in styles_element.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), BODY_FONT)
    defaults = styles_element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if rpr is not None and rpr.find(qn("w:rFonts")) is None:
        rpr.insert(0, parse_xml(f'<w:rFonts {_W} w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:cs="{BODY_FONT}"/>'))


def _no_border(style: BaseStyle) -> None:
    """python-docx's Title has a bottom border and wide letter spacing; the house title has neither."""
    ppr = style.element.pPr
    if ppr is not None:
        border = ppr.find(qn("w:pBdr"))
        if border is not None:
            ppr.remove(border)
    rpr = style.element.rPr
    if rpr is not None:
        for tag in ("w:spacing", "w:kern"):
            found = rpr.find(qn(tag))
            if found is not None:
                rpr.remove(found)


def _table_style(styles: Styles) -> None:
    """Plan Table: thin grey rules, cells padded, text at table size."""
    style = styles.add_style("Plan Table", WD_STYLE_TYPE.TABLE)  # type: ignore[no-untyped-call]  # python-docx leaves add_style untyped
    style.base_style = styles["Normal Table"]
    style.font.size = Pt(9.5)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    style.element.append(
        parse_xml(
            f"<w:tblPr {_W}><w:tblBorders>{border}</w:tblBorders><w:tblCellMar>"
            '<w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
            "</w:tblCellMar></w:tblPr>"
        )
    )


def _font_table(document: Document) -> None:
    """Declare the fonts with the Windows font Word should use where they are not installed."""
    part = next((r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE), None)
    if part is None:
        return
    table = etree.fromstring(part.blob)
    for name, alt in ALT_NAMES.items():
        table.append(parse_xml(f'<w:font {_W} w:name="{name}"><w:altName w:val="{alt}"/></w:font>'))
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
