from django import forms

from analytics.models import AttributionRule, OrderSource
from analytics.orders.services import WINDOW_MAX_DAYS


class OrderSourceForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "Glow shop"}))
    kind = forms.ChoiceField(choices=OrderSource.Kind.choices)
    secret = forms.CharField(
        max_length=500, required=False, strip=True,
        help_text="Shopify: the signing key shown under Settings > Notifications > Webhooks. Blank: one is generated.",
    )  # fmt: skip


class RotateSecretForm(forms.Form):
    secret = forms.CharField(max_length=500, required=False, strip=True)


class AttributionSettingsForm(forms.Form):
    rule = forms.ChoiceField(choices=AttributionRule.choices)
    window_days = forms.IntegerField(min_value=1, max_value=WINDOW_MAX_DAYS)


class OrderImportForm(forms.Form):
    file = forms.FileField()


class CreateCodesForm(forms.Form):
    discount = forms.IntegerField(min_value=1, max_value=99, required=False, help_text="Optional, e.g. 15 for 15%.")
