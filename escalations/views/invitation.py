"""The page an invitation link opens, at ``/accounts/invitation/<uid>/<token>/``: the invited
person sets their first password. Open without signing in, like Django's password reset.

It is Django's password reset confirmation with the invitation token (``escalations.tokens``),
so the link lasts ``settings.INVITATION_TIMEOUT`` and a password reset link is refused here.
Only active people who have not set a password yet can use it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from escalations.people import invitation_lifetime
from escalations.tokens import invitation_token_generator


class InvitationConfirmView(auth_views.PasswordResetConfirmView):
    """Django marks the parent's ``dispatch`` as open to people who are not signed in."""

    template_name = "registration/invitation_confirm.html"
    token_generator = invitation_token_generator

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.has_usable_password():
            return None
        return user

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["valid_for"] = invitation_lifetime()
        return context
