"""Forms of the campaign pages: they parse input; the campaigns services decide what is allowed
(a country code that is not one, a KPI named twice, a move the life cycle refuses)."""

import re
from typing import Any, cast

from django import forms

from campaigns.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Campaign, Collaboration, Deliverable
from campaigns.pipeline import CampaignStatus, Stage
from campaigns.services import KPI_MAX_ENTRIES, KPI_METRICS
from creators.discovery.filters import AGE_BUCKETS, GENDERS
from creators.models import Niche
from creators.selectors import tier_bounds

CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "JPY", "INR", "BRL", "MXN"]


def _style_widgets(form: forms.Form) -> None:
    """Tabler's classes on every widget (checkbox groups are styled by their template)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"placeholder": "Spring glow launch"}))
    objective = forms.ChoiceField(choices=Campaign.Objective.choices)
    budget = forms.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, min_value=0)
    currency = forms.ChoiceField(choices=[(code, code) for code in CURRENCIES])
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_widgets(self)


KPI_LABELS = {
    "views": "Views",
    "reach": "Reach",
    "engagement_rate": "Engagement rate (0.05 = 5 %)",
    "clicks": "Clicks",
    "cpc": "CPC (cost per click)",
    "ctr": "CTR (clicks / views, 0.01 = 1 %)",
    "orders": "Orders",
    "revenue": "Revenue",
    "cpe": "CPE (cost per engagement)",
    "cpm": "CPM (cost per 1,000 views)",
    "cpa": "CPA (cost per order)",
    "roas": "ROAS (revenue / spend)",
    "emv": "EMV (earned media value)",
    "videos_live": "Videos live",
}
KPI_BLANK_ROWS = 3  # empty rows under the campaign's KPIs (no JavaScript needed to add one), at most one per metric
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def _codes(text: str) -> list[str]:
    """ "US, gb;FR" -> ["US", "gb", "FR"]: the service checks and normalises each code."""
    return [code for code in _CODE_SEPARATORS.split(text) if code]


class CampaignSettingsForm(CampaignForm):
    """Everything the edit and create pages set: the basics plus the target audience. The KPIs are a
    formset beside it (`kpi_formset`)."""

    niches = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    countries = forms.CharField(
        required=False,
        max_length=1000,
        help_text="ISO 3166 codes, separated by commas: US, GB, CA.",
        widget=forms.TextInput(attrs={"placeholder": "US, GB"}),
    )
    languages = forms.CharField(
        required=False,
        max_length=1000,
        help_text="ISO 639-1 codes, separated by commas: en, es.",
        widget=forms.TextInput(attrs={"placeholder": "en"}),
    )
    tiers = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    age_buckets = forms.MultipleChoiceField(
        required=False, choices=[(b, b) for b in AGE_BUCKETS], widget=forms.CheckboxSelectMultiple
    )
    genders = forms.MultipleChoiceField(required=False, choices=GENDERS, widget=forms.CheckboxSelectMultiple)

    AUDIENCE_FIELDS = ("niches", "countries", "languages", "tiers", "age_buckets", "genders")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        niche_field: Any = self.fields["niches"]
        niche_field.choices = list(Niche.objects.values_list("slug", "name"))
        tier_field: Any = self.fields["tiers"]
        tier_field.choices = [(tier, tier.capitalize()) for tier in tier_bounds()]
        # A campaign in a currency the list does not offer keeps it (the service accepts any ISO 4217 code).
        currency_field: Any = self.fields["currency"]
        current = self.initial.get("currency")
        if current and current not in CURRENCIES:
            currency_field.choices = [*currency_field.choices, (current, current)]

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        audience = campaign.target_audience or {}
        return {
            "name": campaign.name,
            "objective": campaign.objective,
            "budget": campaign.budget.amount,
            "currency": campaign.budget.currency.code,
            "start_date": campaign.start_date,
            "end_date": campaign.end_date,
            "niches": audience.get("niches", []),
            "countries": ", ".join(audience.get("countries", [])),
            "languages": ", ".join(audience.get("languages", [])),
            "tiers": audience.get("tiers", []),
            "age_buckets": audience.get("age_buckets", []),
            "genders": audience.get("genders", []),
        }

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned fields as the campaigns services take them (the audience as one mapping)."""
        data = dict(self.cleaned_data)
        audience = {key: data.pop(key) for key in self.AUDIENCE_FIELDS}
        audience["countries"] = _codes(audience["countries"])
        audience["languages"] = _codes(audience["languages"])
        return {**data, "target_audience": {key: value for key, value in audience.items() if value}}


