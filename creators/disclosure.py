"""Whether a video is sponsored: a paid-partnership flag, or a disclosure hashtag in its hashtags or
caption. Decided once, when a video is written (Video.is_sponsored), because scoring compares sponsored
with organic videos over millions of them. Pure Python: analytics.scoring.recent_videos applies the same rule to
frames that carry captions (docs/scoring.md)."""

import re
from collections.abc import Iterable

# Disclosure hashtags (FTC "#ad"/"#sponsored", TikTok's "paid partnership", German "Werbung"/"Anzeige").
DISCLOSURE_TAGS: tuple[str, ...] = ("ad", "sponsored", "partner", "paidpartnership", "gifted", "werbung", "anzeige")
_DISCLOSURE = "|".join(DISCLOSURE_TAGS)
# In a caption the tag needs its '#' and must end there: "#ad" and "#Ad!" match, "#adventure" does not.
CAPTION_DISCLOSURE_RE = re.compile(rf"#(?:{_DISCLOSURE})(?!\w)", re.IGNORECASE)
# In the hashtags field the whole space-separated tag must be one of them ("ad", not "adidas").
HASHTAG_DISCLOSURE_RE = re.compile(rf"(?<!\S)#?(?:{_DISCLOSURE})(?!\S)", re.IGNORECASE)


def discloses_sponsorship(*, caption: str | None, hashtags: Iterable[str] | None, paid: bool | None) -> bool:
    if paid:
        return True
    if hashtags and HASHTAG_DISCLOSURE_RE.search(" ".join(hashtags)):
        return True
    return bool(caption and CAPTION_DISCLOSURE_RE.search(caption))


# The same rule in SQL, over a video row aliased `v`, for writers that merge a video in the database (the
# import keeps stored values where the file's cells are empty). PostgreSQL's [[:alnum:]_] is Python's \w;
# tests/creators hold both versions to the same answers.
SPONSORED_SQL = (
    "(v.is_paid_partnership OR v.caption ~* %(disclosure_re)s OR EXISTS (SELECT 1 FROM unnest(v.hashtags) t "
    "WHERE lower(ltrim(t, '#')) = ANY(%(disclosure_tags)s)))"
)
SPONSORED_SQL_PARAMS = {
    "disclosure_re": "#(" + _DISCLOSURE + ")([^[:alnum:]_]|$)",
    "disclosure_tags": list(DISCLOSURE_TAGS),
}
