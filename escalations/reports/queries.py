"""The report's database aggregates: each is one ``values().annotate(Count())`` query with
conditional counts, returning counts per group (never a row per escalation).

``Scope`` says which escalations count (raised in the period, in one partnership) and the
moment outcomes are taken at (the end of the period, or when the data was taken if earlier).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Ceil, Round, TruncDate, TruncMonth, TruncTime

from escalations.models import (
    Conclusion,
    Escalation,
    Extension,
    ExtensionStatus,
    Meeting,
    Partnership,
    Signposting,
    StageRecord,
)
from workflows.calendar import LONDON

from .period import Period

OPEN = "open"


@dataclass(frozen=True)
class Scope:
    """``as_at`` is the first moment not counted: the end of the period, or just after the
    data was taken if that was earlier (what was recorded at that very moment counts)."""

    partnership: Partnership
    period: Period
    as_at: dt.datetime

    @classmethod
    def of(cls, partnership: Partnership, period: Period, taken_at: dt.datetime) -> Scope:
        return cls(partnership, period, min(period.end_at, taken_at + dt.timedelta(microseconds=1)))

    def cohort(self, prefix: str = "") -> Q:
        """The escalations that count, reached through ``prefix`` (``"escalation__"``): raised
        in the period, and before the moment outcomes are taken at."""
        return Q(
            **{
                f"{prefix}partnership": self.partnership,
                f"{prefix}raised_at__gte": self.period.start_at,
                f"{prefix}raised_at__lt": self.as_at,
            }
        )

    def escalations(self) -> QuerySet[Escalation]:
        return Escalation.objects.filter(self.cohort()).order_by()

    @property
    def closed(self) -> Q:
        """Closed (resolved or withdrawn) by the end of the period."""
        return Q(closed_at__lt=self.as_at)


class HoursBetween(Func):
    """Clock hours from the first moment to the second, as a number (SQLite or PostgreSQL)."""

    output_field = FloatField()
    arity = 2

    def __init__(self, start: F, end: F) -> None:
        super().__init__(end, start)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 24.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)",
            arg_joiner=" - ",
            **extra,
        )


def whole_hours(start: str, end: str) -> Ceil:
    """Whole clock hours, rounded up (as urgent stages are timed)."""
    return Ceil(Round(HoursBetween(F(start), F(end)), 4), output_field=IntegerField())


def outcomes(scope: Scope) -> list[dict[str, Any]]:
    """Counts by state at the end of the period, outcome, urgency and working days open
    (stored on closing), with how many resolved ones recorded learning."""
    closed = scope.closed
    return list(
        scope.escalations()
        .annotate(
            at_end=Case(
                When(closed, then=F("status")), default=Value(OPEN), output_field=CharField()
            ),
            outcome_at_end=Case(
                When(closed, then=F("outcome")), default=Value(""), output_field=CharField()
            ),
            days=Case(When(closed, then=F("working_days_open")), default=None),
        )
        .values("at_end", "outcome_at_end", "urgent", "days")
        .annotate(
            n=Count("pk"),
            learning=Count("pk", filter=closed & Q(status="resolved") & ~Q(learning_points="")),
        )
    )


def raised_in(partnership: Partnership, period: Period) -> int:
    return (
        Escalation.objects.filter(
            partnership=partnership, raised_at__gte=period.start_at, raised_at__lt=period.end_at
        )
        .order_by()
        .count()
    )


def profile(scope: Scope) -> list[dict[str, Any]]:
    """Counts by month raised, category, level of need, case status and policy version."""
    return list(
        scope.escalations()
        .annotate(month=TruncMonth("raised_at", tzinfo=LONDON))
        .values("month", "category", "level_of_need", "case_status", "policy_id")
        .annotate(n=Count("pk"))
    )


def flows(scope: Scope) -> list[dict[str, Any]]:
    """Counts by raising agency and receiving agency."""
    return list(
        scope.escalations()
        .values("raising_agency_id", "receiving_agency_id")
        .annotate(n=Count("pk"))
    )


def stages(scope: Scope) -> list[dict[str, Any]]:
    """Per stage: entered, concluded (and how), within the original timescale, breached."""
    as_at = scope.as_at
    done = Q(concluded_at__lt=as_at)
    return list(
        StageRecord.objects.filter(scope.cohort("escalation__"), started_at__lt=as_at)
        .order_by()
        .values("stage")
        .annotate(
            entered=Count("pk"),
            concluded=Count("pk", filter=done),
            within=Count("pk", filter=done & Q(concluded_at__lte=F("original_due_at"))),
            resolved=Count("pk", filter=done & Q(conclusion=Conclusion.RESOLVED)),
            escalated=Count("pk", filter=done & Q(conclusion=Conclusion.ESCALATED)),
            withdrawn=Count("pk", filter=done & Q(conclusion=Conclusion.WITHDRAWN)),
            breaches=Count("pk", filter=Q(breached_at__lt=as_at)),
        )
    )


def extensions(scope: Scope) -> list[dict[str, Any]]:
    """Per stage: extensions accepted by the end of the period, and the stages extended."""
    return list(
        Extension.objects.filter(
            scope.cohort("stage_record__escalation__"),
            status=ExtensionStatus.ACCEPTED,
            decided_at__lt=scope.as_at,
        )
        .order_by()
        .values("stage_record__stage")
        .annotate(extensions=Count("pk"), extended=Count("stage_record", distinct=True))
    )


def meetings(scope: Scope) -> tuple[int, list[dict[str, Any]]]:
    """Stage 4 meetings convened by the end of the period (how many), and for each held by
    then, when its stage 4 started, when it was held and under which policy version."""
    convened = Meeting.objects.filter(
        scope.cohort("stage_record__escalation__"), convened_at__lt=scope.as_at
    )
    held = (
        convened.filter(held_at__lt=scope.as_at)
        .order_by()
        .values(
            "held_at",
            started_at=F("stage_record__started_at"),
            policy_id=F("stage_record__escalation__policy_id"),
        )
    )
    return convened.count(), [dict(row) for row in held]


def open_raised_days(scope: Scope) -> list[tuple[dt.date, bool, int]]:
    """Escalations open at the end, counted by the UK date they were raised and whether that
    was before the policy's daily cut-off (what working-day ages are counted from)."""
    rows = (
        scope.escalations()
        .exclude(scope.closed)
        .annotate(
            day=TruncDate("raised_at", tzinfo=LONDON),
            time=TruncTime("raised_at", tzinfo=LONDON),
        )
        .annotate(
            before=Case(
                When(time__lt=F("policy__cutoff"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values("day", "before")
        .annotate(n=Count("pk"))
    )
    return [(row["day"], bool(row["before"]), row["n"]) for row in rows]


def acknowledgements(scope: Scope) -> list[dict[str, Any]]:
    """Per receiving agency and whole hours to acknowledge (None: not acknowledged by the
    end): how many, and how many by the acknowledgement's due moment."""
    acknowledged = Q(acknowledged_at__lt=scope.as_at)
    return list(
        scope.escalations()
        .annotate(
            hours=Case(
                When(acknowledged, then=whole_hours("raised_at", "acknowledged_at")),
                default=None,
                output_field=IntegerField(),
            )
        )
        .values("receiving_agency_id", "hours")
        .annotate(
            n=Count("pk"),
            on_time=Count(
                "pk", filter=acknowledged & Q(acknowledged_at__lte=F("acknowledgement_due_at"))
            ),
        )
    )


def responses(scope: Scope) -> list[dict[str, Any]]:
    """Per receiving agency and whole hours from raising to the receiving agency's recorded
    decision at the stage the escalation started at; how many within that stage's original
    timescale."""
    return list(
        StageRecord.objects.filter(
            scope.cohort("escalation__"),
            started_at=F("escalation__raised_at"),
            decided_at__lt=scope.as_at,
        )
        .order_by()
        .annotate(
            agency_id=F("escalation__receiving_agency_id"),
            hours=whole_hours("started_at", "decided_at"),
        )
        .values("agency_id", "hours")
        .annotate(
            n=Count("pk"), on_time=Count("pk", filter=Q(decided_at__lte=F("original_due_at")))
        )
    )


def signposting(scope: Scope) -> dict[str, int]:
    rows = (
        Signposting.objects.filter(
            partnership=scope.partnership,
            created_at__gte=scope.period.start_at,
            created_at__lt=scope.as_at,
        )
        .order_by()
        .values("route")
        .annotate(n=Count("pk"))
    )
    return {row["route"]: row["n"] for row in rows}
