"""Forms of the campaign pages: they parse input; the campaigns services decide what is allowed."""

from django import forms

from campaigns.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Campaign, Collaboration, Deliverable
from campaigns.pipeline import Stage
from campaigns.services import KPI_METRICS

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
