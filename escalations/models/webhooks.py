"""Agency case systems told of events as they happen: a subscription per system, signed
deliveries with their own outbox (escalations.webhooks)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .api import Event
from .partnership import Agency, User
from .records import OutboxRow


class WebhookSubscription(models.Model):
    """An agency's case system that receives the events of that agency's escalations, signed
    with a secret shown once when it is made. Failing: deliveries gave up after a day."""

    agency = models.ForeignKey(Agency, models.PROTECT, related_name="webhooks")
    name = models.CharField(max_length=100, help_text="Which case system it is.")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["agency__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self) -> WebhookDeliveryQuerySet:
        return self.filter(
            delivered_at__isnull=True,
            gave_up_at__isnull=True,
            next_attempt_at__lte=timezone.now(),
            subscription__active=True,
        )


class WebhookDelivery(OutboxRow):
    """One event for one subscription: its outbox row and its log line. Retries are not
    changes, so it keeps no history."""

    subscription = models.ForeignKey(WebhookSubscription, models.PROTECT, related_name="deliveries")
    event = models.ForeignKey(Event, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(delivered_at__isnull=True, gave_up_at__isnull=True),
                name="webhook_undelivered_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription}"
