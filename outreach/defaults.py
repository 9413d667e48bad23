"""The texts a workspace starts with, used until it saves its own default template of a kind."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultText:
    name: str
    subject: str
    body: str


DEFAULT_TEXTS: dict[str, DefaultText] = {
    "invitation": DefaultText(
        name="Standard invitation",
        subject="{{ brand_name }} would love to work with you on {{ campaign_name }}",
        body=(
            "Hi {{ creator_name }},\n\n"
            "We love what you make as {{ creator_handle }} and would like to invite you to {{ campaign_name }}, "
            "a paid collaboration with {{ brand_name }}.\n\n"
            "See the details, ask us anything and answer the invitation here:\n{{ claim_link }}\n\n"
            "Thanks,\n{{ sender_name }}"
        ),
    ),
    "reminder": DefaultText(
        name="Friendly reminder",
        subject="A reminder about {{ campaign_name }}",
        body=(
            "Hi {{ creator_name }},\n\n"
            "Just checking in about {{ campaign_name }} with {{ brand_name }}. "
            "Everything you need is here:\n{{ claim_link }}\n\n"
            "Thanks,\n{{ sender_name }}"
        ),
    ),
}
