"""One suggestion helper, ``core.errors.closest``: each caller keeps its own cutoff and wording."""

from __future__ import annotations

import ast
from pathlib import Path

import planforge
from planforge.core.errors import closest, did_you_mean
from planforge.intake.parse import BadValue, choice_parser
from planforge.validation.validate import _closest_id


def test_closest_is_best_first_and_cut_off():
    assert closest("Risk", ["Risks", "Budget", "Riskss"], n=2) == ["Risks", "Riskss"]
    assert closest("Risk", ["Budget"]) == []
    # "apple" against "ample" scores 0.8: kept at the default 0.6, dropped at 0.9
    assert closest("apple", ["ample"]) == ["ample"]
    assert closest("apple", ["ample"], cutoff=0.9) == []


def test_closest_folds_case_and_keeps_the_first_or_last_alike():
    assert closest("RISKS", ["risks"]) == ["risks"]
    assert closest("risks", ["Risks", "RISKS"]) == ["RISKS"]  # last by default
    assert closest("risks", ["Risks", "RISKS"], keep_first=True) == ["Risks"]


def test_casefold_is_used_when_asked():
    # "STRASSE" lower-cases to "strasse", which "straße" (lower) does not equal but casefold does
    assert closest("STRASSE", ["Straße"], cutoff=0.99) == []
    assert closest("STRASSE", ["Straße"], cutoff=0.99, fold=str.casefold) == ["Straße"]


def test_did_you_mean_wording():
    assert did_you_mean("Risk", ["Risks", "Budget"]) == ' (did you mean "Risks"?)'
    assert did_you_mean("Zzz", ["Risks", "Budget"]) == ""


def _suggestion(parse, value: str) -> str:
    try:
        parse(value)
    except BadValue as e:
        return e.params["suggestion"]
    raise AssertionError("expected a bad value")


def test_choice_suggestion_keeps_closest_wording_and_its_lower_cutoff():
    parse = choice_parser(("Low", "Medium", "High"))
    assert _suggestion(parse, "Mediun") == ' (closest: "Medium")'
    assert _suggestion(parse, "Hi") == ' (closest: "High")'  # ratio 2*2/6 = 0.67
    # "Medxxx" against "medium" scores 2*3/12 = 0.5: offered here (cutoff 0.5), not by did_you_mean (0.6)
    assert _suggestion(parse, "Medxxx") == ' (closest: "Medium")'
    assert did_you_mean("Medxxx", ["Low", "Medium", "High"]) == ""
    assert _suggestion(parse, "xyz") == ""
    assert _suggestion(parse, "M" * 61) == ""  # long text is not compared


def test_unknown_project_ids_take_the_first_id_that_folds_alike():
    done: dict[str, str] = {}
    assert _closest_id("ACME-01", ["ACME-001", "acme-001"], done) == "ACME-001"
    assert _closest_id("ZZZZ", ["ACME-001"], done) == ""
    assert done == {"ACME-01": "ACME-001", "ZZZZ": ""}


def test_difflib_is_used_in_one_module():
    package = Path(planforge.__file__).parent
    users = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if "difflib" in names:
                users.add(path.relative_to(package).as_posix())
    assert users == {"core/errors.py", "core/textmerge.py"}  # names matched in one place; lines merged in one other
