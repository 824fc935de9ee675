"""How a stage of an escalation's life ends: escalated, resolved or withdrawn before it is
due, or breached (and under policy v1 escalated by the system); then each side records the
outcome on its own case file."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from escalations import services
from escalations.models import Escalation, Meeting, Outcome, Side, StageHolder
from workflows import calendar
from workflows.states import OPEN_STATES

from .clock import _after, _moment, _within
from .content import AGREED_ACTIONS, ESCALATE_REASONS, LEARNING, SUMMARIES, WITHDRAW_REASONS
from .dates import MINUTE, ONE_DAY, _at
from .plans import _case_number
from .steps import StageSteps, Steps, _act, _holder, _now_at
from .world import Ctx, Plan


def _conclude(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> StageSteps:
    """Escalate, resolve or withdraw before the due moment, or after it when this stage is to
    breach (under policy v1 the system escalates it at the due moment)."""
    due = _now_at(escalation)[2]
    if plan.breach_stage == stage:
        yield _after(ctx, due, urgent=plan.urgent)
    else:
        yield _within(ctx, due - 20 * MINUTE, 0.75, urgent=plan.urgent)
    status, now_at, _ = _now_at(escalation)
    if status not in OPEN_STATES:
        return False
    if now_at != stage:
        if plan.breach_stage != stage:
            ctx.surprises.append(f"{escalation.reference} left stage {stage} unplanned")
        return True
    return _finish_stage(ctx, plan, escalation, stage)


def _finish_stage(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> bool:
    """Escalate to the next stage, or withdraw or resolve at the planned last one (at stage
    4 the partnership lead records the meeting's outcome). Returns whether it went on."""
    rng, people = ctx.rng, ctx.world.people
    if stage < plan.final_stage:
        side = Side.RECEIVING if stage >= 2 and rng.random() < 0.15 else Side.RAISING
        escalated = _act(
            ctx,
            services.escalation_escalate,
            escalation=escalation,
            by=_holder(ctx, escalation, stage, side),
            reason=rng.choice(ESCALATE_REASONS[stage]),
            expected_stage=stage,
        )
        return escalated is not None
    if plan.end == "withdrawn":
        _act(
            ctx,
            services.escalation_withdraw,
            escalation=escalation,
            by=people[plan.raiser],
            reason=rng.choice(WITHDRAW_REASONS),
            expected_stage=stage,
        )
        return False
    if stage == 4:
        hold_meeting(ctx, escalation)
    _act(
        ctx,
        services.escalation_resolve,
        escalation=escalation,
        by=people["lead"] if stage == 4 else _holder(ctx, escalation, stage, Side.RAISING),
        outcome=plan.outcome,
        summary=SUMMARIES.get(Outcome(plan.outcome), plan.story.changed),
        agreed_actions=rng.choice(AGREED_ACTIONS),
        learning=rng.choice(LEARNING) if rng.random() < 0.3 else "",
        expected_stage=stage,
    )
    return False


def _record_on_case_files(ctx: Ctx, escalation: Escalation, stage: int) -> Steps:
    """Soon after a stage concludes, each side (mostly) confirms it put the outcome on its
    own case file."""
    yield _moment(ctx, timezone.now(), timezone.now() + ONE_DAY)
    slugs = {agency.pk: slug for slug, agency in ctx.world.agencies.items()}
    for side, agency_id in (
        (Side.RAISING, escalation.raising_agency_id),
        (Side.RECEIVING, escalation.receiving_agency_id),
    ):
        held_by = (
            StageHolder.objects.filter(
                stage_record__escalation=escalation, stage_record__stage=stage, side=side
            )
            .order_by("-since", "-pk")
            .values_list("user_id", flat=True)
            .first()
        )
        if held_by is None or ctx.rng.random() < 0.2:
            continue
        number = _case_number(ctx, slugs[agency_id], timezone.localdate().year)
        _act(
            ctx,
            services.escalation_record_on_case_file,
            escalation=escalation,
            by=ctx.world.by_id[held_by],
            stage=stage,
            reference=f"{number} case note",
        )


# the stage 4 meeting: done within the steps already there (the stage 4 response and the
# resolution), drawing nothing from the demo's random numbers, so that the rest of the demo is
# as it was


def convene_meeting(ctx: Ctx, escalation: Escalation) -> None:
    """The lead convenes the partners and both agencies' stage 4 holders for the next working
    day at 10:00, with their written positions asked for by then."""
    if Meeting.objects.filter(stage_record__escalation=escalation).exists():
        return
    day = calendar.next_working_day(timezone.localdate(), closures=ctx.closures)
    holders = [_holder(ctx, escalation, 4, side) for side in (Side.RAISING, Side.RECEIVING)]
    people = ctx.world.people
    _act(
        ctx,
        services.escalation_convene_meeting,
        escalation=escalation,
        by=people["lead"],
        meets_at=_at(day, dt.time(10)),
        invited=[people["lead"], people["scrutineer"], *holders],
        positions_due_on=day,
        expected_stage=4,
    )


def hold_meeting(ctx: Ctx, escalation: Escalation) -> None:
    """Before the lead records the outcome: each agency's position (if not given yet), then
    the meeting, held today with everyone invited present."""
    meeting = Meeting.objects.filter(stage_record__escalation=escalation, held_at=None).first()
    if meeting is None:
        return
    for side, position in ((Side.RAISING, RAISING_POSITION), (Side.RECEIVING, RECEIVING_POSITION)):
        _act(
            ctx,
            services.escalation_give_position,
            escalation=escalation,
            by=_holder(ctx, escalation, 4, side),
            position=position,
            expected_stage=4,
        )
    _act(
        ctx,
        services.escalation_record_meeting,
        escalation=escalation,
        by=ctx.world.people["lead"],
        attended=[invitee.user for invitee in meeting.invitees.select_related("user")],
        held_on=timezone.localdate(),
        expected_stage=4,
    )


RAISING_POSITION = (
    "The risk to the child has not been weighed as a whole: we ask the partners to agree a "
    "multi-agency review of the plan."
)
RECEIVING_POSITION = (
    "Our decision followed the threshold document; we will take part in a review if the "
    "partners ask for one."
)
