"""Reads for the inbox and the partnership dashboard (DESIGN.md sections 2 and 5).

Every list starts from ``escalation_visible_to``, so nobody is shown what they may not see.
Each list is one query however many rows it has: agencies come with ``select_related``, due
moments and flags are annotations, and the figures are database aggregates. Time left is worked
out in Python from one read of the partnership's closure days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from workflows import rules
from workflows.holders import membership_of
from workflows.rules import MANAGER_ROLES
from workflows.states import OPEN_STATES

from .models import Escalation, Membership, Partnership, StageHolder, StageRecord
from .models import User as UserModel
from .selectors import escalation_visible_to
from .words import Tag, moment_in_words, time_left

STAGES = (1, 2, 3, 4)


# --------------------------------------------------------------------------------------------
# Time left, in words
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """Now, and the working-day calendar of one partnership, read once per page."""

    now: dt.datetime
    region: str
    closures: tuple[dt.date, ...]

    @classmethod
    def of(cls, partnership: Partnership, *, now: dt.datetime | None = None) -> Clock:
        return cls(
            now=now or timezone.now(),
            region=partnership.region,
            closures=partnership.closure_dates(),
        )

    def time_left(self, due_at: dt.datetime | None, *, urgent: bool) -> Tag:
        return time_left(
            due_at, urgent=urgent, now=self.now, region=self.region, closures=self.closures
        )


# --------------------------------------------------------------------------------------------
# The inbox
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a list: the escalation (agencies loaded), the agency on the other side
    from the reader, the moment that matters to the reader and how long is left."""

    escalation: Escalation
    other_agency: str
    due_at: dt.datetime | None
    due_words: str
    tag: Tag
    acknowledgement_due: bool


@dataclass(frozen=True)
class Inbox:
    waiting: list[Row]
    raised: list[Row]
    live: list[Row] | None  # the partnership team's view of everything live; None for others


def _open(queryset: QuerySet[Escalation]) -> QuerySet[Escalation]:
    return queryset.filter(status__in=OPEN_STATES).select_related(
        "raising_agency", "receiving_agency"
    )


def _ordered(queryset: QuerySet[Escalation], now: dt.datetime) -> QuerySet[Escalation]:
    """Overdue first, then by due moment (soonest first), then by reference."""
    return queryset.annotate(
        overdue=Case(When(due__lte=now, then=Value(True)), default=Value(False)),
    ).order_by(F("overdue").desc(), F("due").asc(nulls_last=True), "reference")


def _acknowledgement_pending(membership: Membership) -> Q:
    if membership.agency_id is None:
        return Q(pk__in=[])
    return Q(acknowledged_at__isnull=True, receiving_agency_id=membership.agency_id)


def _due_for(membership: Membership) -> Case:
    """The moment the reader must act by: the acknowledgement's when their agency still
    owes one, otherwise the stage's."""
    return Case(
        When(
            _acknowledgement_pending(membership) & Q(acknowledgement_due_at__isnull=False),
            then=F("acknowledgement_due_at"),
        ),
        default=F("stage_due_at"),
        output_field=DateTimeField(),
    )


def holds_current_stage(user: UserModel) -> Exists:
    """The user holds the escalation's current stage now (a row not handed over)."""
    return Exists(
        StageHolder.objects.filter(
            stage_record__escalation=OuterRef("pk"),
            stage_record__stage=OuterRef("stage"),
            until__isnull=True,
            user=user,
        )
    )


