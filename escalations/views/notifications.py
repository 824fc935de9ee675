"""The user's notifications in the app (DESIGN.md section 3, "Notification"): newest first,
each with its event, the escalation's reference, the stage and when. Listing them marks them
read; a notification keeps no history of its own, so that is not a change to audit."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from escalations.models import User
from escalations.words import moment_in_words

PAGE_SIZE = 50


def notification_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    mine = user.notifications.select_related("escalation").order_by("-created_at", "-pk")
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    unread = [n.pk for n in shown if n.read_at is None]
    for notification in shown:
        notification.when = moment_in_words(notification.created_at)  # type: ignore[attr-defined]
    if unread:
        # the outbox row has no history: reading is not a change to a domain record
        user.notifications.filter(pk__in=unread).update(read_at=timezone.now())
    return render(
        request,
        "escalations/notifications.html",
        {"page": page, "notifications": shown, "unread": set(unread)},
    )
