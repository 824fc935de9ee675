"""What the clock does (DESIGN.md section 4, "Timers"), called from the flow's timer handlers.
Whether the system may escalate a breached stage is the rulebook's answer
(``rules.may_escalate`` with ``by=None``), as for people.

Each handler re-reads the escalation under its row lock and does nothing if its stage has ended,
its moment has moved (an extension), or it has already acted: firing twice never doubles an
effect. They go through the same transition code as people, with ``by=None``.
"""

from __future__ import annotations

from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify

from . import rules
from .holders import agency_holders
from .stages import clock_of, holders, locked, record_breach, record_of, situation
from .transitions import escalate_locked


def chase_acknowledgement(*, escalation_id: int) -> bool:
    """Acknowledgement is late: the receiving agency's stage-2 contact is told."""
    with locked(escalation_id) as escalation:
        due = escalation.acknowledgement_due_at
        if (
            not escalation.is_open
            or escalation.acknowledged_at is not None
            or escalation.acknowledgement_chased_at is not None
            or due is None
            or timezone.now() < due
        ):
            return False
        escalation.acknowledgement_chased_at = timezone.now()
        save_with_reason(escalation, by=None, reason="Acknowledgement overdue")
        notify(
            escalation=escalation,
            event=Event.ACKNOWLEDGEMENT_LATE,
            recipients=agency_holders(escalation.receiving_agency_id, 2),
            stage=escalation.stage,
        )
    return True


def remind(*, escalation_id: int, stage: int) -> bool:
    """At the reminder hour of the due day (urgent: two hours before) the holders are
    reminded, once per due moment: an extension brings a reminder for its new due moment
    (armed again by ``flows.reschedule_stage_timers`` if the old one has fired)."""
    with locked(escalation_id) as escalation:
        if not escalation.is_open or escalation.stage != stage:
            return False
        record = record_of(escalation, stage)
        moment = clock_of(escalation).reminder(due_at=record.due_at, urgent=escalation.urgent)
        already = record.reminded_at is not None and record.reminded_at >= moment
        if already or timezone.now() >= record.due_at:  # once per due day, never after it
            return False
        record.reminded_at = timezone.now()
        save_with_reason(record, by=None, reason="Reminder sent on the due day")
        notify(
            escalation=escalation,
            event=Event.REMINDER,
            recipients=holders(escalation),
            stage=stage,
        )
    return True


def breach(*, escalation_id: int, stage: int) -> bool:
    """At the due moment a breach is recorded on the stage and people are told
    (``record_breach``). Then, only if the policy says so, the system escalates."""
    with situation(escalation_id) as s:
        escalation, record = s.escalation, s.record
        if not escalation.is_open or escalation.stage != stage or record is None:
            return False
        if not rules.breach_pending(record, s.now):
            return False
        record_breach(escalation, record)
        if rules.may_escalate(s, None):
            escalate_locked(
                escalation,
                by=None,
                reason=f"Stage {stage} passed its due moment and the policy escalates on breach",
            )
    return True
