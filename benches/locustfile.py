"""The people benches/load.py sends at the stack (Locust). Each simulated person takes one of
the prepared sign-ins (a session made for a bench user, and their API token) from the file
``BENCH_PEOPLE`` names, and behaves as their role does: practitioners read their inbox and
case pages, raise through the API and answer what waits for them; managers read and escalate;
the lead reads the dashboard and the report page. Pages are named by kind in the statistics,
not by address, so that each kind gets one line."""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["BENCH_PEOPLE"]).read())  # noqa: SIM115 - read once
_turns = {role: itertools.cycle(people) for role, people in PEOPLE.items() if role != "agencies"}
REFERENCE = re.compile(r'href="/escalations/(ESC-\d{4}-\d{4})/"')


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self) -> None:
        self.me = next(_turns[self.role])
        self.client.cookies.clear()
        self.pages = {"Cookie": f"sessionid={self.me['session']}"}
        self.api = {"Authorization": f"Bearer {self.me['token']}"}
        self.seen: list[str] = []

    def page(self, path: str, name: str) -> str:
        response = self.client.get(path, headers=self.pages, name=name, allow_redirects=False)
        self.client.cookies.clear()  # the answers' cookies are Secure: the header carries ours
        return response.text

    def inbox(self) -> None:
        self.seen = REFERENCE.findall(self.page("/", "inbox")) or self.seen

    def case_page(self) -> None:
        if self.seen:
            self.page(f"/escalations/{random.choice(self.seen)}/", "case page")  # noqa: S311


class Practitioner(Person):
    weight = 6
    role = "practitioners"

    @task(5)
    def read_inbox(self) -> None:
        self.inbox()

    @task(5)
    def read_case(self) -> None:
        self.case_page()

    @task(1)
    def find(self) -> None:
        self.page("/find/?mine=raised&state=open", "find")

    @task(1)
    def raise_one(self) -> None:
        agency = random.choice([a for a in PEOPLE["agencies"] if a != self.me["agency"]])  # noqa: S311
        self.client.post(
            "/api/v1/escalations/",
            json={
                "receiving_agency": agency,
                "category": "threshold",
                "child_reference": f"BENCH-{random.randint(1, 999999):06d}",  # noqa: S311
                "decision_disputed": "Referral closed at the front door.",
                "reasons": "A third incident in a month with a baby at home.",
                "outcome_sought": "A strategy discussion.",
            },
            headers=self.api,
            name="API: raise",
        )

    @task(1)
    def answer(self) -> None:
        if not self.seen:
            return
        reference = random.choice(self.seen)  # noqa: S311
        self.client.post(
            f"/api/v1/escalations/{reference}/notes/",
            json={"text": "Spoke to the team manager; a reply is due on Friday."},
            headers=self.api,
            name="API: note",
        )


class Manager(Person):
    weight = 3
    role = "managers"

    @task(4)
    def read_inbox(self) -> None:
        self.inbox()

    @task(4)
    def read_case(self) -> None:
        self.case_page()

    @task(1)
    def escalate(self) -> None:
        if not self.seen:
            return
        reference = random.choice(self.seen)  # noqa: S311
        with self.client.post(
            f"/api/v1/escalations/{reference}/escalate/",
            json={"reason": "No change at this stage."},
            headers=self.api,
            name="API: escalate",
            catch_response=True,
        ) as response:
            if response.status_code in (403, 409):  # the rulebook said no: an answer, not an error
                response.success()


class Lead(Person):
    weight = 1
    role = "leads"

    @task(3)
    def dashboard(self) -> None:
        self.page("/dashboard/", "dashboard")

    @task(1)
    def report(self) -> None:
        self.page("/reports/annual/2026/", "report page")

    @task(2)
    def read_inbox(self) -> None:
        self.inbox()
