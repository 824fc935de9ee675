"""The security log: sign-ins, failures, second factors, resets, invitations, role and agency
changes, deactivations, exports and API tokens, with who, when and from which address.
Append-only; it never holds a password or case content."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from .partnership import Partnership, User


class SecurityKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    SIGNED_OUT = "signed_out", "Signed out"
    LOCKED_OUT = "locked_out", "Locked out after too many wrong passwords"
    UNLOCKED = "unlocked", "Unlocked"
    PASSWORD_RESET_ASKED = "password_reset_asked", "Password reset asked for"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    SECOND_FACTOR_SET_UP = "second_factor_set_up", "Second factor set up"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Wrong one-time code"
    SECOND_FACTOR_RESET = "second_factor_reset", "Second factor reset by the lead"
    RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "New recovery codes made"
    IDENTITY_CONFIRMED = "identity_confirmed", "Password and code entered again"
    IDENTIFYING_DETAILS_KEPT = "identifying_details_kept", "Identifying details kept, with why"
    INVITED = "invited", "Invitation sent"
    ROLE_CHANGED = "role_changed", "Role or agency changed"
    DEACTIVATED = "deactivated", "Deactivated"
    EXPORTED = "exported", "Downloaded"
    API_TOKEN_MADE = "api_token_made", "API token made"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    API_TOKEN_USED = "api_token_used", "API token used"


class SecurityEvent(models.Model):
    """Who did what to whose account, when and from where. ``partnership`` scopes it to the
    team that reads it; ``subject`` is whom it concerned (the account a failed sign-in tried)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=SecurityKind.choices)
    partnership = models.ForeignKey(
        Partnership, models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    subject = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["partnership", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The security log is append-only.")
        super().save(*args, **kwargs)
