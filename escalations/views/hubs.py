"""Two pages that keep the service navigation short (issue 14, item 7): "Your account" (the
second factor, API tokens) for everyone, and "Partnership" (its settings, people, the
security log, agency systems) for those of the partnership team who may open any of them,
each link there only if the rulebook lets the reader open it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from escalations.models import User
from workflows import rules
from workflows.holders import membership_of


def partnership_links(user: User) -> list[dict[str, str]]:
    links = []
    if rules.may_manage_settings(user):
        links += [
            {
                "title": "Escalation policy",
                "url": reverse("escalations:settings_policy"),
                "text": "Timescales, the cut-off, the reminder time, what happens at a breach "
                "and when the partnership is copied in: a new version from a day you choose.",
            },
            {
                "title": "Closure days",
                "url": reverse("escalations:settings_closure_days"),
                "text": "Days the agencies are closed, beside the bank holidays: not working days.",
            },
            {
                "title": "Agencies",
                "url": reverse("escalations:settings_agencies"),
                "text": "The agencies taking part, their sectors and active dates.",
            },
            {
                "title": "Partnership details",
                "url": reverse("escalations:settings_details"),
                "text": "The calendar region, the month the reporting year starts, the "
                "suppression threshold and the learning themes approved for publication.",
            },
        ]
    if rules.may_manage_people(user):
        links.append(
            {
                "title": "People",
                "url": reverse("escalations:people"),
                "text": "Invite people, set their role, agency and stage contacts, unlock "
                "them, reset a lost second factor, deactivate leavers.",
            }
        )
    if rules.may_oversee(user):
        links.append(
            {
                "title": "Security log",
                "url": reverse("escalations:security_log"),
                "text": "Sign-ins, second factors, resets, people's changes, downloads and "
                "API tokens, with who, when and from where.",
            }
        )
    if rules.may_connect_systems(user):
        links.append(
            {
                "title": "Agency systems",
                "url": reverse("escalations:webhooks"),
                "text": "Connect an agency's case system to its escalations' events.",
            }
        )
    return links


def partnership(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    links = partnership_links(user)
    if not links:
        raise PermissionDenied("Only the partnership team looks after the partnership.")
    return render(
        request,
        "escalations/hub.html",
        {"title": str(membership_of(user).partnership), "links": links},  # type: ignore[union-attr]
    )


def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    links = [
        {
            "title": "Second factor",
            "url": reverse("mfa_index"),
            "text": "Your authenticator app and recovery codes.",
        }
    ]
    if membership_of(user) is not None:
        links.append(
            {
                "title": "API tokens",
                "url": reverse("escalations:api_tokens"),
                "text": "Tokens for your agency's case system to use Resolve's API as you.",
            }
        )
    return render(request, "escalations/hub.html", {"title": "Your account", "links": links})
