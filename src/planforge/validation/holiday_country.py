"""Settings > Holiday Country: a code the ``holidays`` library knows, or a located warning with the closest
codes. Read here, before any project is derived, so a value such as ``APR`` or ``bank`` (names the library
exposes that are no country) never reaches the calendar."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import holidays
from babel import Locale

from planforge.core.errors import closest
from planforge.intake.parse import BadValue

#: How many subdivision codes a suggestion lists.
_SHOWN = 8


@lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[str, ...]]:
    """Country code (two- or three-letter) -> its subdivision codes, as the installed library knows them."""
    return {code: tuple(subs) for code, subs in holidays.list_supported_countries(include_aliases=True).items()}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """English country name -> code, for the countries the library knows ("Germany" -> "DE")."""
    territories = Locale("en").territories
    return {str(territories[code]): code for code in _regions() if code in territories}


def read_holiday_country(value: Any) -> str:
    """``US``, ``gb``, ``ca-on`` -> ``US``, ``GB``, ``CA-ON`` (codes are case-blind); anything else is a
    BadValue whose suggestion names the closest codes."""
    text = " ".join(str(value).split())
    code, dash, subdiv = text.upper().partition("-")
    regions = _regions()
    if code in regions and (not dash or subdiv in regions[code]):
        return f"{code}-{subdiv}" if dash else code
    raise BadValue("unknown-holiday-country", suggestion=_suggestion(text, code, subdiv, regions))


def _suggestion(text: str, code: str, subdiv: str, regions: dict[str, tuple[str, ...]]) -> str:
    if any(sep in text for sep in ",;/"):
        return " (one code only: every plan follows one calendar)"
    if code in regions and subdiv:
        subs = regions[code]
        more = ", ..." if len(subs) > _SHOWN else ""
        return f" ({code} regions: {', '.join(f'{code}-{s}' for s in subs[:_SHOWN])}{more})" if subs else ""
    names = _names()
    by_name = closest(text, list(names), n=2, cutoff=0.75)
    by_code = [c for c in closest(code, list(regions), n=3, cutoff=0.5) if len(c) == len(code)]
    found = [f"{names[n]} ({n})" for n in by_name] + [c for c in by_code if c not in {names[n] for n in by_name}]
    return f" (closest: {', '.join(found[:3])})" if found else ""
