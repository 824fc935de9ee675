"""Building the demo: the world, every escalation's planned life and the partnership's own
events run under one moved clock, then the notifications marked delivered and the result
counted for ``seed_demo``."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, DateTimeField, F, Value, When
from django.utils import timezone

from escalations.audit import create_with_reason, save_with_reason
from escalations.models import (
    ClosureDay,
    Escalation,
    Extension,
    ExtensionStatus,
    Notification,
    Partnership,
    Policy,
    Signposting,
    StageRecord,
    User,
)
from workflows.failures import failed_tasks
from workflows.states import Status

from .cast import AGENCIES
from .clock import _Clock, _moment
from .content import FOREWORD, KEY_MESSAGES, LEARNING, SIGNPOSTS
from .dates import _at, _closures, _reporting_year_start
from .life import _life
from .people import DEMO_CODE, DEMO_PASSWORD, PARTNERSHIP_NAME, _build_world
from .plans import _plans, _spread, _weighted
from .steps import Steps
from .world import Ctx

SEED = 2026
DEFAULT_COUNT = 300


@dataclass(frozen=True)
class DemoSummary:
    by_status: dict[str, int]
    breached_stages: int
    accepted_extensions: int
    system_escalations: int
    late_acknowledgements: int
    timer_failures: int
    sign_ins: list[tuple[str, str, str]]
    refused: list[str]  # planned steps the services refused (none, unless the engine changed)

    def lines(self) -> list[str]:
        """The summary ``seed_demo`` prints: counts, then who can sign in."""
        out = [f"{PARTNERSHIP_NAME}: {sum(self.by_status.values())} escalations"]
        out += [
            f"  {label:<28}{self.by_status.get(value, 0):>5}" for value, label in Status.choices
        ]
        out += [
            f"  stages breached {self.breached_stages}, escalated by the system on breach "
            f"{self.system_escalations}, extensions accepted {self.accepted_extensions}, "
            f"acknowledged late {self.late_acknowledgements}, timer failures "
            f"{self.timer_failures}",
            *(f"  refused or unplanned: {line}" for line in self.refused[:10]),
            "",
            f"Sign in at /accounts/login/ with any of these; the password is {DEMO_PASSWORD!r}",
            f"and the code {DEMO_CODE!r} (it works only with DEBUG on, as in `make run`).",
            f"  {'username':<24}{'role':<30}agency",
        ]
        out += [f"  {user:<24}{role:<30}{where}" for user, role, where in self.sign_ins]
        return out


def build_demo(*, count: int = DEFAULT_COUNT, now: dt.datetime | None = None) -> DemoSummary | None:
    """Build the demo partnership and ``count`` escalations up to ``now`` (the real now by
    default). Returns None, changing nothing, when the demo partnership is already there."""
    if Partnership.objects.filter(name=PARTNERSHIP_NAME).exists():
        return None
    import time_machine  # a dev dependency: the seed runs where dev dependencies are installed

    now = (now or timezone.now()).astimezone(dt.UTC)
    first_day = _reporting_year_start(now, years_back=2)
    setup_at = _at(first_day - dt.timedelta(days=21), dt.time(10))
    with transaction.atomic(), time_machine.travel(setup_at, tick=False) as traveller:
        rng = random.Random(SEED)  # noqa: S311 - repeatable invented data, not a secret
        ctx = Ctx(rng, _build_world(first_day), _closures(first_day), first_day, now)
        clock = _Clock(traveller, setup_at)
        for plan in _plans(ctx, count):
            clock.add(_life(ctx, plan))
        clock.add(_partnership_events(ctx))
        clock.add(_signposting(ctx, max(3, count // 12)))
        clock.add(_publications(ctx))
        clock.run(until=now)
        _mark_delivered(ctx.world.partnership, now)
        _authenticator_apps(ctx.world.partnership)
    return _summary(ctx)


def _authenticator_apps(partnership: Partnership) -> None:
    """Every demo account has an authenticator app (a secret nobody holds) and recovery codes,
    so signing in asks for a code: with DEBUG on, as in ``make run``, the demo code passes
    (``MFA_TOTP_INSECURE_BYPASS_CODE``, config/settings/local.py). Someone invited in the demo
    sets up an app of their own at their first sign-in."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    for user in User.objects.filter(membership__partnership=partnership, is_active=True):
        TOTP.activate(user, generate_totp_secret())
        RecoveryCodes.activate(user)


