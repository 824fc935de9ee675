"""One sweep of the clock: fire the due timers, then deliver the due notifications. Run by
``workflow_timers`` and ``run_timers`` locally, by a Celery beat task in larger deployments."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from escalations import webhooks
from escalations.notifications import deliver_due

from . import meetings

logger = logging.getLogger("workflows.timers")

BATCH = 200


def fire_due_timers(*, batch: int = BATCH) -> int:
    """viewflow's ``fire_due_timers``, taken a batch at a time.

    Finished timers keep their ``scheduled`` moment, so PostgreSQL overestimates how many
    are due and plans viewflow's unlimited query as a parallel scan whose start-up alone
    costs more than the work (``benches/timers.py``). A LIMIT makes it walk the partial
    index of waiting timers, and a backlog after downtime is worked through in steps. Each
    timer is re-checked under the escalation's row lock, so sweeps can run side by side.
    """
    fired = 0
    while True:
        due = list(
            Task.objects.filter(
                flow_task_type="TIMER", status=STATUS.SCHEDULED, scheduled__lte=timezone.now()
            )
            .order_by("scheduled")
            .values_list("pk", flat=True)[:batch]
        )
        for pk in due:
            fired += _fire(Task.objects.get(pk=pk))
        if len(due) < batch:
            return fired


def _fire(task: Task) -> int:
    try:
        with task.activation() as activation:
            if activation.start.can_proceed():  # another sweep may have fired it
                activation.start()
                activation.execute()
                return 1
    except FlowLockFailed:
        logger.info("Timer task %s is locked by another sweep, skipped", task.pk)
    except Exception:  # one broken timer must not stop the sweep
        logger.exception("Timer task %s failed to fire", task.pk)
    return 0


SWEPT_AT = "resolve:sweep:finished-at"


def sweep() -> tuple[int, int, int]:
    """(timers fired, messages sent, messages failed): emails and webhook deliveries. Its end
    is noted in the shared cache, for the readiness check (``/health/ready/``)."""
    fired = fire_due_timers()
    meetings.remind_positions()
    sent, failed = deliver_due()
    delivered, undelivered = webhooks.deliver_due()
    cache.set(SWEPT_AT, time.time(), None)
    return fired, sent + delivered, failed + undelivered


def last_swept() -> float | None:
    """When a sweep last finished (a Unix time), by any worker or loop."""
    at = cache.get(SWEPT_AT)
    return float(at) if at is not None else None
