"""Trust boundaries (docs/security.md): contact e-mails become workspace-private, public facts carry
their provenance, and a portal account reaches a workspace only through a grant.

Data moved:
- A creator's shared contact e-mail goes to every workspace that works with the creator (a
  collaboration, relationship, shortlist entry, note or tag). Which workspace's file brought it was never
  recorded, so those are the workspaces that could have. 0014 then drops the shared column.
- A portal account linked to a creator becomes grants: one per workspace whose claim link it used, and,
  for an account linked without a claim link (staff, the demo), one per workspace with a collaboration past
  the shortlist. The link itself is cleared: nobody proved the handle with TikTok before this release, so
  nobody keeps the every-workspace access that only that proof gives now.

Reversing puts one contact e-mail back on the creator (the lowest workspace id's) and re-links each
creator to the account of its oldest grant; grants and per-workspace contacts are then dropped. That is
lossy where several workspaces held different e-mails, which is why the forward step is the safe one."""

from django.db import migrations


def forward(apps, schema_editor):
    Creator = apps.get_model("creators", "Creator")
    Contact = apps.get_model("creators", "WorkspaceCreatorContact")
    Grant = apps.get_model("creators", "PortalGrant")
    Collaboration = apps.get_model("campaigns", "Collaboration")
    ClaimLink = apps.get_model("outreach", "ClaimLink")
    related = [
        (Collaboration, "creator_id"),
        (apps.get_model("creators", "Relationship"), "creator_id"),
        (apps.get_model("creators", "CreatorListEntry"), "creator_id"),
        (apps.get_model("creators", "CreatorNote"), "creator_id"),
        (apps.get_model("creators", "CreatorTag"), "creator_id"),
    ]
    with_email = dict(Creator.objects.exclude(contact_email="").values_list("pk", "contact_email"))
    if with_email:
        pairs = set()
        for model, column in related:
            rows = model._base_manager.filter(**{f"{column}__in": list(with_email)}).values_list(column, "workspace_id")
            pairs.update(rows)
        Contact.objects.bulk_create(
            [Contact(workspace_id=ws, creator_id=c, email=with_email[c], source="import") for c, ws in sorted(pairs)],
            ignore_conflicts=True,
        )
    for creator in Creator.objects.filter(user__isnull=False).only("pk", "user_id"):
        claims = ClaimLink._base_manager.filter(creator_id=creator.pk, used_by_id=creator.user_id, used_at__isnull=False)
        workspaces = {link.workspace_id: ("claim_link", str(link.pk)) for link in claims}
        if not workspaces:
            stages = Collaboration._base_manager.filter(creator_id=creator.pk).exclude(stage="shortlisted")
            workspaces = {ws: ("staff", "migrated") for ws in stages.values_list("workspace_id", flat=True)}
        Grant.objects.bulk_create(
            [
                Grant(user_id=creator.user_id, creator_id=creator.pk, workspace_id=ws, method=method, reference=ref)
                for ws, (method, ref) in sorted(workspaces.items())
            ],
            ignore_conflicts=True,
        )
    Creator.objects.filter(user__isnull=False).update(user=None)


def backward(apps, schema_editor):
    Creator = apps.get_model("creators", "Creator")
    Contact = apps.get_model("creators", "WorkspaceCreatorContact")
    Grant = apps.get_model("creators", "PortalGrant")
    for contact in Contact._base_manager.exclude(email="").order_by("creator_id", "workspace_id"):
        Creator.objects.filter(pk=contact.creator_id, contact_email="").update(contact_email=contact.email)
    linked = set()
    for grant in Grant.objects.filter(revoked_at__isnull=True).order_by("created_at", "pk"):
        if grant.user_id in linked:
            continue
        if Creator.objects.filter(pk=grant.creator_id, user__isnull=True).update(user_id=grant.user_id):
            linked.add(grant.user_id)


class Migration(migrations.Migration):
    # Its own migration (own transaction): PostgreSQL refuses to ALTER a table with pending trigger events,
    # which these row updates leave behind until commit.

    dependencies = [
        ("creators", "0012_trust_boundaries"),
        ("campaigns", "0005_creator_reviews_seen"),
        ("outreach", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
