"""The demo's calendar: due dates for the demo brand's collaborations that are under way but owe no
deliverable yet, spread over the next three weeks so this month's calendar and agenda have a rhythm.
Written through the campaigns services; a second run adds nothing (only collaborations without a
deliverable get one)."""

import datetime

from accounts.models import User, Workspace
from campaigns.models import Collaboration
from campaigns.payouts import add_deliverable
from campaigns.pipeline import Stage

UNDER_WAY = (Stage.CONTRACTED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED)
FORMATS = ("in_feed_video", "story", "in_feed_video", "photo_carousel")


def load_demo_calendar(*, workspace: Workspace, by: User, today: datetime.date) -> int:
    """Give each collaboration under way without deliverables one, due as a draft in 2 to 20 days and
    live a week after. Returns how many were added."""
    waiting = (
        Collaboration.objects.filter(workspace=workspace, stage__in=UNDER_WAY, deliverables__isnull=True)
        .select_related("campaign")
        .order_by("pk")
    )
    added = 0
    for n, collaboration in enumerate(waiting):
        draft_due_on = today + datetime.timedelta(days=2 + (n * 3) % 19)
        add_deliverable(
            collaboration=collaboration,
            by=by,
            format=FORMATS[n % len(FORMATS)],
            draft_due_on=draft_due_on,
            live_due_on=draft_due_on + datetime.timedelta(days=7),
        )
        added += 1
    return added
