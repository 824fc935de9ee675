"""What does a change of state cost? (issue 13: "a whole dispute's ratio to a plain save,
target at most half of today's", which was about 47).

On a throwaway PostgreSQL test database with the test factories' partnership, each service
call of one dispute (raise, acknowledge, respond, escalate, resolve) is timed and its queries
counted, beside the floor: a plain save of the escalation's row with its history row. The
whole dispute's time over the floor's is printed last.

Where the queries went (raise 56 -> 36 -> 27, acknowledge 35 -> 23 -> 14, respond 14 -> 13,
escalate 68 -> 37 -> 31, resolve 49 -> 31 -> 24): the flow's callbacks read the escalation
and its stage records the transition already holds (``workflows.locks.holding``) instead of
reading them again, and the row lock is not taken twice; the flow's timers are armed in one
write and cancelled in one UPDATE (``flows.Deadline``); a Handle task read under the lock is
completed without reading it again; holders, with the raiser, come in one query. Then: the
acknowledgement's deadline waits on the stage task (no split, no acknowledgement task), a
host's timers are armed in two INSERTs, End has no savepoint inside a transition, and the
stage's activation makes the still-open gate's choice without a task for the gate.

Last runs (f69c44f, 2 cores, nothing else running): a whole dispute 146 to 153 ms, 30.6x to
32.4x a plain save (about 5 ms, 3 queries).

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
BEFORE = 47.0  # the whole dispute over the plain save on main before issue 13


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
        f"Before issue 13: {BEFORE:.1f}x; target at most {BEFORE / 2:.1f}x"
    )


if __name__ == "__main__":
    main()
