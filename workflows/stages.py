"""What every transition shares: the lock, a stage's start and conclusion, holders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

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

from .holders import current_holder_ids, holders_for_stage
from .locks import lock_escalation
from .rules import Situation
from .timescales import Clock, elapsed_hours


@contextmanager
def locked(escalation_id: int) -> Iterator[Escalation]:
    with transaction.atomic():
        yield lock_escalation(escalation_id)


@contextmanager
def situation(escalation_id: int) -> Iterator[Situation]:
    """The escalation's row lock first, then what the rules read of it, in one transaction."""
    with locked(escalation_id) as escalation:
        yield Situation.read(escalation)


def clock_of(escalation: Escalation) -> Clock:
    return Clock.of(partnership=escalation.partnership, policy=escalation.policy)


def holders(escalation: Escalation, side: Side | None = None) -> list[User]:
    return list(User.objects.filter(pk__in=current_holder_ids(escalation, side)))


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
    record = escalation.stage_records.get(stage=escalation.stage)
    record.concluded_at = now
    record.conclusion = conclusion
    record.conclusion_reason = reason
    record.duration_working_days = clock_of(escalation).working_days(record.started_at, now)
    record.duration_hours = elapsed_hours(record.started_at, now)
    save_with_reason(record, by=by, reason=f"Stage {record.stage} {conclusion}")
    for extension in record.extensions.filter(status=ExtensionStatus.PROPOSED):
        extension.status = ExtensionStatus.LAPSED
        save_with_reason(extension, by=by, reason=f"Stage {record.stage} {conclusion} first")
    return record
