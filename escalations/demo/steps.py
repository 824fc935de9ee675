"""What the steps of an escalation's life share: their types, calling a service as someone,
and reading where the escalation is and who holds its stage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from django.utils import timezone

from escalations import services
from escalations.models import Escalation, StageHolder, User

from .world import Ctx

T = TypeVar("T")
Steps = Iterator[dt.datetime]
StageSteps = Generator[dt.datetime, None, bool]


def _act(ctx: Ctx, action: Callable[..., T], **arguments: Any) -> T | None:
    """Call one service; a refusal (the escalation moved on unexpectedly) is noted and the
    escalation's life goes on from where it is."""
    try:
        return action(**arguments)
    except services.Refused as refusal:
        ctx.surprises.append(refusal.message)
        return None


def _now_at(escalation: Escalation) -> tuple[str, int, dt.datetime]:
    """The escalation's status, stage and current due moment, read now."""
    status, stage, due = Escalation.objects.values_list("status", "stage", "stage_due_at").get(
        pk=escalation.pk
    )
    return status, stage, due or timezone.now()


def _holder(ctx: Ctx, escalation: Escalation, stage: int, side: str) -> User:
    """A current holder of the stage on one side (the first to hold it)."""
    held_by = (
        StageHolder.objects.filter(
            stage_record__escalation=escalation,
            stage_record__stage=stage,
            side=side,
            until=None,
        )
        .order_by("since", "pk")
        .values_list("user_id", flat=True)
        .first()
    )
    assert held_by is not None, f"nobody holds stage {stage} on the {side} side"
    return ctx.world.by_id[held_by]
