"""The inbox at ``/``: what is waiting for me, what I raised, and for the partnership team
everything live; overdue first, then by due moment. Analysts have no inbox: figures only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from escalations.inbox import inbox_for
from escalations.models import User
from workflows import rules
from workflows.holders import membership_of


def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not rules.may_read_cases(user) and rules.may_read_figures(user):
        return redirect("escalations:dashboard")
    found = inbox_for(user)
    request.resolve_waiting = len(found.waiting)  # type: ignore[attr-defined]  # the nav's count
    sections = [
        {
            "id": "waiting",
            "title": "Waiting for me",
            "rows": found.waiting,
            "empty": "Nothing is waiting for you.",
            "hint": "What is yours to do now: acknowledgements, responses and decisions, "
            "extensions to accept, stage 4s to resolve, and stage outcomes to record on your "
            "case file.",
        }
    ]
    if rules.may_raise(user) or found.raised:
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
        {
            "sections": sections,
            "membership": membership_of(user),
            "team": bool(rules.may_oversee(user)),
        },
    )
