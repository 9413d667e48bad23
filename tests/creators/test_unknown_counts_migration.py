"""Migration creators 0016: the zeros that only meant "the file had no such column" become unknown (NULL);
zeros a source wrote, and every count of a synced creator, stay. And back again."""

import pytest

from tests.migration_states import latest, migrate_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("creators", "0015_import_job_unmapped_columns")]
AFTER = [("creators", "0016_unknown_counts_are_null")]
IMPORTED = {"source": "import", "workspace": "1", "at": "2026-11-01T00:00:00+00:00"}


def test_default_zeros_become_unknown_and_written_zeros_stay():
    Creator = migrate_to(BEFORE).get_model("creators", "Creator")
    # An import whose file had a followers column (recorded) but no other count (the column default).
    Creator.objects.create(handle="imported", follower_count=12_000, provenance={"follower_count": IMPORTED})
    # A file that said 0 following: the file's value, recorded.
    Creator.objects.create(handle="real.zero", follower_count=500, provenance={"following_count": IMPORTED})
    # Added by handle and never synced: nothing known.
    Creator.objects.create(handle="added")
    # Synced from the platform: its zeros are the platform's.
    Creator.objects.create(handle="synced", follower_count=0, synced_at="2026-11-01T00:00Z")

    try:
        Creator = migrate_to(AFTER).get_model("creators", "Creator")
        counts = {
            c.handle: (c.follower_count, c.following_count, c.likes_count, c.video_count) for c in Creator.objects.all()
        }
        assert counts == {
            "imported": (12_000, None, None, None),
            "real.zero": (500, 0, None, None),  # only zeros change; this 0 was written by a file
            "added": (None, None, None, None),
            "synced": (0, 0, 0, 0),
        }

        # Back: unknown is written as 0 again, the columns are NOT NULL again.
        Creator = migrate_to(BEFORE).get_model("creators", "Creator")
        assert Creator.objects.get(handle="added").follower_count == 0
        assert Creator.objects.get(handle="imported").follower_count == 12_000
    finally:
        migrate_to(latest())
