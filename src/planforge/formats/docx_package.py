"""The Word package around a document's body: its template read once per run, then per document
the relationships, header, footer, section properties, core properties and content types.

python-docx reads the template (the firm's reference or the house styles) once per run
(``template``): its style ids, page width, header and footer as it would start them, and its parts
serialised as python-docx writes them, zipped per document by ``docx_zip``. A
document then only writes what differs (``Package``): every step mirrors what python-docx did for
the same call, relationship ids (first free ``rIdN``, an external target or image part reused),
part names (first free ``header%d.xml``, ``media/image%d.ext``), element order (python-docx
inserts in schema order, searching successors by tag name in order) and lxml's serialisation of
the parts it edits, so the .docx is the one the python-docx writer wrote, byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.image.image import Image
from lxml import etree

from planforge.core.images import Logo
from planforge.formats import docx_reference, docx_styles, docx_xml, docx_zip

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
HYPERLINK, IMAGE, HEADER, FOOTER = (f"{_RT}{k}" for k in ("hyperlink", "image", "header", "footer"))
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_FOOTER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
#: (extension, content type) pairs python-docx writes as a Default (opc.spec), for the logo types
_DEFAULT_TYPES = frozenset({("gif", "image/gif"), ("jpeg", "image/jpeg"), ("jpg", "image/jpeg"), ("png", "image/png")})
_MAIN = "word/document.xml"
_MAIN_RELS = "word/_rels/document.xml.rels"
_CORE = "docProps/core.xml"
_TYPES = "[Content_Types].xml"
#: python-docx's CT_SectPr and CT_PPr child sequences: new children go before the first of these found
_SECT_SEQ = (
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
)
_JC_SUCCESSORS = (
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)
_RPR_SEQ = (
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
)


_PART_NUMBER = re.compile(r"([a-zA-Z]+)([1-9][0-9]*)?")


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _parse(data: bytes) -> Any:
    """A part parsed as python-docx parses it (blank text dropped, no entities)."""
    return etree.fromstring(data, etree.XMLParser(remove_blank_text=True, resolve_entities=False))


def _serialise(root: Any) -> bytes:
    return bytes(etree.tostring(root, encoding="UTF-8", standalone=True))


@dataclass(frozen=True, slots=True)
class Rel:
    """One relationship of a part, as python-docx writes it in the part's .rels."""

    rid: str
    reltype: str
    target: str
    external: bool = False


@dataclass(frozen=True, slots=True)
class Story:
    """A header or footer as python-docx starts editing it: its part name, XML and relationships;
    ``defined`` when the template's section already references it, ``has_content`` when that
    part holds text or a picture of its own (a letterhead)."""

    partname: str
    xml: bytes
    rels: tuple[Rel, ...]
    defined: bool
    has_content: bool


@dataclass(frozen=True, slots=True)
class Template:
    """What every document of a run takes from its template, read once (``template``)."""

    members: dict[str, docx_zip.Member]  # the parts no document changes
    parts: dict[str, bytes]  # the parts a document rewrites, as python-docx serialised them
    kept: dict[str, docx_zip.Member]  # those parts as they are, for a document that leaves one as it was
    doc_rels: tuple[Rel, ...]
    images: tuple[tuple[str, str], ...]  # image part name, SHA-1 of its bytes
    paragraph_styles: dict[str, str]  # style name -> style id
    table_style: str | None  # the style id a new table gets (None: the default, written as none)
    font: str  # the Normal style's font
    usable: int  # page width less margins, EMU
    head: bytes  # word/document.xml up to and including <w:body>
    prefixes: dict[str, str]  # namespace role (wp, a, pic, r) -> prefix a picture uses in the body
    declared: tuple[str, ...]  # roles a body picture declares itself (its root does not)
    next_shape_id: int  # python-docx's next drawing id in the document part
    header: Story
    footer: Story
    first_header: Story


def _rels(parts: dict[str, bytes], partname: str) -> tuple[Rel, ...]:
    folder, name = posixpath.split(partname)
    data = parts.get(posixpath.join(folder, "_rels", f"{name}.rels"))
    if data is None:
        return ()
    return tuple(
        Rel(e.get("Id"), e.get("Type"), e.get("Target"), e.get("TargetMode") == "External") for e in _parse(data)
    )


