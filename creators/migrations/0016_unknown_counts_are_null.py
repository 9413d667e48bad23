"""Unknown is not zero: a creator's follower, following, likes and video counts become nullable, and the
zeros that only meant "the file had no such column" become NULL (docs/import.md, "Unknown is not zero").

Which zeros: those of creators never synced from the platform (`synced_at IS NULL`) whose provenance has
no entry for the field. An import records an entry for every value its file gave, the platform sync and
staff edits record theirs, so a zero without an entry is the column default an import (or a creator added
by handle) left behind. Zeros that some source wrote, and every count of a synced creator, stay. A real
0 imported before sources were recorded (migration 0012) becomes unknown too: an account with no
followers is not one a brand imports, and the next sync or import restores it.

The follower indexes sort unknown counts last (NULLS LAST), as discovery's other sorts do, and the
ascending follower sort gets its own index like the other ascending sorts (creators.discovery.selectors)."""

from django.db import migrations, models

_COUNTS = ("follower_count", "following_count", "likes_count", "video_count")

_TO_NULL = f"""
    UPDATE creators_creator SET {", ".join(
        f"{name} = CASE WHEN {name} = 0 AND NOT provenance ? '{name}' THEN NULL ELSE {name} END" for name in _COUNTS
    )}
    WHERE synced_at IS NULL
        AND ({" OR ".join(f"({name} = 0 AND NOT provenance ? '{name}')" for name in _COUNTS)})
"""  # noqa: S608 - our constants
# Back to the old NOT NULL columns: unknown is written as 0 again.
_TO_ZERO = f"""
    UPDATE creators_creator SET {", ".join(f"{name} = COALESCE({name}, 0)" for name in _COUNTS)}
    WHERE {" OR ".join(f"{name} IS NULL" for name in _COUNTS)}
"""  # noqa: S608 - our constants


class Migration(migrations.Migration):
    dependencies = [("creators", "0015_import_job_unmapped_columns")]

    operations = [
        migrations.AlterField(
            model_name="creator", name="follower_count", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AlterField(
            model_name="creator", name="following_count", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AlterField(
            model_name="creator", name="likes_count", field=models.BigIntegerField(blank=True, null=True)
        ),
        migrations.AlterField(
            model_name="creator", name="video_count", field=models.IntegerField(blank=True, null=True)
        ),
        migrations.RunSQL(_TO_NULL, reverse_sql=_TO_ZERO),
        migrations.RemoveIndex(model_name="creator", name="creator_followers_idx"),
        migrations.RemoveIndex(model_name="creator", name="creator_country_idx"),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(
                models.OrderBy(models.F("follower_count"), descending=True, nulls_last=True),
                models.F("id"),
                name="creator_followers_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(
                models.OrderBy(models.F("follower_count"), nulls_last=True),
                models.F("id"),
                name="creator_followers_asc_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="creator",
            index=models.Index(
                models.F("country"),
                models.OrderBy(models.F("follower_count"), descending=True, nulls_last=True),
                name="creator_country_idx",
            ),
        ),
    ]
