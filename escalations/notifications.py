"""The notification outbox (DESIGN.md section 3, "Notification").

Rows are written in the transition's own transaction, so a change and the news of it are
committed together or not at all. Delivery runs later, from the timer loop or a worker, through
Django's mail framework. A failed send keeps the row with its attempts and error and is retried
with a growing back-off. Emails carry the reference, the stage and a link, never case content.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Escalation, Notification, NotificationEvent, User

logger = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=6)


def notify(
    *,
    escalation: Escalation | None,
    event: NotificationEvent,
    recipients: Iterable[User | None],
    stage: int | None = None,
) -> list[Notification]:
    """Queue one notification per distinct active recipient."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(escalation=escalation, recipient=user, event=event, stage=stage))
    return Notification.objects.bulk_create(rows)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8... minutes after each failed attempt, at most six hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _message(notification: Notification) -> EmailMultiAlternatives:
    escalation = notification.escalation
    context = {
        "notification": notification,
        "event": notification.get_event_display(),
        "reference": escalation.reference if escalation else "",
        "stage": notification.stage,
        "link": settings.SITE_URL + (escalation.get_absolute_url() if escalation else "/"),
    }
    subject = f"{context['reference']}: {context['event']}".strip(": ")
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/notification.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


def deliver_due(*, limit: int = 200) -> tuple[int, int]:
    """Send what is due; return (sent, failed). Rows are claimed with SKIP LOCKED on
    PostgreSQL so two delivery loops never send the same row twice."""
    sent = failed = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.due()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("escalation", "recipient")
            .order_by("next_attempt_at")[:limit]
        )
        for notification in batch:
            if _deliver(notification):
                sent += 1
            else:
                failed += 1
    return sent, failed


def _deliver(notification: Notification) -> bool:
    now = timezone.now()
    notification.attempts += 1
    try:
        if not notification.recipient.email:
            raise ValueError("The recipient has no email address.")
        _message(notification).send()
    except Exception as error:  # any transport failure: keep the row and retry later
        notification.last_error = f"{type(error).__name__}: {error}"[:500]
        notification.next_attempt_at = now + backoff(notification.attempts)
        notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        logger.warning(
            "Notification %s not delivered (attempt %s): %s",
            notification.pk,
            notification.attempts,
            type(error).__name__,
        )
        return False
    notification.sent_at = now
    notification.last_error = ""
    notification.save(update_fields=["attempts", "last_error", "sent_at"])
    return True
