"""Text made inert before it reaches a terminal. Cell text, paths, ``--only`` values and a manifest's
recorded findings can hold control characters: a C1 CSI (U+009B) or OSC (U+009D) starts an escape
sequence on many terminals as ESC [ does, and bidirectional overrides reorder what a reader sees."""

from __future__ import annotations

import unicodedata

#: Bidirectional embeddings, overrides and isolates (Unicode category Cf, but shown here by name so
#: a reader sees why): they make a line read differently from its characters.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def inert(text: str) -> str:
    """``text`` with every control character (C0 but none, DEL, C1), line or paragraph separator and
    bidi control written as a visible escape (``\\x9b``, ``\\u202e``): one line, as typed, harmless."""
    if text.isprintable():
        return text
    return "".join(_shown(ch) for ch in text)


def _shown(ch: str) -> str:
    if ch.isprintable() and ch not in _BIDI:
        return ch
    if ch in _BIDI or unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}:
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return ch
