"""Issue 21: every system a project names is a full participant. System A and B stay the primary
pair; each further system of the Systems sheet joins the title, the key facts, the credentials and
account details, the API facts, the statement of work and every companion document's header; and a
workflow naming the third system reads its own ends everywhere."""

from __future__ import annotations

from datetime import date

from planforge.context.documents import build_playbook, build_sow, build_specs, build_test_cases
from planforge.context.flows import worded_ends
from planforge.context.plan import build_context
from planforge.core.model import Settings, SystemFacts, Workflow
from planforge.core.model import TestScenario as Scenario
from planforge.core.names import SOW, TECHNICAL_SPECS
from planforge.derive.completeness import Assumed
from planforge.render.environment import render_document, render_markdown
from support import make_project

DAY = date(2026, 1, 15)


def _three(**kw):
    base = dict(
        system_a="Shopify Plus",
        system_b="Klaviyo",
        systems=[
            SystemFacts(2, "Gorgias", account_details="Gorgias Pro, 12 seats"),
            SystemFacts(3, "Klaviyo", account_details="One account"),
        ],
        workflows=[
            Workflow(2, "Send orders to Klaviyo", "Real-time", source_system="Shopify Plus", target_system="Klaviyo"),
            Workflow(3, "Create Gorgias customers", "Real-time", source_system="Shopify Plus", target_system="Gorgias"),
            Workflow(
                4, "Push Gorgias CSAT scores to Klaviyo", "Scheduled", source_system="Gorgias", target_system="Klaviyo"
            ),
        ],
    )
    return make_project(**(base | kw))


def test_the_context_names_every_system_once_primary_pair_first():
    ctx = build_context(_three(), Settings(), DAY)
    assert ctx.systems == ("Shopify Plus", "Klaviyo", "Gorgias")
    assert ctx.header.integration == "Shopify Plus \u2192 Klaviyo + Gorgias"  # the pair's direction, then the third
    assert ctx.dependencies.systems == ctx.schedule.systems == ctx.systems
    assert [f.name for f in ctx.dependencies.api] == list(ctx.systems)
    assert [(a.system, a.details) for a in ctx.dependencies.access][2] == ("Gorgias", "Gorgias Pro, 12 seats")


def test_two_system_projects_keep_the_pair_title_and_line():
    ctx = build_context(make_project(), Settings(), DAY)
    assert ctx.systems == ("Shopify", "Xero")
    assert ctx.header.integration == "Shopify \u2192 Xero"
    assert ctx.header.systems == "Shopify \u2192 Xero"


def test_the_title_follows_the_workflows_direction():
    def title(*flows: tuple[str, str, str]) -> str:
        workflows = [
            Workflow(i, name, "Scheduled", source_system=s, target_system=t)
            for i, (s, t, name) in enumerate(flows, start=2)
        ]
        return build_context(make_project(workflows=workflows), Settings(), DAY).header.integration

    assert title(("Shopify", "Xero", "Post orders")) == "Shopify \u2192 Xero"
    assert title(("Xero", "Shopify", "Send stock levels")) == "Xero \u2192 Shopify"
    assert title(("Shopify", "Xero", "Post orders"), ("Xero", "Shopify", "Send stock levels")) == "Shopify \u2194 Xero"
    two_way = make_project(workflows=[Workflow(2, "Sync Shopify and Xero customers both ways", "Scheduled")])
    assert build_context(two_way, Settings(), DAY).header.integration == "Shopify \u2194 Xero"


def test_key_facts_name_each_connected_pair():
    ctx = build_context(_three(), Settings(), DAY)
    assert ctx.header.systems == "Shopify Plus \u2192 Klaviyo; Shopify Plus \u2192 Gorgias; Gorgias \u2192 Klaviyo"


def test_a_further_system_no_workflow_connects_is_still_named():
    ctx = build_context(_three(workflows=[Workflow(2, "Send orders to Klaviyo", "Real-time")]), Settings(), DAY)
    assert ctx.header.systems == "Shopify Plus \u2192 Klaviyo; Gorgias (no workflow yet)"


def test_the_third_systems_type_joins_the_pairs():
    ctx = build_context(_three(), Settings(), DAY)
    assert ctx.types == ("marketing", "support")
    assert ctx.header.type_label == "Marketing, Customer Support"


