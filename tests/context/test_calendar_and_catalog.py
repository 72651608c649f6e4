"""Each plan states the calendar its phases are counted on, two projects of one workbook may follow two
calendars, and catalog figures are cited by the catalog's own revision date (issue 22)."""

from __future__ import annotations

from datetime import date, timedelta

from planforge.context import compose
from planforge.context.plan import cite
from planforge.derive.catalog import catalog_revision, lookup
from planforge.pipeline import generate
from support import PROJECT_HEADER

HEADER = [*PROJECT_HEADER, "Holiday Country"]
SETTINGS = [["Setting", "Value"], ["Holiday Country", "GB-ENG"]]


def _two_calendars(book, tmp_path):
    path = book(
        Projects=[
            HEADER,
            ["P-1", "Order sync", "Kunde GmbH", "Shopify", "Xero", 0.9, "2026-03-30", "DE-BW"],
            ["P-2", "Order sync", "Client Ltd", "Shopify", "Xero", 0.9, "2026-03-30", None],
        ],
        Settings=SETTINGS,
    )
    result = generate([path], tmp_path / "out", plan_date=date(2026, 1, 15))
    assert result.ok, [p.line() for p in result.report.errors]
    read = lambda pid: (tmp_path / "out" / f"{pid}-implementation-plan.md").read_text("utf-8")  # noqa: E731
    return read("P-1"), read("P-2")


def test_each_plan_states_its_own_calendar(book, tmp_path):
    german, english = _two_calendars(book, tmp_path)
    assert "Business days exclude weekends and the public holidays of Baden-Württemberg (DE-BW)." in german
    assert "Business days exclude weekends and the public holidays of England (GB-ENG)." in english


def test_two_projects_of_one_workbook_are_scheduled_on_two_calendars(book, tmp_path):
    german, english = _two_calendars(book, tmp_path)

    # Good Friday and Easter Monday are holidays in both; 1 May, Ascension and Corpus Christi only in
    # Baden-Württemberg, the early May bank holiday (4 May) only in England: the later phases part ways.
    def durations(plan: str) -> list[str]:
        return [line for line in plan.splitlines() if line.startswith("**Duration**")]

    assert durations(german)[0] == durations(english)[0]  # 30 Mar to 7 Apr: Easter in both
    assert durations(german) != durations(english)


def test_a_calendar_sentence_names_closures_and_says_weekends_only_when_nothing_else():
    assert compose.calendar_sentence(None, ()) == "Business days exclude weekends only."
    assert compose.calendar_sentence(None, (date(2026, 12, 24),)) == (
        "Business days exclude weekends and our closure day (24 Dec 2026)."
    )
    assert compose.calendar_sentence("US", (date(2026, 12, 31), date(2026, 12, 24))) == (
        "Business days exclude weekends, the public holidays of the United States (US), and our closure days "
        "(24 Dec 2026 and 31 Dec 2026)."
    )


def test_a_catalog_citation_is_dated_only_when_the_plan_is_not_older_than_the_check():
    """A catalog figure cites its vendor page, with the day the catalog was checked when that day is
    not after the plan's own date (a citation from the plan's future would puzzle a client)."""
    entry = lookup("Shopify").system
    assert entry is not None
    revision = catalog_revision()
    on_or_after = cite(entry, revision)
    assert on_or_after == f"Shopify API documentation ({entry.source}, checked {revision.day} {revision:%b %Y})"
    assert cite(entry, revision - timedelta(days=1)) == f"Shopify API documentation ({entry.source})"


def test_the_review_names_the_locale_and_calendar_with_their_sources(book, tmp_path):
    _two_calendars(book, tmp_path)
    german = (tmp_path / "out" / "review" / "P-1-review.md").read_text("utf-8")
    english = (tmp_path / "out" / "review" / "P-2-review.md").read_text("utf-8")
    assert "Figures are printed in en-US (from the currency USD" in german
    assert "weekends and the public holidays of Baden-Württemberg (DE-BW) (Projects > Holiday Country)" in german
    assert "weekends and the public holidays of England (GB-ENG) (Settings > Holiday Country)" in english


def test_the_quickbooks_batch_fact_states_intuits_maximum_not_an_item_recommendation():
    """Intuit's limits page: at most 30 payloads a batch request, 40 batch requests a minute per realm and app."""
    from planforge.derive.catalog import lookup

    entry = lookup("QuickBooks Online").system
    assert entry is not None
    assert entry.batch.startswith("Batch endpoint: at most 30 payloads per batch request")
    assert "items per batch recommended" not in entry.batch
