"""Whole-word alias matching and its pitfalls."""

from __future__ import annotations

import pytest

from planforge.derive.catalog import integration_types, load_catalog, lookup


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Shopify", "Shopify"),
        ("shopify plus", "Shopify"),
        ("Shopify POS", "Shopify POS"),
        ("Square", "Square"),
        ("Square POS", "Square"),
        ("Squarespace", None),
        ("Vend", "Lightspeed X-Series"),
        ("Vendor Portal", None),
        ("Lightspeed X-Series", "Lightspeed X-Series"),
        ("QuickBooks Online", "QuickBooks Online"),
        ("QBO", "QuickBooks Online"),
        ("QuickBooks Desktop", None),
        ("QuickBooks Pro", None),
        ("NetSuite", "NetSuite"),
        ("Oracle NetSuite", "NetSuite"),
        ("Sage 50", None),
        ("Lightspeed Restaurant", None),
        ("Amazon Vendor Central", None),
        ("Cin7 Core", "Cin7"),
        ("Klavio", "Klaviyo"),
        ("Toast", "Toast"),
        ("Woo", "WooCommerce"),
        ("Acme ERP", None),
        ("", None),
    ],
)
def test_lookup(name, expected):
    match = lookup(name)
    assert (match.system.name if match.system else None) == expected


@pytest.mark.parametrize(
    "name, default",
    [
        ("QuickBooks", "QuickBooks Online"),
        ("Sage", "Sage Intacct"),
        ("Lightspeed", "Lightspeed Retail (R-Series)"),
        ("Cin7", "Cin7"),
        ("Zoho", "Zoho Books"),
        ("Amazon", "Amazon Seller Central"),
    ],
)
def test_ambiguous_names_resolve_to_the_documented_default_with_a_note(name, default):
    match = lookup(name)
    assert match.system.name == default and match.ambiguity


def test_full_names_are_not_ambiguous():
    assert lookup("QuickBooks Online").ambiguity == ""
    assert lookup("Sage Intacct").ambiguity == ""


@pytest.mark.parametrize(
    "a, b, types",
    [
        ("Shopify", "QuickBooks Online", ("accounting",)),
        ("Square POS", "Shopify", ("pos",)),
        ("WooCommerce", "Klaviyo", ("marketing",)),
        ("Shopify Plus", "ShipStation", ("fulfillment",)),
        ("Shopify", "Cin7 Core", ("inventory",)),
        ("Square", "Xero", ("pos", "accounting")),
        ("Shopify", "Amazon Seller Central", ()),
        ("Shopify", "Acme ERP", ()),
    ],
)
def test_integration_type_comes_from_the_non_commerce_side(a, b, types):
    assert integration_types(lookup(a), lookup(b)) == types


def test_every_catalog_figure_has_a_source_and_date():
    for system in load_catalog():
        assert system.source and system.as_of in ("2026-11", "2026-12"), system.name
        assert system.category in {"commerce", "accounting", "marketing", "fulfillment", "inventory", "pos", "support"}


@pytest.mark.parametrize("name", ["Gorgias", "Zendesk", "Freshdesk", "Help Scout", "Intercom"])
def test_helpdesks_are_support_systems_with_cited_facts_read_in_december(name):
    entry = lookup(name).system
    assert entry is not None and entry.category == "support"
    assert entry.as_of == "2026-12" and "." in entry.source
    assert entry.rate_limit and entry.webhooks.startswith("yes") and entry.objects


def test_a_third_system_adds_its_integration_type_after_the_pairs():
    matches = (lookup("Shopify Plus"), lookup("Klaviyo"), lookup("Gorgias"))
    assert integration_types(*matches) == ("marketing", "support")
    assert integration_types(lookup("Shopify"), lookup("Zendesk Support")) == ("support",)


def test_helpdesk_names_match_by_whole_words_and_products():
    assert lookup("HelpScout").system.name == "Help Scout"  # type: ignore[union-attr]
    assert lookup("Help desk portal").system is None
    assert lookup("Zendesk Sell").system is None
    assert lookup("Freshservice").system is None
