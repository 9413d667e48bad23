from django import forms

from analytics.tracking.destinations import DESTINATION_MAX_CHARS, DOMAIN_MAX_CHARS, UTM_VALUE_MAX_CHARS
from analytics.tracking.services import DEFAULT_CLICK_ID_PARAM


class CreateLinksForm(forms.Form):
    """What the bulk action asks; the service validates (verified host, https, UTM values)."""

    destination = forms.CharField(
        max_length=DESTINATION_MAX_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "https://shop.example.com/products/serum", "inputmode": "url"}),
    )
    utm_source = forms.CharField(max_length=UTM_VALUE_MAX_CHARS, initial="tiktok", label="utm_source")
    utm_medium = forms.CharField(max_length=UTM_VALUE_MAX_CHARS, initial="influencer", label="utm_medium")
    utm_campaign = forms.CharField(
        max_length=UTM_VALUE_MAX_CHARS, required=False, label="utm_campaign", help_text="Blank: the campaign's slug."
    )
    utm_content = forms.CharField(
        max_length=UTM_VALUE_MAX_CHARS, initial="{handle}", label="utm_content", help_text="{handle}: the creator's."
    )
    click_id_param = forms.CharField(max_length=40, initial=DEFAULT_CLICK_ID_PARAM, label="Click id parameter")


class VerifiedDomainForm(forms.Form):
    domain = forms.CharField(
        max_length=DOMAIN_MAX_CHARS + 10, widget=forms.TextInput(attrs={"placeholder": "shop.example.com"})
    )
