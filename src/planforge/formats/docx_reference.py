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
import zipfile
from pathlib import Path

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
