"""Issue 21: each workflow's Source System, Target System, Frequency and Latency Target, read strictly,
checked against its project, and used as stated (or derived and marked assumed) by every document."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planforge.core.model import Cadence, Span
from planforge.intake.parse import BadValue, parse_frequency, parse_span
from planforge.validation.validate import validate_files
from support import flat

WF_HEADER = ["Project ID", "Workflow", "Trigger", "Source System", "Target System", "Frequency", "Latency Target"]


@pytest.mark.parametrize(
    ("text", "shown", "every"),
    [
        ("real-time", "real-time", None),
        ("Real time", "real-time", None),
        ("webhook", "real-time", None),
        ("every 15 minutes", "every 15 minutes", timedelta(minutes=15)),
        ("Every 15 min", "every 15 minutes", timedelta(minutes=15)),
        ("every hour", "every hour", timedelta(hours=1)),
        ("every 90 minutes", "every 90 minutes", timedelta(minutes=90)),
        ("hourly", "hourly", timedelta(hours=1)),
        ("daily", "daily", timedelta(days=1)),
        ("daily at 02:00", "daily at 02:00", timedelta(days=1)),
        ("Nightly at 2am", "daily at 02:00", timedelta(days=1)),
        ("every day at 2:30 pm", "daily at 14:30", timedelta(days=1)),
        ("weekly", "weekly", timedelta(days=7)),
        ("on demand", "on demand", None),
        ("Manual", "on demand", None),
    ],
)
def test_frequency_forms(text, shown, every):
    cadence = parse_frequency(text)
    assert (cadence.text, cadence.every) == (shown, every)


@pytest.mark.parametrize(
    "text", ["15 minutes", "daily at 2", "twice a day", "soon", "every fortnight", "weekly at 02:00", "monthly", "5"]
)
def test_frequency_that_cannot_be_read_certainly_is_an_error(text):
    with pytest.raises(BadValue) as e:
        parse_frequency(text)
    assert e.value.code == "wrong-type"


def test_frequency_out_of_range():
    for text in ("every 0 minutes", "every 40 days"):
        with pytest.raises(BadValue) as e:
            parse_frequency(text)
        assert e.value.code == "out-of-range"


@pytest.mark.parametrize(
    ("text", "shown", "seconds"),
    [
        ("5 minutes", "5 minutes", 300),
        ("within 5 min", "5 minutes", 300),
        ("< 2 hours", "2 hours", 7200),
        ("1.5 hours", "90 minutes", 5400),
        ("30s", "30 seconds", 30),
        ("1 day", "1 day", 86400),
        (timedelta(minutes=10), "10 minutes", 600),
    ],
)
def test_latency_target_forms(text, shown, seconds):
    span = parse_span(text)
    assert (span.text, span.length.total_seconds()) == (shown, seconds)


@pytest.mark.parametrize("text", ["5", 5, "5 m", "soon", "real-time"])
def test_latency_target_without_a_unit_is_an_error(text):
    with pytest.raises(BadValue):
        parse_span(text)


def _report(book, *rows, systems=None):
    sheets = {"Workflows": [WF_HEADER, *rows]}
    if systems:
        sheets["Systems"] = [["Project ID", "System", "Webhooks"], *systems]
    return validate_files([book(**sheets)])


def test_stated_columns_reach_the_model(book):
    report = _report(book, ["P-1", "Sync orders", "", "Shopify", "QuickBooks Online", "every 15 minutes", "30 minutes"])
    assert report.valid, [p.line() for p in report.problems]
    (w,) = report.portfolio.projects[0].workflows
    assert (w.source_system, w.target_system) == ("Shopify", "QuickBooks Online")
    assert w.frequency == Cadence("every 15 minutes", "interval", timedelta(minutes=15))
    assert w.latency_target == Span("30 minutes", timedelta(minutes=30))


def test_unreadable_frequency_and_latency_are_located_errors(book):
    report = _report(book, ["P-1", "Sync orders", "", "", "", "15 minutes", "5"])
    assert ("Workflows", 2, "Frequency", "wrong-type") in flat(report, "error")
    assert ("Workflows", 2, "Latency Target", "wrong-type") in flat(report, "error")
    assert "every 15 minutes" in next(p.hint for p in report.problems if p.column == "Frequency")
    assert not report.portfolio.projects


def test_unknown_source_system_is_a_located_error_with_the_closest_name(book):
    report = _report(book, ["P-1", "Sync orders", "", "Shopfy", "QuickBooks Online", "", ""])
    assert flat(report, "error") == [("Workflows", 2, "Source System", "workflow-system-unknown")]
    problem = report.errors[0]
    assert problem.cell == "D2"
    assert 'closest: "Shopify"' in problem.message
    assert not report.portfolio.projects


def test_systems_sheet_system_may_be_a_source(book):
    report = _report(
        book,
        ["P-1", "Push CSAT scores", "", "Gorgias", "shopify", "", ""],
        systems=[["P-1", "Gorgias", "Yes"]],
    )
    assert report.valid, [p.line() for p in report.problems]


def test_same_source_and_target_is_an_error(book):
    report = _report(book, ["P-1", "Sync orders", "", "Shopify", "Shopify", "", ""])
    assert ("Workflows", 2, "Target System", "same-source-target") in flat(report, "error")


@pytest.mark.parametrize(("frequency", "slow"), [("daily", True), ("on demand", True), ("every 5 minutes", False)])
def test_cadence_slower_than_latency_target_is_a_coherence_warning(book, frequency, slow):
    report = _report(book, ["P-1", "Publish stock", "", "", "", frequency, "5 minutes"])
    found = ("Workflows", 2, "Frequency", "cadence-slower-than-target") in flat(report, "warning")
    assert found is slow
    assert report.valid


def test_slow_cadence_message_offers_a_faster_one(book):
    report = _report(book, ["P-1", "Publish stock", "Scheduled", "", "", "hourly", "20 minutes"])
    (problem,) = [p for p in report.problems if p.code == "cadence-slower-than-target"]
    assert problem.cell == "F2"
    assert "up to 1 hour" in problem.message and "every 15 minutes" in problem.hint


def test_trigger_that_contradicts_the_frequency_is_a_warning(book):
    report = _report(book, ["P-1", "Publish stock", "Scheduled", "", "", "real-time", ""])
    assert ("Workflows", 2, "Frequency", "trigger-frequency-mismatch") in flat(report, "warning")
