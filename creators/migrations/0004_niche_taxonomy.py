from django.db import migrations

# The curated starting taxonomy; editable in admin afterwards.
NICHES = [
    "beauty", "skincare", "makeup", "haircare", "fashion", "thrifting", "streetwear", "jewelry", "food", "cooking",
    "baking", "vegan", "coffee", "fitness", "yoga", "running", "wellness", "mental-health", "gaming", "tech",
    "gadgets", "travel", "outdoors", "parenting", "pets", "home-decor", "diy", "gardening", "books", "education",
    "finance", "career", "comedy", "dance", "music", "art", "photography", "cars", "sports", "sustainability",
]


def add_niches(apps, schema_editor):
    Niche = apps.get_model("creators", "Niche")
    for order, slug in enumerate(NICHES):
        Niche.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title(), "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("creators", "0003_discovery_index")]

    operations = [migrations.RunPython(add_niches, migrations.RunPython.noop)]
