"""Saving an audited record with who and why, so django-simple-history writes them on the
historical row. Every change to a domain record goes through here or through ``create``."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from .models import User

M = TypeVar("M", bound=models.Model)

SYSTEM = "Resolve (automatic)"


def save_with_reason(instance: M, *, by: User | None, reason: str) -> M:
    """Save ``instance``; its history row records ``by`` (None for the system) and
    ``reason``."""
    instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    try:
        instance.save()
    finally:  # simple-history leaves them on the object for the next save to reuse
        del instance._history_user  # type: ignore[attr-defined]
        del instance._change_reason  # type: ignore[attr-defined]
    return instance


def create_with_reason(model: type[M], *, by: User | None, reason: str, **fields: Any) -> M:
    return save_with_reason(model(**fields), by=by, reason=reason)