def _target(source: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _has_content(root: Any) -> bool:
    texts = "".join(t.text or "" for t in root.iter(_w("t")))
    return bool(texts.strip()) or next(root.iter(_w("drawing"), _w("pict")), None) is not None


def next_partname(names: set[str], pattern: str) -> str:
    """python-docx's ``next_partname``: the first ``pattern % n`` no part has."""
    return next(pattern % n for n in range(1, len(names) + 2) if pattern % n not in names)


def _stories(parts: dict[str, bytes], sect: Any, doc_rels: tuple[Rel, ...], blank: dict[str, bytes]) -> list[Story]:
    """The primary header, the footer and the first-page header, defined or as python-docx would add them."""
    names = set(parts)
    by_id = {r.rid: _target(_MAIN, r.target) for r in doc_rels if not r.external}
    stories = []
    for tag, kind, pattern in (
        ("headerReference", "default", "word/header%d.xml"),
        ("footerReference", "default", "word/footer%d.xml"),
        ("headerReference", "first", "word/header%d.xml"),
    ):
        ref = next((e for e in sect.findall(_w(tag)) if e.get(_w("type")) == kind), None)
        if ref is not None:
            name = by_id[ref.get(f"{{{_R}}}id")]
            root = _parse(parts[name])
            stories.append(Story(name, _serialise(root), _rels(parts, name), True, _has_content(root)))
        else:
            name = next_partname(names, pattern)
            names.add(name)
            stories.append(Story(name, blank[tag], (), False, False))
    return stories


def _table_style(document: Any) -> str | None:
    """The style id python-docx writes for the first table style the writer asks for."""
    names = {s.name for s in document.styles if s.type == WD_STYLE_TYPE.TABLE}
    name = next((n for n in ("Plan Table", "Table Grid", "Light Grid Accent 1") if n in names), None)
    if name is None:
        return None
    style = document.styles[name]
    if style.type != WD_STYLE_TYPE.TABLE:
        raise ValueError(f"style {name!r} is not a table style")
    default = document.styles.default(WD_STYLE_TYPE.TABLE)
    return None if default is not None and style == default else str(style.style_id)


def _reference_package(path: Path) -> bytes:
    """The reference as python-docx may open it: read under the caps (never opened directly) and
    cut down to what a client document may carry (``docx_reference.clean``)."""
    return docx_reference.package(docx_reference.clean(docx_reference.read_reference(path)))


def open_reference(path: Path) -> Any:
    """The reference opened by python-docx (``check_reference`` and the template)."""
    return docx.Document(io.BytesIO(_reference_package(path)))


@lru_cache(maxsize=4)
def _template_bytes(reference: Path | None) -> bytes:
    """The starting document (the reference, else the house styles) with its body emptied, serialised once."""
    document = open_reference(reference) if reference else docx.Document()
    if reference is None:
        docx_styles.apply(document)
    body = document.element.body
    for element in list(body):
        if element.tag != _w("sectPr"):
            body.remove(element)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=4)
def template(reference: Path | None) -> Template:
    """The template of every document written with ``reference`` (None: the house styles), read by
    python-docx once per run: the starting document opened and saved again as the python-docx writer
    did for each document (with the core properties part python-docx adds when it has none)."""
    document = docx.Document(io.BytesIO(_template_bytes(reference)))
    document.core_properties  # noqa: B018  # python-docx adds the part here when the template has none
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    section = document.sections[0]
    usable = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
    styles = {s.name: s.style_id for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    normal = document.styles["Normal"].font.name if "Normal" in styles else None
    fresh = docx.Document().sections[0]  # python-docx's blank header and footer, as it adds them
    blank = {"headerReference": bytes(fresh.header.part.blob), "footerReference": bytes(fresh.footer.part.blob)}
    root = _parse(parts[_MAIN])
    body = root.find(_w("body"))
    if body is None or len(body) != 1 or root[-1] is not body or root.prefix != "w" or body.nsmap.get("w") != _W:
        raise ValueError("the template's main document is not a body holding only its section properties")
    doc_rels = _rels(parts, _MAIN)
    stories = _stories(parts, body[-1], doc_rels, blank)
    scope = {uri: prefix for prefix, uri in body.nsmap.items() if prefix}
    ids = [int(v) for v in root.xpath("//@id") if v.isdigit()]
    rewritten = {_MAIN, _MAIN_RELS, _CORE, _TYPES} | {s.partname for s in stories}
    rewritten |= {_rels_name(s.partname) for s in stories}
    return Template(
        members={n: docx_zip.member(n, d) for n, d in parts.items() if n not in rewritten},
        parts={n: d for n, d in parts.items() if n in rewritten},
        kept={n: docx_zip.member(n, d) for n, d in parts.items() if n in rewritten},
        doc_rels=doc_rels,
        images=_image_parts(parts),
        paragraph_styles=styles,
        table_style=_table_style(document),
        font=normal or docx_styles.BODY_FONT,
        usable=int(usable),
        head=_head(root),
        prefixes={role: scope.get(uri, role) for role, uri in docx_xml.URIS.items()},
        declared=tuple(role for role in ("wp", "a", "pic", "r") if docx_xml.URIS[role] not in scope),
        next_shape_id=max(ids) + 1 if ids else 1,
        header=stories[0],
        footer=stories[1],
        first_header=stories[2],
    )


def _rels_name(partname: str) -> str:
    folder, name = posixpath.split(partname)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _image_parts(parts: dict[str, bytes]) -> tuple[tuple[str, str], ...]:
    """Every part an image relationship reaches (python-docx's package image parts), with its SHA-1."""
    found: dict[str, str] = {}
    for rels_name in sorted(n for n in parts if n.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels_name))
        source = posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")])
        for rel in _rels(parts, source):
            target = _target(source, rel.target)
            if rel.reltype == IMAGE and not rel.external and target in parts and target not in found:
                found[target] = hashlib.sha1(parts[target]).hexdigest()
    return tuple(found.items())


