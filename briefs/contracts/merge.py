"""Merge values: what a contract version says, computed from the collaboration and the cleaned terms
before the template is rendered — every merge field's value as text (the `terms` a version
freezes), the typed `agreed_terms` snapshot other features read, the compensation sentence (which
refuses when nothing is agreed) and a version's title. Reads the database, writes nothing."""

import datetime
from collections.abc import Mapping
from typing import Any

from accounts.models import User
from briefs.errors import ContractError, ContractErrorCode
from briefs.models import Brief
from campaigns.models import Collaboration
from creators.portal.access import accounts_reaching

DEFAULT_DISCLOSURE = "Use #ad and TikTok's paid-partnership label on every sponsored post."


def _money_text(money: Any) -> str:
    return f"{money.amount:,.2f} {money.currency.code}"


def agreed_terms(
    *, collaboration: Collaboration, terms: Mapping[str, Any], brand_signer: User | None
) -> dict[str, Any]:
    """The typed snapshot a version freezes as `agreed_terms`: the cleaned term fields as they are
    (ints, booleans, text) and the compensation, money as decimal strings with their currency (JSON
    has no decimal type, and a float would round)."""

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    fee, bonus = collaboration.fee, collaboration.bonus
    return dict(terms) | {
        "brand_signer_id": brand_signer.pk if brand_signer else None,
        "compensation_type": collaboration.compensation_type,
        "fee": text(fee.amount) if fee is not None else None,
        "fee_currency": fee.currency.code if fee is not None else None,
        "commission_percent": text(collaboration.commission_percent),
        "bonus": text(bonus.amount) if bonus is not None else None,
        "bonus_currency": bonus.currency.code if bonus is not None else None,
        "bonus_metric": collaboration.bonus_metric,
        "bonus_threshold": text(collaboration.bonus_threshold),
    }


def compensation_text(collaboration: Collaboration) -> str:
    """The agreed compensation as the contract states it (every type the collaboration can carry)."""
    kind = collaboration.compensation_type
    fee = collaboration.fee
    if kind == Collaboration.Compensation.FIXED_FEE and fee is not None:
        return f"A fixed fee of {_money_text(fee)}."
    if kind == Collaboration.Compensation.GIFTING_ONLY:
        return "Gifting only: the product sent is the compensation; no fee is paid."
    if kind == Collaboration.Compensation.COMMISSION:
        text = f"A commission of {collaboration.commission_percent} % of the revenue attributed to the Creator"
        return text + (f", plus a fixed fee of {_money_text(fee)}." if fee is not None else ".")
    bonus, threshold = collaboration.bonus, collaboration.bonus_threshold
    if kind == Collaboration.Compensation.FEE_PLUS_BONUS and fee is not None and bonus and threshold is not None:
        metric = collaboration.bonus_metric.replace("_", " ")
        return (
            f"A fixed fee of {_money_text(fee)}, plus a bonus of {_money_text(bonus)} "
            f"if {metric} reaches {threshold.normalize():f}."
        )
    raise ContractError(
        "Agree the compensation before sending a contract: it must be stated in it.",
        code=ContractErrorCode.NO_COMPENSATION,
    )


def _deliverables_text(collaboration: Collaboration) -> str:
    lines = []
    for d in collaboration.deliverables.order_by("live_due_on", "pk"):
        dates = [
            f"draft by {d.draft_due_on:%Y-%m-%d}" if d.draft_due_on else "",
            f"live by {d.live_due_on:%Y-%m-%d}" if d.live_due_on else "",
        ]
        when = ", ".join(part for part in dates if part)
        lines.append(f"- {d.count} x {d.get_format_display()}" + (f" ({when})" if when else ""))
    return "\n".join(lines) or "- As set out in the campaign brief."


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def merge_values(
    *,
    collaboration: Collaboration,
    terms: Mapping[str, Any],
    brand_signer: User | None,
    number: int,
    sent_at: datetime.datetime,
) -> dict[str, str]:
    """Every merge field's value, as text: the snapshot a version stores as its `terms`."""
    campaign, creator = collaboration.campaign, collaboration.creator
    creator_user = accounts_reaching(creator=creator, workspace=collaboration.workspace).first()
    creator_name = (creator_user.full_name if creator_user else "") or creator.display_name or f"@{creator.handle}"
    latest_brief = Brief.objects.filter(campaign=campaign).order_by("-version").first()
    dates = (
        f"{campaign.start_date:%Y-%m-%d} to {campaign.end_date:%Y-%m-%d}"
        if campaign.start_date and campaign.end_date
        else "dates as set out in the campaign brief"
    )
    formats = terms["usage_formats"] or "organic posts"
    exclusivity = (
        f"For {terms['exclusivity_days']} days from the first post, the Creator will not promote competing "
        f"brands in this category: {terms['exclusivity_category']}."
        if terms["exclusivity_days"]
        else "None: the Creator may work with other brands."
    )
    return {
        "workspace_name": collaboration.workspace.name,
        "brand_signer_name": brand_signer.display_name if brand_signer else "an authorised representative",
        "creator_name": creator_name,
        "creator_handle": f"@{creator.handle}",
        "campaign_name": campaign.name,
        "campaign_dates": dates,
        "compensation": compensation_text(collaboration),
        "payment_terms": terms["payment_terms"],
        "deliverables": _deliverables_text(collaboration),
        "usage_rights": (
            f"The Brand may use the content on {terms['usage_platforms']} for {terms['usage_duration_months']} "
            f"months from publication, in these formats: {formats}."
        ),
        "usage_platforms": terms["usage_platforms"],
        "usage_duration_months": str(terms["usage_duration_months"]),
        "usage_formats": formats,
        "paid_ads": _yes_no(terms["allows_paid_ads"]),
        "whitelisting": _yes_no(terms["allows_whitelisting"]),
        "spark_ads": _yes_no(terms["allows_spark_ads"]),
        "brand_repost": _yes_no(terms["allows_brand_repost"]),
        "exclusivity": exclusivity,
        "disclosure": (latest_brief.disclosure if latest_brief and latest_brief.disclosure else DEFAULT_DISCLOSURE),
        "cancellation": terms["cancellation_terms"],
        "version_number": str(number),
        "sent_date": f"{sent_at.astimezone(datetime.UTC):%Y-%m-%d}",
    }


def version_title(version_values: Mapping[str, str]) -> str:
    return (
        f"{version_values['workspace_name']} x {version_values['creator_handle']} - "
        f"{version_values['campaign_name']} - contract v{version_values['version_number']}"
    )
