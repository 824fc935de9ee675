"""The forgotten-password form, which also writes the security log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm

from escalations import limits, security_log
from escalations.models import SecurityKind


class LoggedPasswordResetForm(PasswordResetForm):
    """Each reset link asked for is in the security log, against the account it went to (an
    address with no account is not written down)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Sends nothing past the limits, per address and per account; the page says the same
        either way, so it tells nobody which addresses have accounts."""
        request = kwargs.get("request")
        address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        if not limits.within(f"reset-from:{address}", limits.RESET_EMAILS_PER_ADDRESS):
            return
        email = self.cleaned_data["email"].casefold()
        if not limits.within(f"reset-to:{email}", limits.RESET_EMAILS_PER_ACCOUNT):
            return
        for user in self.get_users(self.cleaned_data["email"]):
            security_log.record(SecurityKind.PASSWORD_RESET_ASKED, subject=user)
        super().save(*args, **kwargs)
