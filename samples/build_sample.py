"""Build samples/intake-sample.xlsx: a realistic ten-client portfolio.

Run:  python samples/build_sample.py   (from the repository root, with planforge installed)

It covers all five integration types, a two-type project (HARBOR-004), a data migration
(SUMMIT-006, a German client in EUR whose plans print in de-DE on the Baden-Württemberg holiday
calendar while every other project follows the firm's US calendar), a sparse project an analyst has only started (FJORD-009), a three-system
project (TIDE-010: Shopify Plus with Klaviyo and the Gorgias helpdesk), leading-zero
text IDs are exercised by the tests instead. People are shared across projects so the
summary's People sheet shows real load.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from planforge.intake.blank_workbook import write_intake_template

P = "Projects"


def project(**kw):
    return kw


PROJECTS = [
    project(
        project_id="ACME-001",
        project_name="Order-to-Invoice Automation",
        client_name="Acme Outdoor Co.",
        system_a="Shopify",
        system_b="QuickBooks Online",
        confidence=0.85,
        complexity="Medium",
        kickoff_date=date(2026, 2, 2),
        status="Planning",
        client_contact="Marco Ruiz (Controller)",
        data_volume="about 1,200 orders a day, 3,400 SKUs",
        current_state="re-keying every Shopify order, refund and payout into QuickBooks Online by hand, then reconciling Shopify Payments deposits line by line at month end",
        hourly_rate=42,
        budget=24000,
        deployment_strategy="Blue-green",
        deployment_window="Sunday 06:00-09:00 ET",
        rollback_criteria="More than 2% of orders fail to post in the first hour, or any payout fails to reconcile",
        rollback_time="15 minutes",
        target_sync_duration="under 5 minutes per order batch",
        accuracy_metric="Daily order totals match between Shopify and QuickBooks to the cent",
        response_time_target="p95 under 2 seconds per API call",
        performance_targets="1,500 orders posted within 30 minutes of the daily peak",
        test_data_source="Shopify development store and QuickBooks Online sandbox company",
        test_data_volume="300 orders covering 12 tax and discount combinations",
        test_data_approach="Scripted order fixtures replayed into the development store",
        test_data_refresh="Rebuilt from fixtures before each UAT cycle",
        dashboard_url="https://app.datadoghq.com/dashboard/acme-o2i",
        alert_destination="#acme-integration on Slack",
        additional_dependencies="Avalara AvaTax (tax already calculated in Shopify)",
    ),
    project(
        project_id="BLOOM-002",
        project_name="Customer & Order Sync to Klaviyo",
        client_name="Bloom & Vine Botanicals",
        system_a="WooCommerce",
        system_b="Klaviyo",
        confidence=0.9,
        complexity="Low",
        kickoff_date=date(2026, 1, 19),
        status="Discovery",
        data_volume="18,000 subscribers, about 150 orders a day",
        current_state="exporting customer CSVs from WooCommerce every Monday and importing them into Klaviyo, so abandoned-cart and post-purchase flows run on week-old data",
        hourly_rate=35,
        budget=9500,
        deployment_strategy="Rolling",
        deployment_window="Tuesday 21:00-23:00 PT",
        rollback_criteria="Profile sync error rate above 1% for 30 minutes",
        rollback_time="10 minutes",
        target_sync_duration="under 2 minutes from order to profile update",
        accuracy_metric="Consent status identical in WooCommerce and Klaviyo for a weekly sample of 500 profiles",
        test_data_source="Staging copy of the WooCommerce store with anonymised customers",
    ),
    project(
        project_id="PEAK-003",
        project_name="Warehouse Fulfillment Automation",
        client_name="Peak Performance Supplements",
        system_a="Shopify Plus",
        system_b="ShipStation",
        confidence=0.8,
        complexity="Medium",
        kickoff_date=date(2026, 2, 9),
        status="Planning",
        data_volume="2,500 orders a day, peaks of 9,000 during promotions",
        current_state="copying orders into ShipStation with a nightly CSV and pasting tracking numbers back into Shopify by hand, so customers wait a day for tracking emails",
        hourly_rate=38,
        deployment_strategy="Canary",
        deployment_window="Wednesday 05:00-07:00 MT",
        rollback_criteria="Any order shipped twice, or tracking sync delayed more than 1 hour",
        rollback_time="20 minutes",
        performance_targets="9,000 orders routed in under 2 hours on a promotion day",
        target_sync_duration="under 10 minutes from payment to ShipStation order",
    ),
    project(
        project_id="HARBOR-004",
        project_name="ERP Orders, Inventory & Financials",
        client_name="Harbor Home Goods",
        system_a="Shopify",
        system_b="NetSuite",
        integration_type="accounting, inventory",
        confidence=0.75,
        complexity="High",
        kickoff_date=date(2026, 2, 16),
        status="Planning",
        client_contact="Evelyn Park (Director of Finance)",
        data_volume="600 orders a day across 3 warehouses, 11,000 SKUs",
        current_state="keying Shopify orders into NetSuite sales orders twice a day and updating Shopify stock levels from a NetSuite saved search export, which oversells fast movers",
        hourly_rate=48,
        budget=42000,
        deployment_strategy="Phased by location",
        deployment_window="Saturday 20:00 - Sunday 02:00 ET",
        rollback_criteria="Inventory drift above 0.5% of SKUs in any location",
        rollback_time="45 minutes",
        target_sync_duration="inventory within 5 minutes, orders within 15 minutes",
        accuracy_metric="Cycle counts match NetSuite on-hand within 0.5%",
        response_time_target="p95 under 3 seconds",
        hosting_provider="Azure (East US 2)",
        secret_manager="Azure Key Vault",
        error_reduction=0.9,
    ),
    project(
        project_id="CITY-005",
        project_name="POS and Online Catalog Unification",
        client_name="Cityline Coffee Roasters",
        system_a="Square POS",
        system_b="Shopify",
        confidence=0.7,
        complexity="Medium",
        kickoff_date=date(2026, 3, 2),
        status="Planning",
        data_volume="4 cafés, 900 in-store transactions a day, 240 retail SKUs",
        current_state="maintaining the bean and merchandise catalog twice, once in Square and once in Shopify, and counting café stock by hand every Sunday",
        hourly_rate=30,
        budget=15000,
        payment_terms="Signature 50%, Go-live 50%",
        deployment_strategy="Phased by location",
        deployment_window="Monday 14:00-16:00 (after the lunch rush)",
        rollback_criteria="Any café unable to take payments, or stock drift above 2%",
        rollback_time="5 minutes (disable sync; Square keeps selling)",
    ),
    project(
        project_id="SUMMIT-006",
        project_name="Accounting Migration to Xero",
        client_name="Summit Cycle Works",
        system_a="BigCommerce",
        system_b="Xero",
        confidence=0.65,
        kickoff_date=date(2026, 2, 23),
        status="Planning",
        data_volume="300 orders a day; 3 years of history (about 310,000 invoices)",
        current_state="moving from a desktop accounting package to Xero while staff post BigCommerce orders manually as daily journal entries",
        currency="EUR",
        locale="de-DE",  # a German client: 28.000 €, 1.234,5; the documents stay in English
        holiday_country="DE-BW",  # Baden-Württemberg: its own calendar, while the firm's Settings say US
        hourly_rate=40,
        budget=28000,
        data_migration=True,
        migration_scope="36 months of invoices, credit notes and customers from the legacy ledger",
        migration_cleanup="Merge about 4,000 duplicate customer records; map 60 retired SKUs to current accounts",
        migration_strategy="Year-by-year bulk load inside Xero's 5,000 calls/day cap, oldest year first, with reconciliation after each year",
        migration_time="about 2 weeks of overnight runs",
        deployment_strategy="Parallel run",
        deployment_window="Month-end close week excluded; Friday evenings",
        rollback_criteria="Trial balance differs from the legacy ledger after any migrated year",
        rollback_time="1 business day (restore Xero from the pre-load snapshot)",
    ),
    project(
        project_id="NORTH-007",
        project_name="3PL Order Routing",
        client_name="Northwind Pet Supply",
        system_a="WooCommerce",
        system_b="ShipBob",
        confidence=0.88,
        complexity="Low",
        kickoff_date=date(2026, 1, 26),
        status="In Progress",
        data_volume="400 orders a day",
        current_state="emailing ShipBob a spreadsheet of orders twice a day and copying tracking numbers back into WooCommerce",
        hourly_rate=32,
        budget=11000,
        deployment_strategy="Blue-green",
        rollback_time="10 minutes",
    ),
    project(
        project_id="LUMEN-008",
        project_name="Lifecycle Marketing Data Feed",
        client_name="Lumen Skincare",
        system_a="Shopify",
        system_b="Klaviyo",
        confidence=0.92,
        complexity="Low",
        kickoff_date=date(2026, 3, 9),
        status="Planning",
        data_volume="65,000 profiles, 700 orders a day",
        current_state="relying on the stock Shopify-Klaviyo app, which drops subscription and skin-quiz data the marketing team needs for segmentation",
        hourly_rate=45,
        budget=12000,
        payment_terms="monthly",
    ),
    project(
        project_id="FJORD-009",
        project_name="Marketplace Bookkeeping",
        client_name="Fjord Knitwear",
        system_a="Etsy",
        system_b="QuickBooks",
    ),
    project(
        project_id="TIDE-010",
        project_name="Customer Experience Data Loop",
        client_name="Tidewater Surf Co.",
        system_a="Shopify Plus",
        system_b="Klaviyo",
        confidence=0.8,
        kickoff_date=date(2026, 3, 16),
        status="Planning",
        client_contact="Priya Shah (Head of Customer Experience)",
        data_volume="1,100 orders a day, 90,000 profiles, about 400 helpdesk tickets a day",
        current_state="answering tickets in Gorgias without the customer's order history and exporting CSAT scores to Klaviyo by hand once a week",
        hourly_rate=40,
        budget=21000,
        deployment_strategy="Blue-green",
        deployment_window="Tuesday 06:00-08:00 PT",
        rollback_criteria="Profile or ticket sync error rate above 1% for 30 minutes",
        rollback_time="15 minutes",
        target_sync_duration="orders on Klaviyo profiles within 5 minutes",
        test_data_source="Shopify Plus development store, a Klaviyo test account and a Gorgias sandbox helpdesk",
    ),
]

PAIN = {
    "ACME-001": [
        ("Order entry into QuickBooks takes about 15 hours a week", 15),
        ("Month-end payout reconciliation takes two people most of a day", 6),
        ("Keying errors cause 20-30 invoice corrections a month", None),
        ("Refunds are posted late, so revenue is overstated until month end", 2),
    ],
    "BLOOM-002": [
        ("Weekly CSV export and import takes 3 hrs/week", None),
        ("Abandoned-cart emails go out days late and recover little", None),
        ("Unsubscribes are not synced back, a consent risk", 1),
    ],
    "PEAK-003": [
        ("Copying tracking numbers back to Shopify takes 2 hours a day", None),
        ("Orders paid after the nightly export ship a day late", 5),
        ("Promotion days need temporary staff just for order entry", 8),
    ],
    "HARBOR-004": [
        ("Twice-daily order keying into NetSuite takes 25 hours per week", None),
        ("Stock levels lag a day, causing 40+ oversold orders a month", 6),
        ("Finance spends 40 hours per month reconciling Shopify payouts", None),
    ],
    "CITY-005": [
        ("Catalog changes are made twice, in Square and Shopify", 4),
        ("Sunday stock counts take 3 hrs/week per café", 12),
        ("Online orders sell beans that the cafés already sold out of", None),
    ],
    "SUMMIT-006": [
        ("Manual journal entries for online sales take 10 hours a week", None),
        ("The legacy ledger is unsupported and only one person can run it", None),
        ("Sales tax reports are rebuilt by hand every quarter", 3),
    ],
    "NORTH-007": [
        ("Twice-daily spreadsheet to ShipBob takes 6 hours a week", None),
        ("Tracking numbers reach customers a day late", 2),
    ],
    "LUMEN-008": [
        ("Segments miss subscription status, so subscribers get acquisition offers", None),
        ("Quiz answers are pasted into Klaviyo by hand, 4 hours a week", None),
    ],
    "FJORD-009": [("Etsy payouts are recorded in QuickBooks by hand", None)],
    "TIDE-010": [
        ("Agents look up each customer's orders in Shopify by hand, 8 hours a week", 8),
        ("CSAT scores reach Klaviyo a week late, so unhappy customers still get promotions", 2),
    ],
}

OBJECTIVES = {
    "ACME-001": [
        (
            "Post every paid order to QuickBooks automatically",
            "Orders appear in QuickBooks within minutes, with no re-keying",
        ),
        ("Close the books two days faster", "Month-end close two days faster with payouts reconciled automatically"),
        ("Eliminate invoice corrections", None),
    ],
    "BLOOM-002": [
        ("Trigger flows on live order data", "Abandoned-cart and post-purchase flows fire within minutes of the event"),
        ("Keep consent in sync both ways", "Consent is identical in both systems, lowering compliance risk"),
    ],
    "PEAK-003": [
        ("Same-day shipping for orders paid before 3 pm", "Same-day shipping for every order paid before 3 pm"),
        ("Tracking emails within an hour of label creation", None),
        ("Handle promotion peaks without temporary staff", None),
    ],
    "HARBOR-004": [
        ("Real-time order flow into NetSuite", "Sales orders reach NetSuite within 15 minutes, no double keying"),
        ("Accurate multi-location stock online", "Oversold orders reduced by at least 90%"),
        ("Automated payout reconciliation", "Payouts reconciled daily instead of monthly"),
    ],
    "CITY-005": [
        ("One catalog for cafés and web store", "One catalog maintained once, published to both channels"),
        ("Live café stock levels", "Online shop never sells stock the cafés no longer hold"),
    ],
    "SUMMIT-006": [
        ("Retire the legacy ledger", "Legacy ledger retired with three years of history in Xero"),
        ("Automated daily sales posting", "Daily sales posted to Xero automatically"),
    ],
    "NORTH-007": [("Orders reach ShipBob within minutes", None), ("Automatic tracking updates", None)],
    "LUMEN-008": [("Segment on subscription and quiz data", "Campaigns segmented on subscription and skin-quiz data")],
    "TIDE-010": [
        ("Order history on every helpdesk ticket", "Agents see each customer's orders on the ticket, with no lookups"),
        (
            "Suppress promotions after a poor support experience",
            "Customers who rate support poorly leave promotions within the hour",
        ),
    ],
}

WORKFLOWS = {
    "ACME-001": [
        ("Create a QuickBooks sales receipt for each paid Shopify order", "Real-time", "3.1"),
        ("Post refunds as QuickBooks refund receipts", "Real-time", "3.2"),
        ("Reconcile Shopify Payments payouts to QuickBooks deposits", "Scheduled", "3.3", None, None, "daily at 02:00"),
        ("Sync new products to QuickBooks items", "Scheduled", "3.4"),
    ],
    "BLOOM-002": [
        ("Push customer profiles and consent to Klaviyo", "Real-time", None),
        ("Send Placed Order and Started Checkout events", "Real-time", None),
        (
            "Sync Klaviyo unsubscribes back to WooCommerce",
            "Scheduled",
            None,
            "Klaviyo",
            "WooCommerce",
            "every 15 minutes",
            "1 hour",
        ),
    ],
    "PEAK-003": [
        ("Route paid orders to ShipStation with warehouse tags", "Real-time", "2.1"),
        ("Write tracking numbers back and fulfil the Shopify order", "Real-time", "2.2"),
        ("Create return labels for approved returns", "Manual", "2.3"),
    ],
    "HARBOR-004": [
        (
            "Create NetSuite sales orders from Shopify orders",
            "Real-time",
            None,
            "Shopify",
            "NetSuite",
            None,
            "15 minutes",
        ),
        (
            "Publish NetSuite on-hand per location to Shopify",
            "Scheduled",
            None,
            "NetSuite",
            "Shopify",
            "every 2 minutes",
            "5 minutes",
        ),
        ("Sync fulfilments from NetSuite to Shopify", "Real-time", None, "NetSuite", "Shopify"),
        ("Post Shopify payouts as NetSuite deposits", "Scheduled", None, "Shopify", "NetSuite", "daily at 06:00"),
        ("Sync new NetSuite items to Shopify as draft products", "Scheduled", None),
    ],
    "CITY-005": [
        ("Publish the Square catalog to Shopify", "Scheduled", None),
        ("Sync inventory counts both ways per location", "Real-time", None),
        ("Send end-of-day sales summaries", "Scheduled", None),
    ],
    "SUMMIT-006": [
        ("Migrate historical invoices and customers to Xero", "Manual", None),
        ("Post daily BigCommerce sales to Xero as invoices", "Scheduled", None),
        ("Post refunds as Xero credit notes", "Real-time", None),
    ],
    "NORTH-007": [
        ("Send paid orders to ShipBob", "Real-time", None),
        ("Write tracking back to WooCommerce", "Real-time", None),
    ],
    "LUMEN-008": [
        ("Send subscription status as profile properties", "Real-time", None),
        ("Send quiz answers as profile properties", "Real-time", None),
    ],
    "TIDE-010": [
        (
            "Send orders and customer profiles to Klaviyo",
            "Real-time",
            None,
            "Shopify Plus",
            "Klaviyo",
            None,
            "5 minutes",
        ),
        ("Create Gorgias customers with their Shopify order history", "Real-time", None, "Shopify Plus", "Gorgias"),
        ("Push Gorgias CSAT scores to Klaviyo", "Scheduled", None, "Gorgias", "Klaviyo", "hourly", "1 hour"),
    ],
}

SYSTEMS = {
    "ACME-001": [
        dict(
            system="Shopify",
            rate_limit="GraphQL 100 points/s (Standard plan)",
            webhooks="Yes",
            batch_operations="Bulk operations for the initial product load",
            known_quirks="Payouts API lags up to 24 h behind the bank deposit",
            account_details="Shopify (Standard), acme-outdoor.myshopify.com",
        ),
        dict(system="QuickBooks Online", account_details="QuickBooks Online Plus, one realm, US company"),
    ],
    "HARBOR-004": [
        dict(
            system="NetSuite",
            rate_limit="15 concurrent requests for the account, shared with the 3PL connector",
            webhooks="No",
            batch_operations="SuiteQL for reads; SOAP addList for sales orders",
            known_quirks="Custom 'Channel' field is mandatory on sales orders",
            account_details="OneWorld, 3 subsidiaries; sandbox refreshed quarterly",
        )
    ],
    "CITY-005": [dict(system="Square POS", account_details="4 locations, Square for Retail Plus")],
    "TIDE-010": [
        dict(system="Shopify Plus", account_details="Shopify Plus, tidewater-surf.myshopify.com"),
        dict(system="Klaviyo", account_details="Klaviyo, one account, US data centre"),
        dict(system="Gorgias", account_details="Gorgias Pro, 12 agent seats"),
    ],
}

RISKS = {
    "ACME-001": [
        (
            "Tax rounding differs between Shopify and QuickBooks",
            "Medium",
            "High",
            "Post tax as calculated by Shopify; daily totals check during hypercare",
            "Priya Natarajan",
        ),
        (
            "Refresh token not persisted after rotation",
            "Low",
            "High",
            "Store each new token atomically in the secret manager; alert on auth failures",
            "Tom Becker",
        ),
        (
            "Payout timing mismatches confuse the bookkeeper",
            "Medium",
            "Medium",
            "Document the clearing-account flow and train the bookkeeper",
            "Dana Whitfield",
        ),
    ],
    "BLOOM-002": [
        (
            "Consent data overwritten by stale imports",
            "Medium",
            "High",
            "Klaviyo is the source of truth for consent; no null overwrites",
            "Luis Ortega",
        ),
        (
            "Host throttles the WooCommerce API",
            "Medium",
            "Medium",
            "Cache reads, use webhooks, back off on 429/503",
            "Luis Ortega",
        ),
    ],
    "PEAK-003": [
        (
            "Promotion peaks exceed ShipStation V1 limit of 40 req/min",
            "High",
            "High",
            "Use V2 API (200 req/min) and batch label creation",
            "Sam Okafor",
        ),
        (
            "Orders split across warehouses ship twice",
            "Low",
            "High",
            "Idempotency key per fulfilment; daily duplicate report",
            "Sam Okafor",
        ),
        (
            "Warehouse tags missing on new products",
            "Medium",
            "Medium",
            "Default routing rule and a weekly untagged-SKU report",
            "Dana Whitfield",
        ),
        (
            "Carrier outage on a promotion day",
            "Low",
            "High",
            "Fallback carrier account configured in ShipStation",
            None,
        ),
    ],
    "HARBOR-004": [
        (
            "NetSuite concurrency shared with the 3PL connector",
            "High",
            "High",
            "Queue with a concurrency cap of 5; schedule bulk jobs off-peak",
            "Priya Natarajan",
        ),
        (
            "Location mapping errors cause stock drift",
            "Medium",
            "High",
            "Mapping table signed off by operations; drift report per location",
            "Grace Liu",
        ),
        (
            "Subsidiary and tax code mapping disputes",
            "Medium",
            "Medium",
            "Finance sign-off on the mapping before development",
            "Dana Whitfield",
        ),
        (
            "Sandbox refresh wipes integration configuration",
            "Medium",
            "Low",
            "Configuration as a SuiteCloud project, redeployed after refresh",
            "Tom Becker",
        ),
    ],
    "CITY-005": [
        (
            "Square catalog locked by concurrent writes",
            "Medium",
            "Medium",
            "Serialise catalog writes; retry on CATALOG_LOCKED",
            "Luis Ortega",
        ),
        (
            "Café Wi-Fi outages queue offline sales",
            "High",
            "Medium",
            "Reconcile after Square's offline payments sync",
            "Luis Ortega",
        ),
    ],
    "SUMMIT-006": [
        (
            "Xero's 5,000 calls/day cap stretches the migration",
            "High",
            "Medium",
            "Batch 50 invoices per call; run nightly; track progress per year",
            "Priya Natarajan",
        ),
        (
            "Legacy data quality worse than sampled",
            "Medium",
            "High",
            "Profile the full ledger in week 1; cleanup budget agreed up front",
            "Grace Liu",
        ),
        (
            "Trial balance differences after migration",
            "Medium",
            "High",
            "Reconcile after each migrated year before loading the next",
            "Dana Whitfield",
        ),
    ],
    "NORTH-007": [
        (
            "ShipBob inventory IDs do not match WooCommerce SKUs",
            "Medium",
            "Medium",
            "Mapping sheet validated in discovery",
            "Sam Okafor",
        )
    ],
    "LUMEN-008": [
        (
            "Duplicate events from the stock app and the new feed",
            "Medium",
            "Low",
            "Disable overlapping app features before go-live",
            "Luis Ortega",
        )
    ],
    "TIDE-010": [
        (
            "Helpdesk customers without an email match no Shopify customer",
            "Medium",
            "Medium",
            "Match on email, then phone; report unmatched tickets weekly",
            "Luis Ortega",
        ),
        (
            "Gorgias API limit of 40 requests per 20 seconds during ticket peaks",
            "Medium",
            "Medium",
            "Queue Gorgias writes and batch customer updates off-peak",
            "Mia Johansson",
        ),
    ],
}

ALERTS_STD = [  # a blank workflow: the alert watches every workflow of the project
    ("Sync failure rate", "> 2% of syncs in 15 minutes", "High", "30 minutes", None),
    (
        "Authentication failure",
        "Any rejected credential (HTTP 401 or 403) or failed token refresh",
        "Critical",
        "15 minutes",
        None,
    ),
    ("Queue backlog", "> 500 pending jobs for 10 minutes", "Medium", "2 hours", None),
]
ALERTS = dict.fromkeys(
    ("ACME-001", "BLOOM-002", "PEAK-003", "HARBOR-004", "CITY-005", "SUMMIT-006", "NORTH-007"), ALERTS_STD
)
ALERTS["ACME-001"] = ALERTS_STD + [
    ("Unreconciled payout", "A payout without a matching deposit after 48 hours", "High", "4 hours", "3"),
]
ALERTS["HARBOR-004"] = ALERTS_STD + [
    ("Inventory drift", "> 0.5% of SKUs differ in any location", "High", "1 hour", "2")
]
ALERTS["TIDE-010"] = ALERTS_STD + [
    ("CSAT backlog", "Scores older than 2 hours not yet on Klaviyo profiles", "Medium", "4 hours", "3"),
]
ALERTS["LUMEN-008"] = [
    ("Profile update failures", "> 1% of events rejected by Klaviyo in 30 minutes", "Medium", "4 hours", None),
]

TEAM = {
    "ACME-001": [
        ("Project Manager", "Dana Whitfield", None, 0.3),
        ("Lead Engineer", "Priya Natarajan", None, 0.5),
        ("Backend Developer", "Arjun Mehta", None, 1.0),
        ("QA Engineer", "Grace Liu", None, 0.5),
        ("DevOps Engineer", "Tom Becker", None, 0.25),
        ("Client Point of Contact", "Marco Ruiz", "Controller; approves mapping and UAT", None),
    ],
    "BLOOM-002": [
        ("Project Manager", "Dana Whitfield", None, 0.2),
        ("Lead Engineer", "Luis Ortega", None, 0.5),
        ("Backend Developer", "Mia Johansson", None, 0.5),
        ("QA Engineer", "Grace Liu", None, 0.25),
        ("DevOps Engineer", "Tom Becker", None, 0.1),
        ("Client Point of Contact", "Hannah Cole", "Marketing lead", None),
    ],
    "PEAK-003": [
        ("Project Manager", "Rachel Adams", None, 0.3),
        ("Lead Engineer", "Sam Okafor", None, 0.6),
        ("Backend Developer", "Arjun Mehta", None, 0.5),
        ("QA Engineer", "Grace Liu", None, 0.25),
        ("DevOps Engineer", "Tom Becker", None, 0.2),
        ("Client Point of Contact", "Jason Reed", "Operations manager", None),
    ],
    "HARBOR-004": [
        ("Project Manager", "Dana Whitfield", None, 0.4),
        ("Lead Engineer", "Priya Natarajan", None, 0.6),
        ("Solutions Architect", "Omar Haddad", "NetSuite data model and SuiteCloud configuration", 0.3),
        ("Backend Developer", "Mia Johansson", None, 1.0),
        ("QA Engineer", "Grace Liu", None, 0.5),
        ("DevOps Engineer", "Tom Becker", None, 0.3),
    ],
    "CITY-005": [
        ("Project Manager", "Rachel Adams", None, 0.2),
        ("Lead Engineer", "Luis Ortega", None, 0.5),
        ("Backend Developer", "Arjun Mehta", None, 0.5),
        ("QA Engineer", "Nina Petrova", None, 0.3),
        ("Client Point of Contact", "Ada Brooks", "Owner", None),
    ],
    "SUMMIT-006": [
        ("Project Manager", "Dana Whitfield", None, 0.3),
        ("Lead Engineer", "Priya Natarajan", None, 0.5),
        ("Backend Developer", "Mia Johansson", None, 0.5),
        ("QA Engineer", "Grace Liu", None, 0.5),
        ("DevOps Engineer", "Tom Becker", None, 0.2),
        ("Business Analyst", "Chloe Martin", "Legacy ledger profiling and cleanup", 0.5),
        ("Client Point of Contact", "Ben Walsh", "Bookkeeper", None),
    ],
    "NORTH-007": [
        ("Project Manager", "Rachel Adams", None, 0.2),
        ("Lead Engineer", "Sam Okafor", None, 0.4),
        ("QA Engineer", "Nina Petrova", None, 0.2),
    ],
    "LUMEN-008": [("Lead Engineer", "Luis Ortega", None, 0.3), ("Backend Developer", "Mia Johansson", None, 0.3)],
    "TIDE-010": [
        ("Project Manager", "Rachel Adams", None, 0.2),
        ("Lead Engineer", "Luis Ortega", None, 0.4),
        ("Backend Developer", "Mia Johansson", None, 0.5),
        ("QA Engineer", "Nina Petrova", None, 0.25),
        ("Client Point of Contact", "Priya Shah", "Head of Customer Experience", None),
    ],
}

SCENARIOS = {  # (scenario, type, workflow number it tests)
    "ACME-001": [
        ("Standard paid order creates one sales receipt with matching totals", "Happy Path", "1"),
        ("Partial refund posts a refund receipt for the refunded lines only", "Happy Path", "2"),
        ("Daily payout reconciles to a single deposit", "Happy Path", "3"),
        ("New Shopify product appears as a QuickBooks item with its SKU", "Happy Path", "4"),
        ("Order with a 100% discount code", "Edge Case", "1"),
        ("Order shipped to two tax jurisdictions", "Edge Case", "1"),
        ("QuickBooks returns 429 during the daily peak", "Error Handling", "1"),
        ("Product missing in QuickBooks when its order arrives", "Error Handling", "1; 4"),
        ("1,500 orders arrive within 30 minutes at the daily peak", "Performance", "1"),
    ],
    "BLOOM-002": [
        ("New customer appears in Klaviyo with consent", "Happy Path", "1"),
        ("Abandoned checkout triggers the flow", "Happy Path", "2"),
        ("Customer unsubscribes in Klaviyo", "Happy Path", "3"),
        ("Guest checkout without email consent", "Edge Case", "1"),
        ("Klaviyo API unavailable for 10 minutes", "Error Handling", "2"),
    ],
    "PEAK-003": [
        ("Paid order reaches ShipStation tagged to the right warehouse", "Happy Path", "1"),
        ("Label creation fulfils the Shopify order with tracking", "Happy Path", "2"),
        ("Approved return creates a prepaid return label", "Happy Path", "3"),
        ("Split shipment across two warehouses", "Edge Case", "1"),
        ("Order edited after it reached ShipStation", "Edge Case", "1"),
        ("ShipStation rejects an order with an invalid address", "Error Handling", "1"),
        ("9,000 orders in 2 hours on a promotion day", "Performance", "1"),
    ],
    "HARBOR-004": [
        ("Order creates a NetSuite sales order in the right subsidiary", "Happy Path", "1"),
        ("Stock change in one warehouse updates that Shopify location only", "Happy Path", "2"),
        ("Shipped NetSuite fulfilment closes the Shopify order with tracking", "Happy Path", "3"),
        ("Payout posts as one NetSuite deposit", "Happy Path", "4"),
        ("New NetSuite item appears in Shopify as a draft product", "Happy Path", "5"),
        ("Bundle SKU with components in two locations", "Edge Case", "2"),
        ("NetSuite concurrency limit reached during bulk sync", "Error Handling", "1; 2"),
    ],
    "CITY-005": [
        ("New Square item appears in Shopify", "Happy Path", "1"),
        ("Café sale lowers Shopify stock", "Happy Path", "2"),
        ("End-of-day summary matches the Square sales report", "Happy Path", "3"),
        ("Offline café sales arrive hours later", "Edge Case", "2"),
        ("Catalog locked error during a bulk edit", "Error Handling", "1"),
    ],
    "SUMMIT-006": [
        ("One migrated year reconciles to the legacy trial balance", "Happy Path", "1"),
        ("Daily sales post as Xero invoices", "Happy Path", "2"),
        ("Refund posts a credit note against its invoice", "Happy Path", "3"),
        ("Customer merged during cleanup with open invoices", "Edge Case", "1"),
        ("Xero daily limit reached mid-migration", "Error Handling", "1"),
        ("Full-year load of 100,000 invoices", "Performance", "1"),
    ],
    "NORTH-007": [
        ("Paid order appears in ShipBob with the right SKUs", "Happy Path", "1"),
        ("Shipped order shows tracking in WooCommerce", "Happy Path", "2"),
        ("Order with an SKU unknown to ShipBob", "Error Handling", "1"),
    ],
    "LUMEN-008": [
        ("Subscription cancellation updates the Klaviyo profile", "Happy Path", "1"),
        ("Completed skin quiz adds its answers to the profile", "Happy Path", "2"),
        ("Quiz answered twice keeps the latest answers", "Edge Case", "2"),
    ],
    "TIDE-010": [
        ("Paid order appears on the customer's Klaviyo profile", "Happy Path", "1"),
        ("New ticket shows the customer's last five Shopify orders", "Happy Path", "2"),
        ("A CSAT score of 1 moves the profile into the suppression segment", "Happy Path", "3"),
        ("Ticket from an email address no Shopify customer uses", "Edge Case", "2"),
        ("Gorgias returns 429 during a ticket peak", "Error Handling", "2; 3"),
    ],
}

OPEN_ITEMS = {  # (item, type, owner, due date, workflow it is about (blank: the project))
    "ACME-001": [
        ("Should online orders use a separate QuickBooks class?", "Question", "Marco Ruiz", date(2026, 2, 6), "1"),
        ("Are gift cards recorded as liabilities or revenue?", "Question", "Marco Ruiz", None),
        ("Shopify Payments payouts match bank deposits one to one", "Assumption", "Priya Natarajan", None, "3"),
    ],
    "BLOOM-002": [("Which WooCommerce host, and does it rate-limit the REST API?", "Question", "Hannah Cole", None)],
    "PEAK-003": [
        ("ShipStation V2 API access not yet enabled on the client account", "Blocker", "Jason Reed", date(2026, 2, 13)),
        ("Do bundles ship from one warehouse only?", "Question", "Jason Reed", None, "1"),
        ("Promotion calendar shared two weeks ahead", "Assumption", "Rachel Adams", None),
    ],
    "HARBOR-004": [
        ("NetSuite sandbox not provisioned", "Blocker", "Evelyn Park", date(2026, 2, 20)),
        ("Which subsidiary owns online sales?", "Question", "Evelyn Park", None, "1"),
        ("Which location is the default for unassigned stock?", "Question", "Omar Haddad", None, "2"),
        ("The 3PL connector keeps its current concurrency share", "Assumption", "Priya Natarajan", None),
    ],
    "CITY-005": [("Do cafés sell retail bags from the same stock as online?", "Question", "Ada Brooks", None, "2")],
    "SUMMIT-006": [
        ("Legacy ledger export format confirmed (CSV or IIF)?", "Question", "Ben Walsh", date(2026, 3, 2), "1"),
        ("Xero plan allows the daily call volume needed", "Assumption", "Priya Natarajan", None),
    ],
    "FJORD-009": [("QuickBooks Online or Desktop?", "Question", None, None)],
    "TIDE-010": [
        ("Which CSAT score counts as a poor experience?", "Question", "Priya Shah", date(2026, 3, 20)),
        ("Gorgias keeps one customer per email address", "Assumption", "Luis Ortega", None),
    ],
}

CRITERIA = {  # criterion, or (criterion, workflow it measures)
    "ACME-001": [
        ("Every paid order posts to QuickBooks within 10 minutes for 30 consecutive days", "1"),
        ("Zero unreconciled payouts at month-end close", "3"),
        "Invoice corrections below 2 per month",
    ],
    "BLOOM-002": [
        ("Profiles updated within 2 minutes of an order", "1"),
        "Consent identical in both systems in weekly audits",
    ],
    "PEAK-003": [
        "Same-day shipping for 99% of orders paid before 3 pm",
        ("Tracking visible to customers within 1 hour of label creation", "2"),
    ],
    "HARBOR-004": [
        ("Oversold orders below 5 a month", "2"),
        ("Sales orders in NetSuite within 15 minutes", "1"),
        ("Daily payout reconciliation without manual steps", "4"),
    ],
    "CITY-005": ["One catalog edit publishes to both channels", "Stock drift below 2% at weekly counts"],
    "SUMMIT-006": ["Three years of history reconciled in Xero", "Legacy ledger switched off"],
    "TIDE-010": [
        "Every new ticket shows the customer's order history",
        "CSAT scores on Klaviyo profiles within 1 hour",
    ],
}

STEPS = {  # (step, owner, workflow it deploys (blank: all), duration)
    "ACME-001": [
        ("Pause manual order entry at 06:00", "Marco Ruiz", None, "5 minutes"),
        ("Deploy the green environment", "Tom Becker", None, "30 minutes"),
        ("Backfill orders since the last manual entry", "Arjun Mehta", "1; 2", "45 minutes"),
        ("Switch webhooks to the green environment", "Tom Becker", None, "10 minutes"),
        ("Verify the first 50 orders against Shopify", "Grace Liu", "1", "30 minutes"),
        ("Confirm with the controller and close the window", "Dana Whitfield", None, "15 minutes"),
    ],
    "BLOOM-002": [
        ("Deploy the new release to one instance", "Tom Becker", None, "15 minutes"),
        ("Replay the last 24 hours of customers and orders", "Mia Johansson", "1; 2", "30 minutes"),
        ("Roll out to the remaining instances", "Tom Becker", None, "20 minutes"),
        ("Confirm consent matches for 50 sampled profiles", "Grace Liu", "1; 3", "20 minutes"),
    ],
    "PEAK-003": [
        ("Route 5% of paid orders through the integration", "Tom Becker", "1", "15 minutes"),
        ("Check warehouse tags and tracking on the canary orders", "Grace Liu", "1; 2", "45 minutes"),
        ("Route all orders and enable return labels", "Sam Okafor", None, "15 minutes"),
        ("Stop the nightly CSV export", "Jason Reed", None, "5 minutes"),
    ],
    "HARBOR-004": [
        ("Freeze NetSuite item changes", "Evelyn Park", "5", "15 minutes"),
        ("Deploy to production", "Tom Becker", None, "45 minutes"),
        ("Enable inventory sync for the first warehouse", "Priya Natarajan", "2", "30 minutes"),
        ("Verify stock for 100 sampled SKUs", "Grace Liu", "2", "1 hour"),
        ("Enable order, fulfilment and payout sync", "Priya Natarajan", "1; 3; 4", "30 minutes"),
        ("Repeat for the remaining warehouses on the following weekends", "Dana Whitfield", "2", "2 hours each"),
    ],
    "CITY-005": [
        ("Publish the Square catalog to Shopify", "Luis Ortega", "1", "30 minutes"),
        ("Switch on two-way stock sync for each location", "Arjun Mehta", "2", "30 minutes"),
        ("Schedule the end-of-day summary", "Luis Ortega", "3", "10 minutes"),
        ("Count 30 items in one café and compare both systems", "Nina Petrova", "2", "45 minutes"),
    ],
    "SUMMIT-006": [
        ("Take a Xero snapshot", "Tom Becker", None, "15 minutes"),
        ("Load the oldest migrated year", "Mia Johansson", "1", "1 day"),
        ("Reconcile the year against the legacy trial balance", "Chloe Martin", "1", "half a day"),
        ("Repeat for the remaining years", "Mia Johansson", "1", "2 days"),
        ("Switch on daily sales and refund posting", "Priya Natarajan", "2; 3", "30 minutes"),
    ],
    "NORTH-007": [
        ("Deploy the integration and connect ShipBob", "Sam Okafor", None, "30 minutes"),
        ("Send the first 20 paid orders and check them in ShipBob", "Nina Petrova", "1", "30 minutes"),
        ("Confirm tracking appears in WooCommerce", "Nina Petrova", "2", "1 hour"),
    ],
    "LUMEN-008": [
        ("Disable the overlapping features of the stock app", "Luis Ortega", None, "15 minutes"),
        ("Deploy and backfill 30 days of subscription and quiz data", "Mia Johansson", "1; 2", "1 hour"),
    ],
    "TIDE-010": [
        ("Deploy the green environment", "Mia Johansson", None, "30 minutes"),
        ("Backfill 90 days of orders to Klaviyo and Gorgias", "Mia Johansson", "1; 2", "1 hour"),
        ("Switch Shopify webhooks to the green environment", "Luis Ortega", "1; 2", "10 minutes"),
        ("Run the first CSAT sync and check 20 profiles", "Nina Petrova", "3", "20 minutes"),
    ],
}

MAPPINGS = {  # workflow number -> (source object, source field, target object, target field, transform, required, key)
    "ACME-001": [
        ("1", "Order", "id", "SalesReceipt", "PrivateNote", "Prefixed 'Shopify #'", True, True),
        ("1", "Order", "created_at", "SalesReceipt", "TxnDate", "Store time zone date", True, False),
        ("1", "Order", "customer.email", "Customer", "PrimaryEmailAddr", None, False, False),
        ("1", "LineItem", "sku", "Item", "Sku", None, True, False),
        (
            "1",
            "Order",
            "total_tax",
            "SalesReceipt",
            "TxnTaxDetail.TotalTax",
            "Tax as calculated by Shopify",
            True,
            False,
        ),
        ("2", "Refund", "id", "RefundReceipt", "PrivateNote", "Prefixed 'Shopify refund #'", True, True),
        ("2", "Refund", "refund_line_items", "RefundReceipt", "Line", "Refunded lines only", True, False),
        ("3", "Payout", "id", "Deposit", "PrivateNote", None, True, True),
        ("3", "Payout", "amount", "Deposit", "TotalAmt", "Net of fees; fees to the Shopify Fees account", True, False),
        ("4", "Product", "variants.sku", "Item", "Sku", None, True, True),
        ("4", "Product", "title", "Item", "Name", "Truncated to 100 characters", True, False),
    ],
    "BLOOM-002": [
        ("1", "Customer", "email", "Profile", "email", "Lower-cased", True, True),
        (
            "1",
            "Customer",
            "marketing_consent",
            "Profile",
            "subscriptions.email",
            "Opted-in only; never overwritten with blank",
            True,
            False,
        ),
        ("2", "Order", "id", "Event", "unique_id", None, True, True),
        ("2", "Order", "total", "Event", "value", None, True, False),
        ("3", "Profile", "email", "Customer", "email", None, True, True),
        ("3", "Profile", "unsubscribed", "Customer", "marketing_opt_in", "Inverted", True, False),
    ],
    "PEAK-003": [
        ("1", "Order", "id", "Order", "orderKey", None, True, True),
        ("1", "Order", "shipping_address", "Order", "shipTo", None, True, False),
        ("1", "Product", "tags", "Order", "advancedOptions.warehouseId", "Warehouse tag to warehouse ID", True, False),
        ("2", "Shipment", "trackingNumber", "Fulfillment", "tracking_number", None, True, False),
        ("2", "Shipment", "orderKey", "Fulfillment", "order_id", None, True, True),
        ("3", "Return", "order_id", "Label", "orderId", None, True, True),
    ],
    "HARBOR-004": [
        ("1", "Order", "id", "SalesOrder", "externalId", None, True, True),
        ("1", "Order", "location_id", "SalesOrder", "subsidiary", "Location to subsidiary table", True, False),
        ("1", "Order", "source_name", "SalesOrder", "custbody_channel", "Always 'Shopify'", True, False),
        (
            "2",
            "InventoryBalance",
            "item",
            "InventoryLevel",
            "inventory_item_id",
            "The Shopify inventory item with the NetSuite item's SKU",
            True,
            True,
        ),
        ("2", "InventoryBalance", "quantityAvailable", "InventoryLevel", "available", None, True, False),
        (
            "2",
            "InventoryBalance",
            "location",
            "InventoryLevel",
            "location_id",
            "NetSuite location to Shopify location table",
            True,
            True,
        ),
        ("3", "ItemFulfillment", "trackingNumbers", "Fulfillment", "tracking_info.number", None, True, False),
        ("3", "ItemFulfillment", "createdFrom", "Fulfillment", "order_id", "Sales order external ID", True, True),
        ("4", "Payout", "id", "Deposit", "externalId", None, True, True),
        (
            "4",
            "Payout",
            "net",
            "Deposit",
            "other.amount",
            "Posted as one line on the Shopify clearing account",
            True,
            False,
        ),
        ("5", "InventoryItem", "itemId", "Product", "variants.sku", None, True, True),
        ("5", "InventoryItem", "displayName", "Product", "title", None, True, False),
    ],
    "CITY-005": [
        ("1", "CatalogItem", "id", "Product", "metafields.square_id", None, True, True),
        ("1", "CatalogItem", "name", "Product", "title", None, True, False),
        (
            "2",
            "InventoryCount",
            "quantity",
            "InventoryLevel",
            "available",
            "Both ways; latest change wins",
            True,
            False,
        ),
        ("2", "InventoryCount", "location_id", "InventoryLevel", "location_id", "Location table", True, True),
        ("3", "Payment", "amount_money", "Summary", "total_sales", "Summed per location and day", True, False),
    ],
    "SUMMIT-006": [
        ("1", "Invoice", "number", "Invoice", "InvoiceNumber", "Prefixed 'LEG-'", True, True),
        ("1", "Customer", "name", "Contact", "Name", "Merged duplicates by cleanup list", True, False),
        ("2", "Order", "id", "Invoice", "Reference", None, True, True),
        ("2", "Order", "total_inc_tax", "Invoice", "Total", None, True, False),
        ("3", "Refund", "id", "CreditNote", "Reference", None, True, True),
        ("3", "Refund", "amount", "CreditNote", "Total", None, True, False),
    ],
    "NORTH-007": [
        ("1", "Order", "id", "Order", "reference_id", None, True, True),
        ("1", "LineItem", "sku", "Order", "products.reference_id", "SKU mapping table", True, False),
        ("2", "Shipment", "tracking.tracking_number", "Order", "meta._tracking_number", None, True, False),
        ("2", "Shipment", "order.reference_id", "Order", "id", None, True, True),
    ],
    "LUMEN-008": [
        ("1", "Subscription", "customer.email", "Profile", "email", None, True, True),
        ("1", "Subscription", "status", "Profile", "properties.subscription_status", None, True, False),
        ("2", "QuizResult", "email", "Profile", "email", None, True, True),
        ("2", "QuizResult", "skin_type", "Profile", "properties.skin_type", None, False, False),
    ],
    "TIDE-010": [
        ("1", "Order", "id", "Event", "unique_id", None, True, True),
        ("1", "Customer", "email", "Profile", "email", "Lower-cased", True, False),
        ("2", "Customer", "email", "Customer", "email", "Lower-cased", True, True),
        ("2", "Order", "name", "Customer", "data.orders", "Last five orders", True, False),
        ("3", "SatisfactionSurvey", "id", "Event", "unique_id", None, True, True),
        ("3", "SatisfactionSurvey", "score", "Profile", "properties.last_csat_score", None, True, False),
    ],
}

SCOPE = {  # (item, kind, workflow)
    "ACME-001": [
        ("Paid orders, refunds and payouts posted from Shopify to QuickBooks Online", "In scope", "1; 2; 3"),
        ("Product catalogue kept in step as QuickBooks items", "In scope", "4"),
        ("Training the bookkeeper on the clearing-account flow", "In scope", None),
        ("Migration of orders placed before go-live", "Out of scope", None),
        ("Changes to the Avalara AvaTax configuration", "Out of scope", None),
        ("Shopify remains the system of record for tax", "Assumption", None),
        ("QuickBooks chart of accounts and classes agreed by 13 Feb 2026", "Client dependency", None),
        ("Shopify and QuickBooks administrator access in week 1", "Client dependency", None),
    ],
    "BLOOM-002": [
        ("Customer, consent and order events from WooCommerce to Klaviyo", "In scope", "1; 2"),
        ("Unsubscribes synced back to WooCommerce", "In scope", "3"),
        ("Designing Klaviyo flows and email content", "Out of scope", None),
        ("The hosting plan allows the webhook volume", "Assumption", None),
        ("Consent wording approved by the client's counsel", "Client dependency", None),
    ],
    "PEAK-003": [
        ("Order routing to ShipStation with warehouse tags", "In scope", "1"),
        ("Tracking write-back and return labels", "In scope", "2; 3"),
        ("Carrier contract negotiation", "Out of scope", None),
        ("ShipStation V2 API enabled on the client account by 13 Feb 2026", "Client dependency", None),
        ("Warehouse staff available for the canary day", "Client dependency", None),
    ],
    "HARBOR-004": [
        ("Sales orders, fulfilments and payouts between Shopify and NetSuite", "In scope", "1; 3; 4"),
        ("Stock per location published from NetSuite to Shopify", "In scope", "2"),
        ("New NetSuite items created in Shopify as drafts", "In scope", "5"),
        ("Changes to the 3PL connector", "Out of scope", None),
        ("NetSuite saved searches and reports", "Out of scope", None),
        ("Product content beyond title, SKU and price", "Out of scope", None),
        ("The 3PL connector keeps its current concurrency share", "Assumption", None),
        ("NetSuite sandbox provisioned by 20 Feb 2026", "Client dependency", None),
        ("Subsidiary and tax code mapping signed off by finance", "Client dependency", None),
    ],
    "CITY-005": [
        ("Square catalog published to Shopify", "In scope", "1"),
        ("Stock kept in step both ways per location", "In scope", "2"),
        ("End-of-day sales summaries", "In scope", "3"),
        ("Café menu boards and kitchen tickets", "Out of scope", None),
        ("One stock pool per location for cafés and online", "Assumption", None),
    ],
    "SUMMIT-006": [
        ("Three years of invoices and customers migrated to Xero", "In scope", "1"),
        ("Daily sales and refunds posted to Xero", "In scope", "2; 3"),
        ("Payroll and fixed-asset registers", "Out of scope", None),
        ("Legacy ledger export delivered by 2 Mar 2026", "Client dependency", None),
    ],
    "NORTH-007": [
        ("Paid orders sent to ShipBob and tracking written back", "In scope", "1; 2"),
        ("Returns processing", "Out of scope", None),
        ("SKU mapping sheet validated by the client", "Client dependency", None),
    ],
    "LUMEN-008": [
        ("Subscription status and quiz answers on Klaviyo profiles", "In scope", "1; 2"),
        ("Klaviyo segment and flow design", "Out of scope", None),
    ],
    "FJORD-009": [
        ("Etsy payouts recorded in QuickBooks automatically", "In scope", None),
        ("Etsy shop listings and photography", "Out of scope", None),
    ],
    "TIDE-010": [
        ("Orders and profiles from Shopify Plus to Klaviyo", "In scope", "1"),
        ("Gorgias customers with their Shopify order history", "In scope", "2"),
        ("CSAT scores from Gorgias to Klaviyo", "In scope", "3"),
        ("Designing Klaviyo flows and Gorgias macros", "Out of scope", None),
    ],
}

SETTINGS = {
    "firm_name": "Northwind Integration Partners",
    "firm_address": "200 Harbor Street, Suite 4, Boston, MA 02210",
    "firm_contact": "delivery@northwind-integrations.example · +1 617 555 0142",
    "logo": "logo.png",  # samples/logo.png, beside the workbook
    "default_hourly_rate": 45,
    "hosting_provider": "AWS (us-east-1)",
    "secret_manager": "AWS Secrets Manager",
    "monitoring_tool": "Datadog",
    "log_location": "Datadog Logs, index 'integrations'",
    "alert_destination": "PagerDuty, escalating to #integrations-alerts",
    "incident_tool": "Jira Service Management",
    "payment_terms": "Kickoff 30%, UAT sign-off 40%, Go-live 30%",
    "holiday_country": "US",  # the sample firm is in the US: plans skip Good Friday, Memorial Day, 3 July observed
}


def build_data() -> dict[str, list[dict]]:
    def rows(table, keys):
        return [
            dict(project_id=pid, **dict(zip(keys, item if isinstance(item, tuple) else (item,))))
            for pid, items in table.items()
            for item in items
        ]

    return {
        "Projects": PROJECTS,
        "Pain Points": rows(PAIN, ("pain_point", "hours_per_week")),
        "Objectives": rows(OBJECTIVES, ("objective", "business_impact")),
        "Workflows": rows(
            WORKFLOWS,
            ("workflow", "trigger", "spec_section", "source_system", "target_system", "frequency", "latency_target"),
        ),
        "Systems": [dict(project_id=pid, **s) for pid, items in SYSTEMS.items() for s in items],
        "Risks": rows(RISKS, ("risk", "likelihood", "impact", "mitigation", "owner")),
        "Alerts": rows(ALERTS, ("alert", "threshold", "severity", "response_time", "workflow")),
        "Team": rows(TEAM, ("role", "name", "responsibilities", "allocation")),
        "Test Scenarios": rows(SCENARIOS, ("scenario", "type", "workflow")),
        "Open Items": rows(OPEN_ITEMS, ("item", "type", "owner", "due_date", "workflow")),
        "Success Criteria": rows(CRITERIA, ("criterion", "workflow")),
        "Deployment Steps": rows(STEPS, ("step", "owner", "workflow", "duration")),
        "Field Mappings": rows(
            MAPPINGS,
            (
                "workflow",
                "source_object",
                "source_field",
                "target_object",
                "target_field",
                "transform",
                "required",
                "key",
            ),
        ),
        "Scope": rows(SCOPE, ("item", "kind", "workflow")),
    }


if __name__ == "__main__":
    target = Path(__file__).resolve().parent / "intake-sample.xlsx"
    write_intake_template(target, build_data(), SETTINGS)
    print(f"wrote {target}")
