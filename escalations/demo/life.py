"""One escalation's life, raised and then stage by stage: acknowledged, perhaps handed over
or extended, answered, noted, and concluded (see ``conclusion``). Every change goes through
``escalations.services`` as the person who would make it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from escalations import services
from escalations.models import (
    CaseStatus,
    Category,
    Decision,
    Escalation,
    FamilyInformed,
    Membership,
    Outcome,
    Side,
)
from escalations.services import ChildDetails
from workflows import calendar
from workflows.calendar import LONDON

from .clock import _after, _moment, _within
from .conclusion import _conclude, _record_on_case_files, convene_meeting
from .content import (
    AGE_BANDS,
    AGE_BANDS_BY_RAISER,
    CASE_STATUS_BY_CATEGORY,
    EXTENSION_REASONS,
    NEED_LEVELS,
    NOT_TOLD,
    NOTES,
    RESPONSES,
)
from .dates import MINUTE, _at
from .plans import _case_number, _weighted
from .steps import StageSteps, Steps, _act, _holder, _now_at
from .world import Ctx, Plan


def _life(ctx: Ctx, plan: Plan) -> Steps:
    """One escalation from raising to its planned end: each yield is the moment of the next
    step, and the code after it is that step, run with the clock at that moment. The services
    read the escalation afresh under its lock, so the object raised is passed along."""
    yield plan.raised_at
    escalation = _raise(ctx, plan)
    stage = plan.start_stage
    while (yield from _stage(ctx, plan, escalation, stage)):
        stage = _now_at(escalation)[1]


def _raise(ctx: Ctx, plan: Plan) -> Escalation:
    """Raise it as the planned raiser, with the clock at the planned moment."""
    rng, story = ctx.rng, plan.story
    now = timezone.now()
    return services.escalation_raise(
        raised_by=ctx.world.people[plan.raiser],
        receiving_agency=ctx.world.agencies[plan.receiving],
        category=story.category,
        child_reference=plan.case_number,
        decision_disputed=story.decision,
        reasons=story.reasons,
        outcome_sought=story.sought,
        impact_on_child=story.impact,
        urgent=plan.urgent,
        immediate_risk=plan.immediate_risk,
        immediate_action_at=now - rng.randint(5, 40) * MINUTE if plan.immediate_risk else None,
        start_stage=plan.start_stage,
        subject="thematic" if not plan.case_number else "children",
        **(_child_fields(ctx, plan) if plan.case_number else {}),
    )


def _child_fields(ctx: Ctx, plan: Plan) -> dict[str, Any]:
    """Case numbers and age bands (never names), the level of need and the case status."""
    rng = ctx.rng
    bands = AGE_BANDS_BY_RAISER.get(plan.raising, AGE_BANDS[1:])
    year = plan.raised_at.astimezone(LONDON).year
    siblings = [
        ChildDetails(_case_number(ctx, plan.raising, year), "", rng.choice(AGE_BANDS[1:]))
        for _ in range(rng.choice((0, 0, 0, 1, 2)))
    ]
    informed = _weighted(
        rng, {FamilyInformed.YES: 80, FamilyInformed.NO: 12, FamilyInformed.NOT_SAFE: 8}
    )
    statuses = CASE_STATUS_BY_CATEGORY.get(Category(plan.story.category), tuple(CaseStatus))
    known = plan.receiving == "csc" and rng.random() < 0.6
    return {
        "receiving_case_number": _case_number(ctx, "csc", year) if known else "",
        "age_band": rng.choice(bands),
        "more_children": siblings,
        "level_of_need": rng.choice(NEED_LEVELS[1:]),
        "case_status": rng.choice(statuses),
        "family_informed": informed,
        "family_not_informed_reason": NOT_TOLD.get(informed, ""),
    }


def _stage(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> StageSteps:
    """One stage: acknowledge (at the first), perhaps hand over or extend, respond, perhaps
    notes, then escalate, resolve or withdraw (or stop, if it is to stay open). Returns
    whether the escalation went on to another stage."""
    if stage == plan.start_stage:
        yield from _acknowledge(ctx, plan, escalation, stage)
        if plan.handover:
            yield from _hand_over(ctx, plan, escalation, stage)
    if plan.extension_stage == stage:
        yield from _extend(ctx, escalation, stage)
    staying = plan.end == "open" and stage == plan.final_stage
    if not staying or ctx.rng.random() < 0.5:
        yield from _respond(ctx, plan, escalation, stage)
        if stage == 4:  # as it responds, the lead convenes the partners (no draw, no moment)
            convene_meeting(ctx, escalation)
    for _ in range(plan.notes if stage == plan.final_stage else 0):
        yield from _add_note(ctx, plan, escalation, stage)
    if staying:
        return False
    went_on = yield from _conclude(ctx, plan, escalation, stage)
    if plan.case_file:
        yield from _record_on_case_files(ctx, escalation, stage)
    return went_on


def _acknowledge(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """The receiving side acknowledges in time, or late (after the sweep has chased it)."""
    due = escalation.acknowledgement_due_at
    assert due is not None
    if plan.late_ack:
        yield _after(ctx, due, urgent=plan.urgent)
    else:
        yield _within(ctx, due - 10 * MINUTE, 0.4, urgent=plan.urgent)
    by = _holder(ctx, escalation, stage, Side.RECEIVING)
    named = by
    if stage == 1 and plan.receiving == "csc":  # the MASH names the worker who holds it
        # (live ones go to the first demo sign-in, so that it has something waiting)
        workers = (
            ("practitioner.csc",)
            if plan.end == "open"
            else ("practitioner.csc", "practitioner2.csc")
        )
        named = ctx.world.people[ctx.rng.choice(workers)]
    _act(
        ctx,
        services.escalation_acknowledge,
        escalation=escalation,
        by=by,
        holder=named,
        expected_stage=stage,
    )


def _hand_over(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """The receiving holder goes on leave and hands the stage to a colleague."""
    yield _within(ctx, _now_at(escalation)[2], 0.3, urgent=plan.urgent)
    holder = _holder(ctx, escalation, stage, Side.RECEIVING)
    membership = Membership.objects.get(user=holder)
    colleague = (
        Membership.objects.filter(agency=membership.agency, role=membership.role)
        .exclude(user=holder)
        .values_list("user_id", flat=True)
        .first()
    )
    if colleague is not None:
        to = ctx.world.by_id[colleague]
        _act(
            ctx,
            services.escalation_hand_over,
            escalation=escalation,
            by=holder,
            to=to,
            expected_stage=stage,
        )


def _extend(ctx: Ctx, escalation: Escalation, stage: int) -> Steps:
    """On the due day the receiving side asks for two more working days; the raising side
    (or the partnership lead) agrees before the due moment, and the timers move."""
    due = _now_at(escalation)[2]
    yield _moment(ctx, max(timezone.now(), _at(due.astimezone(LONDON).date(), dt.time(9))), due)
    extension = _act(
        ctx,
        services.escalation_propose_extension,
        escalation=escalation,
        by=_holder(ctx, escalation, stage, Side.RECEIVING),
        new_due_date=calendar.add_working_days(
            due.astimezone(LONDON).date(), 2, closures=ctx.closures
        ),
        reason=ctx.rng.choice(EXTENSION_REASONS),
        expected_stage=stage,
    )
    if extension is None:
        return
    yield _moment(ctx, timezone.now(), min(due, timezone.now() + 3 * 60 * MINUTE))
    lead = stage >= 2 and ctx.rng.random() < 0.3
    accepter = ctx.world.people["lead"] if lead else _holder(ctx, escalation, stage, Side.RAISING)
    _act(
        ctx,
        services.escalation_accept_extension,
        extension=extension,
        by=accepter,
        expected_stage=stage,
    )


def _respond(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """The receiving side records its decision now and why."""
    yield _within(ctx, _now_at(escalation)[2] - 20 * MINUTE, 0.5, urgent=plan.urgent)
    decision = _decision(ctx, plan, stage)
    _act(
        ctx,
        services.escalation_respond,
        escalation=escalation,
        by=_holder(ctx, escalation, stage, Side.RECEIVING),
        decision=decision,
        response=ctx.rng.choice(RESPONSES[Decision(decision)]),
        expected_stage=stage,
    )


def _decision(ctx: Ctx, plan: Plan, stage: int) -> str:
    """The receiving side's decision: it stands while the raiser keeps escalating."""
    if stage < plan.final_stage or plan.end != "resolved":
        return _weighted(ctx.rng, {Decision.STANDS: 8, Decision.PARTLY: 2})
    return {
        Outcome.DECISION_CHANGED: Decision.CHANGED,
        Outcome.PARTLY_AGREED: Decision.PARTLY,
    }.get(Outcome(plan.outcome), Decision.STANDS)


def _add_note(ctx: Ctx, plan: Plan, escalation: Escalation, stage: int) -> Steps:
    """Someone who can see it adds a note: either side, or the partnership team later on."""
    yield _within(ctx, _now_at(escalation)[2] - 20 * MINUTE, 0.5, urgent=plan.urgent)
    fresh = Escalation.objects.get(pk=escalation.pk)  # the note is filed at its current stage
    if not fresh.is_open or fresh.stage != stage:
        return
    kinds = ["raiser", "receiving"] + ["lead"] * (stage >= 2) + ["scrutineer"] * (stage >= 3)
    kind = ctx.rng.choice(kinds)
    author = {
        "raiser": ctx.world.people[plan.raiser],
        "receiving": _holder(ctx, escalation, stage, Side.RECEIVING),
        "lead": ctx.world.people["lead"],
        "scrutineer": ctx.world.people["scrutineer"],
    }[kind]
    text = ctx.rng.choice(NOTES[kind])
    _act(ctx, services.escalation_add_note, escalation=fresh, author=author, text=text)
