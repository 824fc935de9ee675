"""Fifty people for two minutes against the production stack (issue 13, item 5): 0 errors, and
each page's 95th percentile beside its time as a single request.

Run by hand, under the stack (which seeds the demo data):

    STACK_EXIT_WHEN_READY=1 scripts/with-postgres.sh scripts/stack.sh \\
        .venv/bin/python benches/load.py

It signs the bench's people in without the sign-in page (a session made for each, and an API
token), so the sign-in limits do not throttle it; then times each page once, alone; then runs
Locust headless (BENCH_USERS, default 50, for BENCH_TIME, default 2m) and prints the table.
The load generator shares the machine's cores with the stack: the figures include that.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("STACK_URL", "http://127.0.0.1:8001")
USERS = os.environ.get("BENCH_USERS", "50")
TIME = os.environ.get("BENCH_TIME", "2m")


def prepare() -> dict[str, list[dict[str, object]] | list[int]]:
    """Sessions and API tokens for the demo's practitioners, managers and lead."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from escalations.api_tokens import api_token_create
    from escalations.middleware import SIGNED_IN_AT
    from escalations.models import Agency, Role, User

    def signed_in(user: User) -> dict[str, object]:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT] = time.time()
        session.create()
        _, token = api_token_create(by=user, user=user, name="load bench", days=1)
        agency = user.membership.agency_id  # type: ignore[union-attr]
        return {"username": user.username, "session": session.session_key, "token": token,
                "agency": agency}  # fmt: skip

    people = User.objects.filter(is_active=True, membership__isnull=False)
    return {
        "practitioners": [signed_in(u) for u in people.filter(membership__role=Role.PRACTITIONER)],
        "managers": [signed_in(u) for u in people.filter(membership__role=Role.MANAGER)],
        "leads": [signed_in(u) for u in people.filter(membership__role=Role.PARTNERSHIP_LEAD)],
        "agencies": list(Agency.objects.values_list("pk", flat=True)),
    }


def alone(people: dict) -> dict[str, float]:
    """Each page fetched once, with nothing else running: milliseconds (median of 5)."""
    practitioner, lead = people["practitioners"][0], people["leads"][0]
    pages = {
        "inbox": ("/", practitioner),
        "find": ("/find/?mine=raised&state=open", practitioner),
        "dashboard": ("/dashboard/", lead),
        "report page": ("/reports/annual/2026/", lead),
    }
    inbox = requests.get(f"{URL}/", headers={"Cookie": f"sessionid={practitioner['session']}"},
                         allow_redirects=False, timeout=30)  # fmt: skip
    import re

    found = re.search(r'href="(/escalations/ESC-\d{4}-\d{4}/)"', inbox.text)
    if found:
        pages["case page"] = (found.group(1), practitioner)
    times = {}
    for name, (path, who) in pages.items():
        taken = []
        for _ in range(5):
            started = time.perf_counter()
            cookie = {"Cookie": f"sessionid={who['session']}"}
            response = requests.get(f"{URL}{path}", headers=cookie, allow_redirects=False,
                                    timeout=60)  # fmt: skip
            taken.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times[name] = sorted(taken)[2]
    return times


def main() -> None:
    people = prepare()
    single = alone(people)
    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "people.json"
        roster.write_text(json.dumps(people))
        prefix = Path(folder) / "stats"
        subprocess.run(  # noqa: S603 - our own command line
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "benches/locustfile.py"),
                "--headless",
                "--users",
                USERS,
                "--spawn-rate",
                "10",
                "--run-time",
                TIME,
                "--host",
                URL,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],  # fmt: skip
            check=False,
            env={**os.environ, "BENCH_PEOPLE": str(roster)},
        )
        rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    print(f"\n{USERS} people for {TIME} against {URL}\n")
    print(f"{'page':<16}{'requests':>9}{'errors':>8}{'median':>8}{'95th %':>8}{'alone':>8}")
    errors = 0
    for row in rows:
        name = row["Name"]
        if name == "Aggregated":
            continue
        errors += int(row["Failure Count"])
        by_itself = f"{single[name]:.0f}" if name in single else "-"
        print(f"{name:<16}{row['Request Count']:>9}{row['Failure Count']:>8}"
              f"{row['Median Response Time']:>8}{row['95%']:>8}{by_itself:>8}")  # fmt: skip
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"\nall: {total['Request Count']} requests, {errors} errors "
          f"({float(total['Requests/s']):.1f} a second); times in milliseconds")  # fmt: skip


if __name__ == "__main__":
    main()