def _head(root: Any) -> bytes:
    """``word/document.xml`` up to and including the body's start tag, from lxml's own serialisation
    of the root with an empty body (``<w:body/></w:document>`` at its end)."""
    empty = etree.fromstring(etree.tostring(root))
    body = empty[-1]
    for child in list(body):
        body.remove(child)
    serialised = _serialise(empty)
    tail = f"<{body.prefix}:body/></{empty.prefix}:document>".encode()
    if not serialised.endswith(tail):
        raise ValueError("unexpected serialisation of the template's main document")
    return serialised[: -len(tail)] + f"<{body.prefix}:body>".encode()


@dataclass(frozen=True, slots=True)
class Picture:
    """A logo as python-docx places it: its bytes, file name (``image.png``), extension, content
    type, SHA-1 and pixel size at its resolution, as python-docx's ``Image`` reads them."""

    data: bytes
    filename: str
    ext: str
    content_type: str
    sha1: str
    width: int  # EMU at the image's dpi
    height: int

    def scaled(self, height: int) -> tuple[int, int]:
        """python-docx's ``scaled_dimensions`` for a given height."""
        return round(self.width * (float(height) / float(self.height))), height


@lru_cache(maxsize=8)
def picture(logo: Logo) -> Picture:
    """A logo read once per run by python-docx's image reader (size, resolution, extension)."""
    data = logo.data
    image = Image.from_blob(data)
    return Picture(data, image.filename, image.ext, image.content_type, image.sha1, int(image.width), int(image.height))


@lru_cache(maxsize=8)
def _image_member(name: str, logo: Logo) -> docx_zip.Member:
    return docx_zip.member(name, logo.data)


def _insert(parent: Any, child: Any, successors: tuple[str, ...]) -> Any:
    """python-docx's ``insert_element_before``: before the first child found of the first successor
    tag that has one, else at the end."""
    for tag in successors:
        found = parent.find(_w(tag))
        if found is not None:
            found.addprevious(child)
            return child
    parent.append(child)
    return child


def _element(tag: str) -> Any:
    return etree.Element(_w(tag), nsmap={"w": _W})


@dataclass(frozen=True, slots=True)
class CoreProperties:
    """The core properties a document sets, in the order the writer sets them (python-docx appends
    a missing element in that order); text over 255 characters is already shortened."""

    title: str
    subject: str
    creator: str
    last_modified_by: str
    keywords: str
    category: str
    description: str
    identifier: str
    version: str
    content_status: str
    when: datetime


_CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}


@dataclass(frozen=True, slots=True)
class PageSetup:
    """What the running header and footer show: the header's line (client, project, document) and
    the logo at its left, the footer's line (version, date) before the page numbers, the colour of
    both lines, and the watermark's font in a draft (None: no watermark)."""

    header: str
    footer: str
    logo: Logo | None
    muted: str
    watermark: str | None


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


