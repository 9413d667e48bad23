"""Forms of the campaign pages: they parse input; `campaigns.services` decides what is allowed."""

from django import forms

from campaigns.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Campaign
from campaigns.pipeline import Stage

CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "JPY", "INR", "BRL", "MXN"]


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"placeholder": "Spring glow launch"}))
    objective = forms.ChoiceField(choices=Campaign.Objective.choices)
    budget = forms.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, min_value=0)
    currency = forms.ChoiceField(choices=[(code, code) for code in CURRENCIES])
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices)
    note = forms.CharField(required=False, max_length=2000)
