"""The campaign life cycle (issue 15): objectives become awareness, engagement, traffic and sales; a
campaign can be archived; every status move is kept in `CampaignStatusChange`.

Data moved:
- Campaigns whose objective was `signups` become `traffic`: a sign-up is measured on the brand's site,
  after a click on the tracking link, and clicks are what CreatorDesk measures for such a campaign.
- A KPI on `signups` (a metric nothing measured) becomes a KPI on `clicks` with the same target and
  deadline: each sign-up came through a click, so the target is a floor the platform can check. When the
  campaign already has a clicks target, that one is kept and the signups entry is dropped.

Reversing turns `traffic` back into `signups`. `engagement` did not exist before: those campaigns
become `awareness`, the nearest old objective, and archived campaigns become `completed`. KPIs stay on
clicks, a metric the old code knows too. The check constraints are added after the data step, so the
table never holds a value they refuse.
"""

# The data step updates rows whose foreign keys are deferred (Django's default); their checks must run
# before the next ALTER TABLE of the same table, or PostgreSQL refuses it ("pending trigger events").
CHECK_DEFERRED_NOW = "SET CONSTRAINTS ALL IMMEDIATE"

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TO_NEW_OBJECTIVE = {"signups": "traffic"}
NEW_TO_OLD_OBJECTIVE = {"traffic": "signups", "engagement": "awareness"}


def _kpis_without_signups(kpis):
    if not isinstance(kpis, list) or not any(isinstance(k, dict) and k.get("metric") == "signups" for k in kpis):
        return None
    has_clicks = any(isinstance(k, dict) and k.get("metric") == "clicks" for k in kpis)
    moved = []
    for kpi in kpis:
        if isinstance(kpi, dict) and kpi.get("metric") == "signups":
            if has_clicks:
                continue
            kpi, has_clicks = {**kpi, "metric": "clicks"}, True
        moved.append(kpi)
    return moved


def forward(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    for old, new in OLD_TO_NEW_OBJECTIVE.items():
        Campaign._base_manager.filter(objective=old).update(objective=new)
    for campaign in Campaign._base_manager.filter(kpis__contains=[{"metric": "signups"}]).only("pk", "kpis"):
        moved = _kpis_without_signups(campaign.kpis)
        if moved is not None:
            Campaign._base_manager.filter(pk=campaign.pk).update(kpis=moved)
    schema_editor.execute(CHECK_DEFERRED_NOW)


def backward(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    for new, old in NEW_TO_OLD_OBJECTIVE.items():
        Campaign._base_manager.filter(objective=new).update(objective=old)
    Campaign._base_manager.filter(status="archived").update(status="completed")
    schema_editor.execute(CHECK_DEFERRED_NOW)


STATUSES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("paused", "Paused"),
    ("completed", "Completed"),
    ("archived", "Archived"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("campaigns", "0006_currency_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="campaign",
            name="objective",
            field=models.CharField(
                choices=[
                    ("awareness", "Awareness"),
                    ("engagement", "Engagement"),
                    ("traffic", "Traffic"),
                    ("sales", "Sales"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="status",
            field=models.CharField(choices=STATUSES, default="draft", max_length=16),
        ),
        migrations.RunPython(forward, backward),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("objective__in", ["awareness", "engagement", "traffic", "sales"])),
                name="campaign_objective_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "active", "paused", "completed", "archived"])),
                name="campaign_status_known",
            ),
        ),
        migrations.CreateModel(
            name="CampaignStatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("from_status", models.CharField(choices=STATUSES, max_length=16)),
                ("to_status", models.CharField(choices=STATUSES, max_length=16)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="campaigns.campaign",
                    ),
                ),
                (
                    "workspace",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="accounts.workspace"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [models.Index(fields=["campaign", "-created_at"], name="campaign_status_change_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("from_status", models.F("to_status")), _negated=True),
                        name="campaign_status_change_changes",
                    )
                ],
            },
        ),
    ]
