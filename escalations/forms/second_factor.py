"""allauth's second-factor forms with Resolve's words (its checks, limits and logging stay)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.base.forms import AuthenticateForm as BaseAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as BaseActivateTOTPForm
from django import forms


class AuthenticateForm(BaseAuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Code"
        code.help_text = "The 6 digits your authenticator app shows now, or a recovery code."
        code.error_messages["required"] = "Enter the code from your authenticator app."


class ActivateTOTPForm(BaseActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = "Code from the app"
        code.help_text = "The 6 digits the app shows for Resolve."
        code.error_messages["required"] = "Enter the code the app shows for Resolve."


class ConfirmIdentityForm(forms.Form):
    """The password and a fresh code again, before a change to someone else's access. Both go
    through allauth and django-axes, so wrong ones count towards the same limits as at
    sign-in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password."},
    )
    code = forms.CharField(
        label="Code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        error_messages={"required": "Enter the code from your authenticator app."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self._code: ReauthenticateForm | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, code = data.get("password"), data.get("code")
        if password and not get_account_adapter().reauthenticate(self.user, password):
            self.add_error("password", "That is not your password.")
            return data
        if password and code:
            check = ReauthenticateForm(data={"code": code}, user=self.user)
            if check.is_valid():
                self._code = check
            else:
                self.add_error("code", check.errors["code"][0])
        return data

    def save(self) -> None:
        assert self._code is not None
        self._code.save()
