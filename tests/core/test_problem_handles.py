"""Problem kinds are typed handles: a misspelt code or parameter fails here, not in a client's run."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import planforge
from planforge.core.errors import CODES, DEFAULTED_FIELDS, KINDS, LOCATION_FIELDS, make_problem

PACKAGE = Path(planforge.__file__).parent
#: The functions that take a problem code and pass their keywords on to the kind.
CODE_TAKERS = {"make_problem", "add", "at", "BadValue", "_unreadable", "Refused"}
LOOKS_LIKE_CODE = re.compile(r"[a-z]+(?:-[a-z]+)+")


def _calls() -> list[tuple[str, int, str, set[str]]]:
    """(file, line, code, keyword names) for every call in src/ that names a problem code literally."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in CODE_TAKERS:
                continue
            for arg in node.args:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and LOOKS_LIKE_CODE.fullmatch(arg.value)
                ):
                    keywords = {k.arg for k in node.keywords if k.arg}
                    found.append((path.relative_to(PACKAGE).as_posix(), node.lineno, arg.value, keywords))
    return found


def test_the_scan_sees_the_call_sites():
    calls = _calls()
    assert len(calls) > 50
    assert {"invalid-choice", "unreadable-file", "write-failed"} <= {code for _, _, code, _ in calls}


@pytest.mark.parametrize(("where", "line", "code", "keywords"), _calls(), ids=lambda v: str(v))
def test_every_literal_code_is_declared_and_called_with_its_parameters(where, line, code, keywords):
    assert code in CODES, f"{where}:{line} names undeclared problem code {code!r}"
    allowed = CODES[code].params | LOCATION_FIELDS | {"severity"}
    assert keywords <= allowed, f"{where}:{line} passes {sorted(keywords - allowed)} to {code!r}"


def test_each_kind_knows_the_parameters_its_templates_name():
    assert CODES["invalid-choice"].params == {"choices", "suggestion", "value_repr"}
    assert CODES["encrypted-file"].params == frozenset()
    assert all(kind.params >= set() for kind in KINDS)


def test_a_misspelt_parameter_is_a_type_error():
    with pytest.raises(TypeError, match=r"unknown parameters \['reson'\]"):
        make_problem("unreadable-file", file="a.xlsx", reson="truncated")


def test_a_forgotten_parameter_is_a_type_error():
    with pytest.raises(TypeError, match=r"missing parameters \['choices'\]"):
        make_problem("invalid-choice", value="Hgh", sheet="Risks", row=4, column="Likelihood")


def test_an_unknown_code_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no-such-code"):
        make_problem("no-such-code", file="a.xlsx")


def test_a_handle_call_equals_make_problem():
    kind = CODES["invalid-choice"]
    params = {"value": "Hgh", "sheet": "Risks", "row": 4, "column": "Likelihood", "choices": "Low, Medium, High"}
    by_handle = kind(**params)
    assert by_handle == make_problem("invalid-choice", **params)
    assert by_handle.message == '"Hgh" is not one of Low, Medium, High'
    assert by_handle.location == "Risks row 4 (Likelihood)"


def test_defaulted_parameters_may_be_left_out():
    problem = make_problem("unknown-setting", value="Holday Country", sheet="Settings", row=3)
    assert '"Holday Country"' in problem.message
    assert {"value_repr", "suggestion"} == DEFAULTED_FIELDS