class KpiForm(forms.Form):
    """One KPI row; a row left blank is no KPI."""

    metric = forms.ChoiceField(required=False, choices=[("", "—"), *[(m, KPI_LABELS[m]) for m in KPI_METRICS]])
    target = forms.DecimalField(required=False, min_value=0, max_digits=18, decimal_places=6)
    deadline = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style_widgets(self)
        row = (self.prefix or "").rsplit("-", 1)[-1]
        number = int(row) + 1 if row.isdigit() else ""
        for name in self.fields:
            self.fields[name].widget.attrs["aria-label"] = f"KPI {number} {name}".replace("  ", " ")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        metric, target = cleaned.get("metric"), cleaned.get("target")
        if metric and target is None and "target" not in self.errors:
            self.add_error("target", "Give this KPI a target.")
        if not metric and (target is not None or cleaned.get("deadline")):
            self.add_error("metric", "Choose the metric this target is for.")
        return cleaned


class BaseKpiFormSet(forms.BaseFormSet):
    def kpis(self) -> list[dict[str, Any]]:
        """The filled rows, in order, as `services.clean_kpis` takes them."""
        return [
            {"metric": row["metric"], "target": row["target"], "deadline": row.get("deadline")}
            for row in (form.cleaned_data for form in self.forms)
            if row.get("metric")
        ]


def kpi_formset(data: Any = None, *, kpis: list[dict[str, Any]] | None = None) -> BaseKpiFormSet:
    """The KPI rows of a campaign (`kpis` as stored) and a few blank ones, at most one row per metric."""
    initial = [
        {"metric": kpi.get("metric"), "target": kpi.get("target"), "deadline": kpi.get("deadline")}
        for kpi in (kpis or [])
    ]
    formset_class = forms.formset_factory(
        KpiForm,
        formset=BaseKpiFormSet,
        extra=max(0, min(KPI_BLANK_ROWS, KPI_MAX_ENTRIES - len(initial))),
        max_num=KPI_MAX_ENTRIES,
        absolute_max=KPI_MAX_ENTRIES,
        validate_max=True,
    )
    # formset_factory's stub returns the base type; the class it builds is a BaseKpiFormSet.
    return cast(BaseKpiFormSet, formset_class(data, initial=initial, prefix="kpis"))


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=CampaignStatus.choices)


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(required=False, max_length=2000)


class CompensationForm(forms.Form):
    compensation_type = forms.ChoiceField(choices=Collaboration.Compensation.choices)
    fee = forms.DecimalField(required=False, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    currency = forms.ChoiceField(choices=[(code, code) for code in CURRENCIES], required=False)
    commission_percent = forms.DecimalField(required=False, max_digits=5, decimal_places=2)
    bonus = forms.DecimalField(required=False, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    bonus_metric = forms.ChoiceField(choices=[("", "—"), *[(m, m) for m in KPI_METRICS]], required=False)
    bonus_threshold = forms.DecimalField(required=False, max_digits=18, decimal_places=4)


class DeliverableForm(forms.Form):
    format = forms.ChoiceField(choices=Deliverable.Format.choices)
    count = forms.IntegerField(min_value=1, max_value=100, initial=1)
    draft_due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    live_due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class ShipmentForm(forms.Form):
    description = forms.CharField(max_length=200, required=False)


class PayoutForm(forms.Form):
    amount = forms.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, min_value=0)
    currency = forms.ChoiceField(choices=[(code, code) for code in CURRENCIES])
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(max_length=100, required=False)
