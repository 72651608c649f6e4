"""The firm's reference DOCX, checked before anything opens it.

A reference document is a zip the firm hands over, so it gets the workbook's checks
(``intake.reader.check_zip``: number of parts, declared sizes, compression ratio, no DTD or entities),
with caps sized for a style document, and each part is read through a capped stream
that stops at the cap whatever its header claims. An encrypted document (an OLE file), a file
that is not a zip, or one without ``word/document.xml`` and ``word/styles.xml`` is refused too.
python-docx only ever sees the package rebuilt from those capped reads.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from planforge.core.errors import UsageError
from planforge.intake.reader import check_zip
from planforge.intake.sheet_facts import CHUNK, Caps, Refused

#: A style document is small: these caps leave room for a logo-heavy header, not for a bomb.
REFERENCE_CAPS = Caps(max_uncompressed_bytes=64_000_000, max_compression_ratio=250, max_zip_entries=1_000)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REQUIRED = ("word/document.xml", "word/styles.xml")


class ReferenceRefused(UsageError):
    """A reference document planforge will not open; ``detail`` is the message without the option's
    name, for the CLI to show under its flag."""

    def __init__(self, path: Path, reason: str):
        self.detail = f"{path} is refused: {reason}"
        super().__init__(f"reference_docx= {self.detail}", parameter="reference_docx")


def _refuse(path: Path, reason: str) -> ReferenceRefused:
    return ReferenceRefused(path, reason)


def read_reference(path: Path, caps: Caps = REFERENCE_CAPS) -> dict[str, bytes]:
    """The reference's parts by name, each read under the caps. Raises UsageError naming the file."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(len(_OLE_MAGIC))
        if magic == _OLE_MAGIC:
            raise _refuse(path, "it is encrypted or a legacy .doc (an OLE file), not a Word .docx")
        with zipfile.ZipFile(path) as zf:
            names = check_zip(zf, caps)
            missing = [n for n in _REQUIRED if n not in names]
            if missing:
                raise _refuse(path, f"it is not a Word document (no {', '.join(missing)})")
            parts: dict[str, bytes] = {}
            left = caps.max_uncompressed_bytes
            for info in zf.infolist():
                if info.is_dir():
                    continue
                parts[info.filename] = data = _read_capped(zf, info.filename, left)
                left -= len(data)
            return parts
    except Refused as e:
        raise _refuse(path, e.reason or "it is encrypted") from e
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as e:
        raise _refuse(path, "it is not a zip file (a .docx is one) or it is damaged") from e
    except (OSError, EOFError, ValueError) as e:
        raise _refuse(path, f"it cannot be read ({e})") from e


def package(parts: dict[str, bytes]) -> bytes:
    """The parts as a zip python-docx can open."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def _read_capped(zf: zipfile.ZipFile, name: str, left: int) -> bytes:
    """A part's bytes as they are (images too), refused once the package's total passes the cap."""
    chunks = []
    with zf.open(name) as fh:
        while chunk := fh.read(CHUNK):
            left -= len(chunk)
            if left < 0:
                raise Refused("unsafe-file", f"part {name} decompresses past the cap")
            chunks.append(chunk)
    return b"".join(chunks)


# What a reference may carry into a client's document: its styles, numbering, fonts, theme, settings
# (cleaned) and headers and footers (cleaned), each by the relationship type that reaches it from the
# main document. Macros, customizations, custom XML, embedded and external parts are never reached.
_KEPT_FROM_DOCUMENT = frozenset({"styles", "numbering", "fontTable", "theme", "settings", "header", "footer"})
_KEPT_FROM_PART = frozenset({"image"})  # a header's logo, a theme's picture fill: internal only
_PAGE_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES"})
_MAIN = "word/document.xml"
_PLAIN_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
#: Settings that reach outside the document or make Word act on opening.
_SETTINGS_DROPPED = (
    "attachedTemplate",
    "updateFields",
    "mailMerge",
    "docVars",
    "attachedSchema",
    "saveThroughXslt",
    "useXSLTWhenSaving",
    "footnotePr",  # they name separators in footnotes.xml, which is not kept
    "endnotePr",
)


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _parse(data: bytes) -> etree._Element:
    """Parse a part with no DTD, no entity expansion and no network (check_zip refused DTDs already)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    return etree.fromstring(data, parser)


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _kept_rels(parts: dict[str, bytes], part: str, kinds: frozenset[str]) -> tuple[dict[str, str], bytes | None]:
    """The internal relationships of ``part`` whose type is one of ``kinds`` and whose target exists:
    id -> target part name, and the rewritten .rels (None when nothing is kept)."""
    data = parts.get(_rels_name(part))
    if data is None:
        return {}, None
    root = _parse(data)
    kept: dict[str, str] = {}
    for rel in list(root):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(part), rel.get("Target", "")))
        if rel.get("Target", "").startswith("/"):
            target = rel.get("Target", "").lstrip("/")
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if rel.get("TargetMode") == "External" or kind not in kinds or target not in parts:
            root.remove(rel)
        else:
            kept[rel.get("Id", "")] = target
    return kept, (_serialise(root) if len(root) else None)


