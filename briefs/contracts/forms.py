"""Forms of the contract pages: they parse input; the services decide what is valid."""

from django import forms

from accounts.models import User
from briefs.contracts.services import TEXT_MAX_CHARS, USAGE_MAX_MONTHS
from briefs.contracts.signing import CONSENT_TEXT
from briefs.models import Contract, ContractTemplate

DEFAULT_PAYMENT_TERMS = "Within 30 days of the content going live, against an invoice."
DEFAULT_CANCELLATION = (
    "Either party may cancel in writing before the content is published. Work already delivered is paid "
    "pro rata; gifted product is not returned."
)


class ContractTermsForm(forms.Form):
    """The terms a manager sends. Field names are the service's term names."""

    # Querysets are set per request (scoped to the workspace) in __init__.
    template: "forms.ModelChoiceField[ContractTemplate]" = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="Workspace default",
    )
    brand_signer: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="Any manager or owner",
    )
    usage_platforms = forms.CharField(max_length=200, initial="TikTok", label="Usage platforms")
    usage_duration_months = forms.IntegerField(
        min_value=1, max_value=USAGE_MAX_MONTHS, initial=12, label="Usage duration (months)"
    )
    usage_formats = forms.CharField(max_length=200, required=False, initial="Organic posts, paid social ads")
    allows_paid_ads = forms.BooleanField(required=False, label="Paid ads")
    allows_whitelisting = forms.BooleanField(required=False, label="Whitelisting")
    allows_spark_ads = forms.BooleanField(required=False, label="Spark Ads")
    allows_brand_repost = forms.BooleanField(required=False, label="Repost on brand channels")
    exclusivity_category = forms.CharField(max_length=120, required=False, label="Exclusivity category")
    exclusivity_days = forms.IntegerField(
        min_value=0, max_value=3650, initial=0, label="Exclusivity (days, 0 for none)"
    )
    payment_terms = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_CHARS, initial=DEFAULT_PAYMENT_TERMS
    )
    cancellation_terms = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_CHARS, initial=DEFAULT_CANCELLATION
    )

    def __init__(self, *args: object, templates: object, signers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["brand_signer"].queryset = signers  # type: ignore[attr-defined]
        self.fields["brand_signer"].label_from_instance = lambda user: f"{user.display_name} ({user.email})"  # type: ignore[attr-defined]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            else:
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    @staticmethod
    def initial_from(contract: Contract | None) -> dict[str, object]:
        if contract is None:
            return {}
        names = [name for name in ContractTermsForm.base_fields if name not in ("template", "brand_signer")]
        return {name: getattr(contract, name) for name in names} | {
            "template": contract.template_id,
            "brand_signer": contract.brand_signer_id,
        }

    def terms(self) -> dict[str, object]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("template", "brand_signer")}


class SignForm(forms.Form):
    typed_name = forms.CharField(max_length=150, label="Type your full name")
    consent = forms.BooleanField(required=False)

    @staticmethod
    def consent_text(*, number: int, sha256: str) -> str:
        return CONSENT_TEXT.format(number=number, sha256=sha256)


class ContractTemplateForm(forms.Form):
    name = forms.CharField(max_length=120)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"}))
    is_default = forms.BooleanField(required=False, label="Use for contracts that name no template")


class VerifyForm(forms.Form):
    file = forms.FileField(label="Contract PDF")
