"""Saving an audited record with who and why, so django-simple-history writes them on the
historical row. Every change to a domain record goes through here or through ``create``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models
from simple_history.utils import bulk_create_with_history

from .models import User

M = TypeVar("M", bound=models.Model)

SYSTEM = "Resolve (automatic)"
THROUGH_THE_API = " (through the API)"

_door: ContextVar[str] = ContextVar("resolve_audit_door", default="")


@contextmanager
def through_the_api() -> Iterator[None]:
    """Every change saved inside says, in its history, that it came through the API (a
    case system acting for the person whose token it used)."""
    token = _door.set(THROUGH_THE_API)
    try:
        yield
    finally:
        _door.reset(token)


def save_with_reason(instance: M, *, by: User | None, reason: str) -> M:
    """Save ``instance``; its history row records ``by`` (None for the system) and
    ``reason``."""
    instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason + _door.get()  # type: ignore[attr-defined]
    try:
        instance.save()
    finally:  # simple-history leaves them on the object for the next save to reuse
        del instance._history_user  # type: ignore[attr-defined]
        del instance._change_reason  # type: ignore[attr-defined]
    return instance


def create_with_reason(model: type[M], *, by: User | None, reason: str, **fields: Any) -> M:
    return save_with_reason(model(**fields), by=by, reason=reason)


def create_many_with_reason(
    model: type[M], objects: list[M], *, by: User | None, reason: str
) -> list[M]:
    """Several new rows of one model and their history rows, in two queries however many:
    each history row records ``by`` and ``reason`` as ``save_with_reason`` would."""
    if not objects:
        return []
    return list(
        bulk_create_with_history(
            objects, model, default_user=by, default_change_reason=reason + _door.get()
        )
    )
