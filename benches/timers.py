"""How much does a timer sweep cost? (issue 2: "the sweep must cost what is due, not what
exists").

Builds a throwaway PostgreSQL test database, measures the sweep (fire the due timers, deliver
the due emails) on it empty, then again with 100,000 open escalations' worth of flow tasks and
their finished history (well over a million task rows, most of them done timers whose
``scheduled`` stays set) and their delivered emails, and none due. Prints figures and ratios.

Run by hand: ``make bench`` (starts PostgreSQL), or
``scripts/with-postgres.sh .venv/bin/python benches/timers.py``.

The bulk rows are written with SQL for speed: they copy the shape of the tasks one real
escalation, raised through the services, leaves in viewflow's tables.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

OPEN_ESCALATIONS = int(os.environ.get("BENCH_ESCALATIONS", "100000"))
RUNS = 15


def timed_sweep() -> float:
    from workflows.sweep import sweep

    started = time.perf_counter()
    sweep()
    return time.perf_counter() - started


def median_sweep() -> float:
    return statistics.median(timed_sweep() for _ in range(RUNS))


def template_tasks() -> list[tuple[str, str, str, bool]]:
    """Raise one escalation, escalate it once and let its stage-1 timers finish: the tasks
    it leaves are the pattern every bulk process copies."""
    from escalations import services
    from tests.factories import make_world, raise_one

    with time_machine.travel("2026-12-02 10:00Z", tick=False):
        world = make_world()
        escalation = raise_one(world)
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="bench"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT flow_task, flow_task_type, status, scheduled IS NOT NULL FROM viewflow_task"
        )
        return list(cursor.fetchall())


def bulk_load(pattern: list[tuple[str, str, str, bool]], processes: int) -> int:
    """``processes`` open processes, each with the pattern's tasks: finished timers dated in
    the past, waiting timers in the far future."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT flow_class FROM viewflow_process LIMIT 1")
        (flow_class,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO viewflow_process (flow_class, status, created, data) "
            "SELECT %s, 'NEW', now() - interval '30 days', '{}' FROM generate_series(1, %s)",
            [flow_class, processes],
        )
        cursor.execute(
            "SELECT min(id) FROM viewflow_process WHERE created < now() - interval '1 day'"
        )
        (first,) = cursor.fetchone()
        for flow_task, task_type, status, has_moment in pattern:
            scheduled = (
                "NULL"
                if not has_moment
                else "now() + interval '400 days'"
                if status == "SCHEDULED"
                else "now() - interval '20 days' - (g %% 300) * interval '1 day'"
            )
            cursor.execute(
                "INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, "
                f"scheduled, token, data, process_id) SELECT %s, %s, %s, now(), {scheduled}, "
                "'start', '{}', g FROM generate_series(%s, %s) AS g",
                [flow_task, task_type, status, first, first + processes - 1],
            )
        # the outbox of those years: three delivered emails an escalation
        cursor.execute(
            "INSERT INTO escalations_notification (recipient_id, event, created_at, "
            "next_attempt_at, attempts, last_error, sent_at) "
            "SELECT (SELECT min(id) FROM escalations_user), 'reminder', now(), now(), 1, '', "
            "now() FROM generate_series(1, %s)",
            [processes * 3],
        )
        cursor.execute("ANALYZE escalations_notification")
        cursor.execute("ANALYZE viewflow_task")
        cursor.execute("SELECT count(*) FROM viewflow_task")
        return int(cursor.fetchone()[0])


def explain_sweep() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT id FROM viewflow_task WHERE flow_task_type = 'TIMER' "
            "AND status = 'SCHEDULED' AND scheduled <= now() ORDER BY scheduled LIMIT 200"
        )
        return "\n".join("    " + row[0] for row in cursor.fetchall())


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("benches/timers.py needs PostgreSQL: run it under scripts/with-postgres.sh")
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        empty = median_sweep()
        pattern = template_tasks()
        rows = bulk_load(pattern, OPEN_ESCALATIONS)
        loaded = median_sweep()
        print(f"open escalations (bulk processes)   {OPEN_ESCALATIONS:>12,}")
        print(f"viewflow task rows                  {rows:>12,}")
        print(f"delivered notifications             {OPEN_ESCALATIONS * 3:>12,}")
        print(f"sweep, empty database               {empty * 1000:>10.2f} ms")
        print(f"sweep, loaded, none due             {loaded * 1000:>10.2f} ms")
        print(f"ratio loaded / empty                {loaded / empty:>12.2f}x")
        print("plan of the sweep's query:")
        print(explain_sweep())
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)


if __name__ == "__main__":
    main()
