"""The event log (``Event``): what happened to an escalation, in order, for the API's feed and
the agency systems that follow it. Written by the transition code in the change's own
transaction, so an event exists exactly when its change does; it carries the kind and the
stage, never case text."""

from __future__ import annotations

from django.utils import timezone

from . import webhooks
from .models import Escalation, Event, EventKind


def record_event(escalation: Escalation, kind: EventKind, *, saved: bool = False) -> Event:
    """Log the event and mark the escalation as changed now (``updated_at``, which history
    leaves out: it is the time of a change, not a change), so that a case system asking what
    changed since a moment sees a note or a hand-over as well as a new stage. ``saved``: the
    caller has just saved the escalation's row in this transaction, which set ``updated_at``;
    the event takes that moment."""
    if saved:
        now = escalation.updated_at
    else:
        now = timezone.now()
        Escalation.objects.filter(pk=escalation.pk).update(updated_at=now)
        escalation.updated_at = now
    event = Event.objects.create(escalation=escalation, kind=kind, stage=escalation.stage, at=now)
    webhooks.queue(event)
    return event
