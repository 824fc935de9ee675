"""Planning each escalation's life before it is lived: when and by whom it is raised,
against whom and about what, where it ends, and what happens on the way (late
acknowledgements, handovers, notes, breaches and extensions)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Mapping, Sequence
from typing import Any

from escalations.models import Category, Outcome, Role
from workflows.calendar import LONDON

from .cast import AGENCIES, SCHOOLS, SPECS, AgencySpec
from .clock import _moment
from .content import CSC_SHARE, ENDS, OPEN_SHARE, THEMATIC_SHARE, URGENT_SHARE
from .dates import _at
from .stories import CATEGORY_WEIGHTS, STORIES, THEMATIC, Story
from .world import Ctx, Plan


def _plans(ctx: Ctx, count: int) -> list[Plan]:
    """``count`` plans: most spread from the first day to a few days ago and closed in the
    way ``ENDS`` says; a few raised in the last weeks and left open, one at each stage."""
    n_open = min(count, max(4, round(count * OPEN_SHARE)))
    closed = [_plan(ctx, moment) for moment in _spread(ctx, count - n_open)]
    _assign_ends(ctx, closed)
    opened = [_open_plan(ctx, index) for index in range(n_open)]
    _assign_features(ctx, closed, opened)
    return closed + opened


def _spread(ctx: Ctx, n: int) -> list[dt.datetime]:
    """``n`` moments from the first day to five days ago, a little denser lately (the
    process is used more as it becomes known)."""
    start = _at(ctx.first_day, dt.time(9))
    span = (ctx.now - dt.timedelta(days=5)) - start
    return [start + span * ((index + ctx.rng.random()) / n) ** 0.9 for index in range(n)]


def _plan(ctx: Ctx, base: dt.datetime, *, standard: bool = False) -> Plan:
    """An escalation raised around ``base``: by whom, against whom, about what."""
    rng = ctx.rng
    raising = _weighted(rng, {s.slug: s.raises for s in AGENCIES if _raises_in(s, base)})
    thematic = rng.random() < THEMATIC_SHARE
    story, receiving = _story(ctx, raising, thematic=thematic)
    urgent = not standard and not thematic and rng.random() < URGENT_SHARE
    immediate = urgent and rng.random() < 0.15
    year = base.astimezone(LONDON).year
    return Plan(
        raised_at=_place(ctx, base, urgent=urgent),
        raising=raising,
        receiving=receiving,
        raiser=_raiser(ctx, raising),
        story=story,
        case_number="" if thematic else _case_number(ctx, raising, year),
        urgent=urgent,
        immediate_risk=immediate,
        start_stage=2 if urgent and not immediate and rng.random() < 0.1 else 1,
    )


def _raises_in(spec: AgencySpec, moment: dt.datetime) -> bool:
    """Schools raise nothing in August."""
    return spec.raises > 0 and not (spec.slug in SCHOOLS and moment.month == 8)


def _story(ctx: Ctx, raising: str, *, thematic: bool) -> tuple[Story, str]:
    """What it is about, and the receiving agency: mostly children's social care."""
    rng = ctx.rng
    if thematic:
        story = rng.choice([s for s in THEMATIC if s.receivers != (raising,)])
        return story, rng.choice([r for r in story.receivers if r != raising])
    if raising != "csc" and rng.random() < CSC_SHARE:
        receiving = "csc"
    else:
        receiving = _weighted(
            rng, {s.slug: s.receives for s in AGENCIES if s.slug not in ("csc", raising)}
        )
    stories = [s for s in STORIES if receiving in s.receivers]
    per_category = {s.category: sum(t.category == s.category for t in stories) for s in stories}
    weights = [CATEGORY_WEIGHTS[Category(s.category)] / per_category[s.category] for s in stories]
    return rng.choices(stories, weights)[0], receiving


def _raiser(ctx: Ctx, raising: str) -> str:
    """Mostly practitioners (and designated safeguarding leads), some managers."""
    if ctx.rng.random() < 0.12:
        return f"manager.{raising}"
    if Role.PRACTITIONER in SPECS[raising].colleagues and ctx.rng.random() < 0.5:
        return f"practitioner2.{raising}"
    return f"practitioner.{raising}"


def _case_number(ctx: Ctx, slug: str, year: int) -> str:
    """An invented case number in the agency's format (POL-2025-004512)."""
    return f"{SPECS[slug].prefix}-{year}-{ctx.rng.randrange(1000, 999999):06d}"


def _place(ctx: Ctx, base: dt.datetime, *, urgent: bool) -> dt.datetime:
    """When it is raised: a working-hours moment for standard ones, any hour when urgent."""
    latest = ctx.now - dt.timedelta(hours=1)
    moment = base if urgent else _moment(ctx, base, base + dt.timedelta(days=3))
    return min(moment.replace(second=0, microsecond=0), latest)


