"""Reads, and who may see what (DESIGN.md section 5).

An escalation's content is visible only to its raiser, every holder of any of its stages on
either side, the managers and senior managers of the raising and receiving agencies, and the
partnership lead and scrutineer. To anyone else it does not exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from workflows.rules import membership_of

from .models import Escalation, Role, StageHolder, User

MANAGER_ROLES = (Role.MANAGER, Role.SENIOR_MANAGER)


def escalation_visible_to(user: User | None) -> QuerySet[Escalation]:
    membership = membership_of(user)
    if membership is None or user is None:
        return Escalation.objects.none()
    in_partnership = Escalation.objects.filter(partnership_id=membership.partnership_id)
    if membership.role in (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER):
        return in_partnership
    if membership.role == Role.ANALYST:
        return Escalation.objects.none()
    holds = StageHolder.objects.filter(stage_record__escalation=OuterRef("pk"), user=user)
    rule = Q(raised_by=user) | Q(Exists(holds))
    if membership.role in MANAGER_ROLES:
        rule |= Q(raising_agency_id=membership.agency_id) | Q(
            receiving_agency_id=membership.agency_id
        )
    return in_partnership.filter(rule)


def escalation_get_visible(*, user: User | None, reference: str) -> Escalation:
    """The escalation by reference, or ``Escalation.DoesNotExist`` when this user may not
    see it: a reference cannot be guessed into access."""
    return escalation_visible_to(user).get(reference=reference)
