"""Where a tracking link may send people, its token, and the bot verdicts: plain functions, no database."""

import string
from urllib.parse import parse_qsl, urlsplit

import pytest

from analytics.models import ClickVerdict
from analytics.tracking.click_verdicts import bot_reason, verdict_for
from analytics.tracking.destinations import Utm, normalize_domain, validate_destination, with_utm
from analytics.tracking.errors import TrackingError, TrackingErrorCode
from analytics.tracking.services import new_token

VERIFIED = ["shop.glow.test", "xn--bcher-kva.test"]  # the second is bücher.test
UTM = Utm(source="tiktok", medium="influencer", campaign="glow-serum", content="maya")


def _refused(url: str) -> TrackingError:
    with pytest.raises(TrackingError) as caught:
        validate_destination(url, verified_hosts=VERIFIED)
    assert "destination" in caught.value.fields
    return caught.value


def test_a_token_carries_at_least_128_random_bits_in_url_safe_characters():
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    alphabet = set(string.ascii_letters + string.digits + "-_")
    for token in tokens:
        assert len(token) >= 22  # 22 base64 characters = 132 bits of which 128 are random
        assert set(token) <= alphabet
    # Every position varies: no fixed prefix or counter hides in the token.
    assert all(len({t[i] for t in tokens}) > 30 for i in range(21))


def test_an_https_address_on_a_verified_host_is_accepted_as_is():
    assert validate_destination("https://shop.glow.test/serum?ref=bio", verified_hosts=VERIFIED) == (
        "https://shop.glow.test/serum?ref=bio"
    )


def test_plain_http_is_refused():
    assert _refused("http://shop.glow.test/serum").code == TrackingErrorCode.INVALID_DESTINATION


def test_an_unverified_host_is_refused():
    assert _refused("https://evil.test/serum").code == TrackingErrorCode.DOMAIN_NOT_VERIFIED


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.glow.test.evil.test/",
        "https://evilshop.glow.test/",
        "https://www.shop.glow.test/",
        "https://glow.test/",
        "https://shop.glow.test%2eevil.test/",
    ],
)
def test_look_alike_hosts_are_refused(url):
    _refused(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.glow.test@evil.test/",
        "https://user:pass@shop.glow.test/",
        "https://shop.glow.test:pw@evil.test/",
        "https://evil.test\\@shop.glow.test/",
        "https://evil.test\\.shop.glow.test/",
        "https://shop.glow.test\t.evil.test/",
        "https://shop.glow.test /",
        "//evil.test/",
        "javascript:alert(1)//shop.glow.test",
        "https://shop.glow.test:8443/",
    ],
)
def test_userinfo_backslash_whitespace_and_port_tricks_are_refused(url):
    _refused(url)


def test_a_unicode_host_matches_its_own_punycode_and_is_stored_in_it():
    assert validate_destination("https://bücher.test/b", verified_hosts=VERIFIED) == "https://xn--bcher-kva.test/b"


def test_a_homograph_of_a_verified_host_is_refused():
    # "shop" with a Cyrillic dze (U+0455) for its "s": looks the same, is another domain.
    assert _refused("https://\u0455hop.glow.test/").code == TrackingErrorCode.DOMAIN_NOT_VERIFIED


def test_an_overlong_address_is_refused():
    _refused("https://shop.glow.test/" + "a" * 1500)


def test_utm_parameters_are_appended_and_the_destinations_own_are_kept():
    final = with_utm("https://shop.glow.test/serum?ref=bio&color=red#reviews", utm=UTM, click_id_param="cd_click")
    parts = urlsplit(final)
    assert parse_qsl(parts.query) == [
        ("ref", "bio"),
        ("color", "red"),
        ("utm_source", "tiktok"),
        ("utm_medium", "influencer"),
        ("utm_campaign", "glow-serum"),
        ("utm_content", "maya"),
    ]
    assert parts.fragment == "reviews"


def test_utm_values_already_in_the_destination_are_replaced_and_a_click_id_there_is_dropped():
    final = with_utm(
        "https://shop.glow.test/?utm_source=google&cd_click=forged&x=1", utm=UTM, click_id_param="cd_click"
    )
    query = parse_qsl(urlsplit(final).query)
    assert ("utm_source", "google") not in query
    assert [k for k, _ in query].count("utm_source") == 1
    assert "cd_click" not in dict(query)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Shop.Glow.TEST", "shop.glow.test"),
        ("shop.glow.test.", "shop.glow.test"),
        ("bücher.test", "xn--bcher-kva.test"),
    ],
)
def test_domains_are_stored_lower_case_ascii(value, expected):
    assert normalize_domain(value) == expected


@pytest.mark.parametrize(
    "value",
    ["https://shop.glow.test", "shop.glow.test/path", "shop.glow.test:443", "localhost", "127.0.0.1", "a..b", ""],
)
def test_a_domain_must_be_a_bare_public_host_name(value):
    with pytest.raises(TrackingError):
        normalize_domain(value)


BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
)


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slackbot"),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "facebookexternalhit"),
        ("Twitterbot/1.0", "Twitterbot"),
        ("TelegramBot (like TwitterBot)", "TelegramBot"),
        ("WhatsApp/2.23.20.0 A", "WhatsApp"),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "Discordbot"),
    ],
)
def test_link_previews_are_bots_named_by_their_app(user_agent, name):
    assert verdict_for(method="GET", user_agent=user_agent) == (ClickVerdict.BOT, f"link_preview:{name}")


def test_crawlers_are_bots():
    verdict, reason = verdict_for(
        method="GET", user_agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    )
    assert verdict == ClickVerdict.BOT
    assert reason.startswith("crawler:")


def test_a_head_request_is_a_bot_whatever_its_user_agent():
    assert verdict_for(method="HEAD", user_agent=BROWSER) == (ClickVerdict.BOT, "head_request")


def test_a_phone_browser_is_a_person():
    assert bot_reason(method="GET", user_agent=BROWSER) == ""
    assert verdict_for(method="GET", user_agent=BROWSER) == (ClickVerdict.HUMAN, "")
