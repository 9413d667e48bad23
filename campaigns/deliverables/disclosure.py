"""Disclosure compliance of live deliverables: a sponsored post must say so (#ad, #sponsored, #partner,
#paidpartnership, or the platform's paid-partnership label), by FTC and EU rules. The rule itself is
creators.disclosure's, the one that classifies every stored video."""

from enum import StrEnum

from campaigns.models import Deliverable
from creators.disclosure import discloses_sponsorship


class DisclosureStatus(StrEnum):
    NOT_LIVE = "not_live"  # no live video linked yet: nothing to check
    DISCLOSED = "disclosed"
    MISSING = "missing"  # live without a disclosure: flag it to the workspace


def disclosure_status(deliverable: Deliverable) -> DisclosureStatus:
    video = deliverable.video
    if video is None:
        return DisclosureStatus.NOT_LIVE
    disclosed = video.is_sponsored or discloses_sponsorship(
        caption=video.caption, hashtags=video.hashtags, paid=video.is_paid_partnership
    )
    return DisclosureStatus.DISCLOSED if disclosed else DisclosureStatus.MISSING