class Package:
    """One document's package being written: relationships and parts added in python-docx's order."""

    def __init__(self, tpl: Template) -> None:
        self.tpl = tpl
        self.doc_rels = list(tpl.doc_rels)
        self.images = list(tpl.images)
        self.media: dict[str, Logo] = {}

    def hyperlink(self, href: str) -> str:
        """The id of an external hyperlink relationship to ``href`` (one per target)."""
        return _relate(self.doc_rels, HYPERLINK, docx_xml.checked(href), external=True)

    def image_part(self, logo: Logo, pic: Picture) -> str:
        """The package's part for the logo: one already holding the same bytes, else a new media part."""
        name = next((n for n, sha1 in self.images if sha1 == pic.sha1), None)
        if name is None:
            used = {_index(n) for n, _ in self.images}
            n = next((i for i in range(1, len(self.images) + 1) if i not in used), len(self.images) + 1)
            name = f"word/media/image{n}.{pic.ext}"
            self.images.append((name, pic.sha1))
            self.media[name] = logo
        return name

    def body_picture(self, logo: Logo, height: int) -> str:
        """The cover's logo as a ``wp:inline`` (its relationship from the main document added)."""
        pic = picture(logo)
        target = self.image_part(logo, pic)
        rid = _relate(self.doc_rels, IMAGE, posixpath.relpath(target, "word"))
        cx, cy = pic.scaled(height)
        tpl = self.tpl
        return docx_xml.inline_picture(rid, tpl.next_shape_id, pic.filename, cx, cy, tpl.prefixes, list(tpl.declared))

    def write(self, body: str, page: PageSetup, core: CoreProperties) -> bytes:
        """The .docx: ``body`` before the section properties, then the header, footer and (in a draft)
        watermarked first-page header as ``page`` says, and the core properties."""
        tpl = self.tpl
        root = _parse(tpl.parts[_MAIN])
        sect = root[-1][-1]
        title = sect.find(_w("titlePg"))
        if title is None:
            _insert(sect, _element("titlePg"), _SECT_SEQ[14:])
        else:
            title.attrib.pop(_w("val"), None)
        added: list[str] = []
        edited: dict[str, tuple[Any, list[Rel]]] = {}

        def story(s: Story, tag: str, kind: str, reltype: str) -> tuple[Any, list[Rel]]:
            if not s.defined and s.partname not in edited:  # python-docx adds a part it lacks
                rid = _relate(self.doc_rels, reltype, posixpath.relpath(s.partname, "word"))
                ref = _insert(sect, _element(tag), _SECT_SEQ)
                ref.set(_w("type"), kind)
                ref.set(f"{{{_R}}}id", rid)
                added.append(s.partname)
            found = edited.get(s.partname)
            if found is None:
                found = edited[s.partname] = (_parse(s.xml), list(s.rels))
            return found

        stops = (
            f'<w:tabs xmlns:w="{_W}"><w:tab w:val="clear" w:pos="4680"/>'
            f'<w:tab w:val="right" w:pos="{int(tpl.usable / 635)}"/></w:tabs>'
        )
        if not tpl.header.has_content:
            hdr, rels = story(tpl.header, "headerReference", "default", HEADER)
            paragraph = hdr.findall(_w("p"))[0]
            clear_paragraph(paragraph)
            if page.logo is not None:  # the logo at the left margin, the document's line at the right
                ppr(paragraph).append(etree.fromstring(stops))
                self._header_picture(paragraph, rels, tpl.header.partname, page.logo)
                add_run(paragraph, "\t")
            add_run(paragraph, page.header, size=17, color=page.muted)
        ftr, _ = story(tpl.footer, "footerReference", "default", FOOTER)
        if tpl.footer.has_content:
            paragraph = _element("p")
            ftr.append(paragraph)
        else:
            paragraph = ftr.findall(_w("p"))[0]
        clear_paragraph(paragraph)
        ppr(paragraph).append(etree.fromstring(stops))  # the Footer style's centre stop cleared
        add_run(paragraph, page.footer, size=17, color=page.muted)
        add_run(paragraph, "\t")
        for part in ("Page ", "PAGE", " of ", "NUMPAGES"):
            if part.isupper():
                simple_field(paragraph, part)
            else:
                add_run(paragraph, part, size=17)
        align_left(ppr(paragraph))
        if page.watermark is not None:
            for n, (s, kind) in enumerate(((tpl.header, "default"), (tpl.first_header, "first")), start=1):
                tree, _ = story(s, "headerReference", kind, HEADER)
                tree.findall(_w("p"))[0].append(etree.fromstring(_WATERMARK.format(n=n, font=page.watermark)))
        out: dict[str, bytes] = {}
        for name, (tree, rels) in edited.items():
            out[name] = _serialise(tree)
            if rels:
                out[_rels_name(name)] = _rels_xml(rels)
        serialised = _serialise(root)
        if not serialised.startswith(tpl.head):
            raise ValueError("the section properties changed the document's start tag")
        out[_MAIN] = tpl.head + body.encode("utf-8") + serialised[len(tpl.head) :]
        out[_MAIN_RELS] = _rels_xml(self.doc_rels)
        out[_CORE] = _core(tpl.parts[_CORE], core)
        out[_TYPES] = _content_types(tpl.parts[_TYPES], added, {n: picture(lg) for n, lg in self.media.items()})
        members = dict(tpl.members)
        for name, data in out.items():
            members[name] = docx_zip.member(name, data)
        for name, logo in self.media.items():
            members[name] = _image_member(name, logo)
        for name in tpl.parts:  # a template part no step rewrote (a kept header) goes as it was
            if name not in members:
                members[name] = tpl.kept[name]
        order = sorted(members, key=lambda n: (n != _TYPES, n))
        return docx_zip.write(members[n] for n in order)

    def _header_picture(self, paragraph: Any, rels: list[Rel], partname: str, logo: Logo) -> None:
        """python-docx's ``add_run().add_picture()`` in a header paragraph: the image part shared with
        the cover, a relationship from the header, the next drawing id of the header part."""
        pic = picture(logo)
        target = self.image_part(logo, pic)
        rid = _relate(rels, IMAGE, posixpath.relpath(target, posixpath.dirname(partname)))
        ids = [int(v) for v in paragraph.xpath("//@id") if v.isdigit()]
        cx, cy = pic.scaled(docx_xml.cm(0.8))
        roles = {role: role for role in docx_xml.URIS}
        xml = docx_xml.inline_picture(rid, max(ids) + 1 if ids else 1, pic.filename, cx, cy, roles, list(roles))
        run = _element("r")
        paragraph.append(run)
        drawing = _element("drawing")
        run.append(drawing)
        drawing.append(etree.fromstring(xml))


