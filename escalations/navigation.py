"""The service navigation: what a signed-in person can go to, by the rulebook's answers for
their role (``workflows.rules.roles``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from workflows import rules
from workflows.holders import membership_of

from .second_factor import SET_UP_FIRST


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
    if request.session.get(SET_UP_FIRST):
        return {"navigation": []}  # nothing opens before the second factor is set up
    membership = membership_of(user)  # type: ignore[arg-type]
    items = []
    if rules.may_read_cases(user) or membership is None:
        items.append(("Inbox", reverse("escalations:inbox")))
    if rules.may_read_cases(user):
        items.append(("Find", reverse("escalations:find")))
    if rules.may_raise(user):  # type: ignore[arg-type]
        items.append(("Raise an escalation", reverse("escalations:raise")))
    if rules.may_read_figures(user):  # type: ignore[arg-type]
        items.append(("Dashboard", reverse("escalations:dashboard")))
        items.append(("Annual report", _current_report_url(membership)))
    items.append(("Notifications", reverse("escalations:notifications")))
    if membership is not None:
        items.append(("API tokens", reverse("escalations:api_tokens")))
    if rules.may_manage_people(user):  # type: ignore[arg-type]
        items.append(("People", reverse("escalations:people")))
    if rules.may_oversee(user):  # type: ignore[arg-type]
        items.append(("Security log", reverse("escalations:security_log")))
    if rules.may_connect_systems(user):  # type: ignore[arg-type]
        items.append(("Agency systems", reverse("escalations:webhooks")))
    path = request.path
    return {
        "navigation": [
            {"label": label, "url": url, "active": _is_current(path, url)} for label, url in items
        ]
    }
