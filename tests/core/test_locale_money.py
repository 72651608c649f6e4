"""Money, numbers and percentages in a project's locale (issue 22): Babel prints them, the locale is
passed by every caller, and a project that names no locale prints exactly as before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planforge.core.money import (
    format_money,
    format_number,
    format_percent,
    format_rate,
    localize_digits,
    plan_locale,
    read_locale,
)


def test_a_german_locale_prints_amounts_after_the_figure_with_german_digits():
    assert format_money(48500, "EUR", "de_DE") == "48.500\u00a0€"
    assert format_rate(Decimal("40"), "EUR", "de_DE") == "40,00\u00a0€"
    assert format_number(1234567, "de_DE") == "1.234.567"
    assert format_percent(0.855, "de_DE") == "85,5%"
    assert localize_digits("1,234.5", "de_DE") == "1.234,5"


@pytest.mark.parametrize("locale", ["en_US", "en_IE", "en_GB"])
def test_english_locales_keep_the_amounts_as_plans_printed_them(locale):
    assert format_money(48500, "EUR", locale) == "€48,500"
    assert format_percent(0.995, locale) == "99.5%"
    assert localize_digits("1,234.5", locale) == "1,234.5"


def test_the_locale_is_the_projects_else_settings_else_the_currencys():
    assert plan_locale("de-DE", "en-GB", "USD") == "de_DE"
    assert plan_locale(None, "en-GB", "EUR") == "en_GB"
    assert plan_locale(None, None, "EUR") == "en_IE"  # €48,500, as before locales
    assert plan_locale(None, None, "GBP") == "en_GB"
    assert plan_locale(None, None, "JPY") == "en_US"


@pytest.mark.parametrize(("typed", "read"), [("de-DE", "de-DE"), ("en_gb", "en-GB"), (" fr ", "fr")])
def test_a_bcp47_tag_is_read_with_babel_into_its_canonical_form(typed, read):
    assert read_locale(typed) == read


@pytest.mark.parametrize("typed", ["xx-YY", "Deutsch", "de-DE-x", "", "e" * 40])
def test_a_tag_babel_does_not_know_is_refused(typed):
    with pytest.raises(ValueError):
        read_locale(typed)
