"""Is a click a person? Plain functions, no database: the user agent and the method decide "bot";
`analytics.tracking.click_ingest` adds "duplicate" (the same visitor again within the window).

Link unfurlers (chat apps and social sites fetching a preview when a link is pasted) are named first,
so the reason says which app previewed the link; every other crawler is whatever crawlerdetect knows."""

from __future__ import annotations

from functools import lru_cache

from crawlerdetect import CrawlerDetect

from analytics.models import ClickVerdict

# Substrings of the user agents of link previewers, matched case-insensitively.
UNFURLERS = (
    "Slackbot",
    "facebookexternalhit",
    "Facebot",
    "Twitterbot",
    "TelegramBot",
    "WhatsApp",
    "Discordbot",
    "LinkedInBot",
    "SkypeUriPreview",
    "redditbot",
    "Pinterestbot",
    "Iframely",
    "Embedly",
    "vkShare",
    "Snapchat",
)
_UNFURLERS_LOWER = tuple((name, name.lower()) for name in UNFURLERS)


@lru_cache(maxsize=1)
def _detector() -> CrawlerDetect:
    # Compiling crawlerdetect's patterns takes a moment; one detector per worker process.
    return CrawlerDetect()


def bot_reason(*, method: str, user_agent: str) -> str:
    """Why the request is not a person ('' when it may be one)."""
    if method.upper() == "HEAD":
        return "head_request"
    if not user_agent.strip():
        return "no_user_agent"
    lowered = user_agent.lower()
    # The name that comes first wins: "TelegramBot (like TwitterBot)" is Telegram.
    found = [(lowered.find(needle), name) for name, needle in _UNFURLERS_LOWER if needle in lowered]
    if found:
        return f"link_preview:{min(found)[1]}"
    detector = _detector()
    if detector.isCrawler(user_agent):
        return f"crawler:{detector.getMatches() or 'unknown'}"[:80]
    return ""


def verdict_for(*, method: str, user_agent: str) -> tuple[ClickVerdict, str]:
    reason = bot_reason(method=method, user_agent=user_agent)
    return (ClickVerdict.BOT, reason) if reason else (ClickVerdict.HUMAN, "")
