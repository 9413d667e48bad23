from django import forms

from creators.workspace.brand_safety import TERM_MAX_CHARS


class BrandSafetyTermForm(forms.Form):
    term = forms.CharField(
        max_length=TERM_MAX_CHARS + 1,  # room for a leading # the service strips
        widget=forms.TextInput(attrs={"placeholder": "e.g. vape, #gambling, energy drink"}),
    )
