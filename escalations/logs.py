"""Log lines a hosting team can search (issue 13, item 1): each request gets an id (the
proxy's ``X-Request-ID`` when it sends a sensible one, otherwise a new one), answered in the
same header and carried on every log line written while the request is served; in production
the lines are JSON (python-json-logger), one object a line."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_SENSIBLE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: ContextVar[str] = ContextVar("resolve_request_id", default="-")


def request_id() -> str:
    return _request_id.get()


class RequestId:
    """Middleware: the request's id for its log lines and its answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        token = _request_id.set(given if _SENSIBLE.match(given) else uuid.uuid4().hex)
        try:
            response = self.get_response(request)
            response[HEADER] = _request_id.get()
            return response
        finally:
            _request_id.reset(token)


class WithRequestId(logging.Filter):
    """Puts the id of the request being served (or "-") on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True
