"""Projects > Data Volume's counts, read once for every rule (``derive.volumes``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planforge.derive.volumes import daily_volume, stocks, volumes
from support import PROJECT_HEADER, PROJECT_ROW, write_book


@pytest.mark.parametrize(
    "text, count, words, period",
    [
        ("2,843 orders a day", "2843", "orders", "day"),
        ("1.234 orders a day", "1234", "orders", "day"),  # a count is whole: the '.' groups thousands
        ("1.5k refunds per week", "1500", "refunds", "week"),
        ("12 orders/day", "12", "orders", "day"),
        ("peaks of 9 000 orders per day", "000", "orders", "day"),  # a space is no separator here: 000 only
    ],
)
def test_a_count_over_a_period_is_read_by_babel_in_either_convention(text, count, words, period):
    (v,) = volumes(text)[-1:]
    assert (v.count, v.words, v.period) == (Decimal(count), words, period)


def test_a_count_that_reads_two_ways_says_how_it_was_read():
    (v,) = volumes("1.234k orders a day")
    assert v.count == Decimal(1_234_000) and "thousands separator" in v.ambiguity
    assert volumes("2,843 orders a day")[0].ambiguity == ""


def test_stocks_are_the_counts_over_no_period():
    text = "11,000 active SKUs and 600 orders per day"
    assert [(v.count, v.period) for v in volumes(text)] == [(Decimal(600), "day")]
    assert [(v.count, v.words) for v in stocks(text)] == [(Decimal(11000), "active SKUs and")]
    assert daily_volume(text) == 600


def test_a_data_volume_that_reads_two_ways_is_a_warning_at_its_cell(tmp_path):
    from planforge.validation.validate import validate_files

    header, row = [*PROJECT_HEADER, "Data Volume"], [*PROJECT_ROW, "1.234k orders a day"]
    report = validate_files([write_book(tmp_path / "in.xlsx", {"Projects": [header, row]})])
    (p,) = [p for p in report.problems if p.code == "data-volume-read"]
    assert (p.sheet, p.row, p.column) == ("Projects", 2, "Data Volume")
    assert "1,234,000 orders a day" in p.message and "thousands separator" in p.message


def test_the_test_cases_readers_take_whole_counts_of_the_named_records():
    from planforge.derive.volumes import catalogue_size, counted, daily_count

    text = "11,000 active SKUs; 1.234 orders a day and 2.5 refunds a day"
    order = daily_count(text, {"order"})
    assert order is not None and (order.whole, order.words, order.text) == (1234, "orders", "1.234 orders a day")
    assert daily_count(text, {"refund"}) is None  # 2.5 refunds is no count of records
    size = catalogue_size(text)
    assert size is not None and (size.whole, size.text) == (11000, "11,000 active SKUs")
    peak = counted("1,500 orders posted within 30 minutes", {"order"})
    assert peak is not None and (peak.whole, peak.words) == (1500, "orders")
    assert counted("1,500 orders posted", {"refund"}) is None
