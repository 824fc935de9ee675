"""Reads, and who may see what (DESIGN.md section 5).

An escalation's content is visible only to its raiser, every holder of any of its stages on
either side, the managers and senior managers of the raising and receiving agencies, and the
partnership lead and scrutineer. To anyone else it does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from workflows.rules import visible_escalations
from workflows.states import OPEN_STATES

from .models import Escalation, User, ViewLog


def escalation_visible_to(user: User | None) -> QuerySet[Escalation]:
    """Every list, search and page reads escalations through this: the rulebook's
    visibility (``workflows.rules.visible_escalations``)."""
    return visible_escalations(user)


def escalation_search(*, user: User, filters: Mapping[str, Any]) -> QuerySet[Escalation]:
    """Find among the escalations this person may see (never beyond), closed ones included,
    newest first: by reference or any child's case number, raised or held by them, open or
    closed, agency, category, status and the dates it was raised."""
    found = escalation_visible_to(user)
    if text := str(filters.get("q", "")).strip():
        found = found.filter(
            Q(reference__iexact=text)
            | Q(children__raising_case_number__iexact=text)
            | Q(children__receiving_case_number__iexact=text)
        )
    if filters.get("mine") == "raised":
        found = found.filter(raised_by=user)
    elif filters.get("mine") == "held":
        found = found.filter(stage_records__holders__user=user)
    if filters.get("state") == "open":
        found = found.filter(status__in=OPEN_STATES)
    elif filters.get("state") == "closed":
        found = found.exclude(status__in=OPEN_STATES)
    if agency := filters.get("agency"):
        found = found.filter(Q(raising_agency=agency) | Q(receiving_agency=agency))
    for name in ("category", "status"):
        if value := filters.get(name):
            found = found.filter(**{name: value})
    if start := filters.get("raised_from"):
        found = found.filter(raised_at__date__gte=start)
    if end := filters.get("raised_to"):
        found = found.filter(raised_at__date__lte=end)
    return (
        found.distinct()
        .select_related("raising_agency", "receiving_agency")
        .order_by("-raised_at", "-pk")
    )


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