def waiting_for(user: UserModel, membership: Membership) -> QuerySet[Escalation]:
    """Live escalations whose current stage the user holds, and, for the receiving agency's
    managers and senior managers, those their agency has not yet acknowledged. Those the user
    raised are listed under "Raised by me" instead."""
    rule = Q(holds_current_stage(user))
    if membership.role in MANAGER_ROLES:
        rule |= _acknowledgement_pending(membership)
    queryset = _open(escalation_visible_to(user)).filter(rule).exclude(raised_by=user)
    return queryset.annotate(
        due=_due_for(membership),
        acknowledgement_due=Case(
            When(_acknowledgement_pending(membership), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def raised_by(user: UserModel) -> QuerySet[Escalation]:
    return (
        _open(escalation_visible_to(user))
        .filter(raised_by=user)
        .annotate(
            due=F("stage_due_at"), acknowledgement_due=Value(False, output_field=BooleanField())
        )
    )


def everything_live(user: UserModel) -> QuerySet[Escalation]:
    return _open(escalation_visible_to(user)).annotate(
        due=F("stage_due_at"), acknowledgement_due=Value(False, output_field=BooleanField())
    )


def _rows(queryset: Iterable[Escalation], *, clock: Clock, membership: Membership) -> list[Row]:
    rows = []
    for escalation in queryset:
        due: dt.datetime | None = getattr(escalation, "due", escalation.stage_due_at)
        if membership.agency_id is None:
            other = f"{escalation.raising_agency} to {escalation.receiving_agency}"
        elif membership.agency_id == escalation.receiving_agency_id:
            other = str(escalation.raising_agency)
        else:
            other = str(escalation.receiving_agency)
        rows.append(
            Row(
                escalation=escalation,
                other_agency=other,
                due_at=due,
                due_words=moment_in_words(due),
                tag=clock.time_left(due, urgent=escalation.urgent),
                acknowledgement_due=bool(getattr(escalation, "acknowledgement_due", False)),
            )
        )
    return rows


def inbox_for(user: UserModel) -> Inbox:
    """What is waiting for the user, what they raised, and for the partnership team
    everything live; each list overdue first, then by due moment."""
    membership = membership_of(user)
    if membership is None:
        return Inbox(waiting=[], raised=[], live=None)
    clock = Clock.of(membership.partnership)
    waiting = _rows(
        _ordered(waiting_for(user, membership), clock.now), clock=clock, membership=membership
    )
    raised = _rows(_ordered(raised_by(user), clock.now), clock=clock, membership=membership)
    live = None
    if rules.may_oversee(user):
        live = _rows(_ordered(everything_live(user), clock.now), clock=clock, membership=membership)
    return Inbox(waiting=waiting, raised=raised, live=live)


# --------------------------------------------------------------------------------------------
# The partnership dashboard
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    stage: int
    live: int
    overdue: int
    breached_this_month: int


@dataclass(frozen=True)
class Figures:
    """Counts only: what an analyst may see."""

    month_start: dt.datetime
    by_stage: list[StageCount]
    live: int
    overdue: int
    breaches_this_month: int
    late_acknowledgements_this_month: int


def month_start(now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def live_in(partnership: Partnership) -> QuerySet[Escalation]:
    return Escalation.objects.filter(partnership=partnership, status__in=OPEN_STATES)


def figures_for(partnership: Partnership, *, now: dt.datetime | None = None) -> Figures:
    """Live escalations and overdue stages by stage, stages breached and acknowledgements
    late this calendar month: three aggregate queries, whatever the number of rows."""
    now = now or timezone.now()
    start = month_start(now)
    live = {
        row["stage"]: row
        for row in live_in(partnership)
        .order_by()
        .values("stage")
        .annotate(live=Count("pk"), overdue=Count("pk", filter=Q(stage_due_at__lte=now)))
    }
    # a stage breached this month: for the first time, or again after an extension (ADR 8)
    breaches = StageRecord.objects.filter(
        Q(breached_at__gte=start, breached_at__lte=now)
        | Q(last_breached_at__gte=start, last_breached_at__lte=now),
        escalation__partnership=partnership,
    ).aggregate(
        total=Count("pk"),
        **{f"stage_{stage}": Count("pk", filter=Q(stage=stage)) for stage in STAGES},
    )
    late = Escalation.objects.filter(
        Q(acknowledged_at__gt=F("acknowledgement_due_at"))
        | Q(
            Q(closed_at__isnull=True) | Q(closed_at__gt=F("acknowledgement_due_at")),
            acknowledged_at__isnull=True,
            acknowledgement_due_at__lte=now,
        ),
        partnership=partnership,
        acknowledgement_due_at__gte=start,
        acknowledgement_due_at__lte=now,
    ).aggregate(total=Count("pk"))
    by_stage = [
        StageCount(
            stage=stage,
            live=live.get(stage, {}).get("live", 0),
            overdue=live.get(stage, {}).get("overdue", 0),
            breached_this_month=breaches[f"stage_{stage}"],
        )
        for stage in STAGES
    ]
    return Figures(
        month_start=start,
        by_stage=by_stage,
        live=sum(row.live for row in by_stage),
        overdue=sum(row.overdue for row in by_stage),
        breaches_this_month=breaches["total"],
        late_acknowledgements_this_month=late["total"],
    )


def filtered_live(
    user: UserModel, filters: Mapping[str, Any], *, now: dt.datetime
) -> QuerySet[Escalation]:
    """Everything live the user may see, narrowed by the dashboard's filters: agency and
    sector (either side), stage, category, urgent only, overdue only."""
    queryset = _open(escalation_visible_to(user)).annotate(due=F("stage_due_at"))
    agency = filters.get("agency")
    if agency:
        queryset = queryset.filter(Q(raising_agency=agency) | Q(receiving_agency=agency))
    sector = filters.get("sector")
    if sector:
        queryset = queryset.filter(
            Q(raising_agency__sector=sector) | Q(receiving_agency__sector=sector)
        )
    if filters.get("stage"):
        queryset = queryset.filter(stage=int(filters["stage"]))
    if filters.get("category"):
        queryset = queryset.filter(category=filters["category"])
    if filters.get("urgent"):
        queryset = queryset.filter(urgent=True)
    if filters.get("overdue"):
        queryset = queryset.filter(stage_due_at__lte=now)
    return _ordered(queryset, now)


def stage_four_queue(user: UserModel, *, now: dt.datetime) -> QuerySet[Escalation]:
    """Escalations at the partnership's stage, with when stage 4 started."""
    started = StageRecord.objects.filter(escalation=OuterRef("pk"), stage=4).values("started_at")[
        :1
    ]
    queryset = (
        _open(escalation_visible_to(user))
        .filter(stage=4)
        .annotate(due=F("stage_due_at"), stage_started_at=Subquery(started))
    )
    return _ordered(queryset, now)


def rows(queryset: Iterable[Escalation], *, clock: Clock, membership: Membership) -> list[Row]:
    return _rows(queryset, clock=clock, membership=membership)
