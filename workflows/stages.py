"""What every transition shares: the lock, a stage's start and conclusion, holders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from escalations.audit import create_many_with_reason, save_with_reason
from escalations.events import record_event
from escalations.models import (
    Conclusion,
    Escalation,
    EventKind,
    ExtensionStatus,
    Side,
    StageHolder,
    StageRecord,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify

from .holders import (
    agency_holders,
    current_holder_rows,
    holders_for_stage,
    partnership_leads,
    partnership_team,
)
from .locks import Held, held, holding, lock_escalation
from .rules import Situation, breach_pending
from .states import LAST_STAGE
from .timescales import Clock, elapsed_hours


@contextmanager
def locked(escalation_id: int, *, timing: bool = True) -> Iterator[Escalation]:
    """The escalation's row lock, in a transaction. ``timing``: read its partnership and
    policy with it (its calendar and timescales); a change that times nothing (an
    acknowledgement, a response) leaves them out, and they would be read if asked for."""
    with transaction.atomic():
        escalation = lock_escalation(escalation_id, timing=timing)
        with holding(escalation):
            yield escalation


@contextmanager
def situation(escalation_id: int, *, timing: bool = True) -> Iterator[Situation]:
    """The escalation's row lock first, then what the rules read of it, in one transaction."""
    with locked(escalation_id, timing=timing) as escalation:
        s = Situation.read(escalation)
        hand = held(escalation.pk)
        assert hand is not None
        hand.records.update({record.stage: record for record in s.records})
        hand.holders.update({record.stage: list(record.holders.all()) for record in s.records})
        yield s


def clock_of(escalation: Escalation) -> Clock:
    return Clock.of(partnership=escalation.partnership, policy=escalation.policy)


def record_of(escalation: Escalation, stage: int) -> StageRecord:
    """A stage's record: the copy in hand while the escalation's row is locked (the one the
    transition changes and saves), else read."""
    hand = held(escalation.pk)
    if hand is None:
        return escalation.stage_records.get(stage=stage)
    if stage not in hand.records:
        hand.records[stage] = escalation.stage_records.get(stage=stage)
    return hand.records[stage]


def holders(
    escalation: Escalation, side: Side | None = None, *, with_raiser: bool = False
) -> list[User]:
    """The current stage's holders (and its raiser, if asked): as in hand under the
    escalation's lock, else in one query."""
    hand = held(escalation.pk)
    rows = hand.holders.get(escalation.stage) if hand is not None else None
    if hand is None or rows is None:
        found = current_holder_rows(escalation, side).values("user_id")
        wanted = Q(pk__in=found) | Q(pk=escalation.raised_by_id) if with_raiser else Q(pk__in=found)
        return list(User.objects.filter(wanted))
    people = [row.user for row in rows if row.until is None and side in (None, row.side)]
    return people + [_raiser(escalation, hand)] if with_raiser else people


def _raiser(escalation: Escalation, hand: Held) -> User:
    """The raiser, as in hand (they held stage 1 for the raising side), else read."""
    for rows in hand.holders.values():
        for row in rows:
            if row.user_id == escalation.raised_by_id:
                return row.user
    return escalation.raised_by


def add_holder(escalation: Escalation, row: StageHolder) -> None:
    """A holder row written while the escalation's lock is held joins the rows in hand."""
    hand = held(escalation.pk)
    if hand is not None and row.stage_record.stage in hand.holders:
        hand.holders[row.stage_record.stage].append(row)


def begin_stage(
    escalation: Escalation, stage: int, now: dt.datetime, *, by: User | None, reason: str
) -> StageRecord:
    due = clock_of(escalation).stage_due(stage=stage, started_at=now, urgent=escalation.urgent)
    record = save_with_reason(
        StageRecord(
            escalation=escalation, stage=stage, started_at=now, original_due_at=due, due_at=due
        ),
        by=by,
        reason=reason,
    )
    rows = [
        StageHolder(stage_record=record, side=side, user=user, since=now)
        for side, user in holders_for_stage(escalation, stage)
    ]
    rows = create_many_with_reason(
        StageHolder, rows, by=by, reason=f"Holds stage {stage} from its start"
    )
    hand = held(escalation.pk)
    if hand is not None:
        hand.records[stage] = record
        hand.holders[stage] = rows
    return record


def conclude_stage(
    escalation: Escalation,
    conclusion: Conclusion,
    reason: str,
    now: dt.datetime,
    *,
    by: User | None,
) -> StageRecord:
    record = record_of(escalation, escalation.stage)
    if breach_pending(record, now):  # concluded late, before the sweep breached it
        # breached at its due moment, as the timer would have; alerts only if it goes on
        record_breach(
            escalation, record, at=record.due_at, alert=conclusion == Conclusion.ESCALATED
        )
    record.concluded_at = now
    record.conclusion = conclusion
    record.conclusion_reason = reason
    record.duration_working_days = clock_of(escalation).working_days(record.started_at, now)
    record.duration_hours = elapsed_hours(record.started_at, now)
    save_with_reason(record, by=by, reason=f"Stage {record.stage} {conclusion}")
    proposed = [x for x in record.extensions.all() if x.status == ExtensionStatus.PROPOSED]
    for extension in proposed:  # read with the situation, or here
        extension.status = ExtensionStatus.LAPSED
        save_with_reason(extension, by=by, reason=f"Stage {record.stage} {conclusion} first")
    return record


def record_breach(
    escalation: Escalation,
    record: StageRecord,
    *,
    at: dt.datetime | None = None,
    alert: bool = True,
) -> None:
    """The breach on the stage record (``breached_at`` keeps the first breach, which the report
    counts; ``last_breached_at`` the latest) and the alerts: the holders, their managers (the
    next stage's contacts) and, from the policy's stage, the partnership team; at stage 4 the
    partnership lead. Called under the escalation's row lock, by the timer, or, when the due
    moment passed before the timer fired (the sweep had not come round), by the transition that
    extends or concludes the stage, as the timer would have."""
    now, stage, earlier = at or timezone.now(), record.stage, record.last_breached_at
    record.last_breached_at = now
    record.breached_at = record.breached_at or now
    save_with_reason(
        record,
        by=None,
        reason=f"Stage {stage} passed its "
        + ("extended due moment" if earlier is not None else "due moment"),
    )
    record_event(escalation, EventKind.BREACHED)
    if not alert:  # it is being resolved or withdrawn in the same change: no alarm for it
        return
    recipients = holders(escalation)
    if stage < LAST_STAGE:
        recipients += agency_holders(escalation.raising_agency_id, stage + 1)
        recipients += agency_holders(escalation.receiving_agency_id, stage + 1)
        if stage >= escalation.policy.partnership_from_stage:
            recipients += partnership_team(escalation)
    else:
        recipients += partnership_leads(escalation)
    notify(escalation=escalation, event=Event.BREACHED, recipients=recipients, stage=stage)
