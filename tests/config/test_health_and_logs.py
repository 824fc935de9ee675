"""What the hosting team's load balancer and log collector rely on (issue 13, item 1): the
health endpoints, and a request id on every answer and every log line."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from escalations.logs import RequestId
from workflows.sweep import sweep

pytestmark = pytest.mark.django_db


def test_liveness_needs_no_sign_in_and_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_not_ready_until_a_sweep_has_run_and_not_when_it_stops(client, clock):
    waiting = client.get("/health/ready/")
    assert waiting.status_code == 503
    assert waiting.json()["checks"]["sweep"] == "failing: no sweep has finished yet"
    assert waiting.json()["checks"]["database"] == "ok"
    sweep()
    ready = client.get("/health/ready/")
    assert (ready.status_code, ready.json()["status"]) == (200, "ok")
    assert ready.json()["checks"]["broker"] == "not used"
    clock.shift(dt.timedelta(minutes=settings.RESOLVE_SWEEP_STALE_MINUTES, seconds=1))
    stale = client.get("/health/ready/")
    assert stale.status_code == 503
    assert stale.json()["checks"]["sweep"].startswith("failing: the last sweep finished")


def test_not_ready_when_the_broker_does_not_answer(client, clock, settings):
    sweep()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("failing")


def test_every_answer_carries_a_request_id_and_keeps_a_sensible_one(client):
    mine = client.get("/health/live/")["X-Request-ID"]
    assert len(mine) == 32
    assert client.get("/health/live/")["X-Request-ID"] != mine
    given = client.get("/health/live/", HTTP_X_REQUEST_ID="lb-1234-abcd")
    assert given["X-Request-ID"] == "lb-1234-abcd"
    odd = client.get("/health/live/", HTTP_X_REQUEST_ID="<script>")
    assert odd["X-Request-ID"] != "<script>"


def test_log_lines_are_json_with_the_request_id():
    """The production formatter and filter from settings.LOGGING, on a log line written while
    a request is served."""
    stream = io.StringIO()
    config = settings.LOGGING
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        logging.config.DictConfigurator(config).configure_formatter(
            dict(config["formatters"]["json"])
        )
    )
    handler.addFilter(
        logging.config.DictConfigurator(config).configure_filter(
            dict(config["filters"]["request_id"])
        )
    )
    logger = logging.getLogger("resolve.test.json")
    logger.addHandler(handler)
    logger.propagate = False

    def view(request):
        logger.warning("Something to look at")
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="lb-5678-efgh")
    RequestId(view)(request)
    line = json.loads(stream.getvalue())
    assert line["message"] == "Something to look at"
    assert line["request_id"] == "lb-5678-efgh"
    assert (line["level"], line["logger"]) == ("WARNING", "resolve.test.json")
    assert "time" in line