def test_plan_title_credentials_and_api_facts_cover_every_system():
    text = render_markdown(build_context(_three(), Settings(), DAY))
    assert "## Test - Shopify Plus \u2192 Klaviyo + Gorgias Integration" in text
    for name in ("Shopify Plus", "Klaviyo", "Gorgias"):
        assert f"- [ ] {name} API credentials: " in text  # how the catalog says it authenticates
        assert f"- [ ] Obtain API credentials for {name}" in text
        assert f"- [ ] Implement {name} API client" in text
        assert f"**{name}**:" in text
    assert "- [ ] Gorgias account details: Gorgias Pro, 12 seats" in text
    assert "taken from the Gorgias API documentation (developers.gorgias.com/reference/limitations)" in text
    assert "#### 2.5 Support-Specific Features" in text


def test_the_sow_names_every_system_in_scope_deliverables_and_dependencies():
    ctx = build_context(_three(), Settings(), DAY)
    sow = build_sow(ctx)
    assert sow.header.systems_named == "Shopify Plus, Klaviyo, and Gorgias"
    assert sow.deliverables[0].startswith("A production integration between Shopify Plus, Klaviyo, and Gorgias")
    assert sow.dependencies[0].startswith("Administrator access to Shopify Plus, Klaviyo, and Gorgias,")
    assert sow.out_of_scope[0].startswith(
        "Changes to the configuration, data or processes of Shopify Plus, Klaviyo, or"
    )
    text = render_document(SOW.name, ctx)
    assert "## Test: Shopify Plus, Klaviyo, and Gorgias Integration" in text
    assert "We will connect Shopify Plus, Klaviyo, and Gorgias for Client Co" in text
    assert "licenses and subscriptions of Shopify Plus, Klaviyo, Gorgias and any other" in text


def test_specs_and_playbook_cover_the_third_system():
    ctx = build_context(_three(), Settings(), DAY)
    specs = build_specs(ctx)
    assert [a.name for a in specs.api] == ["Shopify Plus", "Klaviyo", "Gorgias"]
    assert "### 2.3 Gorgias" in render_document(TECHNICAL_SPECS.name, ctx)
    assert "Shopify Plus, Klaviyo, or Gorgias themselves" in build_playbook(ctx).exclusions[0]


def test_a_workflow_from_the_third_system_reads_its_own_ends_everywhere():
    ctx = build_context(_three(), Settings(), DAY)
    csat = ctx.flows[2]
    assert (csat.source, csat.target, csat.direction) == ("Gorgias", "Klaviyo", "Gorgias to Klaviyo")
    assert build_specs(ctx).workflows[2].direction == "Gorgias to Klaviyo"
    project = _three(test_scenarios=[Scenario(2, "Low score reaches the profile", "Happy Path", "3")])
    group = next(g for g in build_test_cases(build_context(project, Settings(), DAY)).groups if "CSAT" in g.title)
    case = group.cases[0]
    assert "Gorgias and Klaviyo test environments" in case.preconditions
    assert case.steps[0] == "In Gorgias, create a record"
    assert case.expected.startswith("In Klaviyo,") and "Gorgias record" in case.expected


def test_the_wording_names_the_third_systems_ends_when_the_row_does_not():
    systems = ("Shopify Plus", "Klaviyo", "Gorgias")
    assert worded_ends(Workflow(2, "Push Gorgias CSAT scores to Klaviyo"), systems) == ("Gorgias", "Klaviyo")
    assert worded_ends(Workflow(2, "Create customers in Gorgias from Shopify orders"), systems) == (
        "Shopify Plus",
        "Gorgias",
    )
    assert worded_ends(Workflow(2, "Copy customers from Shopify to Gorgias"), systems) == ("Shopify Plus", "Gorgias")
    assert worded_ends(Workflow(2, "Send orders to Klaviyo"), systems) == ("Shopify Plus", "Klaviyo")
    # two systems: exactly the pair's reading
    assert worded_ends(Workflow(2, "Sync unsubscribes back"), ("WooCommerce", "Klaviyo")) == ("Klaviyo", "WooCommerce")


