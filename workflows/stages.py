"""What every transition shares: the lock, a stage's start and conclusion, holders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q

from escalations.audit import create_many_with_reason, save_with_reason
from escalations.models import (
    Conclusion,
    Escalation,
    ExtensionStatus,
    Side,
    StageHolder,
    StageRecord,
    User,
)

from .holders import current_holder_rows, holders_for_stage
from .locks import held, holding, lock_escalation
from .rules import Situation
from .timescales import Clock, elapsed_hours


@contextmanager
def locked(escalation_id: int) -> Iterator[Escalation]:
    with transaction.atomic():
        escalation = lock_escalation(escalation_id)
        with holding(escalation):
            yield escalation


@contextmanager
def situation(escalation_id: int) -> Iterator[Situation]:
    """The escalation's row lock first, then what the rules read of it, in one transaction."""
    with locked(escalation_id) as escalation:
        s = Situation.read(escalation)
        hand = held(escalation.pk)
        assert hand is not None
        hand.records.update({record.stage: record for record in s.records})
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
    """The current stage's holders (and its raiser, if asked), in one query."""
    rows = current_holder_rows(escalation, side).values("user_id")
    wanted = Q(pk__in=rows) | Q(pk=escalation.raised_by_id) if with_raiser else Q(pk__in=rows)
    return list(User.objects.filter(wanted))


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
    hand = held(escalation.pk)
    if hand is not None:
        hand.records[stage] = record
    create_many_with_reason(
        StageHolder,
        [
            StageHolder(stage_record=record, side=side, user=user, since=now)
            for side, user in holders_for_stage(escalation, stage)
        ],
        by=by,
        reason=f"Holds stage {stage} from its start",
    )
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
