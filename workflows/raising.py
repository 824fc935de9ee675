"""Raising an escalation (DESIGN.md sections 3 and 4, "raise" and "Immediate risk")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from django.db import transaction
from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.models import (
    Agency,
    CaseStatus,
    Category,
    Child,
    Escalation,
    FamilyInformed,
    Membership,
    ReferenceSequence,
    Role,
    Side,
    Subject,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify

from . import flows
from .rules import Refused, membership_of, partnership_team, refuse_unless
from .stages import begin_stage, holders, limited, required
from .states import status_for_stage
from .timescales import Clock


@dataclass(frozen=True)
class ChildDetails:
    raising_case_number: str
    receiving_case_number: str = ""
    age_band: str = ""


@dataclass(frozen=True)
class Dispute:
    """What the raise form records about the disagreement (DESIGN.md section 3)."""

    category: str
    decision_disputed: str
    reasons: str
    outcome_sought: str
    subject: str = "children"
    impact_on_child: str = ""
    level_of_need: str = ""
    case_status: str = "none"
    family_informed: str = "yes"
    family_not_informed_reason: str = ""


def _next_reference(partnership_id: int, year: int) -> str:
    """ESC-2026-0042: numbered per partnership and year under the sequence row's lock."""
    sequence, _ = ReferenceSequence.objects.select_for_update().get_or_create(
        partnership_id=partnership_id, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"ESC-{year}-{sequence.last:04d}"


def _check_raiser(raised_by: User, raising_agency: Agency | None) -> tuple[Membership, Agency]:
    membership = membership_of(raised_by)
    if membership is None or membership.role not in (Role.PRACTITIONER, Role.MANAGER):
        raise Refused("Only a practitioner or manager of a partner agency can raise an escalation.")
    own = membership.agency
    assert own is not None
    refuse_unless(
        raising_agency is None or raising_agency.pk == own.pk,
        f"You can raise escalations for {own} only.",
    )
    return membership, own


def _check_receiver(membership: Membership, raising: Agency, receiving: Agency) -> None:
    refuse_unless(
        receiving.partnership_id == membership.partnership_id
        and receiving.is_active_on(timezone.localdate()),
        "Choose an active agency of this partnership to receive the escalation.",
    )
    refuse_unless(
        receiving.pk != raising.pk,
        "A disagreement inside one agency follows that agency's own policy, not this one.",
    )


def _check_dispute(dispute: Dispute, children: Sequence[ChildDetails]) -> Dispute:
    """Everything section 3 marks as required, in the fixed vocabularies, within length."""
    for value, choices, what in (
        (dispute.category, Category, "the category of the disagreement"),
        (dispute.subject, Subject, "whether it is about children or a system issue"),
        (dispute.case_status, CaseStatus, "the child's case status"),
        (dispute.family_informed, FamilyInformed, "whether the family has been told"),
    ):
        refuse_unless(value in choices.values, f"Choose {what}.")
    if dispute.subject == Subject.CHILDREN:
        refuse_unless(
            bool(children) and all(child.raising_case_number.strip() for child in children),
            "Enter your agency's case number for each child (never a name).",
        )
    for child in children:
        refuse_unless(
            len(child.raising_case_number) <= 50 and len(child.receiving_case_number) <= 50,
            "A case number must be 50 characters or fewer.",
        )
    refuse_unless(
        dispute.family_informed == FamilyInformed.YES
        or bool(dispute.family_not_informed_reason.strip()),
        "Say why the family has not been told.",
    )
    return replace(
        dispute,
        decision_disputed=required(dispute.decision_disputed, "the decision you disagree with"),
        reasons=required(dispute.reasons, "why you disagree"),
        outcome_sought=required(dispute.outcome_sought, "the outcome you are seeking"),
        impact_on_child=limited(dispute.impact_on_child, "what this means for the child"),
        family_not_informed_reason=limited(
            dispute.family_not_informed_reason, "why the family has not been told"
        ),
        level_of_need=limited(dispute.level_of_need, "the level of need")[:100],
    )


def _check_urgency(
    *, urgent: bool, immediate_risk: bool, acted_at: dt.datetime | None, start_stage: int
) -> bool:
    """A child at immediate risk is never left to this route: the raiser acts now under
    child protection procedures and says when; such escalations are urgent. Only an urgent
    one may start at stage 2 or 3."""
    if immediate_risk:
        urgent = True
        refuse_unless(
            acted_at is not None and acted_at <= timezone.now(),
            "A child at immediate risk needs action now under child protection procedures "
            "(police on 999, or the children's social care front door): enter when you acted.",
        )
    refuse_unless(start_stage in (1, 2, 3), "An escalation starts at stage 1, 2 or 3.")
    refuse_unless(start_stage == 1 or urgent, "Only an urgent escalation can start after stage 1.")
    return urgent


def raise_escalation(
    *,
    raised_by: User,
    raising_agency: Agency | None,
    receiving_agency: Agency,
    dispute: Dispute,
    children: Sequence[ChildDetails],
    urgent: bool,
    immediate_risk: bool,
    immediate_action_at: dt.datetime | None,
    start_stage: int,
) -> Escalation:
    """Raise: a practitioner or manager records the disagreement. It keeps the policy version
    in force now for its whole life; its first stage, holders, timers and the news to the
    receiving agency are written with it."""
    membership, raising = _check_raiser(raised_by, raising_agency)
    _check_receiver(membership, raising, receiving_agency)
    dispute = _check_dispute(dispute, children)
    urgent = _check_urgency(
        urgent=urgent,
        immediate_risk=immediate_risk,
        acted_at=immediate_action_at,
        start_stage=start_stage,
    )
    now = timezone.now()
    partnership = membership.partnership
    policy = partnership.current_policy(now)
    clock = Clock.of(partnership=partnership, policy=policy)
    with transaction.atomic():
        escalation = save_with_reason(
            Escalation(
                partnership=partnership,
                policy=policy,
                reference=_next_reference(partnership.pk, timezone.localdate(now).year),
                raising_agency=raising,
                raised_by=raised_by,
                receiving_agency=receiving_agency,
                urgent=urgent,
                immediate_risk=immediate_risk,
                immediate_action_at=immediate_action_at if immediate_risk else None,
                status=status_for_stage(start_stage),
                stage=start_stage,
                stage_due_at=clock.stage_due(stage=start_stage, started_at=now, urgent=urgent),
                acknowledgement_due_at=clock.acknowledgement_due(raised_at=now, urgent=urgent),
                raised_at=now,
                **asdict(dispute),
            ),
            by=raised_by,
            reason="Raised",
        )
        for child in children:
            save_with_reason(
                Child(
                    escalation=escalation,
                    raising_case_number=child.raising_case_number.strip(),
                    receiving_case_number=child.receiving_case_number.strip(),
                    age_band=child.age_band[:50],
                ),
                by=raised_by,
                reason="Raised",
            )
        begin_stage(escalation, escalation.stage, now, by=raised_by, reason="Raised")
        _link_process(escalation)
        _announce_raise(escalation)
    return escalation


def _link_process(escalation: Escalation) -> None:
    """Start the escalation's flow and point the row at it: plumbing, kept out of history."""
    escalation.process = flows.start_process(escalation)
    escalation.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        escalation.save(update_fields=["process"])
    finally:
        del escalation.skip_history_when_saving  # type: ignore[attr-defined]


def _announce_raise(escalation: Escalation) -> None:
    notify(
        escalation=escalation,
        event=Event.RAISED,
        recipients=holders(escalation, Side.RECEIVING),
        stage=escalation.stage,
    )
    if escalation.immediate_risk:
        notify(
            escalation=escalation,
            event=Event.IMMEDIATE_RISK,
            recipients=partnership_team(escalation),
            stage=escalation.stage,
        )
    elif escalation.stage >= escalation.policy.partnership_from_stage:
        notify(
            escalation=escalation,
            event=Event.PARTNERSHIP_COPY,
            recipients=partnership_team(escalation),
            stage=escalation.stage,
        )
