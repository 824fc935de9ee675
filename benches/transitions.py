"""What does a change of state cost? (issue 13: "a whole dispute's ratio to a plain save,
target at most half of today's").

On a throwaway PostgreSQL test database with the test factories' partnership, each service
call of one dispute (raise, acknowledge, respond, escalate, resolve) is timed, each followed
by the floor: a plain save of the escalation's row (read afresh) with its history row. Each
dispute's time over its own floors' median is its ratio; the median ratio is printed last.
Times are taken as ``timeit`` takes them, without the garbage collector, and without
Django's debug cursor, which costs time on every query: queries are counted on a dispute of
their own.

Where the queries went, over the issue (raise 56 -> 20, acknowledge 35 -> 10, respond
14 -> 10, escalate 68 -> 22, resolve 49 -> 19; a dispute 222 -> 81): the flow's callbacks and
the notifications use what the transition holds under its lock (``workflows.locks.Held``:
the escalation, its stage records and their holder rows); the flow's timers are armed with
their host in one INSERT and cancelled with its completion in one UPDATE; the
acknowledgement's deadline waits on the stage task, and the stage chooses its next itself;
the end's task is written once; the lock's read says whether any case system listens; news
of one change is queued in one INSERT (ADR 15).

Before issue 13: the issue measured 47x; this bench on c635ba7 (the last commit before the
work) gave 39.5x to 50.6x over 12 runs, median 42.7x, interleaved with 6 runs of e654768:
20.3x to 22.2x, median 21.1x (whole dispute about 100 to 136 ms against 200 to 300 ms). So
the cut is to half, with little to spare. 2 cores, shared: single runs wander by 10%.

Run by hand: ``scripts/with-postgres.sh .venv/bin/python benches/transitions.py``.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

if TYPE_CHECKING:
    from escalations.models import Escalation
    from tests.factories import World

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BEFORE = 42.7  # this bench on c635ba7, before issue 13 (median of 12 runs; the issue said 47)


def measured(action: Callable[[], object], *, counting: bool) -> tuple[float, int]:
    """One action's time, or its queries: counted on a run of their own, since Django's
    debug cursor (which counts them) costs time on every query. Timed as ``timeit`` does,
    without the garbage collector's pauses (collected before, off during), which otherwise
    land on whichever action is running when they come."""
    if counting:
        with CaptureQueriesContext(connection) as queries:
            action()
        return 0.0, len(queries)
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        action()
        return time.perf_counter() - started, 0
    finally:
        gc.enable()


def main() -> None:
    from benches.testdb import on_test_database

    on_test_database("benches/transitions.py", run)


STEPS = ("raise", "acknowledge", "respond", "escalate", "resolve")


def one_dispute(
    world: World, number: int, *, counting: bool = False
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """Each step of one dispute, measured, each followed by the floor: a plain save of the
    escalation's row (read afresh) with its history row, so that every step has a floor
    measured beside it, in the same seconds of a shared machine."""
    from escalations import services
    from escalations.audit import save_with_reason
    from tests.factories import raise_one

    w = world
    csc, police = w.csc, w.police
    made: dict[str, Escalation] = {}

    def raise_() -> None:
        made["escalation"] = raise_one(w, child_reference=f"POL-{number:06d}")

    def plain_save() -> None:
        e = made["escalation"]
        e.refresh_from_db()
        save_with_reason(e, by=w.lead, reason="Plain save")

    steps: list[Callable[[], object]] = [
        raise_,
        lambda: services.escalation_acknowledge(escalation=made["escalation"], by=csc.practitioner),
        lambda: services.escalation_respond(
            escalation=made["escalation"],
            by=csc.practitioner,
            decision="stands",
            response="Threshold not met.",
        ),
        lambda: services.escalation_escalate(
            escalation=made["escalation"], by=police.practitioner, reason="No change at stage 1."
        ),
        lambda: services.escalation_resolve(
            escalation=made["escalation"],
            by=police.manager,
            outcome="partly_agreed",
            summary="Managers agreed a strategy discussion.",
            agreed_actions="Team manager convenes it by Friday.",
        ),
    ]
    results, floors = [], []
    for step in steps:
        results.append(measured(step, counting=counting))
        floors.append(measured(plain_save, counting=counting))
    return results, floors


def run() -> None:
    import logging

    from tests.factories import make_world

    logging.disable(logging.WARNING)
    world = make_world()
    steps: dict[str, list[float]] = {name: [] for name in STEPS}
    floors: list[float] = []
    ratios: list[float] = []
    one_dispute(world, 0)  # warm: imports, connection, query plans, cached content types
    counted, floor_counted = one_dispute(world, 1, counting=True)
    for number in range(2, RUNS + 2):
        results, plain = one_dispute(world, number)
        for name, (taken, _) in zip(STEPS, results, strict=True):
            steps[name].append(taken)
        floors += [taken for taken, _ in plain]
        ratios.append(sum(t for t, _ in results) / statistics.median(t for t, _ in plain))

    floor_time = statistics.median(floors)
    print(f"{'step':<14}{'median ms':>10}{'queries':>9}{'x plain save':>14}")
    print(f"{'plain save':<14}{floor_time * 1000:>10.1f}{floor_counted[0][1]:>9}{1:>14.1f}")
    dispute = 0.0
    for (name, times), (_, queries) in zip(steps.items(), counted, strict=True):
        median = statistics.median(times)
        dispute += median
        print(f"{name:<14}{median * 1000:>10.1f}{queries:>9}{median / floor_time:>14.1f}")
    ratio = statistics.median(ratios)
    low, _, high = statistics.quantiles(ratios, n=4)
    print(
        f"\nwhole dispute: {dispute * 1000:.1f} ms; {ratio:.1f}x a plain save (median of "
        f"{RUNS} disputes, each over its own floor; middle half {low:.1f}x to {high:.1f}x). "
        f"Before issue 13: {BEFORE:.1f}x; target at most half, {BEFORE / 2:.1f}x"
    )


if __name__ == "__main__":
    main()
