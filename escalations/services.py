"""The one way in for people (DESIGN.md section 7). Views, forms, admin actions and commands
call these; each hands over to the transition code in ``workflows``, which locks, checks who
may act, moves the state and writes history, timers and notifications in one transaction.

A refusal raises ``Refused`` whose message says who may act, what is missing, or that the
escalation has moved on or closed; its kind (``Forbidden``, ``Conflict``, ``Invalid`` with the
field) says which. Who may do what is the rulebook's (``workflows.rules``) alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from workflows import holding, meetings, raising, rules, transitions
from workflows.holders import membership_of
from workflows.raising import ChildDetails, Dispute
from workflows.refusals import Conflict, Forbidden, Invalid, Refused

from .models import (
    Agency,
    AgencyPosition,
    Escalation,
    Extension,
    IdempotencyKey,
    Meeting,
    Note,
    Signposting,
    SignpostRoute,
    StageHolder,
    User,
)

IDEMPOTENCY_KEY_LIMIT = 200

__all__ = [
    "ChildDetails",
    "Conflict",
    "Forbidden",
    "Invalid",
    "Refused",
    "escalation_accept_extension",
    "escalation_acknowledge",
    "escalation_add_note",
    "escalation_escalate",
    "escalation_hand_over",
    "escalation_propose_extension",
    "escalation_raise",
    "escalation_raise_once",
    "escalation_record_on_case_file",
    "escalation_resolve",
    "escalation_respond",
    "escalation_withdraw",
]


def escalation_raise(
    *,
    raised_by: User,
    receiving_agency: Agency,
    category: str,
    child_reference: str,
    decision_disputed: str,
    reasons: str,
    outcome_sought: str,
    raising_agency: Agency | None = None,
    urgent: bool = False,
    immediate_risk: bool = False,
    start_stage: int = 1,
    immediate_action_at: dt.datetime | None = None,
    subject: str = "children",
    receiving_case_number: str = "",
    age_band: str = "",
    more_children: Sequence[ChildDetails] = (),
    impact_on_child: str = "",
    level_of_need: str = "",
    case_status: str = "none",
    family_informed: str = "yes",
    family_not_informed_reason: str = "",
) -> Escalation:
    children = [*more_children]
    if child_reference.strip():
        children.insert(0, ChildDetails(child_reference, receiving_case_number, age_band))
    return raising.raise_escalation(
        raised_by=raised_by,
        raising_agency=raising_agency,
        receiving_agency=receiving_agency,
        dispute=Dispute(
            category=category,
            decision_disputed=decision_disputed,
            reasons=reasons,
            outcome_sought=outcome_sought,
            subject=subject,
            impact_on_child=impact_on_child,
            level_of_need=level_of_need,
            case_status=case_status,
            family_informed=family_informed,
            family_not_informed_reason=family_not_informed_reason,
        ),
        children=children,
        urgent=urgent,
        immediate_risk=immediate_risk,
        immediate_action_at=immediate_action_at,
        start_stage=start_stage,
    )


def escalation_raise_once(
    *, idempotency_key: str, fingerprint: str, raised_by: User, **fields: Any
) -> tuple[Escalation, bool]:
    """Raise, unless this person already raised with this key: a retried request (a case
    system that timed out and sent it again) returns the escalation raised the first time,
    and True. The same key with a different request is refused. No key: an ordinary raise."""
    if not idempotency_key:
        return escalation_raise(raised_by=raised_by, **fields), False
    if len(idempotency_key) > IDEMPOTENCY_KEY_LIMIT:
        raise Invalid(
            f"An Idempotency-Key is {IDEMPOTENCY_KEY_LIMIT} characters or fewer.",
            field="Idempotency-Key",
        )
    try:
        with transaction.atomic():
            escalation = escalation_raise(raised_by=raised_by, **fields)
            IdempotencyKey.objects.create(
                user=raised_by, key=idempotency_key, fingerprint=fingerprint, escalation=escalation
            )
            return escalation, False
    except IntegrityError:
        pass  # raised already, perhaps a moment ago by the same request sent twice at once
    earlier = IdempotencyKey.objects.select_related("escalation").get(
        user=raised_by, key=idempotency_key
    )
    if earlier.fingerprint != fingerprint:
        raise Conflict(
            "This Idempotency-Key was used for a different request: use a new key for a new "
            "escalation."
        )
    return earlier.escalation, True


def escalation_acknowledge(
    *,
    escalation: Escalation,
    by: User,
    holder: User | None = None,
    expected_stage: int | None = None,
) -> Escalation:
    return transitions.acknowledge(
        escalation_id=escalation.pk, by=by, holder=holder, expected_stage=expected_stage
    )


def escalation_respond(
    *,
    escalation: Escalation,
    by: User,
    decision: str,
    response: str,
    expected_stage: int | None = None,
) -> Escalation:
    return transitions.respond(
        escalation_id=escalation.pk,
        by=by,
        decision=decision,
        response=response,
        expected_stage=expected_stage,
    )


def escalation_escalate(
    *, escalation: Escalation, by: User | None, reason: str, expected_stage: int | None = None
) -> Escalation:
    return transitions.escalate(
        escalation_id=escalation.pk, by=by, reason=reason, expected_stage=expected_stage
    )


def escalation_resolve(
    *,
    escalation: Escalation,
    by: User,
    outcome: str,
    summary: str,
    agreed_actions: str,
    learning: str = "",
    expected_stage: int | None = None,
) -> Escalation:
    return transitions.resolve(
        escalation_id=escalation.pk,
        by=by,
        outcome=outcome,
        summary=summary,
        agreed_actions=agreed_actions,
        learning=learning,
        expected_stage=expected_stage,
    )


def escalation_withdraw(
    *, escalation: Escalation, by: User, reason: str, expected_stage: int | None = None
) -> Escalation:
    return transitions.withdraw(
        escalation_id=escalation.pk, by=by, reason=reason, expected_stage=expected_stage
    )


def escalation_propose_extension(
    *,
    escalation: Escalation,
    by: User,
    new_due_date: dt.date,
    reason: str,
    expected_stage: int | None = None,
) -> Extension:
    return holding.propose_extension(
        escalation_id=escalation.pk,
        by=by,
        new_due_date=new_due_date,
        reason=reason,
        expected_stage=expected_stage,
    )


def escalation_accept_extension(
    *, extension: Extension, by: User, expected_stage: int | None = None
) -> Extension:
    return holding.accept_extension(extension_id=extension.pk, by=by, expected_stage=expected_stage)


def escalation_hand_over(
    *,
    escalation: Escalation,
    by: User,
    to: User,
    holder: User | None = None,
    expected_stage: int | None = None,
) -> StageHolder:
    return holding.hand_over(
        escalation_id=escalation.pk, by=by, to=to, holder=holder, expected_stage=expected_stage
    )


def escalation_record_on_case_file(
    *,
    escalation: Escalation,
    by: User,
    stage: int,
    reference: str,
    expected_stage: int | None = None,
) -> Escalation:
    return holding.record_on_case_file(
        escalation_id=escalation.pk,
        by=by,
        stage=stage,
        reference=reference,
        expected_stage=expected_stage,
    )


def signposting_record(*, user: User, route: str) -> Signposting:
    """The raise form's first questions sent the matter to another process: count which one
    and when, for the report, with no case content."""
    rules.may_raise(user).check()
    membership = membership_of(user)
    assert membership is not None
    if route not in SignpostRoute.values:
        raise Invalid("Choose which process the matter belongs to.", field="route")
    return Signposting.objects.create(
        partnership=membership.partnership, agency=membership.agency, route=route
    )


def escalation_add_note(
    *, escalation: Escalation, author: User, text: str, expected_stage: int | None = None
) -> Note:
    """Anyone who can see the escalation may add to it; notes are never edited."""
    return holding.add_note(
        escalation_id=escalation.pk, author=author, text=text, expected_stage=expected_stage
    )


# the stage 4 meeting (workflows.meetings) ------------------------------------------------------


def escalation_convene_meeting(
    *,
    escalation: Escalation,
    by: User,
    meets_at: dt.datetime,
    invited: Sequence[User],
    positions_due_on: dt.date,
    expected_stage: int | None = None,
) -> Meeting:
    return meetings.convene(
        escalation_id=escalation.pk,
        by=by,
        meets_at=meets_at,
        invited=invited,
        positions_due_on=positions_due_on,
        expected_stage=expected_stage,
    )


def escalation_give_position(
    *,
    escalation: Escalation,
    by: User,
    position: str,
    agency: Agency | None = None,
    expected_stage: int | None = None,
) -> AgencyPosition:
    return meetings.give_position(
        escalation_id=escalation.pk,
        by=by,
        position=position,
        agency=agency,
        expected_stage=expected_stage,
    )


def escalation_record_meeting(
    *,
    escalation: Escalation,
    by: User,
    attended: Sequence[User],
    held_on: dt.date,
    expected_stage: int | None = None,
) -> Meeting:
    return meetings.record_meeting(
        escalation_id=escalation.pk,
        by=by,
        attended=attended,
        held_on=held_on,
        expected_stage=expected_stage,
    )
