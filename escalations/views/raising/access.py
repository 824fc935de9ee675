"""Who may raise an escalation: a practitioner or manager of a partner agency (the rulebook's
``may_raise``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from escalations.models import Membership, User
from workflows import rules

View = Callable[..., HttpResponse]


def _raising_membership(request: HttpRequest) -> Membership | None:
    """The signed-in practitioner's or manager's membership, with their partnership and
    agency in one query; None for anyone who cannot raise."""
    user = request.user
    assert isinstance(user, User)
    membership = (
        Membership.objects.select_related("partnership", "agency").filter(user_id=user.pk).first()
    )
    if membership is None:
        return None
    user.membership = membership  # the rulebook, the navigation and the service read it again
    return membership if rules.may_raise(user) else None


def raisers_only(view: View) -> View:
    """Every page needs a sign-in (the middleware sees to that); these pages also need a
    practitioner or manager of a partner agency. Anyone else is told plainly (403)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = _raising_membership(request)
        if membership is None:
            return render(
                request,
                "escalations/raise/cannot_raise.html",
                {"title": "You cannot raise an escalation"},
                status=403,
            )
        return view(request, membership, *args, **kwargs)

    return wrapped
