"""What agency case systems use to reach Resolve (the API, ``escalations.api``): a person's
own API tokens, the idempotency keys of raises, and the log of events the feed serves."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .escalation import Escalation
from .partnership import User


class ApiToken(models.Model):
    """A person's token for their agency's case system to act on their behalf, with exactly
    their visibility and rights. Only a SHA-256 hash of the secret is kept; the token is found
    by its short ``prefix`` (shown in lists) and is shown once, when created."""

    user = models.ForeignKey(User, models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="Which case system uses it.")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    # who made and revoked it, and why; use is not a change (``last_used_at`` is left out)
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.expires_at > moment and self.user.is_active


class IdempotencyKey(models.Model):
    """A raise sent with an ``Idempotency-Key`` header: a retried POST with the same key
    returns the escalation it raised the first time instead of raising the dispute twice."""

    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.escalation}"


class EventKind(models.TextChoices):
    RAISED = "raised", "Raised"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESPONDED = "responded", "The receiving agency responded"
    ESCALATED = "escalated", "Escalated to the next stage"
    BREACHED = "breached", "A stage passed its due moment"
    RESOLVED = "resolved", "Resolved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXTENSION_PROPOSED = "extension_proposed", "An extension was proposed"
    EXTENSION_AGREED = "extension_agreed", "An extension was agreed"
    HANDED_OVER = "handed_over", "A stage was handed over"
    NOTE_ADDED = "note_added", "A note was added"
    RECORDED_ON_CASE_FILE = "recorded_on_case_file", "A stage was recorded on a case file"


class Event(models.Model):
    """What happened to an escalation, in order: the kind and the stage, never case text.
    Written by the transition code in the change's own transaction; append-only. The API's
    feed (``/api/v1/events/``) serves it to the people who may see the escalation."""

    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    stage = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.escalation} {self.kind} at stage {self.stage}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
