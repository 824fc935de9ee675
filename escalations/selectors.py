"""Reads, and who may see what (DESIGN.md section 5).

An escalation's content is visible only to its raiser, every holder of any of its stages on
either side, the managers and senior managers of the raising and receiving agencies, and the
partnership lead and scrutineer. To anyone else it does not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from workflows.rules import visible_escalations

from .models import Escalation, User, ViewLog


def escalation_visible_to(user: User | None) -> QuerySet[Escalation]:
    """Every list, search and page reads escalations through this: the rulebook's
    visibility (``workflows.rules.visible_escalations``)."""
    return visible_escalations(user)


def escalation_open(*, user: User, reference: str, log: bool = True) -> Escalation:
    """The escalation by reference for someone who may see it (``Escalation.DoesNotExist``
    for anyone else); every opening of an escalation is logged, whichever door it was."""
    escalation = escalation_get_visible(user=user, reference=reference)
    if log:
        ViewLog.objects.create(escalation=escalation, user=user)
    return escalation


def escalation_get_visible(*, user: User | None, reference: str) -> Escalation:
    """The escalation by reference, or ``Escalation.DoesNotExist`` when this user may not
    see it: a reference cannot be guessed into access."""
    return escalation_visible_to(user).get(reference=reference)
