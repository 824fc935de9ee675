"""Limits on what costs the service or the people in it: reset and invitation emails, and the
expensive downloads, counted in the cache every web worker shares (settings.CACHES), in fixed
windows."""

from __future__ import annotations

import datetime as dt
import time

from django.core.cache import cache

# (how many, in what window)
RESET_EMAILS_PER_ADDRESS = (5, dt.timedelta(hours=1))
RESET_EMAILS_PER_ACCOUNT = (3, dt.timedelta(hours=1))
INVITATIONS_PER_PERSON = (5, dt.timedelta(days=1))
DOWNLOADS_PER_PERSON = (30, dt.timedelta(hours=1))


def within(key: str, limit: tuple[int, dt.timedelta]) -> bool:
    """Count one more use of ``key``; False once this window's count is over the limit."""
    most, window = limit
    seconds = int(window.total_seconds())
    counter = f"limit:{key}:{int(time.time()) // seconds}"
    if cache.add(counter, 1, timeout=seconds + 60):
        return True
    try:
        return cache.incr(counter) <= most
    except ValueError:  # expired between the two calls: a new window
        cache.set(counter, 1, timeout=seconds + 60)
        return True
