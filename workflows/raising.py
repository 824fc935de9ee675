"""Raising an escalation (DESIGN.md sections 3 and 4, "raise" and "Immediate risk")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from django.db import connection, transaction
from django.utils import timezone

from escalations.audit import save_with_reason
from escalations.events import record_event
from escalations.models import (
    Agency,
    CaseStatus,
    Category,
    Child,
    Escalation,
    EventKind,
    FamilyInformed,
    Membership,
    ReferenceSequence,
    Side,
    Subject,
    User,
)
from escalations.models import NotificationEvent as Event
from escalations.notifications import notify_all

from . import flows, rules
from .holders import membership_of, partnership_team
from .inputs import AGE_BAND_LIMIT, LEVEL_OF_NEED_LIMIT, case_number, limited, required
from .locks import holding
from .refusals import Forbidden, Invalid
from .stages import begin_stage, holders
from .states import status_for_stage
from .timescales import Clock

# the raiser acted under child protection procedures just now, not weeks ago: a time long
# before the raise is a mistyped year or the wrong route (a past harm is not immediate risk)
ACTED_WITHIN = dt.timedelta(days=7)


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
    """ESC-2026-0042: numbered per partnership and year. One UPDATE counts on and returns
    the number, holding the sequence row's lock until the raise commits, so two raisers
    never share a number (Django's ``update`` returns no values: hence the SQL)."""
    table, last = (
        connection.ops.quote_name(name) for name in (ReferenceSequence._meta.db_table, "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 "  # noqa: S608 (our names, not input)
            "WHERE partnership_id = %s AND year = %s RETURNING " + last,
            [partnership_id, year],
        )
        counted = cursor.fetchone()
    if counted is None:  # the partnership's first escalation of the year
        ReferenceSequence.objects.get_or_create(partnership_id=partnership_id, year=year)
        return _next_reference(partnership_id, year)
    return f"ESC-{year}-{counted[0]:04d}"


def _check_raiser(raised_by: User, raising_agency: Agency | None) -> tuple[Membership, Agency]:
    rules.may_raise(raised_by).check()
    membership = membership_of(raised_by)
    assert membership is not None
    assert membership.agency is not None
    own = membership.agency
    if raising_agency is not None and raising_agency.pk != own.pk:
        raise Forbidden(f"You can raise escalations for {own} only.")
    return membership, own


def _check_receiver(membership: Membership, raising: Agency, receiving: Agency) -> None:
    if not (
        receiving.partnership_id == membership.partnership_id
        and receiving.is_active_on(timezone.localdate())
    ):
        raise Invalid(
            "Choose an active agency of this partnership to receive the escalation.",
            field="receiving_agency",
        )
    if receiving.pk == raising.pk:
        raise Invalid(
            "A disagreement inside one agency follows that agency's own policy, not this one.",
            field="receiving_agency",
        )


def _check_dispute(dispute: Dispute, levels_of_need: Sequence[str]) -> Dispute:
    """Everything section 3 marks as required, in the fixed vocabularies, within length."""
    for value, choices, what, name in (
        (dispute.category, Category, "the category of the disagreement", "category"),
        (dispute.subject, Subject, "whether it is about children or a system issue", "subject"),
        (dispute.case_status, CaseStatus, "the child's case status", "case_status"),
        (
            dispute.family_informed,
            FamilyInformed,
            "whether the family has been told",
            "family_informed",
        ),
    ):
        if value not in choices.values:
            raise Invalid(f"Choose {what}.", field=name)
    reason = limited(
        dispute.family_not_informed_reason,
        "why the family has not been told",
        field="family_not_informed_reason",
    )
    if dispute.family_informed != FamilyInformed.YES and not reason:
        raise Invalid("Say why the family has not been told.", field="family_not_informed_reason")
    level = limited(
        dispute.level_of_need, "the level of need", field="level_of_need", limit=LEVEL_OF_NEED_LIMIT
    )
    if level and level not in levels_of_need:
        raise Invalid(
            "Choose the level of need from your partnership's list: never free text, which "
            "could carry a name into the figures.",
            field="level_of_need",
        )
    return replace(
        dispute,
        decision_disputed=required(
            dispute.decision_disputed, "the decision you disagree with", field="decision_disputed"
        ),
        reasons=required(dispute.reasons, "why you disagree", field="reasons"),
        outcome_sought=required(
            dispute.outcome_sought, "the outcome you are seeking", field="outcome_sought"
        ),
        impact_on_child=limited(
            dispute.impact_on_child, "what this means for the child", field="impact_on_child"
        ),
        family_not_informed_reason=reason,
        level_of_need=level,
    )


def _check_children(subject: str, children: Sequence[ChildDetails]) -> list[ChildDetails]:
    """Each child by case numbers and an age band, never a name: a case number without a
    digit is refused, whichever door it came through."""
    if subject == Subject.CHILDREN and not children:
        raise Invalid(
            "Enter your agency's case number for each child (never a name).",
            field="child_reference",
        )
    checked = []
    for child in children:
        raising = case_number(
            child.raising_case_number,
            "your agency's case number for each child",
            field="child_reference",
            required_=True,
        )
        receiving = case_number(
            child.receiving_case_number,
            "the other agency's case number",
            field="receiving_case_number",
            required_=False,
        )
        age_band = limited(child.age_band, "the age band", field="age_band", limit=AGE_BAND_LIMIT)
        checked.append(ChildDetails(raising, receiving, age_band))
    if len({child.raising_case_number.casefold() for child in checked}) < len(checked):
        raise Invalid("Each child needs a case number of their own.", field="more_children")
    return checked


def _check_urgency(
    *, urgent: bool, immediate_risk: bool, acted_at: dt.datetime | None, start_stage: int
) -> bool:
    """A child at immediate risk is never left to this route: the raiser acts now under
    child protection procedures and says when; such escalations are urgent. Only an urgent
    one may start at stage 2 or 3."""
    if immediate_risk:
        urgent = True
        now = timezone.now()
        if acted_at is None or acted_at > now or acted_at < now - ACTED_WITHIN:
            raise Invalid(
                "A child at immediate risk needs action now under child protection procedures "
                "(police on 999, or the children's social care front door): enter when you "
                "acted, within the last 7 days.",
                field="immediate_action_at",
            )
    if start_stage not in (1, 2, 3):
        raise Invalid("An escalation starts at stage 1, 2 or 3.", field="start_stage")
    if start_stage != 1 and not urgent:
        raise Invalid("Only an urgent escalation can start after stage 1.", field="start_stage")
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
    dispute = _check_dispute(dispute, membership.partnership.levels_of_need())
    children = _check_children(dispute.subject, children)
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
                    raising_case_number=child.raising_case_number,
                    receiving_case_number=child.receiving_case_number,
                    age_band=child.age_band,
                ),
                by=raised_by,
                reason="Raised",
            )
        with holding(escalation):
            begin_stage(escalation, escalation.stage, now, by=raised_by, reason="Raised")
            _link_process(escalation)
            record_event(escalation, EventKind.RAISED, saved=True)
            _announce_raise(escalation)
    return escalation


def _link_process(escalation: Escalation) -> None:
    """Start the escalation's flow and point the row at it: plumbing, kept out of history."""
    escalation.process = flows.start_process(escalation)
    escalation.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        escalation.save(update_fields=["process", "updated_at"])
    finally:
        del escalation.skip_history_when_saving  # type: ignore[attr-defined]


def _announce_raise(escalation: Escalation) -> None:
    news = [(Event.RAISED, holders(escalation, Side.RECEIVING))]
    if escalation.immediate_risk:
        news.append((Event.IMMEDIATE_RISK, partnership_team(escalation)))
    elif escalation.stage >= escalation.policy.partnership_from_stage:
        news.append((Event.PARTNERSHIP_COPY, partnership_team(escalation)))
    notify_all(escalation=escalation, stage=escalation.stage, news=news)
