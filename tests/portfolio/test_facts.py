"""The summary's per-project facts: drawn from the plan context, and kept in the run manifest as JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from planforge.pipeline import generate
from planforge.portfolio.facts import FACTS_FORMAT, ProjectFacts, project_facts

DAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def sample_facts(tmp_path_factory):
    from support import SAMPLE

    result = generate([SAMPLE], tmp_path_factory.mktemp("facts"), plan_date=DAY)
    return [project_facts(c) for c in result.contexts], result.contexts


def test_facts_come_back_from_json_exactly_as_they_were(sample_facts):
    facts, _ = sample_facts
    for f in facts:
        again = ProjectFacts.from_json(json.loads(json.dumps(f.to_json())))
        assert again == f
        assert [type(v) for v in again.to_json()] == [type(v) for v in f.to_json()]  # 1 stays 1, 1.0 stays 1.0


def test_facts_are_the_contexts_own_values(sample_facts):
    facts, contexts = sample_facts
    for f, ctx in zip(facts, contexts):
        assert f.project_id == ctx.project.project_id
        assert f.go_live == ctx.go_live
        assert [ph.days for ph in f.phases] == [ph.days for ph in ctx.phases]
        assert sum(n for _, _, n in f.risk_grid) == len(ctx.project.risks)
        assert f.missing == len(ctx.completeness.missing)
        assert len(f.team) == len(ctx.project.team)
    assert any(f.high_risks for f in facts) and any(f.annual_value for f in facts)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda raw: raw[:-1],  # a field short
        lambda raw: [FACTS_FORMAT + 1, *raw[1:]],  # another format
        lambda raw: [*raw[:7], "12", *raw[8:]],  # the row as text
        lambda raw: [*raw[:14], "15 Jan 2026", *raw[15:]],  # go-live not ISO
        lambda raw: [*raw[:16], ["twelve", "USD"], *raw[17:]],  # an amount that is not one
        lambda raw: {"project_id": raw[1]},  # not the list at all
    ],
)
def test_recorded_facts_of_the_wrong_shape_are_refused(sample_facts, spoil):
    facts, _ = sample_facts
    with_value = next(f for f in facts if f.annual_value is not None and f.go_live is not None)
    raw = json.loads(json.dumps(with_value.to_json()))
    with pytest.raises(ValueError):
        ProjectFacts.from_json(spoil(raw))


def test_type_group_and_risk_counts(sample_facts):
    facts, _ = sample_facts
    f = replace(facts[0], types=("accounting", "inventory"), risk_grid=(("High", "High", 2), ("Low", "Medium", 1)))
    assert f.type_group == "accounting + inventory"
    assert f.risk_counts() == {"High": 2, "Medium": 0, "Low": 1}
    assert replace(f, types=()).type_group == "not determined"
