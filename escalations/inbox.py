"""Reads for the inbox and the partnership dashboard (DESIGN.md sections 2 and 5).

Every list starts from ``escalation_visible_to``, so nobody is shown what they may not see.
Each list is one query however many rows it has: agencies come with ``select_related``, due
moments and flags are annotations, and the figures are database aggregates. Time left is worked
out in Python from one read of the partnership's closure days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from workflows import rules
from workflows.holders import membership_of
from workflows.states import OPEN_STATES

from .models import Escalation, Membership, Partnership, Side, StageHolder, StageRecord
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
    acknowledgement_due: bool = False  # one of ``waits``: the acknowledgement's own due moment
    waits: tuple[str, ...] = ()


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


# what the rulebook lets the reader do that is theirs to do now, in the inbox's words
WAITS = {
    "acknowledge": "Acknowledge it",
    "respond": "Respond with your agency's decision",
    "accept_extension": "An extension to accept or decline",
    "decide": "Their decision is in: resolve or escalate",
    "resolve": "Resolve it at stage 4",
}


def _involved(user: UserModel) -> Q:
    """Holds a stage of it now (not handed over): the rows the rulebook is asked about."""
    return Q(
        Exists(
            StageHolder.objects.filter(
                stage_record__escalation=OuterRef("pk"), until__isnull=True, user=user
            )
        )
    )


def _case_file_owed() -> Q:
    return Q(
        Exists(
            StageRecord.objects.filter(
                escalation=OuterRef("pk"), concluded_at__isnull=False
            ).filter(Q(raising_recorded_by__isnull=True) | Q(receiving_recorded_by__isnull=True))
        )
    )


def waiting_for(user: UserModel, membership: Membership) -> QuerySet[Escalation]:
    """Escalations with a stage the user holds, open, or closed with a case-file confirmation
    still owed: the candidates; the rulebook says which wait for them (``waits``)."""
    records = StageRecord.objects.prefetch_related(
        Prefetch("holders", queryset=StageHolder.objects.select_related("user")), "extensions"
    )
    return (
        escalation_visible_to(user)
        .filter(_involved(user))
        .filter(Q(status__in=OPEN_STATES) | _case_file_owed())
        # the rulebook's refusals name who acknowledged: loaded here, not once a row
        .select_related("raising_agency", "receiving_agency", "partnership", "acknowledged_by")
        .prefetch_related(Prefetch("stage_records", queryset=records, to_attr="for_rules"))
        .annotate(
            due=Case(
                When(
                    Q(acknowledged_at__isnull=True, acknowledgement_due_at__isnull=False),
                    then=F("acknowledgement_due_at"),
                ),
                default=F("stage_due_at"),
                output_field=DateTimeField(),
            )
        )
    )


def waits(s: rules.Situation, user: UserModel) -> list[str]:
    """What waits for ``user`` on this escalation, by the rulebook's own predicates: an
    acknowledgement, a response owed, a decision in for the raising side, an extension to
    accept, a stage 4 to resolve, and each concluded stage still to record on their case
    file; otherwise, a current stage they hold (unless they raised it: "Raised by me" has
    it)."""
    e, record = s.escalation, s.record
    found = []
    if e.is_open and record is not None:
        if rules.may_acknowledge(s, user):
            found.append(WAITS["acknowledge"])
        if not record.decision and rules.may_respond(s, user):
            found.append(WAITS["respond"])
        side = s.side_of(user)
        if side == Side.RAISING and record.decision and rules.may_escalate(s, user):
            found.append(WAITS["decide"])
        if side == Side.PARTNERSHIP and rules.may_resolve(s, user):
            found.append(WAITS["resolve"])
        if s.pending is not None and rules.may_accept_extension(s, user):
            found.append(WAITS["accept_extension"])
        holds = any(h.user_id == user.pk for h in s.current_holders())
        answered = side == Side.RECEIVING and record.decision
        if not found and holds and e.raised_by_id != user.pk and not answered:
            found.append(f"You hold stage {e.stage}")  # the other side's move, but yours too
    found += [
        f"Record the stage {r.stage} outcome on your case file"
        for r in s.records
        if r.concluded_at is not None and rules.may_record_on_case_file(s, user, r.stage)
    ]
    return found


def raised_by(user: UserModel) -> QuerySet[Escalation]:
    return _open(escalation_visible_to(user)).filter(raised_by=user).annotate(due=F("stage_due_at"))


def everything_live(user: UserModel) -> QuerySet[Escalation]:
    return _open(escalation_visible_to(user)).annotate(due=F("stage_due_at"))


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
            )
        )
    return rows


def _waiting_rows(user: UserModel, membership: Membership, clock: Clock) -> list[Row]:
    rows = []
    for escalation in _ordered(waiting_for(user, membership), clock.now):
        s = rules.Situation.read(escalation, records=escalation.for_rules)  # type: ignore[attr-defined]
        if found := waits(s, user):
            (row,) = _rows([escalation], clock=clock, membership=membership)
            if not escalation.is_open:  # a case-file confirmation has no time left
                row = replace(row, due_at=None, due_words="", tag=Tag("Closed", "grey"))
            acknowledge = WAITS["acknowledge"] in found
            rows.append(replace(row, acknowledgement_due=acknowledge, waits=tuple(found)))
    return rows


def waiting_count(user: UserModel) -> int:
    """How many escalations wait for the user: the number in the navigation."""
    membership = membership_of(user)
    if membership is None:
        return 0
    return len(_waiting_rows(user, membership, Clock.of(membership.partnership)))


def inbox_for(user: UserModel) -> Inbox:
    """What is waiting for the user, what they raised, and for the partnership team
    everything live; each list overdue first, then by due moment."""
    membership = membership_of(user)
    if membership is None:
        return Inbox(waiting=[], raised=[], live=None)
    clock = Clock.of(membership.partnership)
    waiting = _waiting_rows(user, membership, clock)
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
