"""A firm's reference DOCX is checked before anything opens it (issue 20, item 5): a zip bomb, too many
parts, a high compression ratio, a DTD, an OLE file or a zip that is no Word document is a bad option
value (exit 2, one message naming the file), and nothing is written."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest
from click.testing import CliRunner

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
