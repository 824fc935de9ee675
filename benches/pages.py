"""Do the daily pages grow with the data? (issue 13: "every daily page at 100,000 escalations
within 2x of a small partnership").

On a throwaway PostgreSQL test database: the test factories' small partnership with a few
dozen escalations made through the services; each daily page is fetched as its usual reader
(time: median of BENCH_RUNS; queries: counted). Then another partnership gets 100,000
escalations (the report bench's bulk load) and the same pages are fetched again. The worst
ratio is printed last.

Run by hand: ``scripts/with-postgres.sh .venv/bin/python benches/pages.py``
(``BENCH_ESCALATIONS`` for fewer rows).
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "9"))
SMALL = 40


def fetch(client: Client, path: str) -> tuple[float, int]:
    """The page's median time over RUNS and its queries (after a warm fetch)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    times = []
    queries = 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), queries


def main() -> None:
    from benches.testdb import on_test_database

    on_test_database("benches/pages.py", run)


def run() -> None:
    import logging

    from benches.report import build_world, bulk_load
    from escalations import services
    from tests.factories import make_world, raise_one

    logging.disable(logging.WARNING)
    world = make_world()
    made = []
    for number in range(SMALL):
        escalation = raise_one(world, child_reference=f"POL-{number:06d}", urgent=number % 5 == 0)
        if number % 2:
            services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
        if number % 4 == 1:
            services.escalation_respond(
                escalation=escalation,
                by=world.csc.practitioner,
                decision="stands",
                response="Threshold not met.",
            )
        made.append(escalation)
    case = made[1]

    def clients() -> dict[str, Client]:
        signed_in = {}
        for name, user in (
            ("practitioner", world.police.practitioner),
            ("receiver", world.csc.practitioner),
            ("lead", world.lead),
        ):
            client = Client()
            client.force_login(user)
            signed_in[name] = client
        return signed_in

    pages = [
        ("inbox, raiser", "practitioner", "/"),
        ("inbox, receiver", "receiver", "/"),
        ("inbox, lead", "lead", "/"),
        ("find, raiser", "practitioner", "/find/"),
        ("find by case number", "practitioner", "/find/?q=POL-000001"),
        ("case page", "receiver", f"/escalations/{case.reference}/"),
        ("notifications", "receiver", "/notifications/"),
        ("dashboard", "lead", "/dashboard/"),
        ("report page", "lead", "/reports/annual/2026/"),
    ]

    def measure() -> dict[str, tuple[float, int]]:
        signed_in = clients()
        return {name: fetch(signed_in[who], path) for name, who, path in pages}

    small = measure()
    started = time.perf_counter()
    partnership_id, agencies, user = build_world()
    counts = bulk_load(partnership_id, agencies, user)
    print(
        f"loaded {counts['escalation'] - SMALL:,} escalations beside the small partnership "
        f"in {time.perf_counter() - started:.0f} s\n"
    )
    large = measure()

    print(f"{'page':<22}{'small ms':>10}{'q':>4}{'100k ms':>10}{'q':>4}{'ratio':>8}")
    worst = ("", 0.0)
    for name, _, _ in pages:
        (t1, q1), (t2, q2) = small[name], large[name]
        ratio = t2 / t1
        if ratio > worst[1]:
            worst = (name, ratio)
        print(f"{name:<22}{t1 * 1000:>10.1f}{q1:>4}{t2 * 1000:>10.1f}{q2:>4}{ratio:>8.2f}")
    print(f"\nworst ratio: {worst[1]:.2f} ({worst[0]}); target at most 2")


if __name__ == "__main__":
    main()
