import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from accounts.models import Role

TIME_ZONES = sorted(zoneinfo.available_timezones())


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That e-mail and password do not match an account. Check both and try again.",
        "inactive": "This account is disabled.",
    }


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MANAGER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class WorkspaceForm(forms.Form):
    name = forms.CharField(max_length=120)
    time_zone = forms.ChoiceField(choices=[(tz, tz) for tz in TIME_ZONES], initial="UTC")


class NewWorkspaceForm(forms.Form):
    """The "New workspace" page: the service checks the name and time zone again and derives the slug."""

    name = forms.CharField(max_length=120, label="Workspace name", widget=forms.TextInput(attrs={"autofocus": True}))
    time_zone = forms.ChoiceField(choices=[(tz, tz) for tz in TIME_ZONES], initial="UTC", label="Time zone")


class FirstRunSetupForm(forms.Form):
    """First-run setup: the owner's account and the first workspace. The service validates the password with
    Django's validators (AUTH_PASSWORD_VALIDATORS) against the would-be account; the form checks the two match."""

    full_name = forms.CharField(max_length=150, label="Your name")
    email = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not only digits, not a common password, not like your name or e-mail.",
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    workspace_name = forms.CharField(
        max_length=120, label="Workspace name", help_text="Your brand, or your first client's. You can add more later."
    )
    time_zone = forms.ChoiceField(choices=[(tz, tz) for tz in TIME_ZONES], initial="UTC", label="Time zone")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password_again") != cleaned["password"]:
            self.add_error("password_again", "The two passwords differ. Type the same password twice.")
        return cleaned


class BrandingForm(forms.Form):
    # Checked for real by accounts.branding in the service; the form only carries the input.
    brand_color = forms.CharField(max_length=20, required=False, label="Brand colour")
    logo = forms.FileField(required=False)
    remove_logo = forms.BooleanField(required=False)


class RegisterFromInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not only digits, not a common password.",
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class SwitchWorkspaceForm(forms.Form):
    workspace = forms.SlugField()


class TwoFactorCodeForm(forms.Form):
    # 32 characters: room for a recovery code typed with spaces and dashes; the service checks the code.
    code = forms.CharField(
        max_length=32,
        label="Code",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class WorkspaceTwoFactorForm(forms.Form):
    requires_two_factor = forms.BooleanField(required=False, label="Require two-factor sign-in for every member")