def _drop_dangling(root: etree._Element, kept: dict[str, str]) -> None:
    """Remove what points at a relationship that is not kept: a hyperlink keeps its text, a header
    reference or an embedded font goes, a picture or object goes with the run that holds it."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or (element.getparent() is None and element is not root):
            continue
        refs = [value for key, value in element.attrib.items() if key.startswith(f"{{{_R}}}")]
        if not refs or all(ref in kept for ref in refs):
            continue
        if element.tag == _w("hyperlink"):
            _unwrap(element)
            continue
        run = next((a for a in element.iterancestors(_w("r"))), None)
        _remove(run if run is not None else element)


def _unwrap(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else ""


@dataclass
class _Field:
    """A complex field while its runs are read: its instruction and the runs that carry it."""

    controls: list[etree._Element]
    inner: list[etree._Element] = field(default_factory=list)  # runs of the instruction part
    instruction: str = ""
    separated: bool = False


def _strip_fields(root: etree._Element) -> None:
    """Keep page-number fields only; any other field (INCLUDETEXT, DDE, HYPERLINK ...) keeps its shown
    text and loses its instruction, simple (w:fldSimple) or complex (w:fldChar/w:instrText) alike."""
    for simple in list(root.iter(_w("fldSimple"))):
        if _field_name(simple.get(_w("instr"), "")) not in _PAGE_FIELDS:
            _unwrap(simple)
    open_fields: list[_Field] = []
    dropped: list[etree._Element] = []
    for run in list(root.iter(_w("r"))):
        for outer in open_fields:  # a run inside a field's instruction (a nested field too) goes with it
            if not outer.separated:
                outer.inner.append(run)
        char = run.find(_w("fldChar"))
        kind = char.get(_w("fldCharType")) if char is not None else None
        if kind == "begin":
            open_fields.append(_Field([run]))
        elif open_fields and kind in ("separate", "end"):
            current = open_fields[-1]
            current.controls.append(run)
            current.separated = True
            if kind == "end":
                open_fields.pop()
                if _field_name(current.instruction) not in _PAGE_FIELDS:
                    dropped += current.controls + current.inner
        elif open_fields:
            for text in run.iter(_w("instrText"), _w("delInstrText")):
                open_fields[-1].instruction += text.text or ""
    for unended in open_fields:  # never ended: drop what it holds
        dropped += unended.controls + unended.inner
    for run in dropped:
        _remove(run)


def clean(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts a plan takes from the reference, cleaned: see the module constants. Everything else
    (macros, customizations, custom XML, embeddings, ActiveX, external targets) is left behind."""
    kept_rels, document_rels = _kept_rels(parts, _MAIN, _KEPT_FROM_DOCUMENT)
    out: dict[str, bytes] = {"_rels/.rels": _package_rels()}
    if document_rels is not None:
        out[_rels_name(_MAIN)] = document_rels
    out[_MAIN] = _serialise(_empty_document(_parse(parts[_MAIN]), kept_rels))
    for target in sorted(set(kept_rels.values())):
        part_rels, rels_data = _kept_rels(parts, target, _KEPT_FROM_PART)
        root = _parse(parts[target])
        _drop_dangling(root, part_rels)
        _clean_part(root)
        out[target] = _serialise(root)
        if rels_data is not None:
            out[_rels_name(target)] = rels_data
            out.update({name: parts[name] for name in part_rels.values()})
    out["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"], out)
    return out


def _clean_part(root: etree._Element) -> None:
    """Per kind of part: headers and footers lose fields and embedded objects, settings lose what
    reaches outside or acts on opening, numbering loses picture bullets (their images are not kept)."""
    if root.tag in (_w("hdr"), _w("ftr")):
        _strip_fields(root)
        dropped: tuple[str, ...] = ("object", "control", "altChunk")
    elif root.tag == _w("settings"):
        dropped = _SETTINGS_DROPPED
    elif root.tag == _w("numbering"):
        dropped = ("numPicBullet", "lvlPicBulletId")
    else:
        return
    for kind in dropped:
        for element in list(root.iter(_w(kind))):
            _remove(element)


def _package_rels() -> bytes:
    root = etree.Element(f"{{{_PR}}}Relationships", nsmap={None: _PR})
    etree.SubElement(root, f"{{{_PR}}}Relationship", Id="rId1", Type=_OFFICE_DOCUMENT, Target=_MAIN)
    return _serialise(root)


def _empty_document(root: etree._Element, kept: dict[str, str]) -> etree._Element:
    """The main document with no content: the body's last section properties only (page size,
    margins, header and footer references), and nothing else beside the body."""
    body = root.find(_w("body"))
    for child in list(root):
        if child is not body:
            root.remove(child)
    if body is not None:
        ends_with_section = len(body) and body[-1].tag == _w("sectPr")
        for child in list(body)[:-1] if ends_with_section else list(body):
            body.remove(child)
    _drop_dangling(root, kept)
    return root


def _content_types(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The reference's content types for the parts kept, the main document as a plain (macro-free) one."""
    root = _parse(data)
    extensions = {posixpath.splitext(name)[1].lstrip(".").lower() for name in parts}
    for element in list(root):
        if element.tag == f"{{{_CT}}}Default" and element.get("Extension", "").lower() not in extensions:
            root.remove(element)
        elif element.tag == f"{{{_CT}}}Override":
            name = element.get("PartName", "").lstrip("/")
            if name not in parts:
                root.remove(element)
            elif name == _MAIN:
                element.set("ContentType", _PLAIN_MAIN_TYPE)
    defaults = {e.get("Extension", "").lower() for e in root.iter(f"{{{_CT}}}Default")}
    if "rels" not in defaults:
        etree.SubElement(
            root,
            f"{{{_CT}}}Default",
            Extension="rels",
            ContentType="application/vnd.openxmlformats-package.relationships+xml",
        )
    return _serialise(root)
