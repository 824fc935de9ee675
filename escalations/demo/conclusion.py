"""How a stage of an escalation's life ends: escalated, resolved or withdrawn before it is
due, or breached (and under policy v1 escalated by the system); then each side records the
outcome on its own case file."""

from __future__ import annotations

from django.utils import timezone

from escalations import services
from escalations.models import Escalation, Outcome, Side, StageHolder
from workflows.states import OPEN_STATES

from .clock import _after, _moment, _within
from .content import AGREED_ACTIONS, ESCALATE_REASONS, LEARNING, SUMMARIES, WITHDRAW_REASONS
from .dates import MINUTE, ONE_DAY
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
