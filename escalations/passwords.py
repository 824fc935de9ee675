"""A password change tells its owner (issue 12): if someone else changed it, they hear at
once. Django calls ``password_changed`` on every password validator after a password is
saved, whichever way it was changed (the reset link, the admin's command line, an invitation
accepted)."""

from __future__ import annotations

from typing import Any

from . import security_log
from .models import NotificationEvent, SecurityKind
from .notifications import notify


class TellTheOwner:
    """Not a rule about the password itself: the email that says it changed."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None or user.last_login is None:
            return  # a first password, set from an invitation, is no change to warn of
        security_log.record(SecurityKind.PASSWORD_CHANGED, subject=user)
        notify(escalation=None, event=NotificationEvent.PASSWORD_CHANGED, recipients=[user])

    def get_help_text(self) -> str:
        return "We will email you whenever your password changes."