def clear_paragraph(paragraph: Any) -> None:
    """python-docx's ``Paragraph.text = ""``: everything but the properties removed, one empty run added."""
    for child in list(paragraph):
        if child.tag != _w("pPr"):
            paragraph.remove(child)
    paragraph.append(_element("r"))


def ppr(paragraph: Any) -> Any:
    """python-docx's ``get_or_add_pPr``: the properties, added as the first child when missing."""
    found = paragraph.find(_w("pPr"))
    if found is None:
        found = _element("pPr")
        paragraph.insert(0, found)
    return found


def add_run(paragraph: Any, text: str = "", *, size: int | None = None, color: str | None = None) -> Any:
    """python-docx's ``add_run(text)`` with ``font.size`` then ``font.color.rgb`` set."""
    run = _element("r")
    paragraph.append(run)
    _run_text(run, text)
    if size is not None or color is not None:
        props = _element("rPr")
        run.insert(0, props)
        if size is not None:
            _insert(props, _element("sz"), _RPR_SEQ[_RPR_SEQ.index("sz") + 1 :]).set(_w("val"), str(size))
        if color is not None:
            _insert(props, _element("color"), _RPR_SEQ[_RPR_SEQ.index("color") + 1 :]).set(_w("val"), color)
    return run


def _run_text(run: Any, text: str) -> None:
    """python-docx's run content for ``text`` (tabs and line breaks as elements)."""
    buffer: list[str] = []

    def flush() -> None:
        value = "".join(buffer)
        if value:
            t = _element("t")
            run.append(t)
            t.text = value
            if len(value.strip()) < len(value):
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        buffer.clear()

    for ch in text:
        if ch == "\t":
            flush()
            run.append(_element("tab"))
        elif ch in "\r\n":
            flush()
            run.append(_element("br"))
        else:
            buffer.append(ch)
    flush()


def align_left(props: Any) -> None:
    """python-docx's ``alignment = LEFT`` on a paragraph's properties."""
    jc = props.find(_w("jc"))
    if jc is None:
        jc = _insert(props, _element("jc"), _JC_SUCCESSORS)
    jc.set(_w("val"), "left")


