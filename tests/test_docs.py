"""Generated docs stay in sync with the schema, and the field map covers the whole seed."""

from __future__ import annotations

import dataclasses
import inspect
import re

import pytest

from planforge.context import alerts, flows, plan
from planforge.core import model
from planforge.core.errors import CODES, KINDS, Severity
from planforge.core.model import CHILD_TYPES, DERIVED_PROJECT_FIELDS, Project, Settings
from planforge.intake import schema
from planforge.intake.reference_docs import field_map, intake_reference, problems_reference, seed_placeholders
from support import ROOT

SEED = ROOT / "docs" / "seed" / "implementation-plan-template.md"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "implementation-plan-template.md"


def test_intake_reference_is_in_sync():
    assert (ROOT / "docs" / "intake-reference.md").read_text("utf-8") == intake_reference(), "run: planforge docs"


def test_problem_reference_is_in_sync_and_lists_every_code():
    text = (ROOT / "docs" / "problems.md").read_text("utf-8")
    assert text == problems_reference(), "run: planforge docs"
    for kind in KINDS:
        assert f"\n## {kind.code}\n" in text and f"| [`{kind.code}`](#{kind.code}) | {kind.severity} |" in text


def test_problem_registry_is_complete():
    assert len(CODES) == len(KINDS), "a code is declared twice"
    for kind in KINDS:
        assert kind.title and kind.template and kind.hint and kind.description, kind.code
        assert isinstance(kind.severity, Severity)


def test_field_map_is_in_sync_and_covers_every_placeholder():
    text = field_map(SEED.read_text("utf-8"))
    assert (ROOT / "docs" / "field-map.md").read_text("utf-8") == text, "run: planforge docs"
    placeholders = seed_placeholders(SEED.read_text("utf-8"))
    assert len(placeholders) >= 120
    assert "UNMAPPED" not in text
    for name in placeholders:
        assert f"| `[{name}]` |" in text


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="shared/seed is not beside this checkout")
def test_vendored_seed_matches_the_shared_one():
    assert SEED.read_text("utf-8") == SHARED_SEED.read_text("utf-8")


def test_model_fields_equal_schema_keys():
    project_fields = (
        set(Project.__dataclass_fields__) - {"file", "row"} - set(CHILD_TYPES) - set(DERIVED_PROJECT_FIELDS)
    )
    assert project_fields == {c.key for c in schema.PROJECTS.columns}
    for sheet in schema.CHILD_SHEETS:
        fields = set(CHILD_TYPES[sheet.key].__dataclass_fields__) - {"row"}
        assert fields == {c.key for c in sheet.columns} - {"project_id"}, sheet.name
    assert set(Settings.__dataclass_fields__) == {s.key for s in schema.SETTINGS}


def _model_classes() -> dict[str, type]:
    """The model classes docs/documents.md may name: the plan's context, the integration model and the intake rows."""
    return {
        name: cls
        for module in (plan, flows, alerts, model)
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if dataclasses.is_dataclass(cls)
    }


def test_every_model_field_docs_documents_names_exists():
    """The documents reference says which model fields each section reads: each must be a real field
    or property, so the page cannot drift from the code."""
    classes = _model_classes()
    text = (ROOT / "docs" / "documents.md").read_text("utf-8")
    named = re.findall(r"`([A-Z][A-Za-z]+)\.([a-z_]+)`", text)
    assert len(named) > 60
    for cls_name, field in named:
        assert cls_name in classes, cls_name
        cls = classes[cls_name]
        fields = {f.name for f in dataclasses.fields(cls)} | {
            k for k, v in vars(cls).items() if isinstance(v, property)
        }
        assert field in fields, f"{cls_name}.{field}"