def _partnership_events(ctx: Ctx) -> Steps:
    """Policy v2 (escalation on breach off) agreed before its year starts; the Christmas
    closure announced in the autumn before it."""
    lead, partnership = ctx.world.people["lead"], ctx.world.partnership
    yield _moment(ctx, ctx.v2_from - dt.timedelta(days=21), ctx.v2_from - dt.timedelta(days=14))
    create_with_reason(
        Policy,
        by=lead,
        reason="Version 2 agreed by the partnership board: breaches alert, people decide",
        partnership=partnership,
        version=2,
        effective_from=ctx.v2_from,
    )
    first_closure = min(ctx.closures, default=ctx.v2_from.date())
    announced = _at(first_closure.replace(month=10, day=1), dt.time(9))
    yield _moment(ctx, announced, announced + dt.timedelta(days=30))
    for day in sorted(ctx.closures):  # ClosureDay has a field of its own called reason
        closure = ClosureDay(partnership=partnership, date=day, reason="Christmas closure")
        save_with_reason(closure, by=lead, reason="Closure agreed by the partnership board")


def _publications(ctx: Ctx) -> Steps:
    """A fortnight or so after each period ends, the lead publishes it: the last two reporting
    years in both editions, with the learning themes the board chose (and, for the last, the
    foreword and key messages it adopted), and each ended quarter of this year as the public
    snapshot (what /public/ shows)."""
    from escalations.reports import board, publishing
    from escalations.reports.period import Period
    from escalations.reports.suppression import INTERNAL, PUBLIC

    lead, partnership = ctx.world.people["lead"], ctx.world.partnership
    year = publishing.reporting_year_of(partnership, timezone.localtime(ctx.now).date())
    start_month = partnership.reporting_year_start_month
    last_year = Period.reporting_year(year - 1, start_month=start_month)
    year_before = Period.reporting_year(year - 2, start_month=start_month)
    plans: list[tuple[str, Period, tuple[str, ...], tuple[str, ...]]] = [
        # the year before last too, so that last year's public edition has its year before
        (publishing.YEAR, year_before, (INTERNAL, PUBLIC), LEARNING[3:]),
        (publishing.YEAR, last_year, (INTERNAL, PUBLIC), LEARNING[:3]),
    ]
    plans += [
        (publishing.QUARTER, quarter, (PUBLIC,), ())
        for quarter in publishing.quarters(partnership, year)
    ]
    for kind, period, editions, themes in plans:
        lo = _at(period.end + dt.timedelta(days=10), dt.time(9))
        hi = min(lo + dt.timedelta(days=7), ctx.now - dt.timedelta(hours=1))
        if hi <= lo:
            return
        yield _moment(ctx, lo, hi)
        if period == last_year:  # the board adopted the lead's words with the report
            board.report_text_save(
                by=lead,
                partnership=partnership,
                year=last_year.start.year,
                foreword=FOREWORD,
                key_messages=list(KEY_MESSAGES),
                approved=True,
            )
        for edition in editions:
            publishing.report_publish(
                by=lead,
                partnership=partnership,
                period_start=period.start,
                period_end=period.end,
                edition=edition,
                kind=kind,
                learning_themes=themes,
            )


def _signposting(ctx: Ctx, n: int) -> Steps:
    """Raise forms that showed the matter belonged to another process (no case content)."""
    for moment in sorted(_spread(ctx, n)):
        yield _moment(ctx, moment, moment + dt.timedelta(days=2))
        agency = ctx.world.agencies[_weighted(ctx.rng, {s.slug: s.raises + 1 for s in AGENCIES})]
        Signposting.objects.create(
            partnership=ctx.world.partnership, agency=agency, route=_weighted(ctx.rng, SIGNPOSTS)
        )


def _mark_delivered(partnership: Partnership, now: dt.datetime) -> None:
    """Emailing the past is noise: the demo's notifications count as sent when written, and
    those older than two weeks as read. (Notifications keep no history.)"""
    Notification.objects.filter(
        recipient__membership__partnership=partnership, sent_at__isnull=True
    ).update(
        sent_at=F("created_at"),
        attempts=1,
        read_at=Case(
            When(created_at__lt=now - dt.timedelta(days=14), then=F("created_at")),
            default=Value(None, output_field=DateTimeField()),
        ),
    )


def _summary(ctx: Ctx) -> DemoSummary:
    """Counts by state and of the clock's work, and the sign-ins."""
    partnership = ctx.world.partnership
    escalations = Escalation.objects.filter(partnership=partnership)
    records = StageRecord.objects.filter(escalation__partnership=partnership)
    by_status = dict(escalations.values_list("status").annotate(n=Count("pk")).order_by())
    return DemoSummary(
        by_status={str(key): int(value) for key, value in by_status.items()},
        breached_stages=records.filter(breached_at__isnull=False).count(),
        accepted_extensions=Extension.objects.filter(
            stage_record__escalation__partnership=partnership, status=ExtensionStatus.ACCEPTED
        ).count(),
        system_escalations=Escalation.history.filter(
            partnership_id=partnership.pk,
            history_user__isnull=True,
            history_change_reason__startswith="Escalated to stage",
        ).count(),
        late_acknowledgements=escalations.filter(acknowledgement_chased_at__isnull=False).count(),
        timer_failures=failed_tasks().count(),
        sign_ins=ctx.world.sign_ins,
        refused=ctx.surprises,
    )
