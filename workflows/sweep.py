"""One sweep of the clock: fire the due timers, then deliver the due notifications. Run by
``workflow_timers`` and ``run_timers`` locally, by a Celery beat task in larger deployments."""

from __future__ import annotations

from viewflow.workflow.timers import fire_due_timers

from escalations.notifications import deliver_due


def sweep() -> tuple[int, int, int]:
    fired = fire_due_timers()
    sent, failed = deliver_due()
    return fired, sent, failed
