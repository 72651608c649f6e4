"""Settings > Holiday Country and Projects > Holiday Country: a code the ``holidays`` library knows, or a
located error with the closest codes. Read here, before any project is derived, so a value such as ``APR``
or ``bank`` (names the library exposes that are no country), ``Germany`` or ``DE, GB`` never reaches the
calendar. A country with no nationwide calendar (``GB``) is read, with a warning naming its regions."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import holidays
from babel import Locale

from planforge.core.errors import closest
from planforge.intake.parse import BadValue, Reading

#: How many subdivision codes a suggestion lists.
_SHOWN = 8
#: Countries with no nationwide public-holiday calendar, under each of the library's codes for them: the
#: United Kingdom's bank holidays are set per nation (England and Wales, Scotland, Northern Ireland), so
#: ``GB`` alone is only the holidays they share (no Easter Monday for England). gov.uk/bank-holidays.
_REGIONAL_ONLY = frozenset({"GB", "GBR", "UK"})


@lru_cache(maxsize=1)
def _regions() -> dict[str, tuple[str, ...]]:
    """Country code (two- or three-letter) -> its subdivision codes, as the installed library knows them."""
    return {code: tuple(subs) for code, subs in holidays.list_supported_countries(include_aliases=True).items()}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """English country name -> code, for the countries the library knows ("Germany" -> "DE")."""
    territories = Locale("en").territories
    return {str(territories[code]): code for code in _regions() if code in territories}


def read_holiday_country(value: Any) -> str | Reading:
    """``US``, ``gb-eng``, ``de-bw`` -> ``US``, ``GB-ENG``, ``DE-BW`` (codes are case-blind; a subdivision
    code is the country and the region, split by the calendar); ``GB`` is read as a Reading whose warning
    names its regions; anything else is a BadValue whose suggestion names the closest codes."""
    text = " ".join(str(value).split())
    code, dash, subdiv = text.upper().partition("-")
    regions = _regions()
    if code in _REGIONAL_ONLY and not dash:
        return Reading(code, "holiday-country-region", {"suggestion": _regions_of(code, regions[code], "use")})
    if code in regions and (not dash or subdiv in regions[code]):
        return f"{code}-{subdiv}" if dash else code
    raise BadValue("unknown-holiday-country", suggestion=_suggestion(text, code, subdiv, regions))


def _suggestion(text: str, code: str, subdiv: str, regions: dict[str, tuple[str, ...]]) -> str:
    if any(sep in text for sep in ",;/"):
        return (
            " (one code a cell: each project follows one calendar; give a project its own on its row's Holiday Country)"
        )
    if code in regions and subdiv:
        return _regions_of(code, regions[code], f"{code} regions:")
    names = _names()
    constant = isinstance(vars(holidays).get(text), (int, str))  # APR, MON: the library's month and day names
    library = f"{text} is a name in the holiday library, not a country; " if constant else ""
    by_name = closest(text, list(names), n=2, cutoff=0.75)
    by_code = [c for c in closest(code, list(regions), n=3, cutoff=0.5) if len(c) == len(code)]
    found = [f"{names[n]} ({n})" for n in by_name] + [c for c in by_code if c not in {names[n] for n in by_name}]
    if not found:
        return f" ({library.removesuffix('; ')})" if library else ""
    return f" ({library}closest: {', '.join(found[:3])})"


def _regions_of(code: str, subs: tuple[str, ...], lead: str) -> str:
    """' (use GB-ENG, GB-NIR, GB-SCT, GB-WLS)': the region codes of ``code``, at most ``_SHOWN`` of them."""
    if not subs:
        return ""
    more = ", ..." if len(subs) > _SHOWN else ""
    return f" ({lead} {', '.join(f'{code}-{s}' for s in subs[:_SHOWN])}{more})"
