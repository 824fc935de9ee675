"""Faults while the work goes on (issue 13, item 5): 1,000 transitions through the API and the
timer sweeps, while a web worker, the Celery worker and beat are killed (-9) and PostgreSQL is
restarted at random moments, with a mail server that is slow and sometimes down. Then the
checks: every escalation's state is its last history row's, every stage record agrees with its
escalation and its flow, every due timer fired exactly once, no notification was lost, and a
message the mail server took twice carried the same Message-ID both times.

Run by hand (``make bench-chaos``), under the throwaway PostgreSQL, which it restarts:

    scripts/with-postgres.sh .venv/bin/python benches/chaos.py

What it runs, all on 127.0.0.1 with config.settings.production, as deploy/systemd does (a
process killed is started again, as ``Restart=on-failure`` does): Redis, gunicorn (3 workers),
a Celery worker, Celery beat sweeping every 5 seconds (``RESOLVE_SWEEP_SECONDS``), and a mail
server of its own (aiosmtpd) that writes down every message it accepts.

The work: a partnership (the test factories' two agencies, a policy that escalates on breach),
urgent escalations raised as if a day ago whose stage-1 due moments fall inside the run (so the
sweeps chase, remind, breach and escalate while the faults happen), and people answering
through the API: raise (with an Idempotency-Key), acknowledge, respond, escalate, then resolve
or withdraw, on new escalations and on those the clock is moving. A request that fails (the
worker died, the database is restarting) is retried; one whose answer was lost is found done
when the escalation is read again.

Afterwards the mail server is steady and the worker and beat are stopped; the clock is moved
past every lease and back-off (the bench sweeps as a worker would, six hours on), until nothing
is left to send. Settings: CHAOS_TRANSITIONS (1000), CHAOS_DRIVERS (4), CHAOS_URGENT (40),
CHAOS_SEED (random), CHAOS_LIMIT (900 seconds for the work).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = ROOT / ".venv" / "bin"

TRANSITIONS = int(os.environ.get("CHAOS_TRANSITIONS", "1000"))
DRIVERS = int(os.environ.get("CHAOS_DRIVERS", "4"))
URGENT = int(os.environ.get("CHAOS_URGENT", "40"))
LIMIT = float(os.environ.get("CHAOS_LIMIT", "900"))
SEED = int(os.environ.get("CHAOS_SEED", str(random.SystemRandom().randrange(1_000_000))))


def free_port(start: int) -> int:
    port = start
    while True:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                port += 1


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} chaos: {message}", flush=True)


# --------------------------------------------------------------------------------------------
# the mail server: slow and sometimes down; writes down what it accepts before saying so
# --------------------------------------------------------------------------------------------


def mail_server(port: int, record: str, slow_flag: str) -> None:
    """``python benches/chaos.py smtp PORT RECORD SLOW_FLAG``: accepts every message; while
    SLOW_FLAG exists, one message in ten waits 0.5 to 3 seconds before the answer."""
    import asyncio
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    out = open(record, "a", encoding="utf-8")  # noqa: SIM115 - open for the server's life

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            if os.path.exists(slow_flag) and random.random() < 0.1:  # noqa: S311
                await asyncio.sleep(random.uniform(0.5, 3.0))  # noqa: S311
            message = message_from_bytes(envelope.content)
            body = message.get_payload(0) if message.is_multipart() else message
            line = {
                "message_id": message["Message-ID"],
                "to": list(envelope.rcpt_tos),
                "subject": message["Subject"],
                "body": hashlib.sha256(body.get_payload(decode=True) or b"").hexdigest(),
            }
            out.write(json.dumps(line) + "\n")
            out.flush()
            os.fsync(out.fileno())
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


# --------------------------------------------------------------------------------------------
# the processes, started again when killed (as systemd's Restart=on-failure does)
# --------------------------------------------------------------------------------------------


@dataclass
class Service:
    name: str
    argv: list[str]
    env: dict[str, str]
    logs: Path
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0

    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        """Start it unless it runs (a restart the chaos scheduled may come after the bench
        has started it again itself: never two beats)."""
        with self.lock:
            if self.running():
                return
            self.starts += 1
            out = open(self.logs / f"{self.name}.log", "ab")  # noqa: SIM115 - the child keeps it
            self.proc = subprocess.Popen(  # noqa: S603
                self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                start_new_session=True,
            )  # fmt: skip

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """-9 to the whole process group (a Celery worker and its pool)."""
        with self.lock:
            self._kill()

    def _kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                return
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._kill()


def web_workers(master: Service) -> list[int]:
    """gunicorn's workers: the master's children."""
    assert master.proc is not None
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.proc.pid:
            children.append(int(stat.parent.name))
    return children


RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"


def postgres(action: str, mode: str = "fast") -> None:
    pg_ctl = os.path.join(os.environ["WITH_POSTGRES_BIN"], "pg_ctl")
    data = os.environ["WITH_POSTGRES_DATA"]
    subprocess.run(  # noqa: S603
        [RUNUSER, "-u", "postgres", "--", pg_ctl, "-D", data, "-m", mode, "-w", "-t", "60",
         action],
        check=True, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# the work
# --------------------------------------------------------------------------------------------


@dataclass
class Tally:
    done: int = 0  # transitions answered 2xx
    found_done: int = 0  # the answer was lost, the escalation showed it done
    refused: int = 0  # the rulebook said no (the clock had moved it first, say)
    retries: int = 0
    raised: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)


class Person:
    """One of the bench's people, with their API token, and a session per driver."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        import requests

        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return requests.request(
            method, f"{self.url}/api/v1{path}", headers=headers, timeout=30, **kwargs
        )


