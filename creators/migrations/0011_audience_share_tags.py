from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

import creators.audience.index

# Frozen here (not imported from the app): an index built on a function must keep meaning what it meant.
CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION creator_audience_share_tags(countries jsonb, genders jsonb, ages jsonb)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(d.part || ':' || upper(e.key) || ':' || t.step ORDER BY 1), '{}')
    FROM (VALUES ('c', countries), ('g', genders), ('a', ages)) AS d(part, doc)
    CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(d.doc) = 'object' THEN d.doc ELSE '{}' END) AS e
    CROSS JOIN LATERAL generate_series(0, 100, 10) AS t(step)
    WHERE jsonb_typeof(e.value) = 'number' AND e.value::numeric >= t.step
$$
"""


class Migration(migrations.Migration):
    """Audience share filters use a GIN index of coarse share tags (creators.audience.index)."""

    dependencies = [("creators", "0010_video_is_sponsored")]

    operations = [
        migrations.RunSQL(CREATE_FUNCTION, "DROP FUNCTION creator_audience_share_tags(jsonb, jsonb, jsonb)"),
        migrations.AddIndex(
            model_name="audienceprofile",
            index=GinIndex(creators.audience.index.AudienceShareTags(), name="audience_share_tags_gin"),
        ),
    ]