def _open_plan(ctx: Ctx, index: int) -> Plan:
    """Raised in the last weeks and still open at stage 1, 2, 3 or 4 (in turn): the later
    the stage, the earlier it was raised, so it had time to get there."""
    stage = index % 4 + 1
    newest, oldest = {1: (1, 6), 2: (5, 9), 3: (8, 12), 4: (12, 20)}[stage]
    lo = ctx.now - dt.timedelta(days=oldest)
    base = _moment(ctx, lo, ctx.now - dt.timedelta(days=newest))
    plan = _plan(ctx, base, standard=True)
    if index < 4:  # one at each stage from the police to the front door, so that the demo
        # sign-ins people try first (practitioner.police, practitioner.csc, their managers
        # and senior managers) each find something waiting or raised
        plan.raising, plan.receiving, plan.raiser = "police", "csc", "practitioner.police"
        plan.story = ctx.rng.choice([story for story in STORIES if "csc" in story.receivers])
        plan.case_number = _case_number(ctx, "police", base.astimezone(LONDON).year)
    plan.end, plan.final_stage = "open", stage
    return plan


def _assign_ends(ctx: Ctx, plans: list[Plan]) -> None:
    """Where each closed escalation ends, in the proportions of ``ENDS`` (every end at least
    once when there are enough), and its outcome."""
    ends = _allocate(ctx.rng, len(plans), ENDS)
    for plan, (end, stage) in zip(plans, ends, strict=True):
        plan.end, plan.final_stage = end, max(stage, plan.start_stage)
        plan.outcome = _outcome(ctx, plan)


def _outcome(ctx: Ctx, plan: Plan) -> str:
    """How it settles: dissent is recorded only at stage 4."""
    if plan.end == "withdrawn":
        return Outcome.WITHDRAWN
    if plan.final_stage == 4:
        weights = {Outcome.NOT_AGREED: 4, Outcome.PARTLY_AGREED: 3, Outcome.DECISION_CHANGED: 2}
        return _weighted(ctx.rng, {**weights, Outcome.STANDS_ACCEPTED: 1})
    weights = {Outcome.DECISION_CHANGED: 45, Outcome.PARTLY_AGREED: 25}
    return _weighted(ctx.rng, {**weights, Outcome.STANDS_ACCEPTED: 30})


def _assign_features(ctx: Ctx, closed: list[Plan], opened: list[Plan]) -> None:
    """Late acknowledgements, handovers, notes and case-file confirmations here and there;
    breaches (escalated by the system under policy v1, only alerted under v2) and extensions
    by quota, so that even a small demo has some."""
    rng = ctx.rng
    for plan in closed + opened:
        plan.late_ack = rng.random() < 0.08
        plan.handover = plan.receiving in ("csc", "police") and rng.random() < 0.1
        plan.notes = rng.choice((1, 1, 2)) if rng.random() < 0.25 else 0
        plan.case_file = rng.random() < 0.3
    v1 = [p for p in closed if p.raised_at < ctx.v2_from]
    climbing = [p for p in v1 if p.final_stage > p.start_stage]
    if v1 and not climbing:  # a small demo still shows an escalation on breach
        climbing = [v1[0]]
        v1[0].end, v1[0].final_stage = "resolved", max(2, v1[0].start_stage + 1)
        v1[0].outcome = _outcome(ctx, v1[0])
    for plan in _pick(rng, climbing, 0.15):
        plan.breach_stage = rng.randint(plan.start_stage, plan.final_stage - 1)
    v2 = [p for p in closed if p.raised_at >= ctx.v2_from]
    for plan in _pick(rng, v2, 0.06):
        plan.breach_stage = rng.randint(plan.start_stage, plan.final_stage)
    calm = [p for p in closed if not p.urgent and p.breach_stage is None]
    for plan in _pick(rng, calm, 0.06):
        plan.extension_stage = rng.randint(plan.start_stage, plan.final_stage)


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    """One key of ``weights``, chosen in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, [weights[key] for key in keys])[0]


def _allocate(rng: random.Random, n: int, weights: Mapping[Any, float]) -> list[Any]:
    """``n`` keys in the proportions of ``weights`` (largest remainders; each key at least
    once when ``n`` allows), shuffled."""
    total = sum(weights.values())
    exact = {key: n * weight / total for key, weight in weights.items()}
    counts = {key: int(share) for key, share in exact.items()}
    if n >= len(weights):
        counts = {key: max(1, count) for key, count in counts.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - int(exact[key]), reverse=True)
    for key in itertools.cycle(by_remainder):
        if sum(counts.values()) >= n:
            break
        counts[key] += 1
    while sum(counts.values()) > n:  # the minimums overshot: take from the largest
        counts[max(counts, key=lambda key: counts[key])] -= 1
    keys = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(keys)
    return keys


def _pick(rng: random.Random, plans: Sequence[Plan], share: float) -> list[Plan]:
    """About ``share`` of ``plans``, and at least one if there are any."""
    if not plans:
        return []
    return rng.sample(list(plans), min(len(plans), max(1, round(share * len(plans)))))
