"""Passages of a rendered document that carry a mark, read from the Markdown tokens."""

from __future__ import annotations

from planforge.formats.md_tokens import marked_passages

DOC = """# TITLE

## 1\\. Platform

- **Hosting**: AWS (assumed)
- **Monitoring**: Datadog (assumed); logs in Datadog Logs (assumed); alerts to PagerDuty

## 4.1 Stock feed

| Property | Value |
|---|---|
| Direction | NetSuite to Shopify |
| Frequency | Every 5 minutes (assumed) |

A stated line. The rate is $95 an hour (assumed). Nothing else.
"""


def test_each_marked_clause_once_with_its_section_and_row_label():
    assert marked_passages(DOC, "(assumed)") == [
        ("1. Platform", "Hosting: AWS (assumed)"),
        ("1. Platform", "Monitoring: Datadog (assumed)"),
        ("1. Platform", "logs in Datadog Logs (assumed)"),
        ("4.1 Stock feed", "Frequency: Every 5 minutes (assumed)"),
        ("4.1 Stock feed", "The rate is $95 an hour (assumed)"),
    ]


def test_a_document_without_the_mark_has_no_passage():
    assert marked_passages(DOC.replace("(assumed)", ""), "(assumed)") == []