def simple_field(paragraph: Any, instruction: str) -> None:
    """A ``w:fldSimple`` showing "1" at 8.5 pt until the reader's application fills it in."""
    field = _element("fldSimple")
    field.set(_w("instr"), instruction)
    run = _element("r")
    props = _element("rPr")
    size = _element("sz")
    size.set(_w("val"), "17")
    props.append(size)
    run.append(props)
    t = _element("t")
    t.text = "1"
    run.append(t)
    field.append(run)
    paragraph.append(field)


def _index(partname: str) -> int | None:
    """python-docx's ``PackURI.idx``: the number ending a part's file name, if any."""
    match = _PART_NUMBER.match(posixpath.splitext(posixpath.basename(partname))[0])
    return int(match.group(2)) if match is not None and match.group(2) else None


def _relate(rels: list[Rel], reltype: str, target: str, external: bool = False) -> str:
    """python-docx's ``get_or_add``: the matching relationship's id, else a new one with the first free id."""
    for rel in rels:
        if rel.reltype == reltype and rel.external == external and rel.target == target:
            return rel.rid
    used = {r.rid for r in rels}
    rid = next(f"rId{n}" for n in range(1, len(rels) + 2) if f"rId{n}" not in used)
    rels.append(Rel(rid, reltype, target, external))
    return rid


def _rels_xml(rels: list[Rel] | tuple[Rel, ...]) -> bytes:
    root = etree.Element(f"{{{_PR}}}Relationships", nsmap={None: _PR})
    for rel in rels:
        e = etree.SubElement(root, f"{{{_PR}}}Relationship")
        e.set("Id", rel.rid)
        e.set("Type", rel.reltype)
        e.set("Target", rel.target)
        if rel.external:
            e.set("TargetMode", "External")
    return _serialise(root)


def _content_types(data: bytes, added: list[str], media: dict[str, Picture]) -> bytes:
    """python-docx's content types: defaults by extension, then overrides by part name, each sorted."""
    root = _parse(data)
    defaults = {e.get("Extension"): e.get("ContentType") for e in root if e.tag == f"{{{_CT}}}Default"}
    overrides = {e.get("PartName"): e.get("ContentType") for e in root if e.tag == f"{{{_CT}}}Override"}
    for name in added:
        overrides[f"/{name}"] = _HEADER_TYPE if "/header" in name else _FOOTER_TYPE
    for name, pic in media.items():
        ext = posixpath.splitext(name)[1][1:]
        if (ext.lower(), pic.content_type) in _DEFAULT_TYPES:
            defaults[ext] = pic.content_type
        else:
            overrides[f"/{name}"] = pic.content_type
    out = etree.Element(f"{{{_CT}}}Types", nsmap={None: _CT})
    for ext in sorted(defaults):
        etree.SubElement(out, f"{{{_CT}}}Default", Extension=ext, ContentType=defaults[ext])
    for name in sorted(overrides):
        etree.SubElement(out, f"{{{_CT}}}Override", PartName=name, ContentType=overrides[name])
    return _serialise(out)


def _core(data: bytes, props: CoreProperties) -> bytes:
    """The core properties part with ``props`` set as python-docx sets them (an element found is
    rewritten in place, a missing one appended; the dates typed W3CDTF)."""
    root = _parse(data)

    def put(prefix: str, name: str, value: str) -> Any:
        tag = f"{{{_CORE_NS[prefix]}}}{name}"
        element = root.find(tag)
        if element is None:  # python-docx makes the element on its own, then appends it
            element = etree.Element(tag, nsmap={prefix: _CORE_NS[prefix]})
            root.append(element)
        element.text = value
        return element

    when = props.when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for prefix, name, value in (
        ("dc", "title", props.title),
        ("dc", "subject", props.subject),
        ("dc", "creator", props.creator),
        ("cp", "lastModifiedBy", props.last_modified_by),
        ("cp", "keywords", props.keywords),
        ("cp", "category", props.category),
        ("dc", "description", props.description),
        ("dc", "identifier", props.identifier),
        ("cp", "version", props.version),
        ("cp", "contentStatus", props.content_status),
    ):
        put(prefix, name, value)
    for prefix, name in (("dcterms", "created"), ("dcterms", "modified"), ("cp", "lastPrinted")):
        element = put(prefix, name, when)
        if name in ("created", "modified"):
            root.set(f"{{{_XSI}}}foo", "bar")
            element.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
            del root.attrib[f"{{{_XSI}}}foo"]
    put("cp", "revision", "1")
    return _serialise(root)
