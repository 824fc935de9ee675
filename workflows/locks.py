"""The flow lock: the escalation's own row.

viewflow's default lock is no lock at all, and its row lock takes the process row with NOWAIT
and fails inside an outer transaction. People (through the services) and the clock (through the
timer sweep) must lock in the same order or PostgreSQL deadlocks, so both take the escalation's
row first, always.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from escalations.models import Escalation, StageHolder, StageRecord, WebhookSubscription


@dataclass
class Held:
    """The escalation whose row this transaction has locked, its stage records and each
    stage's holder rows (with their people) as read or written since: what the flow's
    callbacks and the notifications would otherwise read again several times over. Code that
    adds a holder row while the lock is held adds it here too (``stages.add_holder``)."""

    escalation: Escalation
    records: dict[int, StageRecord] = field(default_factory=dict)
    holders: dict[int, list[StageHolder]] = field(default_factory=dict)


_held: ContextVar[Held | None] = ContextVar("the escalation in hand", default=None)


@contextmanager
def holding(escalation: Escalation, records: Iterable[StageRecord] = ()) -> Iterator[Held]:
    """While a transaction holds the escalation's row lock: the one copy of it that every
    step of the transition, the flow's callbacks included, reads and writes."""
    token = _held.set(Held(escalation, {record.stage: record for record in records}))
    try:
        yield _held.get()  # type: ignore[misc]
    finally:
        _held.reset(token)


def held(escalation_id: int | None) -> Held | None:
    """The escalation in hand, if it is this one and its transaction is still open."""
    hand = _held.get()
    if hand is None or hand.escalation.pk != escalation_id or not connection.in_atomic_block:
        return None
    return hand


class EscalationRowLock:
    @contextmanager
    def __call__(self, flow_class: Any, process_pk: int) -> Iterator[None]:
        hand = _held.get()
        if (
            hand is not None
            and hand.escalation.process_id in (None, process_pk)
            and connection.in_atomic_block
        ):
            # the transition code holds the row already (or is starting this process for the
            # escalation it has just written): locking again would only cost a round trip
            yield
            return
        with transaction.atomic():
            # evaluated now: SELECT ... FOR UPDATE blocks until the row is ours
            list(
                Escalation.objects.select_for_update()
                .filter(process_id=process_pk)
                .values_list("pk", flat=True)
            )
            yield


def lock_escalation(escalation_id: int, *, timing: bool = True) -> Escalation:
    """Take the escalation's row lock inside the caller's transaction and return a fresh
    copy (not ``refresh_from_db``: the status field is protected), with what a transition
    reads of it anyway: whether either agency's case system listens for its events
    (``webhooks.queue``), and unless ``timing`` is off its partnership and policy."""
    listening = WebhookSubscription.objects.filter(
        Q(agency_id=OuterRef("raising_agency_id")) | Q(agency_id=OuterRef("receiving_agency_id")),
        active=True,
    )
    copy = Escalation.objects.select_for_update(of=("self",))
    if timing:
        copy = copy.select_related("partnership", "policy")
    return copy.annotate(webhooks_listening=Exists(listening)).get(pk=escalation_id)