def read(person: Person, reference: str, tally: Tally) -> dict[str, Any] | None:
    for _ in range(120):
        try:
            answer = person.call("GET", f"/escalations/{reference}/")
        except Exception:  # noqa: BLE001 - the stack is restarting: try again
            answer = None
        if answer is not None and answer.status_code == 200:
            return answer.json()  # type: ignore[no-any-return]
        if answer is not None and answer.status_code == 404:
            return None
        tally.add("retries")
        time.sleep(0.5)
    raise RuntimeError(f"{reference} could not be read for a minute")


def act(
    person: Person,
    reference: str,
    action: str,
    body: dict[str, Any],
    done_when: Callable[[dict[str, Any]], bool],
    tally: Tally,
) -> bool:
    """Post the action until it is answered, or the escalation shows it done; False when the
    rulebook refuses it (the dispute goes no further)."""
    for _ in range(120):
        try:
            answer = person.call("POST", f"/escalations/{reference}/{action}/", json=body)
        except Exception:  # noqa: BLE001 - killed worker, database restarting
            answer = None
        if answer is not None and answer.status_code < 300:
            tally.add("done")
            return True
        now = read(person, reference, tally)
        if now is not None and done_when(now):
            tally.add("found_done")
            return True
        if answer is not None and answer.status_code in (400, 403, 404, 409, 422):
            tally.add("refused")
            return False
        tally.add("retries")
        time.sleep(0.5)
    raise RuntimeError(f"{action} on {reference} failed for a minute")


def current(detail: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in detail["stages"] if s["stage"] == detail["stage"])


def dispute(
    people: dict[str, Person], agency: int, tally: Tally, rng: random.Random, start: str | None
) -> None:
    """Raise (unless given one the clock is moving), then answer it to the end."""
    raiser, receiver, manager = people["raiser"], people["receiver"], people["manager"]
    reference = start
    if reference is None:
        key = str(uuid.uuid4())
        body = {
            "receiving_agency": agency,
            "category": "threshold",
            "child_reference": f"CHAOS-{rng.randrange(1_000_000):06d}",
            "decision_disputed": "Referral closed at the front door.",
            "reasons": "A third incident in a month with a baby at home.",
            "outcome_sought": "A strategy discussion.",
        }
        for _ in range(120):  # the same key and body each time: raised once, however retried
            try:
                answer = raiser.call(
                    "POST", "/escalations/", headers={"Idempotency-Key": key}, json=body
                )
            except Exception:  # noqa: BLE001
                answer = None
            if answer is not None and answer.status_code in (200, 201):
                reference = answer.json()["reference"]
                # 200: an earlier attempt had raised it and its answer was lost
                tally.add("done" if answer.status_code == 201 else "found_done")
                tally.add("raised")
                break
            tally.add("retries")
            time.sleep(0.5)
        else:
            raise RuntimeError("raising failed for a minute")
    assert reference is not None
    detail = read(raiser, reference, tally)
    if detail is None or detail["status"] in ("resolved", "withdrawn"):
        return
    stage = detail["stage"]
    steps: list[tuple[Person, str, dict[str, Any], Callable[[dict[str, Any]], bool]]] = []
    if detail["acknowledged_at"] is None and stage == 1:
        steps.append((receiver, "acknowledge", {}, lambda d: d["acknowledged_at"] is not None))
    if stage == 1:
        steps.append((
            receiver, "respond", {"decision": "stands", "response": "Threshold not met."},
            lambda d: d["stage"] != 1 or bool(current(d)["decision"]),
        ))  # fmt: skip
    if rng.random() < 0.3:
        steps.append((
            raiser, "withdraw", {"reason": "A strategy discussion was held after all."},
            lambda d: d["status"] == "withdrawn",
        ))  # fmt: skip
    else:
        if stage < 3:
            steps.append((
                raiser, "escalate", {"reason": "No change at this stage.",
                                     "expected_stage": stage},
                lambda d, s=stage: d["stage"] > s or d["closed_at"] is not None,
            ))  # fmt: skip
        steps.append((
            manager, "resolve",
            {"outcome": "partly_agreed", "summary": "Managers agreed a strategy discussion.",
             "agreed_actions": "The team manager convenes it by Friday."},
            lambda d: d["status"] == "resolved",
        ))  # fmt: skip
    for person, action, body, done_when in steps:
        if not act(person, reference, action, body, done_when, tally):
            return


