"""The service navigation, by role: what a signed-in person can go to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from .models import Role

PARTNERSHIP_TEAM = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER)


def _current_report_url(membership: Any) -> str:
    """The reporting year under way: it starts in the partnership's chosen month."""
    today = timezone.localdate()
    start_month = membership.partnership.reporting_year_start_month
    year = today.year if today.month >= start_month else today.year - 1
    return reverse("reports:annual", kwargs={"year": year})


def _is_current(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    membership = getattr(user, "membership", None)
    role = membership.role if membership else None
    items = []
    if role != Role.ANALYST:
        items.append(("Inbox", reverse("escalations:inbox")))
    if role in (Role.PRACTITIONER, Role.MANAGER):
        items.append(("Raise an escalation", reverse("escalations:raise")))
    if role in (*PARTNERSHIP_TEAM, Role.ANALYST):
        items.append(("Dashboard", reverse("escalations:dashboard")))
    if role in (*PARTNERSHIP_TEAM, Role.ANALYST):
        items.append(("Annual report", _current_report_url(membership)))
    items.append(("Notifications", reverse("escalations:notifications")))
    if role == Role.PARTNERSHIP_LEAD:
        items.append(("People", reverse("escalations:people")))
    path = request.path
    return {
        "navigation": [
            {"label": label, "url": url, "active": _is_current(path, url)} for label, url in items
        ]
    }
