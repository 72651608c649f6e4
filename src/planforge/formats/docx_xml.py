"""WordprocessingML written as text: runs, breaks and fields, escaped as lxml serialises them.

The Word writer emits the body of ``word/document.xml`` as one string instead of building a
python-docx tree (whose element insertion and lookups cost ten times the rest of a run). Every
helper here writes what python-docx writes for the same call, to the byte: element and attribute
order, ``xml:space="preserve"`` on text with leading or trailing whitespace (by ``str.strip``, as
python-docx decides), a tab as ``<w:tab/>`` and a line break as ``<w:br/>`` inside a run's text,
and lxml's escaping. Text lxml refuses (control characters, lone surrogates) is refused with lxml's
own error, so a cell that failed the document before still fails it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Characters an XML 1.0 document cannot hold; lxml refuses them in text and attributes.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LXML_REFUSAL = "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_RUN_BREAKS = re.compile("[\t\r\n]")


def checked(text: str) -> str:
    """``text`` unchanged, or lxml's error for it (UnicodeEncodeError for a lone surrogate,
    ValueError for a control character), raised where python-docx's tree raised it."""
    if _NOT_XML.search(text) is not None:
        text.encode("utf-8")  # a lone surrogate fails here, as in lxml
        raise ValueError(_LXML_REFUSAL)
    return text


def text(value: str) -> str:
    """Character data as lxml writes it."""
    return checked(value).translate(_TEXT_ESCAPES)


def attr(value: str) -> str:
    """An attribute value as lxml writes it (double-quoted)."""
    return checked(value).translate(_ATTR_ESCAPES)


def t(value: str) -> str:
    """One ``w:t``, preserving its space when the text starts or ends with whitespace."""
    if len(value.strip()) < len(value):
        return f'<w:t xml:space="preserve">{text(value)}</w:t>'
    return f"<w:t>{text(value)}</w:t>"


def run_content(value: str) -> str:
    """A run's inner content for ``value`` as python-docx's ``Run.text`` writes it: text in ``w:t``,
    each tab a ``w:tab`` and each CR or LF a ``w:br``."""
    if _RUN_BREAKS.search(value) is None:
        return t(value) if value else ""
    parts: list[str] = []
    start = 0
    for match in _RUN_BREAKS.finditer(value):
        if match.start() > start:
            parts.append(t(value[start : match.start()]))
        parts.append("<w:tab/>" if match.group() == "\t" else "<w:br/>")
        start = match.end()
    if start < len(value):
        parts.append(t(value[start:]))
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class RunStyle:
    """Direct run formatting, written in the schema order python-docx keeps (rFonts, b, i, color,
    sz, u); ``size`` is in half-points, ``color`` an RRGGBB string, ``font`` a face for all scripts."""

    font: str | None = None
    bold: bool = False
    italic: bool = False
    color: str | None = None
    size: int | None = None
    underline: bool = False

    def rpr(self) -> str:
        """The ``w:rPr`` (empty when nothing is set: python-docx adds it when bold/italic are assigned)."""
        return _rpr(self)


@lru_cache(maxsize=256)
def _rpr(style: RunStyle) -> str:
    """A run style's properties, written once per style and run (a plan uses a few dozen styles)."""
    inner = []
    if style.font is not None:
        face = attr(style.font)
        inner.append(f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:cs="{face}" w:eastAsia="{face}"/>')
    if style.bold:
        inner.append("<w:b/>")
    if style.italic:
        inner.append("<w:i/>")
    if style.color is not None:
        inner.append(f'<w:color w:val="{style.color}"/>')
    if style.size is not None:
        inner.append(f'<w:sz w:val="{style.size}"/>')
    if style.underline:
        inner.append('<w:u w:val="single"/>')
    return f"<w:rPr>{''.join(inner)}</w:rPr>" if inner else "<w:rPr/>"


def run(value: str, style: RunStyle) -> str:
    """A formatted run of ``value``."""
    return f"<w:r>{style.rpr()}{run_content(value)}</w:r>"


def plain_run(value: str, bold: bool = False) -> str:
    """A run python-docx's ``add_run(value)`` writes (no properties), bolded afterwards if ``bold``."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f"<w:r>{props}{run_content(value)}</w:r>"


def line_break(bold: bool = False) -> str:
    return "<w:r><w:rPr><w:b/></w:rPr><w:br/></w:r>" if bold else "<w:r><w:br/></w:r>"


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
TAB_RUN = "<w:r><w:tab/></w:r>"
EMPTY_RUN = "<w:r/>"


def field_char(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def instruction(value: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text(value)}</w:instrText></w:r>'


def twips(emu: int) -> int:
    """EMU to twentieths of a point, rounded as python-docx's ``Length.twips``."""
    return round(emu / 635.0)


def half_points(emu: int) -> int:
    """EMU to half-points, truncated as python-docx writes ``w:sz``."""
    return int(emu / 12700.0 * 2)


def pt(points: float) -> int:
    """Points to EMU, as python-docx's ``Pt``."""
    return int(points * 12700)


def cm(centimetres: float) -> int:
    """Centimetres to EMU, as python-docx's ``Cm``."""
    return int(centimetres * 360000)


def inline_picture(
    rid: str, shape_id: int, filename: str, cx: int, cy: int, prefixes: dict[str, str], declared: list[str]
) -> str:
    """A ``wp:inline`` picture as python-docx's ``add_picture`` leaves it in its part: ``prefixes``
    maps each namespace role (wp, a, pic, r) to the prefix in scope, ``declared`` the declarations
    the inline itself carries (those its part's root does not)."""
    wp, a, pic, r = (prefixes[k] for k in ("wp", "a", "pic", "r"))
    decls = "".join(f' xmlns:{prefixes[k]}="{_URIS[k]}"' for k in declared)
    name = attr(filename)
    return (
        f'<{wp}:inline{decls}><{wp}:extent cx="{cx}" cy="{cy}"/>'
        f'<{wp}:docPr id="{shape_id}" name="Picture {shape_id}"/>'
        f'<{wp}:cNvGraphicFramePr><{a}:graphicFrameLocks noChangeAspect="1"/></{wp}:cNvGraphicFramePr>'
        f'<{a}:graphic><{a}:graphicData uri="{_URIS["pic"]}"><{pic}:pic><{pic}:nvPicPr>'
        f'<{pic}:cNvPr id="0" name="{name}"/><{pic}:cNvPicPr/></{pic}:nvPicPr><{pic}:blipFill>'
        f'<{a}:blip {r}:embed="{rid}"/><{a}:stretch><{a}:fillRect/></{a}:stretch></{pic}:blipFill>'
        f'<{pic}:spPr><{a}:xfrm><{a}:off x="0" y="0"/><{a}:ext cx="{cx}" cy="{cy}"/></{a}:xfrm>'
        f'<{a}:prstGeom prst="rect"/></{pic}:spPr></{pic}:pic></{a}:graphicData></{a}:graphic></{wp}:inline>'
    )


_URIS = {
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
URIS = _URIS
