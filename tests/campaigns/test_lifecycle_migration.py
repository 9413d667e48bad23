"""Migration campaigns 0007: sign-up campaigns become traffic campaigns, a sign-ups KPI becomes a clicks
KPI (unless the campaign has one), the new check constraints hold, and back again."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import WorkspaceFactory
from tests.migration_states import latest, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("campaigns", "0006_currency_choices")]
AFTER = [("campaigns", "0007_campaign_lifecycle")]


def _campaign(Campaign, workspace, name, objective, kpis=(), status="draft"):
    return Campaign.objects.create(
        workspace_id=workspace.pk, name=name, objective=objective, budget=Decimal(100), budget_currency="USD",
        kpis=list(kpis), status=status,
    )  # fmt: skip


def test_signups_become_traffic_and_their_kpi_becomes_clicks_and_back():
    apps = migrate_to(BEFORE)
    Campaign = apps.get_model("campaigns", "Campaign")
    workspace = WorkspaceFactory()  # accounts stays at its latest migration: today's model fits
    signups_kpi = {"metric": "signups", "target": "300", "deadline": "2026-05-01"}
    _campaign(Campaign, workspace, "sign-ups", "signups", [signups_kpi, {"metric": "views", "target": "9000"}])
    _campaign(Campaign, workspace, "both", "signups", [{"metric": "clicks", "target": "800"},
                                                       {"metric": "signups", "target": "50"}])  # fmt: skip
    _campaign(Campaign, workspace, "sales", "sales", [{"metric": "orders", "target": "20"}])
    _campaign(Campaign, workspace, "awareness", "awareness", status="completed")

    try:
        Campaign = migrate_to(AFTER).get_model("campaigns", "Campaign")
        rows = {c.name: (c.objective, c.kpis) for c in Campaign._base_manager.all()}
        assert rows == {
            "sign-ups": (
                "traffic",
                [
                    {"metric": "clicks", "target": "300", "deadline": "2026-05-01"},
                    {"metric": "views", "target": "9000"},
                ],
            ),
            # A clicks target already there wins; the sign-ups one is dropped.
            "both": ("traffic", [{"metric": "clicks", "target": "800"}]),
            "sales": ("sales", [{"metric": "orders", "target": "20"}]),
            "awareness": ("awareness", []),
        }
        # The new constraints refuse what the old code could write.
        with pytest.raises(IntegrityError), transaction.atomic():
            Campaign._base_manager.filter(name="sales").update(objective="signups")
        with pytest.raises(IntegrityError), transaction.atomic():
            Campaign._base_manager.filter(name="sales").update(status="launched")
        Campaign._base_manager.filter(name="sales").update(objective="engagement")
        Campaign._base_manager.filter(name="awareness").update(status="archived")

        # Back: traffic is signups again, engagement (new) is awareness, archived (new) is completed.
        Campaign = migrate_to(BEFORE).get_model("campaigns", "Campaign")
        rows = {c.name: (c.objective, c.status) for c in Campaign._base_manager.all()}
        assert rows == {
            "sign-ups": ("signups", "draft"),
            "both": ("signups", "draft"),
            "sales": ("awareness", "draft"),
            "awareness": ("awareness", "completed"),
        }
    finally:
        migrate_to(latest())
