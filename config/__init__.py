"""The project's configuration. ``celery_app`` is the Celery app (``config/celery.py``),
imported on first use rather than here: importing Celery costs about a third of Django's own
start-up, which every ``manage.py`` command and web worker would pay for nothing. Celery's
processes find it themselves (``celery -A config``), and nothing in the web app or the
management commands sends tasks: beat does."""

from typing import Any

__all__ = ["celery_app"]


def __getattr__(name: str) -> Any:
    if name == "celery_app":
        from .celery import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
