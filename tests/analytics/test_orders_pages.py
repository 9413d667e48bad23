"""Order pages: store connections with a secret shown once, attribution settings, CSV upload, and the
promo codes panel of a campaign; plus promo code generation."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled

from analytics.models import AttributionSettings, Order, OrderSource, PromoCode
from analytics.orders.views import webhook_url
from analytics.tracking import promo_codes
from campaigns.pipeline import Stage
from tests.analytics.order_support import contracted

pytestmark = pytest.mark.django_db


def test_a_new_store_shows_its_secret_once_and_never_again(client, workspace, manager):
    client.force_login(manager)
    response = client.post("/orders/stores/", {"name": "Glow shop", "kind": "woocommerce", "secret": ""})
    assert response.status_code == 200
    with scopes_disabled():
        source = OrderSource.objects.get()
    assert len(source.webhook_secret) >= 40
    assert source.webhook_secret in response.content.decode()
    assert webhook_url(workspace).endswith(f"/hooks/orders/{workspace.slug}/")
    again = client.get("/orders/stores/").content.decode()
    assert source.webhook_secret not in again
    assert webhook_url(workspace) in again
    with scopes_disabled():  # encrypted at rest: the column does not hold the secret
        raw = OrderSource.objects.filter(pk=source.pk).values_list("webhook_secret", flat=True)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT webhook_secret FROM analytics_ordersource WHERE id = %s", [source.pk])
            assert cursor.fetchone()[0] != source.webhook_secret
        assert list(raw) == [source.webhook_secret]


def test_rotating_replaces_the_secret(client, workspace, manager):
    client.force_login(manager)
    client.post("/orders/stores/", {"name": "Glow shop", "kind": "shopify", "secret": "shopify-signing-key-0123456789"})
    with scopes_disabled():
        source = OrderSource.objects.get()
    response = client.post(f"/orders/stores/{source.pk}/rotate/")
    source.refresh_from_db()
    assert source.webhook_secret != "shopify-signing-key-0123456789"
    assert source.webhook_secret in response.content.decode()


def test_an_analyst_cannot_connect_a_store(client, workspace, analyst):
    client.force_login(analyst)
    response = client.post("/orders/stores/", {"name": "Glow shop", "kind": "shopify", "secret": ""})
    assert response.status_code == 403
    with scopes_disabled():
        assert not OrderSource.objects.exists()


def test_a_short_secret_is_refused_with_nothing_written(client, workspace, manager):
    client.force_login(manager)
    response = client.post("/orders/stores/", {"name": "Glow shop", "kind": "shopify", "secret": "short"})
    assert response.status_code == 400
    assert "at least 16" in response.content.decode()
    with scopes_disabled():
        assert not OrderSource.objects.exists()


def test_changing_the_window_queues_a_recount_and_the_rule_alone_does_not(
    client, workspace, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/orders/attribution/", {"rule": "linear", "window_days": "7"})
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/orders/attribution/", {"rule": "linear", "window_days": "14"})
    assert response.status_code == 200 and len(callbacks) == 1
    with scopes_disabled():
        assert AttributionSettings.objects.values_list("rule", "window_days").get() == ("linear", 14)


def test_a_window_out_of_range_is_refused(client, workspace, manager):
    client.force_login(manager)
    assert client.post("/orders/attribution/", {"rule": "linear", "window_days": "400"}).status_code == 400
    with scopes_disabled():
        assert not AttributionSettings.objects.exists()


def test_the_upload_page_imports_and_lists_refused_lines(client, workspace, manager):
    client.force_login(manager)
    data = b"order_id,placed_at,total,currency\nA-1,2026-11-20T10:00:00Z,12.00,EUR\nA-2,nope,1,EUR\n"
    response = client.post("/orders/import/", {"file": SimpleUploadedFile("o.csv", data, "text/csv")})
    body = response.content.decode()
    assert response.status_code == 200 and "line 3:" in body
    with scopes_disabled():
        assert list(Order.objects.values_list("external_id", flat=True)) == ["A-1"]


def test_codes_avoid_look_alike_characters_and_start_with_the_handle():
    for _ in range(200):
        value = promo_codes.new_code("glow.by.Lili_01", discount=15)
        assert not set(value) & set("0O1IL"), value
        assert re.fullmatch(r"GWBY[A-Z2-9]*5-[A-Z2-9]{4}", value), value


def test_the_panel_creates_one_code_per_contracted_creator(client, workspace, manager):
    done = contracted(workspace, handle="maya")
    contracted(workspace, campaign=done.campaign, stage=Stage.INVITED)
    client.force_login(manager)
    response = client.post(f"/orders/campaigns/{done.campaign_id}/codes/", {"discount": "20"})
    assert response.status_code == 200
    with scopes_disabled():
        (row,) = PromoCode.objects.all()
    assert row.collaboration_id == done.pk and row.code.startswith("MAYA2")
    assert row.code in response.content.decode()
    again = client.post(f"/orders/campaigns/{done.campaign_id}/codes/", {})
    assert again.status_code == 400
    with scopes_disabled():
        assert PromoCode.objects.count() == 1


def test_codes_are_unique_per_workspace_whatever_the_case():
    from django.db import IntegrityError

    collaboration = None
    from tests.factories import WorkspaceFactory

    with scopes_disabled():
        workspace = WorkspaceFactory()
        collaboration = contracted(workspace)
        PromoCode.objects.create(workspace=workspace, collaboration=collaboration, code="MAYA15")
        with pytest.raises(IntegrityError):
            PromoCode.objects.create(workspace=workspace, collaboration=collaboration, code="maya15")


def test_one_action_makes_links_and_codes_and_a_second_run_is_refused(workspace, manager):
    from accounts.tenancy import workspace_scope
    from analytics.models import TrackingLink
    from analytics.tracking.errors import TrackingError
    from tests.analytics.tracking_support import SHOP, verify

    verify(workspace)
    first = contracted(workspace)
    contracted(workspace, campaign=first.campaign, stage=Stage.LIVE)
    with workspace_scope(workspace):
        links, codes = promo_codes.create_links_and_codes_for_campaign(
            campaign=first.campaign, by=manager, destination=f"https://{SHOP}/serum", discount=15
        )
        assert (len(links), len(codes)) == (2, 2)
        with pytest.raises(TrackingError):
            promo_codes.create_links_and_codes_for_campaign(
                campaign=first.campaign, by=manager, destination=f"https://{SHOP}/serum"
            )
    with scopes_disabled():
        assert (TrackingLink.objects.count(), PromoCode.objects.count()) == (2, 2)
