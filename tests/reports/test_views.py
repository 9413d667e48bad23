"""Report pages: the campaign report with its exports and PDF, the program view, report settings."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from djmoney.money import Money
from openpyxl import load_workbook

from accounts.models import AuditEvent
from reports.models import ReportSettings
from tests.briefs.pdf_text import pdf_text
from tests.campaigns.factories import CampaignFactory
from tests.factories import WorkspaceFactory
from tests.reports.support import DAY, book, clicks, pay, post_video

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def campaign(workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=workspace, name="Glow Serum Launch", budget=Money(D("2000"), "USD"))
    star = book(campaign, handle="glowqueen", fee="400.00")
    pay(star, "450.00")
    post_video(star, views=20_000, likes=900, comments=50, shares=40, saves=10)
    clicks(star, {DAY: (300, 240)})
    book(campaign, handle="=cmd|evil", fee="100.00")  # a handle that a spreadsheet would run as a formula
    return campaign


def test_the_campaign_report_shows_spend_reach_clicks_and_each_creator(client, owner, campaign):
    client.force_login(owner)

    response = client.get(reverse("reports:campaign-report", kwargs={"campaign_pk": campaign.pk}))

    assert response.status_code == 200
    body = response.content.decode()
    assert "550.00" in body  # 450 paid to @glowqueen (above her 400 fee) + the 100 fee of the other creator
    assert "20,000" in body and "300" in body and "240 unique" in body
    assert "@glowqueen" in body
    assert 'id="creator-table"' in body and "data-sortable" in body
    assert "series-clicks" in body  # the chart's data for Chart.js


def test_an_empty_campaign_says_what_to_do_next(client, owner, workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=workspace)
    client.force_login(owner)

    body = client.get(reverse("reports:campaign-report", kwargs={"campaign_pk": campaign.pk})).content.decode()

    assert "No booked creator in this campaign yet" in body
    assert "Open the pipeline" in body


def test_the_creators_table_exports_as_csv_with_formulas_neutralised(client, analyst, campaign):
    client.force_login(analyst)

    response = client.get(
        reverse("reports:campaign-export", kwargs={"campaign_pk": campaign.pk}), {"table": "creators", "format": "csv"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="glow-serum-launch-creators.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_handle = {row["Creator"]: row for row in rows}
    assert by_handle["glowqueen"]["Spend (USD)"] == "450.00"
    assert by_handle["glowqueen"]["Views"] == "20000"
    assert by_handle["glowqueen"]["Clicks"] == "300"
    assert by_handle["glowqueen"]["CPC (USD)"] == "1.50"
    assert "=cmd|evil" not in by_handle  # quoted as text, so a spreadsheet cannot run it
    assert "'=cmd|evil" in by_handle


def test_every_campaign_table_exports_as_xlsx(client, owner, campaign):
    client.force_login(owner)
    url = reverse("reports:campaign-export", kwargs={"campaign_pk": campaign.pk})

    for table, header in (("creators", "Creator"), ("daily", "Day")):
        response = client.get(url, {"table": table, "format": "xlsx"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.cell(1, 1).value == header
    daily = load_workbook(io.BytesIO(client.get(url, {"table": "daily", "format": "xlsx"}).content)).active
    assert [cell.value for cell in daily[2]][:3] == [DAY.isoformat(), 300, 240]
    creators = load_workbook(io.BytesIO(client.get(url, {"table": "creators", "format": "xlsx"}).content)).active
    handles = [row[0].value for row in creators.iter_rows(min_row=2)]
    assert sorted(handles) == ["'=cmd|evil", "glowqueen"]  # a formula-looking handle stays text


def test_an_unknown_export_is_a_clear_400(client, owner, campaign):
    client.force_login(owner)

    response = client.get(
        reverse("reports:campaign-export", kwargs={"campaign_pk": campaign.pk}), {"table": "secrets", "format": "csv"}
    )

    assert response.status_code == 400
    assert "choose table among creators, daily" in response.content.decode()


def test_the_campaign_report_downloads_as_a_pdf(client, owner, campaign):
    client.force_login(owner)

    response = client.get(reverse("reports:campaign-pdf", kwargs={"campaign_pk": campaign.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"glow-serum-launch-report.pdf" in response["Content-Disposition"].encode()


def test_the_campaign_report_pdf_shows_names_in_any_script(client, owner, workspace):
    # Creators' handles are ASCII (TikTok's rule, enforced on import); the names a person types, such as
    # the campaign's, are drawn as typed rather than as '?'.
    with scopes_disabled():
        campaign = CampaignFactory(
            workspace=workspace, name="Łukasz Żółć, Дарья & Ελένη", budget=Money(D("900"), "EUR")
        )
    book(campaign, handle="lukasz.zolc", fee="300.00")
    client.force_login(owner)

    response = client.get(reverse("reports:campaign-pdf", kwargs={"campaign_pk": campaign.pk}))

    text = pdf_text(response.content)
    assert "Łukasz Żółć, Дарья & Ελένη" in text
    assert "@lukasz.zolc" in text and "300.00" in text


def test_an_empty_campaign_still_downloads_a_pdf(client, owner, workspace):
    with scopes_disabled():
        campaign = CampaignFactory(workspace=workspace, name="Nothing yet")
    client.force_login(owner)

    response = client.get(reverse("reports:campaign-pdf", kwargs={"campaign_pk": campaign.pk}))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_another_workspaces_campaign_report_is_404(client, campaign):
    with scopes_disabled():
        other = WorkspaceFactory()
        from tests.factories import MembershipFactory

        stranger = MembershipFactory(workspace=other).user
    client.force_login(stranger)

    for name in ("reports:campaign-report", "reports:campaign-export", "reports:campaign-pdf"):
        assert client.get(reverse(name, kwargs={"campaign_pk": campaign.pk})).status_code == 404


def test_the_program_view_shows_blended_figures_and_exports_each_table(client, owner, campaign):
    client.force_login(owner)

    body = client.get(reverse("reports:program")).content.decode()

    assert "Blended CAC" in body and "Repeat partners" in body and "By tier" in body and "By niche" in body
    for table in ("campaigns", "partners", "tiers", "niches"):
        for export_format in ("csv", "xlsx"):
            response = client.get(reverse("reports:program-export"), {"table": table, "format": export_format})
            assert response.status_code == 200, (table, export_format)
    tiers = client.get(reverse("reports:program-export"), {"table": "tiers", "format": "csv"}).content.decode()
    assert tiers.splitlines()[0].startswith("Tier,Creators,Spend (USD)")
    assert "Micro,2,550.00" in tiers


def test_the_program_view_without_campaigns_says_what_to_do(client, owner):
    client.force_login(owner)

    body = client.get(reverse("reports:program")).content.decode()

    assert "Go to campaigns" in body


def test_the_old_reports_address_opens_the_program_view(client, owner):
    client.force_login(owner)

    response = client.get("/reports/")  # the address people bookmarked before the program view had its name

    assert response.status_code == 200
    assert "Program" in response.content.decode()


# --- Settings --------------------------------------------------------------------------------------

VALID = {
    "emv_per_view": "0.02",
    "emv_per_like": "0.2",
    "emv_per_comment": "1",
    "emv_per_share": "2",
    "emv_per_save": "1",
    "product_value_per_shipment": "35.00",
    "scale_roas_at_least": "4",
    "stop_roas_below": "1.5",
    "stop_cpa_above": "",
    "min_spend": "200",
    "min_days_live": "10",
    "awareness_scale_cpm_at_most": "4.00",
    "awareness_stop_cpm_above": "12.00",
    "engagement_scale_cpe_at_most": "0.08",
    "engagement_stop_cpe_above": "0.40",
    "traffic_scale_cpc_at_most": "0.30",
    "traffic_stop_cpc_above": "1.50",
}


def test_a_manager_saves_report_settings_and_reports_use_them(client, manager, workspace, campaign):
    client.force_login(manager)

    response = client.post(reverse("reports:report-settings"), VALID)

    assert response.status_code == 302
    with scopes_disabled():
        saved = ReportSettings.objects.get(workspace=workspace)
        assert AuditEvent.objects.filter(workspace=workspace, action="reports.settings_changed").count() == 1
    assert (saved.emv_per_view, saved.product_value_per_shipment, saved.min_days_live) == (D("0.02"), D("35"), 10)
    assert saved.stop_cpa_above is None
    assert saved.currency == "USD"
    assert (saved.awareness_scale_cpm_at_most, saved.awareness_stop_cpm_above) == (D("4.00"), D("12.00"))
    assert (saved.engagement_scale_cpe_at_most, saved.traffic_stop_cpc_above) == (D("0.08"), D("1.50"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("emv_per_view", "-1", "0 or more"),
        ("emv_per_like", "abc", "is not a number"),
        ("scale_roas_at_least", "0.5", "at or above the stop line"),
        ("stop_cpa_above", "0", "above 0"),
        ("min_days_live", "2.5", "whole number"),
        ("emv_per_view", "0.00001", "decimal places"),
        ("min_spend", "", "Enter a value"),
        ("awareness_stop_cpm_above", "3.99", "at or above the scale line"),
        ("traffic_scale_cpc_at_most", "0", "above 0"),
        ("engagement_stop_cpe_above", "", "Enter a value"),
    ],
)
def test_bad_settings_are_refused_beside_the_field_and_nothing_is_written(
    client, manager, workspace, field, value, message
):
    client.force_login(manager)

    response = client.post(reverse("reports:report-settings"), {**VALID, field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        assert not ReportSettings.objects.filter(workspace=workspace).exists()
        assert not AuditEvent.objects.filter(workspace=workspace, action="reports.settings_changed").exists()


def test_an_analyst_reads_but_cannot_change_report_settings(client, analyst, workspace):
    client.force_login(analyst)

    assert client.get(reverse("reports:report-settings")).status_code == 200
    response = client.post(reverse("reports:report-settings"), VALID)

    assert response.status_code == 403
    with scopes_disabled():
        assert not ReportSettings.objects.filter(workspace=workspace).exists()


def test_the_campaign_page_links_to_its_report(client, owner, campaign):
    client.force_login(owner)

    body = client.get(reverse("campaigns:campaign-detail", kwargs={"campaign_pk": campaign.pk})).content.decode()

    assert reverse("reports:campaign-report", kwargs={"campaign_pk": campaign.pk}) in body
