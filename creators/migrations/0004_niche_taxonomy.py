from django.db import migrations

from creators.niches import DEFAULT_NICHES, niche_name


def add_niches(apps, schema_editor):
    Niche = apps.get_model("creators", "Niche")
    for order, slug in enumerate(DEFAULT_NICHES):
        Niche.objects.get_or_create(slug=slug, defaults={"name": niche_name(slug), "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("creators", "0003_discovery_index")]

    operations = [migrations.RunPython(add_niches, migrations.RunPython.noop)]
