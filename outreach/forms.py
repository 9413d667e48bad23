"""Forms of the outreach pages: they parse input; `outreach.services` decides what is allowed."""

from django import forms

from campaigns.pipeline import Stage
from outreach.models import MESSAGE_MAX_CHARS, OutreachTemplate
from outreach.sending import BULK_MAX_ROWS
from outreach.services import TEMPLATE_BODY_MAX_CHARS, TEMPLATE_NAME_MAX_CHARS

BULK_ACTIONS = [("invite", "Invite selected"), ("remind", "Send reminder"), ("move", "Move to stage")]


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=MESSAGE_MAX_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Write a message…", "maxlength": MESSAGE_MAX_CHARS}),
    )


class TemplateForm(forms.Form):
    kind = forms.ChoiceField(choices=OutreachTemplate.Kind.choices)
    name = forms.CharField(max_length=TEMPLATE_NAME_MAX_CHARS)
    subject = forms.CharField(max_length=300)
    body = forms.CharField(max_length=TEMPLATE_BODY_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 10}))
    is_default = forms.BooleanField(required=False, label="Use by default for this kind")


class PreviewForm(forms.Form):
    subject = forms.CharField(required=False, max_length=300)
    body = forms.CharField(required=False, max_length=TEMPLATE_BODY_MAX_CHARS)


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    collaboration = forms.TypedMultipleChoiceField(coerce=int, required=False)
    to_stage = forms.ChoiceField(choices=[("", "—"), *Stage.choices], required=False)
    template = forms.IntegerField(required=False)

    def __init__(self, *args: object, collaboration_ids: list[int], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["collaboration"].choices = [(pk, pk) for pk in collaboration_ids]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("collaboration"):
            self.add_error("collaboration", "Select at least one creator.")
        elif len(cleaned["collaboration"]) > BULK_MAX_ROWS:
            self.add_error("collaboration", f"At most {BULK_MAX_ROWS} at once.")
        if cleaned.get("action") == "move" and not cleaned.get("to_stage"):
            self.add_error("to_stage", "Choose the stage to move to.")
        return cleaned


class ClaimForm(forms.Form):
    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False)
    password_again = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False, label="Password, again"
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned
