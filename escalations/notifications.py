"""The notification outbox (DESIGN.md section 3, "Notification").

Rows are written in the transition's own transaction, so a change and the news of it are
committed together or not at all. Delivery runs later, from the timer loop or a worker, through
Django's mail framework, on a lease (``escalations.outbox``): a small batch at a time, each
message marked sent in its own transaction once the mail server has it. A failed send keeps the
row with its attempts and error and is retried with a growing back-off, without holding up the
rest. Delivery is at least once: a message sent again after a worker died carries the same
``Message-ID``. Emails carry the reference, the stage and a link, never case content.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Escalation, Notification, NotificationEvent, User
from .outbox import backoff, lease, new_worker, release, settle

__all__ = ["backoff", "deliver_due", "message_id", "notify", "notify_all"]

logger = logging.getLogger(__name__)

BATCH = 20  # messages leased at a time, over one SMTP connection
LEASE = dt.timedelta(minutes=5)  # a killed worker's messages go back to the queue after this
TIME_BUDGET = 30.0  # seconds of sending per sweep; EMAIL_TIMEOUT bounds each message


def notify(
    *,
    escalation: Escalation | None,
    event: NotificationEvent,
    recipients: Iterable[User | None],
    stage: int | None = None,
) -> list[Notification]:
    """Queue one notification per distinct active recipient."""
    return notify_all(escalation=escalation, stage=stage, news=[(event, recipients)])


def notify_all(
    *,
    escalation: Escalation | None,
    stage: int | None,
    news: Iterable[tuple[NotificationEvent, Iterable[User | None]]],
) -> list[Notification]:
    """Several pieces of news of one change (an escalation and the partnership's copy of
    it), queued in one write: one notification per distinct active recipient of each."""
    rows = []
    for event, recipients in news:
        seen: set[int] = set()
        for user in recipients:
            if user is None or not user.is_active or user.pk in seen:
                continue
            seen.add(user.pk)
            rows.append(
                Notification(escalation=escalation, recipient=user, event=event, stage=stage)
            )
    return Notification.objects.bulk_create(rows)


def _message(notification: Notification, connection: Any = None) -> EmailMultiAlternatives:
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
        headers={"Message-ID": message_id(notification)},
        connection=connection,
    )
    message.attach_alternative(render_to_string("emails/notification.html", context), "text/html")
    return message


def message_id(notification: Notification) -> str:
    """The same on every attempt, so that a message sent twice (a worker killed between the
    mail server's acceptance and marking it sent) is one message to mail clients."""
    domain = urlsplit(settings.SITE_URL).hostname or "resolve.invalid"
    return f"<notification-{notification.pk}@{domain}>"


def deliver_due(*, limit: int = 200, budget: float = TIME_BUDGET) -> tuple[int, int]:
    """Send what is due, a leased batch at a time over one SMTP connection; return (sent,
    failed). Each message is marked in its own short transaction as soon as the server has
    it; a failure backs off that message alone. Stops taking new batches after ``budget``
    seconds (well inside the Celery task's time limit) and hands back what it has not tried."""
    worker, started = new_worker(), time.monotonic()
    sent = failed = 0
    while sent + failed < limit:
        batch = lease(
            Notification.objects.due().select_related("escalation", "recipient"),
            worker=worker,
            batch=min(BATCH, limit - sent - failed),
            lease_for=LEASE,
        )
        if not batch:
            break
        done, bad, untried = _send_batch(batch, worker=worker, until=started + budget)
        sent, failed = sent + done, failed + bad
        if untried:
            release(untried, worker=worker)
            break
    return sent, failed


def _send_batch(
    batch: list[Notification], *, worker: str, until: float
) -> tuple[int, int, list[Notification]]:
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    _open(connection)
    sent = failed = 0
    try:
        for position, notification in enumerate(batch):
            if time.monotonic() > until:
                return sent, failed, batch[position:]
            try:
                if not notification.recipient.email:
                    raise ValueError("The recipient has no email address.")
                _message(notification, connection).send()
            except Exception as error:  # any transport failure: this message backs off alone
                failed += 1
                _failed(notification, error, worker=worker)
                if isinstance(error, (OSError, smtplib.SMTPServerDisconnected)):
                    connection.close()  # a dropped connection is opened afresh for the next
                    _open(connection)
                continue
            sent += 1
            settle(notification, worker=worker, sent_at=timezone.now(), last_error="")
    finally:
        connection.close()
    return sent, failed, []


def _open(connection: Any) -> None:
    """One connection for the batch. If the server cannot be reached, each message will say
    so as it fails, and back off."""
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _failed(notification: Notification, error: Exception, *, worker: str) -> None:
    attempts = notification.attempts + 1
    settle(
        notification,
        worker=worker,
        last_error=f"{type(error).__name__}: {error}"[:500],
        next_attempt_at=timezone.now() + backoff(attempts),
    )
    logger.warning(
        "Notification %s not delivered (attempt %s): %s",
        notification.pk,
        attempts,
        type(error).__name__,
    )
