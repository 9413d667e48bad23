"""The sponsored rule, in Python (pulls, demo) and in SQL (the import's merge), gives the same answers."""

import pytest
from django.db import connection

from creators.disclosure import SPONSORED_SQL, SPONSORED_SQL_PARAMS, discloses_sponsorship
from creators.models import Video
from tests.factories import CreatorFactory

CASES = [
    ("New serum #ad", (), False, True),
    ("New serum #Ad!", (), False, True),
    ("my #adventure begins", (), False, False),
    ("gifted by @brand #gifted", (), False, True),
    ("#werbung am Anfang", (), False, True),
    ("no disclosure", ("ad",), False, True),
    ("no disclosure", ("#Sponsored",), False, True),
    ("no disclosure", ("adidas", "fyp"), False, False),
    ("plain", (), True, True),
    ("plain", (), False, False),
    ("#partnerships are great", (), False, False),
    ("ad without a hash", (), False, False),
]


@pytest.mark.parametrize(("caption", "hashtags", "paid", "expected"), CASES)
def test_python_rule(caption, hashtags, paid, expected):
    assert discloses_sponsorship(caption=caption, hashtags=hashtags, paid=paid) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(("caption", "hashtags", "paid", "expected"), CASES)
def test_sql_rule_agrees(caption, hashtags, paid, expected):
    video = Video.objects.create(
        creator=CreatorFactory(),
        platform_video_id="1",
        caption=caption,
        hashtags=list(hashtags),
        is_paid_partnership=paid,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {SPONSORED_SQL} FROM creators_video v WHERE v.id = %(pk)s",  # noqa: S608 - our constant
            {**SPONSORED_SQL_PARAMS, "pk": video.pk},
        )
        (decided,) = cursor.fetchone()

    assert decided is expected
