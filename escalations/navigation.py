"""The service navigation: what a signed-in person can go to, by the rulebook's answers for
their role (``workflows.rules.roles``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from workflows import rules
from workflows.holders import membership_of

from .inbox import waiting_count
from .models import Event
from .second_factor import SET_UP_FIRST


def _current_report_url(membership: Any) -> str:
    """The reporting year under way: it starts in the partnership's chosen month."""
    today = timezone.localdate()
    start_month = membership.partnership.reporting_year_start_month
    year = today.year if today.month >= start_month else today.year - 1
    return reverse("reports:annual", kwargs={"year": year})


# pages reached from a hub page count as that hub in the navigation
UNDER = {
    "/partnership/": ("/people/", "/security-log/", "/webhooks/"),
    "/account/": ("/accounts/2fa/",),
}


def _is_current(path: str, url: str) -> bool:
    if path == url or (url != "/" and path.startswith(url)):
        return True
    return path.startswith(UNDER.get(url, ()))


WAITING = "resolve_waiting"  # the session's {"version": ..., "count": n}


def _waiting(request: HttpRequest, membership: Any) -> int:
    """How many escalations wait for the reader (the inbox's "Waiting for me", from the
    rulebook). Kept in the session until anything in the partnership happens (every change
    writes an ``Event``) or the day turns, so a page costs one small query for it."""
    if membership is None:
        return 0
    latest = Event.objects.filter(escalation__partnership_id=membership.partnership_id).aggregate(
        latest=Max("pk")
    )["latest"]
    version = f"{latest}|{timezone.localdate()}"
    kept = request.session.get(WAITING)
    if kept and kept.get("version") == version:
        return int(kept["count"])
    shown = getattr(request, "resolve_waiting", None)  # the inbox's own list, if this is it
    count = shown if shown is not None else waiting_count(request.user)  # type: ignore[arg-type]
    request.session[WAITING] = {"version": version, "count": count}
    return count


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    if request.session.get(SET_UP_FIRST):
        return {"navigation": []}  # nothing opens before the second factor is set up
    membership = membership_of(user)  # type: ignore[arg-type]
    items = []
    waiting = 0
    if rules.may_read_cases(user) or membership is None:
        waiting = _waiting(request, membership)
        items.append(("Inbox", reverse("escalations:inbox")))
    if rules.may_read_cases(user):
        items.append(("Find", reverse("escalations:find")))
    if rules.may_raise(user):  # type: ignore[arg-type]
        items.append(("Raise an escalation", reverse("escalations:raise")))
    if rules.may_read_figures(user):  # type: ignore[arg-type]
        items.append(("Dashboard", reverse("escalations:dashboard")))
        items.append(("Annual report", _current_report_url(membership)))
    items.append(("Notifications", reverse("escalations:notifications")))
    if rules.may_manage_people(user) or rules.may_oversee(user) or rules.may_connect_systems(user):  # type: ignore[arg-type]
        items.append(("Partnership", reverse("escalations:partnership")))
    items.append(("Your account", reverse("escalations:account")))
    path = request.path
    return {
        "navigation": [
            {
                "label": label,
                "url": url,
                "active": _is_current(path, url),
                "count": waiting if label == "Inbox" else 0,
            }
            for label, url in items
        ]
    }
