"""The package zip is, byte for byte, what ``zipfile`` writes for the same parts (the writer the
DOCX bytes were first made with, and the one the python-docx oracle still uses)."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from planforge.formats import docx_zip


def _zipfile(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
    return out.getvalue()


_NAMES = st.text(st.sampled_from("abz_./-[]é"), min_size=1, max_size=20)
_DATA = st.one_of(st.binary(max_size=3000), st.builds(lambda b, n: b * n, st.binary(max_size=60), st.integers(1, 400)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_NAMES, _DATA), max_size=6, unique_by=lambda m: m[0]))
def test_the_zip_is_zipfiles(members):
    assert docx_zip.write(docx_zip.member(n, d) for n, d in members) == _zipfile(members)


def test_a_member_is_deflated_once_and_written_again_the_same():
    part = docx_zip.member("word/styles.xml", b"<w:styles/>" * 2000)
    first = docx_zip.write([part])
    assert part.deflated() is part.deflated()
    assert docx_zip.write([part]) == first == _zipfile([("word/styles.xml", b"<w:styles/>" * 2000)])
