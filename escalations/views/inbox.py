"""The inbox at ``/``: what is waiting for me, what I raised, and for the partnership team
everything live; overdue first, then by due moment. Analysts have no inbox: figures only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalations.inbox import inbox_for
from escalations.models import Membership, Role, User
from escalations.models.choices import AGENCY_ROLES
from workflows.rules import membership_of


def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    membership = membership_of(user)
    if membership is not None and membership.role == Role.ANALYST:
        return redirect("escalations:dashboard")
    found = inbox_for(user)
    sections = [
        {
            "id": "waiting",
            "title": "Waiting for me",
            "rows": found.waiting,
            "empty": "Nothing is waiting for you.",
            "hint": "Stages you hold, and acknowledgements your agency owes.",
        }
    ]
    raises = membership is not None and membership.role in AGENCY_ROLES
    if raises or found.raised:
        sections.append(
            {
                "id": "raised",
                "title": "Raised by me",
                "rows": found.raised,
                "empty": "You have no live escalations that you raised.",
                "hint": "",
            }
        )
    if found.live is not None:
        sections.append(
            {
                "id": "live",
                "title": "Everything live",
                "rows": found.live,
                "empty": "There are no live escalations in the partnership.",
                "hint": "Every escalation in the partnership that is not yet closed.",
            }
        )
    return render(
        request,
        "escalations/inbox.html",
        {"sections": sections, "membership": membership, "team": membership_is_team(membership)},
    )


def membership_is_team(membership: Membership | None) -> bool:
    return membership is not None and membership.agency_id is None