def test_an_unstated_csat_workflow_no_longer_reads_as_the_primary_pair():
    project = _three(workflows=[Workflow(2, "Push Gorgias CSAT scores to Klaviyo", "Scheduled")])
    flow = build_context(project, Settings(), DAY).flows[0]
    assert (flow.source, flow.target) == ("Gorgias", "Klaviyo")
    # the name states both ends outright: printed as stated, noted for the review only
    assert flow.direction == "Gorgias to Klaviyo"
    one_end = _three(workflows=[Workflow(2, "Push CSAT scores to Klaviyo", "Scheduled")])
    assert isinstance(build_context(one_end, Settings(), DAY).flows[0].direction, Assumed)


def test_a_two_system_header_names_the_pair_as_before():
    ctx = build_context(make_project(), Settings(), DAY)
    header = build_sow(ctx).header
    assert (header.systems, header.systems_named) == (("Shopify", "Xero"), "Shopify and Xero")


def test_the_support_type_gives_its_own_reason_in_the_approach():
    ctx = build_context(_three(), Settings(), DAY)
    assert "Each ticket finds its customer" in [r.title for r in ctx.context.rationale]


def test_the_approach_treats_each_source_by_its_own_webhooks():
    project = _three(
        systems=[SystemFacts(2, "Gorgias", webhooks="No")],
        workflows=[
            Workflow(2, "Send orders to Klaviyo", "Real-time"),
            Workflow(3, "Push Gorgias CSAT scores to Klaviyo", "Real-time"),
        ],
    )
    reasons = {r.title: r.text for r in build_context(project, Settings(), DAY).context.rationale}
    assert reasons["Event-driven where the work is time-sensitive"].startswith("Shopify Plus publishes change events")
    assert "send orders to Klaviyo" in reasons["Event-driven where the work is time-sensitive"]
    polled = reasons["Frequent polling for time-sensitive work"]
    assert "(push Gorgias CSAT scores to Klaviyo)" in polled and "polls Gorgias every 5 minutes" in polled


def test_credentials_say_how_each_system_authenticates_never_admin_access():
    """4.1 asks for each system's credentials as the catalog records its authentication (an app's
    scoped token, OAuth 2.0, a private key), never "Admin or equivalent"; a system the catalog does not
    know gets credentials limited to what the workflows read and write."""
    from planforge.context.plan import credentials_line

    assert credentials_line("QuickBooks Online").startswith(
        "QuickBooks Online API credentials: OAuth 2.0 through an Intuit Developer app"
    )
    assert credentials_line("Acme ERP") == (
        "Acme ERP API credentials: limited to the records the workflows read and write"
    )
    text = render_markdown(build_context(_three(), Settings(), DAY))
    assert "Admin or equivalent" not in text


def test_vendor_approvals_are_dependencies_the_plan_names():
    """An approval a vendor gives before the integration can go live (an Etsy app's API key, Intuit's
    production keys) is a dependency in 4.2, asked for as Discovery & Design starts; a pair whose
    vendors need none keeps 'No other external dependencies identified'."""
    text = render_markdown(build_context(make_project(system_a="Etsy", system_b="QuickBooks Online"), Settings(), DAY))
    section = text[text.index("### 4.2 External") : text.index("### 4.3 Third")]
    assert "- Etsy's approval of the app's API key (" in section
    assert "- Intuit's production keys for the app (" in section
    assert section.count("requested as Discovery & Design starts") == 2
    assert "No other external dependencies identified" not in section
    plain = render_markdown(build_context(make_project(), Settings(), DAY))
    assert (
        "No other external dependencies identified"
        in plain[plain.index("### 4.2 External") : plain.index("### 4.3 Third")]
    )


def test_a_vendor_approval_is_a_schedule_risk_in_section_5():
    text = render_markdown(build_context(make_project(system_a="Etsy", system_b="QuickBooks Online"), Settings(), DAY))
    risks = text[text.index("### Common Integration Risks") : text.index("## 6.")]
    assert (
        "- **Vendor approval delays**: Development (phase 2) cannot start without the Etsy approval and go-live"
        " waits on the QuickBooks Online approval (section 4.2); each is requested as Discovery & Design starts"
        in risks
    )
    plain = render_markdown(build_context(make_project(), Settings(), DAY))
    assert "Vendor approval delays" not in plain
