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


def measured(action: Callable[[], object]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        action()
        taken = time.perf_counter() - started
    return taken, len(queries)


def main() -> None:
    from benches.testdb import on_test_database

    on_test_database("benches/transitions.py", run)


STEPS = ("raise", "acknowledge", "respond", "escalate", "resolve")


def one_dispute(world: World, number: int) -> tuple[list[tuple[float, int]], tuple[float, int]]:
    """Each step of one dispute, measured, then the plain save of its row."""
    from escalations import services
    from escalations.audit import save_with_reason
    from tests.factories import raise_one

    w = world
    made: dict[str, Escalation] = {}

    def raise_() -> None:
        made["escalation"] = raise_one(w, child_reference=f"POL-{number:06d}")

    results = [measured(raise_)]
    e = made["escalation"]
    csc, police = w.csc, w.police
    results.append(
        measured(lambda: services.escalation_acknowledge(escalation=e, by=csc.practitioner))
    )
    results.append(
        measured(
            lambda: services.escalation_respond(
                escalation=e,
                by=csc.practitioner,
                decision="stands",
                response="Threshold not met.",
            )
        )
    )
    results.append(
        measured(
            lambda: services.escalation_escalate(
                escalation=e,
                by=police.practitioner,
                reason="No change at stage 1.",
            )
        )
    )
    results.append(
        measured(
            lambda: services.escalation_resolve(
                escalation=e,
                by=police.manager,
                outcome="partly_agreed",
                summary="Managers agreed a strategy discussion.",
                agreed_actions="Team manager convenes it by Friday.",
            )
        )
    )

    def plain_save() -> None:
        e.refresh_from_db()
        save_with_reason(e, by=w.lead, reason="Plain save")

    return results, measured(plain_save)


def run() -> None:
    import logging

    from tests.factories import make_world

    logging.disable(logging.WARNING)
    world = make_world()
    steps: dict[str, list[tuple[float, int]]] = {name: [] for name in STEPS}
    floor: list[tuple[float, int]] = []
    one_dispute(world, 0)  # warm: imports, connection, query plans
    for number in range(1, RUNS + 1):
        results, plain = one_dispute(world, number)
        for name, result in zip(STEPS, results, strict=True):
            steps[name].append(result)
        floor.append(plain)

    floor_time = statistics.median(t for t, _ in floor)
    floor_queries = floor[0][1]
    print(f"{'step':<14}{'median ms':>10}{'queries':>9}{'x plain save':>14}")
    print(f"{'plain save':<14}{floor_time * 1000:>10.1f}{floor_queries:>9}{1:>14.1f}")
    dispute = 0.0
    for name, results in steps.items():
        median = statistics.median(t for t, _ in results)
        dispute += median
        queries = max(q for _, q in results)
        print(f"{name:<14}{median * 1000:>10.1f}{queries:>9}{median / floor_time:>14.1f}")
    ratio = dispute / floor_time
    print(
        f"\nwhole dispute: {dispute * 1000:.1f} ms, {ratio:.1f}x a plain save "
        f"(before issue 13: {BEFORE:.0f}x; target at most {BEFORE / 2:.1f}x)"
    )


if __name__ == "__main__":
    main()
