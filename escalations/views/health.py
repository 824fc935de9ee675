"""Health for the hosting team's load balancer and monitoring (issue 13, item 1), open without
a sign-in and saying nothing about cases:

- ``/health/live/``: the process answers (no database), for restarting a stuck worker;
- ``/health/ready/``: the database answers, the Celery broker answers (where one is
  configured), and a timer sweep finished in the last ``RESOLVE_SWEEP_STALE_MINUTES``; 503 and
  which check failed otherwise, so a worker is taken out of service until it is ready."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from workflows.sweep import last_swept


@login_not_required
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as failure:  # noqa: BLE001 - any failure means not ready, said plainly
        return f"failing: {type(failure).__name__}"


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url or url.startswith("memory://"):
        return "not used"
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1)
        return "ok"
    except Exception as failure:  # noqa: BLE001
        return f"failing: {type(failure).__name__}"


def _sweep() -> str:
    at = last_swept()
    if at is None:
        return "failing: no sweep has finished yet"
    ago = int(time.time() - at)
    if ago > settings.RESOLVE_SWEEP_STALE_MINUTES * 60:
        return f"failing: the last sweep finished {ago} seconds ago"
    return "ok"


@login_not_required
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database()}
    checks["broker"] = _broker()
    checks["sweep"] = _sweep() if checks["database"] == "ok" else "unknown"
    ready = all(not value.startswith("failing") and value != "unknown" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "failing", "checks": checks}, status=200 if ready else 503
    )
