"""Too many wrong passwords (django-axes, issue 12): after ``AXES_FAILURE_LIMIT`` failures for
one account from one address, that account is locked from that address for
``AXES_COOLOFF_TIME``. Locking by account and address together means an attacker behind a
council's shared proxy cannot lock a whole council out, and one account cannot be guessed at
from everywhere. The owner is emailed; the partnership lead can unlock early."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from workflows import rules

from . import security_log
from .models import NotificationEvent, SecurityEvent, SecurityKind, User
from .notifications import notify


def username_tried(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The account a sign-in tried: allauth authenticates with ``username``, its form posts
    ``login`` (and Django's own admin form, were it reached, ``username``)."""
    if credentials and credentials.get("username"):
        return str(credentials["username"])
    data = getattr(request, "POST", {}) or {}
    return data.get("login") or data.get("username")


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str, **kw: Any
) -> None:
    account = User.objects.filter(username__iexact=username or "").first()
    if account is None:
        return  # an unknown account: nobody to tell, and the name is not written down
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    told = SecurityEvent.objects.filter(
        kind=SecurityKind.LOCKED_OUT, subject=account, at__gte=since
    )
    if told.exists():
        return  # told once a lock: every try while it lasts is refused again
    with transaction.atomic():
        security_log.record(SecurityKind.LOCKED_OUT, subject=account)
        notify(escalation=None, event=NotificationEvent.ACCOUNT_LOCKED, recipients=[account])


def lockouts_of(person: User) -> list[str]:
    """The addresses this person's account is locked from now."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return list(
        AccessAttempt.objects.filter(
            username__iexact=person.username,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("ip_address", flat=True)
    )


def person_unlock(*, by: User, person: User) -> int:
    """The lead lets a locked-out person try again now; the failed attempts are forgotten."""
    rules.may_manage_people(by, person.membership.partnership).check()
    cleared = int(reset(username=person.username))
    security_log.record(SecurityKind.UNLOCKED, by=by, subject=person)
    return cleared
