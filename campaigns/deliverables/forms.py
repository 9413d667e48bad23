"""Forms of the deliverable journey's pages: they parse input; `campaigns.deliverables.services` decides
what is allowed and validates the values (the same rules apply to every caller)."""

from django import forms

from campaigns.deliverables.services import ADDRESS_FIELDS, COMMENT_MAX_CHARS, country_choices


class ShippingAddressForm(forms.Form):
    """The portal's address form; `as_address()` hands the service its parts."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        autocomplete = {
            "name": "name",
            "line1": "address-line1",
            "line2": "address-line2",
            "city": "address-level2",
            "postal_code": "postal-code",
            "region": "address-level1",
            "country": "country",
            "phone": "tel",
        }
        for key, label, required, max_chars in ADDRESS_FIELDS:
            attrs = {"autocomplete": autocomplete[key]}
            if key == "country":
                self.fields[key] = forms.ChoiceField(
                    label=label, required=required, choices=[("", "Choose…"), *country_choices()]
                )
                self.fields[key].widget.attrs.update(attrs)
                continue
            if key == "phone":
                attrs["type"] = "tel"
            self.fields[key] = forms.CharField(
                label=label, required=required, max_length=max_chars, widget=forms.TextInput(attrs=attrs)
            )

    def as_address(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key) or "" for key, *_ in ADDRESS_FIELDS}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("request_changes", "Request changes")])
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 2}))


class SparkAdsCodeForm(forms.Form):
    code = forms.CharField(max_length=255)
    expires_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class MarkShippedForm(forms.Form):
    carrier = forms.CharField(max_length=60)
    tracking_number = forms.CharField(max_length=100)