# --------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------


def stack_env(port: int, redis_port: int, smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        RESOLVE_SITE_URL=f"http://127.0.0.1:{port}",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="5",
        RESOLVE_SWEEP_SECONDS="5",
        RESOLVE_API_RATE="100000/min",
        RESOLVE_LOG_FORMAT="json",
    )
    return env


def prepare(url: str) -> tuple[dict[str, Person], int, list[tuple[dt.datetime, str]]]:
    """The partnership, the people's tokens, and the urgent escalations raised as if a day
    ago, whose stage-1 due moments fall in the next few minutes: half of them are returned,
    for people to answer around their due moments, while the sweeps breach them."""
    import time_machine
    from django.utils import timezone

    from escalations import services
    from escalations.api_tokens import api_token_create
    from tests.factories import make_world

    world = make_world(escalate_on_breach=True)
    tokens = {}
    for name, user in {
        "raiser": world.police.practitioner,
        "receiver": world.csc.practitioner,
        "manager": world.police.manager,
    }.items():
        _, token = api_token_create(by=user, user=user, name="chaos bench", days=1)
        tokens[name] = Person(url, token)
    hours = world.policy.urgent_stage_hours(1)
    now = timezone.now()
    urgent = []
    for number in range(URGENT):
        due_in = dt.timedelta(seconds=90 + number * 120 / max(URGENT, 1))
        with time_machine.travel(now - dt.timedelta(hours=hours) + due_in, tick=False):
            escalation = services.escalation_raise(
                raised_by=world.police.practitioner,
                receiving_agency=world.csc.agency,
                category="threshold",
                child_reference=f"URGENT-{number:04d}",
                decision_disputed="Strategy discussion refused.",
                reasons="Disclosure at school this morning.",
                outcome_sought="A strategy discussion today.",
                urgent=True,
                immediate_risk=True,
                immediate_action_at=timezone.now(),
            )
        if number % 2:  # the other half the clock moves alone
            urgent.append((escalation.stage_due_at, escalation.reference))
    return tokens, world.csc.agency.pk, urgent


