"""An index for "at least X % of the audience is ...": the shares live in JSON, which no B-tree or GIN
can range-search, so each profile is also indexed under coarse tags: `<part>:<KEY>:<step>` for every
step of SHARE_TAG_STEP percent its share reaches (`c:US:0` .. `c:US:50` for 57 % in the US).

A filter "US >= 57 %" first asks the GIN index for the profiles tagged `c:US:50` (a superset), and the
exact JSON comparison keeps the true matches. The tags come from the SQL function
`creator_audience_share_tags` (migration creators 0011), which the index is built on; `share_tag`
below must name them the same way (a test holds the two together)."""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models

SHARE_TAG_STEP = 10
# The audience parts that can be filtered by share, and the letter their tags start with.
TAGGED_PARTS = {"countries": "c", "genders": "g", "age_buckets": "a"}


class AudienceShareTags(models.Func):
    """creator_audience_share_tags(countries, genders, age_buckets): the profile's tags, as indexed."""

    function = "creator_audience_share_tags"
    output_field = ArrayField(models.TextField())

    def __init__(self, prefix: str = "") -> None:
        super().__init__(models.F(f"{prefix}countries"), models.F(f"{prefix}genders"), models.F(f"{prefix}age_buckets"))


def share_tag(part: str, key: str, minimum: float | Decimal) -> str:
    """The tag every profile with at least `minimum` % of `key` in `part` carries."""
    step = min(int(float(minimum) // SHARE_TAG_STEP) * SHARE_TAG_STEP, 100)
    return f"{TAGGED_PARTS[part]}:{key.upper()}:{max(step, 0)}"
