"""Records without history of their own: the outbox, signposting counts, the view log."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from .choices import SignpostRoute
from .escalation import Escalation
from .partnership import Agency, Partnership, User


class NotificationEvent(models.TextChoices):
    RAISED = "raised", "A new escalation for your agency"
    IMMEDIATE_RISK = "immediate_risk", "An escalation with a child at immediate risk"
    PARTNERSHIP_COPY = "partnership_copy", "An escalation reached the partnership's stage"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACKNOWLEDGEMENT_LATE = "acknowledgement_late", "Acknowledgement overdue"
    RESPONDED = "responded", "The receiving agency responded"
    ESCALATED = "escalated", "Escalated to the next stage"
    REMINDER = "reminder", "A stage is due today"
    BREACHED = "breached", "A stage passed its due moment"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXTENSION_PROPOSED = "extension_proposed", "An extension was proposed"
    EXTENSION_ACCEPTED = "extension_accepted", "An extension was accepted"
    HANDED_OVER = "handed_over", "A stage was handed to you"
    MEETING_CONVENED = "meeting_convened", "You are invited to a stage 4 meeting"
    POSITION_REQUESTED = (
        "position_requested",
        "Your agency's position is asked for a stage 4 meeting",
    )
    POSITION_REMINDER = (
        "position_reminder",
        "Your agency's position for a stage 4 meeting is due today",
    )
    NOTE = "note", "A note was added"
    TIMER_FAILED = "timer_failed", "A timer failed and needs a re-run"
    WEBHOOK_FAILING = "webhook_failing", "An agency system has stopped taking events"
    PASSWORD_CHANGED = "password_changed", "Your Resolve password was changed"
    ACCOUNT_LOCKED = "account_locked", "Too many wrong passwords for your Resolve account"
    SECOND_FACTOR_SET_UP = "second_factor_set_up", "A second factor was set up for your account"
    SECOND_FACTOR_RESET = "second_factor_reset", "Your Resolve second factor was reset"
    RECOVERY_CODE_USED = "recovery_code_used", "A recovery code was used to sign in as you"
    CODES_FAILING = "codes_failing", "Wrong codes were entered after your password"


class OutboxRow(models.Model):
    """A row a delivery worker leases, tries and settles (``escalations.outbox``): when it is
    next due, how often it was tried and the last error, and the current lease."""

    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=32, blank=True)

    class Meta:
        abstract = True


class NotificationQuerySet(models.QuerySet["Notification"]):
    def due(self) -> NotificationQuerySet:
        return self.filter(sent_at__isnull=True, next_attempt_at__lte=timezone.now())

    def unsent(self) -> NotificationQuerySet:
        return self.filter(sent_at__isnull=True)


class Notification(OutboxRow):
    """A durable outbox row per recipient and event, written in the transition's
    transaction, delivered by email and listed in the app. Retries are not changes, so it
    keeps no history."""

    escalation = models.ForeignKey(
        Escalation, models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    recipient = models.ForeignKey(User, models.PROTECT, related_name="notifications")
    event = models.CharField(max_length=30, choices=NotificationEvent.choices)
    stage = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} to {self.recipient}"


class Signposting(models.Model):
    """The raise form showed the matter belongs to another process: which one and when, with
    no case content, so that the report can count them."""

    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="signpostings")
    agency = models.ForeignKey(Agency, models.PROTECT, null=True, blank=True, related_name="+")
    route = models.CharField(max_length=20, choices=SignpostRoute.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_route_display()} ({self.created_at:%d %B %Y})"


class ViewLog(models.Model):
    """Who opened which escalation and when (append-only)."""

    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="views")
    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} opened {self.escalation} at {self.viewed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("The view log is append-only.")
        super().save(*args, **kwargs)
