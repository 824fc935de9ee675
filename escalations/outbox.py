"""Leasing work from an outbox table, the same way on SQLite and PostgreSQL.

A worker takes a small batch of due rows with one conditional ``UPDATE`` that sets
``leased_until`` and ``leased_by``, committed at once; it then does the slow part (SMTP, an
HTTP call) outside any transaction, and records each outcome in its own short transaction.
A worker killed mid-batch leaves its rows leased until ``leased_until`` passes, when the next
sweep takes them again; nothing it had finished is done twice. Two workers never lease the
same row: the ``UPDATE`` re-checks the lease row by row (PostgreSQL re-reads a row another
transaction has just changed; SQLite takes one writer at a time), so no ``FOR UPDATE`` is
needed, which SQLite does not have. The tables leased (notifications, webhook deliveries) keep
no history: a retry is not a change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempts: int, *, ceiling: dt.timedelta = MAX_BACKOFF) -> dt.timedelta:
    """1, 2, 4, 8... minutes after each failed attempt, at most ``ceiling``."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), ceiling)


def new_worker() -> str:
    return uuid.uuid4().hex


def not_leased(now: dt.datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def lease(due: QuerySet[M], *, worker: str, batch: int, lease_for: dt.timedelta) -> list[M]:
    """Lease up to ``batch`` of the ``due`` rows (oldest due first) to ``worker`` until now
    plus ``lease_for``, committed; the rows this worker now holds."""
    now = timezone.now()
    until = now + lease_for
    model = due.model
    candidates = list(
        due.filter(not_leased(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    if not candidates:
        return []
    with transaction.atomic():
        model._default_manager.filter(not_leased(now), pk__in=candidates).update(
            leased_until=until, leased_by=worker
        )
    # in the order they fell due: a receiver sees an escalation's events in order
    return list(
        due.filter(pk__in=candidates, leased_by=worker, leased_until=until).order_by(
            "next_attempt_at", "pk"
        )
    )


def settle(row: models.Model, *, worker: str, **fields: Any) -> bool:
    """Record the outcome of a leased row and release it, in a short transaction of its own;
    False (nothing written) if the lease was lost meanwhile (it expired and another worker
    took the row)."""
    model = type(row)
    with transaction.atomic():
        done = model._default_manager.filter(pk=row.pk, leased_by=worker).update(  # type: ignore[attr-defined]
            leased_until=None, leased_by="", attempts=F("attempts") + 1, **fields
        )
    return bool(done)


def release(rows: list[M], *, worker: str) -> None:
    """Hand back rows leased but not tried (the worker ran out of time)."""
    if rows:
        model = type(rows[0])
        model._default_manager.filter(  # type: ignore[attr-defined]
            pk__in=[row.pk for row in rows], leased_by=worker
        ).update(leased_until=None, leased_by="")