class Chaos(threading.Thread):
    """A fault every few seconds, at random: a web worker, the Celery worker or beat killed
    (-9) and started again a moment later; PostgreSQL restarted; the mail server down for a
    while."""

    def __init__(self, services: dict[str, Service], rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.services, self.rng = services, rng
        self.stopping = threading.Event()
        self.faults: Counter[str] = Counter()
        self.pending: list[threading.Timer] = []

    def run(self) -> None:
        faults = [self.web, self.worker, self.beat, self.database, self.mail]
        while not self.stopping.wait(self.rng.uniform(2, 6)):
            fault = self.rng.choice(faults)
            try:
                fault()
            except Exception as error:  # noqa: BLE001 - report it and go on
                log(f"fault {fault.__name__} could not be made: {error}")

    def _later(self, seconds: float, then: Callable[[], None]) -> None:
        timer = threading.Timer(seconds, then)
        timer.daemon = True
        timer.start()
        self.pending.append(timer)

    def finish(self) -> None:
        """No more faults; the restarts already scheduled happen."""
        self.stopping.set()
        self.join()
        for timer in self.pending:
            timer.join()

    def web(self) -> None:
        workers = web_workers(self.services["web"])
        if workers:
            os.kill(self.rng.choice(workers), signal.SIGKILL)
            self.faults["web worker killed"] += 1

    def _kill_and_restart(self, name: str) -> None:
        service = self.services[name]
        if not service.running():
            return
        service.kill()
        self.faults[f"{name} killed"] += 1
        self._later(self.rng.uniform(1, 4), service.start)

    def worker(self) -> None:
        self._kill_and_restart("worker")

    def beat(self) -> None:
        self._kill_and_restart("beat")

    def database(self) -> None:
        mode = self.rng.choice(["fast", "immediate"])
        postgres("restart", mode)
        self.faults[f"PostgreSQL restarted ({mode})"] += 1

    def mail(self) -> None:
        service = self.services["smtp"]
        if not service.running():
            return
        service.kill()
        self.faults["mail server down"] += 1
        self._later(self.rng.uniform(3, 12), service.start)


def drain(services: dict[str, Service], slow_flag: str) -> int:
    """The worker and beat stopped, the mail server steady: sweep as a worker would, the clock
    moved past every lease and back-off, until nothing is left to send. Returns the rounds."""
    from django.db import close_old_connections
    from django.utils import timezone

    from escalations.models import Notification
    from workflows.sweep import sweep

    Path(slow_flag).unlink(missing_ok=True)
    for name in ("beat", "worker"):
        services[name].stop()
    if not services["smtp"].running():
        services["smtp"].start()
        time.sleep(1)  # the server binds its port
    close_old_connections()
    for rounds in range(1, 21):
        waiting = Notification.objects.filter(sent_at__isnull=True)
        waiting.update(next_attempt_at=timezone.now(), leased_until=None, leased_by="")
        sweep()
        if not Notification.objects.filter(sent_at__isnull=True).exists():
            return rounds
    return rounds


# --------------------------------------------------------------------------------------------
# the checks
# --------------------------------------------------------------------------------------------


TIMER_EVENTS = ["reminder", "breached", "acknowledgement_late"]


def checks(record: Path, ended: dt.datetime) -> list[tuple[str, list[str]]]:
    """(check, what broke it) for each check."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from escalations.models import Escalation, Event, Notification
    from escalations.notifications import message_id
    from workflows import flows

    results: list[tuple[str, list[str]]] = []
    escalations = list(Escalation.objects.select_related("process"))

    broken = []
    for e in escalations:
        last = e.history.order_by("-history_date", "-history_id").first()
        if last is None or (last.status, last.stage) != (e.status, e.stage):
            broken.append(f"{e.reference}: {e.status} at {e.stage}, history says {last}")
    results.append(("every escalation's state is its last history row's", broken))

    broken = []
    for e in escalations:
        records = list(e.stage_records.order_by("stage"))
        open_records = [r for r in records if r.concluded_at is None]
        tasks = Task.objects.filter(process=e.process)
        waiting = tasks.filter(flow_task=flows.EscalationFlow.stage, status=STATUS.NEW).count()
        if e.is_open:
            if [r.stage for r in open_records] != [e.stage] or records[-1].stage != e.stage:
                broken.append(f"{e.reference}: open at {e.stage}, open records {open_records}")
            elif e.stage_due_at != open_records[0].due_at:
                broken.append(f"{e.reference}: due {e.stage_due_at}, record {open_records[0]}")
            if waiting != 1:
                broken.append(f"{e.reference}: open with {waiting} waiting stage tasks")
        else:
            if open_records or e.closed_at is None:
                broken.append(f"{e.reference}: closed with open records {open_records}")
            if (
                e.process.status != "DONE"
                or tasks.filter(status__in=[STATUS.NEW, STATUS.SCHEDULED]).exists()
            ):
                broken.append(f"{e.reference}: closed but its flow is {e.process.status}")
    results.append(("every stage record agrees with its escalation and its flow", broken))

    broken = []
    timers = Task.objects.filter(flow_task_type="TIMER")
    for task in timers.filter(status=STATUS.SCHEDULED, scheduled__lte=ended):
        broken.append(f"timer {task.pk} ({task.flow_task.name}) due {task.scheduled} not fired")
    for task in Task.objects.filter(status__in=[STATUS.STARTED, STATUS.ERROR]):
        broken.append(f"task {task.pk} ({task.flow_task.name}) left {task.status}")
    once = Counter(
        (n.escalation_id, n.event, n.stage, n.recipient_id)
        for n in Notification.objects.filter(
            event__in=["reminder", "breached", "acknowledgement_late"]
        )
    )
    broken += [f"{key} notified {count} times" for key, count in once.items() if count > 1]
    events = Counter(
        Event.objects.filter(kind__in=["breached", "escalated"]).values_list(
            "escalation_id", "kind", "stage"
        )
    )
    broken += [f"event {key} {count} times" for key, count in events.items() if count > 1]
    for e in escalations:
        for r in e.stage_records.filter(due_at__lte=ended):
            if r.breached_at is None and (r.concluded_at is None or r.concluded_at > r.due_at):
                broken.append(f"{e.reference} stage {r.stage} passed {r.due_at}, no breach")
    results.append(("every due timer fired exactly once", broken))

    received = [json.loads(line) for line in record.read_text().splitlines() if line]
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for message in received:
        by_id[message["message_id"]].append(message)
    broken = []
    notifications = list(Notification.objects.select_related("recipient"))
    for n in notifications:
        copies = by_id.get(message_id(n), [])
        if n.sent_at is None:
            broken.append(f"notification {n.pk} never sent: {n.last_error}")
        elif not any(c["to"] == [n.recipient.email] for c in copies):
            broken.append(f"notification {n.pk} marked sent, never received")
    known = {message_id(n) for n in notifications}
    broken += [f"{mid} received, no such notification" for mid in by_id if mid not in known]
    results.append(("no notification was lost", broken))

    broken = []
    ids_of_content: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for message in received:
        ids_of_content[(*message["to"], message["subject"], message["body"])].add(
            message["message_id"]
        )
    for content, ids in ids_of_content.items():
        if len(ids) > 1:
            broken.append(f"{content[:2]} received under {len(ids)} Message-IDs")
    for mid, copies in by_id.items():
        if len({json.dumps(c, sort_keys=True) for c in copies}) > 1:
            broken.append(f"{mid} carried two different messages")
    results.append(("a message sent twice carried the same Message-ID", broken))
    return results


def main() -> None:
    if "WITH_POSTGRES_DATA" not in os.environ:
        sys.exit("benches/chaos.py restarts PostgreSQL: run it under scripts/with-postgres.sh")
    rng = random.Random(SEED)  # noqa: S311 - a bench's dice
    logs = Path(tempfile.mkdtemp(prefix="resolve-chaos."))
    port, redis_port, smtp_port = free_port(8101), free_port(6401), free_port(2601)
    env = stack_env(port, redis_port, smtp_port)
    os.environ.update(env)
    record, slow_flag = logs / "received.jsonl", logs / "slow"
    record.touch()
    slow_flag.touch()
    url = f"http://127.0.0.1:{port}"
    log(f"seed {SEED}; logs in {logs}")

    py = str(VENV / "python")
    services = {
        "redis": Service("redis", ["redis-server", "--bind", "127.0.0.1", "--port",
                                   str(redis_port), "--save", "", "--appendonly", "no"],
                         env, logs),
        "smtp": Service("smtp", [py, __file__, "smtp", str(smtp_port), str(record),
                                 str(slow_flag)], env, logs),
        "web": Service("web", [str(VENV / "gunicorn"), "--config", "config/gunicorn.conf.py",
                               "config.wsgi"],
                       {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3"},
                       logs),
        "worker": Service("worker", [str(VENV / "celery"), "-A", "config", "worker",
                                     "--concurrency", "1", "--loglevel", "INFO"], env, logs),
        "beat": Service("beat", [str(VENV / "celery"), "-A", "config", "beat", "--loglevel",
                                 "INFO", "--schedule", str(logs / "beat-schedule")], env, logs),
    }  # fmt: skip
    subprocess.run([py, "manage.py", "migrate", "--noinput"], env=env, cwd=ROOT, check=True,  # noqa: S603
                   stdout=subprocess.DEVNULL)  # fmt: skip
    import django

    django.setup()
    tokens, agency, urgent = prepare(url)
    try:
        for service in services.values():
            service.start()
        for _ in range(120):
            try:
                import requests

                if requests.get(f"{url}/health/ready/", timeout=5).status_code == 200:
                    break
            except Exception:  # noqa: BLE001, S110
                pass
            time.sleep(1)
        else:
            sys.exit(f"the stack was not ready in two minutes: see {logs}")
        log(f"stack ready at {url}; {URGENT} urgent escalations due in the next minutes")
        run(services, tokens, agency, urgent, rng, record, slow_flag)
    finally:
        for service in services.values():
            service.stop()


def run(
    services: dict[str, Service],
    people: dict[str, Person],
    agency: int,
    urgent: list[tuple[dt.datetime, str]],
    rng: random.Random,
    record: Path,
    slow_flag: Path,
) -> None:
    from django.db import close_old_connections
    from django.utils import timezone
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from escalations.models import Notification

    tally = Tally()
    queue = sorted(urgent, reverse=True)  # the soonest due last, to be popped first
    queue_lock = threading.Lock()

    def contested() -> str | None:
        """An urgent escalation within seconds of its due moment: people and the clock race."""
        with queue_lock:
            if queue and queue[-1][0] - timezone.now() < dt.timedelta(seconds=3):
                return queue.pop()[1]
        return None

    failures: list[str] = []

    def drive(number: int) -> None:
        own = random.Random(SEED + number)  # noqa: S311
        while tally.done < TRANSITIONS and time.monotonic() < deadline:
            start = contested()
            try:
                dispute(people, agency, tally, own, start)
            except Exception as error:  # noqa: BLE001 - report it; the checks say the rest
                failures.append(f"driver {number}: {error}")
                return

    chaos = Chaos(services, rng)
    started = time.monotonic()
    deadline = started + LIMIT
    drivers = [threading.Thread(target=drive, args=(n,), daemon=True) for n in range(DRIVERS)]
    chaos.start()
    for driver in drivers:
        driver.start()
    for driver in drivers:
        driver.join()
    # the faults stop; the urgent escalations' last due moments are given time to pass
    chaos.finish()
    slow_flag.unlink(missing_ok=True)
    worked = time.monotonic() - started
    log(f"work done in {worked:.0f} s; letting the last due moments pass")
    for service in services.values():
        if not service.running():
            service.start()
    close_old_connections()
    waited = time.monotonic()
    while time.monotonic() - waited < 300:  # the sweeps fire what is due, and what falls due
        soon = Task.objects.filter(
            flow_task_type="TIMER",
            status=STATUS.SCHEDULED,
            scheduled__lte=timezone.now() + dt.timedelta(minutes=5),
        )
        if not soon.exists():
            break
        time.sleep(3)
    ended = timezone.now()
    rounds = drain(services, str(slow_flag))
    messages = Notification.objects.count()
    fired = Task.objects.filter(flow_task_type="TIMER", status="DONE").count()

    print()
    print(f"seed {SEED}, {DRIVERS} people, {worked:.0f} s of work under faults")
    print(f"transitions answered:            {tally.done} ({tally.raised} raised)")
    print(f"  answer lost, found done:       {tally.found_done}")
    print(f"  refused (the clock was first): {tally.refused}")
    print(f"  requests retried:              {tally.retries}")
    print(f"timers fired:                    {fired}")
    print(f"notifications:                   {messages} (drained in {rounds} rounds)")
    received = [json.loads(line) for line in record.read_text().splitlines() if line]
    twice = len(received) - len({r["message_id"] for r in received})
    print(f"messages the mail server took:   {len(received)} ({twice} twice)")
    print("faults:")
    for fault, count in sorted(chaos.faults.items()):
        print(f"  {fault:<30}{count:>5}")
    print()
    ok = not failures
    for failure in failures:
        print(f"FAIL the work: {failure}")
    for name, broken in checks(record, ended):
        ok = ok and not broken
        print(f"{'ok  ' if not broken else 'FAIL'} {name}")
        for line in broken[:10]:
            print(f"       {line}")
        if len(broken) > 10:
            print(f"       ... and {len(broken) - 10} more")
    if tally.done < TRANSITIONS:
        ok = False
        print(f"FAIL only {tally.done} of {TRANSITIONS} transitions in {LIMIT:.0f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "smtp":
        mail_server(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
