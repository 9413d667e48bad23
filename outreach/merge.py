"""Merge fields of outreach templates: `{{ creator_name }}`-style placeholders, from a fixed list.

Pure text, no Django template engine: a template is user text, and the template engine would give its
author tags, filters and attribute lookups on whatever the context holds. Here a placeholder is a
name from `MERGE_FIELDS` and nothing else; values are substituted in one pass, so a value that itself
looks like a placeholder (a creator called "{{ claim_link }}") is inserted as written, never expanded."""

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from campaigns.models import Collaboration

MERGE_FIELDS: dict[str, str] = {
    "creator_name": "The creator's display name (or @handle when they have none)",
    "creator_handle": "The creator's @handle",
    "campaign_name": "The campaign's name",
    "brand_name": "Your workspace's name",
    "sender_name": "The name of the teammate sending the e-mail",
    "claim_link": "The invitation link: claims a portal account, or opens the portal once they have one",
    "portal_link": "The collaboration's page in the creator portal",
    "tracking_link": "The creator's tracking link for this campaign (empty until you generate links)",
    "promo_code": "The creator's promo code for this campaign (empty until you generate codes)",
}
# Fields whose values belong to a higher layer (analytics owns links and codes, and outreach may not
# import it): that layer registers one function per field at start-up (`register_merge_source`, from
# its AppConfig.ready). Briefs, above outreach, reads them through `registered_values` too.
REGISTERED_FIELDS = ("tracking_link", "promo_code")
MergeSource = Callable[["Collaboration"], str]
_SOURCES: dict[str, MergeSource] = {}

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Anything else that looks like template syntax: a filter, a tag, a comment, an unclosed brace pair.
TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")

SAMPLE_VALUES: dict[str, str] = {
    "creator_name": "Maya Lopez",
    "creator_handle": "@mayamakes",
    "campaign_name": "Spring glow launch",
    "brand_name": "Glow Co.",
    "sender_name": "Sam from Glow Co.",
    "claim_link": "https://creatordesk.example/portal/claim/…",
    "portal_link": "https://creatordesk.example/portal/messages/…",
    "tracking_link": "https://creatordesk.example/r/Xy7…",
    "promo_code": "MAYA15-7KQ2",
}


def register_merge_source(name: str, source: MergeSource) -> None:
    """Let `source(collaboration)` supply the value of the merge field `name`, one of REGISTERED_FIELDS.
    Registering the same function again is a no-op (ready() may run twice); another function for a
    field that has one, or a field outside the list, is a programming error."""
    if name not in REGISTERED_FIELDS:
        raise ValueError(f"{name!r} is not a registered merge field; add it to REGISTERED_FIELDS first.")
    if _SOURCES.get(name, source) is not source:
        raise ValueError(f"The merge field {name!r} already has a source.")
    _SOURCES[name] = source


def registered_values(*, collaboration: "Collaboration") -> dict[str, str]:
    """Every registered field's value for `collaboration`: "" where no source is registered or the
    source has nothing yet (no link generated), so a template naming it renders, never fails."""
    return {name: (_SOURCES[name](collaboration) if name in _SOURCES else "") or "" for name in REGISTERED_FIELDS}


def template_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of `text`: unknown names, and template syntax that is not a
    plain `{{ name }}` placeholder. Empty when the text is fine."""
    errors: list[str] = []
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in MERGE_FIELDS})
    if unknown:
        errors.append(
            f"Unknown merge field{'s' if len(unknown) > 1 else ''}: {', '.join('{{ ' + n + ' }}' for n in unknown)}. "
            f"Use one of: {', '.join(MERGE_FIELDS)}."
        )
    leftover = TEMPLATE_SYNTAX.search(PLACEHOLDER.sub("", text))
    if leftover:
        errors.append(
            f"“{leftover.group()}” is not a merge field: write a placeholder as {{{{ field_name }}}}, "
            "without filters or tags."
        )
    return errors


def render(text: str, values: Mapping[str, str]) -> str:
    """Substitute every known placeholder in one pass; a placeholder without a value becomes ""."""
    return PLACEHOLDER.sub(
        lambda match: values.get(match.group(1), "") if match.group(1) in MERGE_FIELDS else match.group(0), text
    )
