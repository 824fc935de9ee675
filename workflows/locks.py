"""The flow lock: the escalation's own row.

viewflow's default lock is no lock at all, and its row lock takes the process row with NOWAIT
and fails inside an outer transaction. People (through the services) and the clock (through the
timer sweep) must lock in the same order or PostgreSQL deadlocks, so both take the escalation's
row first, always.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from escalations.models import Escalation


class EscalationRowLock:
    @contextmanager
    def __call__(self, flow_class: Any, process_pk: int) -> Iterator[None]:
        with transaction.atomic():
            # evaluated now: SELECT ... FOR UPDATE blocks until the row is ours
            list(
                Escalation.objects.select_for_update()
                .filter(process_id=process_pk)
                .values_list("pk", flat=True)
            )
            yield


def lock_escalation(escalation_id: int) -> Escalation:
    """Take the escalation's row lock inside the caller's transaction and return a fresh
    copy (not ``refresh_from_db``: the status field is protected)."""
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("partnership", "policy")
        .get(pk=escalation_id)
    )
