"""Moments and time left in the words GOV.UK pages use: "5pm on Monday 7 December 2026",
"3 working days left". One place, so the inbox, the escalation page, the raise confirmation and
the PDF record say the same thing the same way."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from workflows import calendar


def time_in_words(moment: dt.datetime) -> str:
    """5pm, 10:30am, midday, midnight (local time)."""
    local = timezone.localtime(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def moment_in_words(moment: dt.datetime | None) -> str:
    """'5pm on Monday 7 December 2026' (local time); empty for no moment."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{time_in_words(local)} on {local:%A} {local.day} {local:%B %Y}"


def day_in_words(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y}"


@dataclass(frozen=True)
class Tag:
    """A GOV.UK tag: its text and colour modifier (``govuk-tag--<colour>``)."""

    text: str
    colour: str


def time_left(
    due_at: dt.datetime | None,
    *,
    urgent: bool,
    now: dt.datetime,
    region: str,
    closures: Iterable[dt.date],
) -> Tag:
    """Red "Overdue" once the due moment has passed; an urgent stage counts clock hours
    (orange on its due day); a standard one is "Due today" in orange, otherwise the working
    days left in grey."""
    if due_at is None:
        return Tag("No due date", "grey")
    if due_at <= now:
        return Tag("Overdue", "red")
    today, due_day = timezone.localdate(now), timezone.localdate(due_at)
    if urgent:
        hours = math.ceil((due_at - now).total_seconds() / 3600)
        text = "1 hour left" if hours == 1 else f"{hours} hours left"
        return Tag(text, "orange" if due_day == today else "grey")
    if due_day == today:
        return Tag("Due today", "orange")
    days = calendar.working_days_between(today, due_day, region=region, closures=closures)
    if days < 1:  # due on a day that has since become a closure day
        return Tag(f"Due {due_day:%A}", "grey")
    return Tag("1 working day left" if days == 1 else f"{days} working days left", "grey")
