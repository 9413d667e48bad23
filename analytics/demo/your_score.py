"""The demo brand's own scoring settings, so discovery's "Your score" sort and the campaign
recommendations read tuned weights: awareness first, weighted towards reach and steady views, and a
target audience of women 18-34 in the US and the UK. Its scores are computed here rather than by the
worker, so the pages are filled as soon as the seed ends."""

from accounts.models import User, Workspace
from analytics.scoring.settings import update_scoring_profile
from creators.index.workspace_scores import recompute_workspace_scores

DEMO_WEIGHTS = {
    "awareness": {"reach_rate": 4.0, "median_views": 2.0, "views_cv": 2.0, "follower_growth_30d": 1.0},
    "consideration": {"save_rate": 3.0, "comment_like_ratio": 2.0, "completion_rate": 1.0},
}
DEMO_TARGET = {"age_buckets": ["18-24", "25-34"], "genders": ["female"], "countries": ["US", "GB"]}


def load_demo_scoring_profile(*, workspace: Workspace, by: User) -> int:
    """Save the settings (idempotent: the same settings queue nothing) and compute the workspace's scores
    now; returns the recompute's chunk count."""
    update_scoring_profile(
        workspace=workspace, by=by, objective="awareness", weights=DEMO_WEIGHTS, target_audience=DEMO_TARGET
    )
    return recompute_workspace_scores(workspace_id=workspace.pk).chunks
