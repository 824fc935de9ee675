"""gunicorn's settings for Resolve (the stack script and the systemd unit both use them):
several workers with the app loaded once before they fork, and an access log of one JSON
object a line with the request's id, the path without its query (a search may carry a case
number) and how long the answer took."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
preload_app = True
timeout = 60
graceful_timeout = 20
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": %(B)s, "duration_ms": %(M)s}'
)
