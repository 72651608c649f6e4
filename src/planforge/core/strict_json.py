"""JSON that every parser accepts: Python's ``json`` writes ``Infinity`` and ``NaN`` for non-finite
floats, which strict parsers reject, and a cell can hold ``inf`` (``<v>inf</v>`` in an .xlsx)."""

from __future__ import annotations

import json
import math
from typing import Any


def finite(value: Any) -> Any:
    """``value`` with every non-finite float, however deep in lists and dicts, written as text
    (``"inf"``, ``"-inf"``, ``"nan"``): the reading is kept, and the document stays JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def dumps(value: Any) -> str:
    """Indented, non-ASCII kept, and never a bare ``Infinity`` or ``NaN`` (``allow_nan=False``
    turns any value ``finite`` missed into an error here rather than invalid output)."""
    return json.dumps(finite(value), indent=2, ensure_ascii=False, allow_nan=False)
