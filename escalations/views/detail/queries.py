"""What the escalation's pages read: the escalation itself (a 404 to anyone who may not see
it) and its stage records with what they show."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest

from escalations.models import (
    Escalation,
    Extension,
    StageHolder,
    StageRecord,
    User,
)
from escalations.views.common import visible_escalation


def escalation_for_page(request: HttpRequest, reference: str, *, log: bool) -> Escalation:
    """The visible escalation (404 otherwise) with what the page shows of it in one query."""
    found = visible_escalation(request, reference, log=log)
    return Escalation.objects.select_related(
        "partnership",
        "policy",
        "raising_agency",
        "receiving_agency",
        "raised_by__membership__agency",
        "receiving_holder",
        "acknowledged_by",
    ).get(pk=found.pk)


def stage_records(escalation: Escalation) -> QuerySet[StageRecord]:
    return (
        StageRecord.objects.filter(escalation=escalation)
        .select_related("decided_by", "raising_recorded_by", "receiving_recorded_by", "escalation")
        .prefetch_related(
            Prefetch(
                "holders",
                queryset=StageHolder.objects.select_related("user").order_by("since", "pk"),
            ),
            Prefetch(
                "extensions",
                queryset=Extension.objects.select_related("proposed_by", "decided_by").order_by(
                    "proposed_at", "pk"
                ),
            ),
        )
        .order_by("stage")
    )


def current_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
