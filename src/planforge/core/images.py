"""The firm's logo: an image file read once, checked, and carried as data to every writer.

The path is data (a Settings cell or ``--logo``): it is read as an image and nothing else, never
opened as a template or followed further. A file that is missing, not a regular file, too large,
or not a PNG, JPEG or GIF image is a ``LogoError`` whose reason the caller turns into a located
problem (a Settings cell) or a usage error (``--logo``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import stat
from dataclasses import dataclass
from pathlib import Path

from docx.image.image import Image

#: A logo is a small picture: anything larger is refused rather than embedded in every document.
MAX_LOGO_BYTES = 2_000_000
#: Content types a Word document and a browser both show (and the Content-Security-Policy's img-src data: allows).
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif")


class LogoError(Exception):
    """Raised when a logo file cannot be used; ``reason`` says why, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Logo:
    """A logo ready to place: its file name, content type, pixel size, SHA-256 and bytes as base64
    (text, so the run digests and the forked writers carry it like any other value)."""

    name: str
    mime: str
    width: int
    height: int
    sha256: str
    base64: str

    @property
    def data(self) -> bytes:
        return base64.b64decode(self.base64)

    def data_uri(self) -> str:
        """The logo as a ``data:`` URI, escaped for an HTML attribute."""
        return html.escape(f"data:{self.mime};base64,{self.base64}", quote=True)


def read_logo(path: Path) -> Logo:
    """The image at ``path``, checked: a regular file of at most ``MAX_LOGO_BYTES`` that parses as
    a PNG, JPEG or GIF with a non-zero size; else ``LogoError``."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError) as e:  # ValueError: a path holding a NUL character
        raise LogoError(f"{path.name}: {getattr(e, 'strerror', None) or 'cannot be read'}") from e
    if not stat.S_ISREG(mode):
        raise LogoError(f"{path.name} is not a file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as e:
        raise LogoError(f"{path.name}: {e.strerror or 'cannot be read'}") from e
    if len(data) > MAX_LOGO_BYTES:
        raise LogoError(f"{path.name} is over {MAX_LOGO_BYTES // 1_000_000} MB")
    return logo_from_bytes(path.name, data)


def logo_from_bytes(name: str, data: bytes) -> Logo:
    """A ``Logo`` from an image's bytes; ``LogoError`` when they are not a PNG, JPEG or GIF image."""
    try:
        image = Image.from_blob(data)
        mime, width, height = image.content_type, image.px_width, image.px_height
    except Exception as e:  # python-docx raises several kinds for a file that is not an image
        raise LogoError(f"{name} is not a PNG, JPEG or GIF image") from e
    if mime not in LOGO_TYPES or width <= 0 or height <= 0:
        raise LogoError(f"{name} is not a PNG, JPEG or GIF image")
    encoded = base64.b64encode(data).decode("ascii")
    return Logo(name, mime, width, height, hashlib.sha256(data).hexdigest(), encoded)
