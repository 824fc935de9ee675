"""The email outbox against a real mail server in the test (aiosmtpd on 127.0.0.1) that is
slow, refuses and drops connections (issue 11): every message is delivered in the end, the
rest are delivered while one keeps failing, and after a worker dies between the server's
acceptance and marking the message sent, the repeat carries the same Message-ID."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from escalations import notifications
from escalations.models import Notification, NotificationEvent, Role
from escalations.notifications import deliver_due, notify
from tests.factories import make_user

SLOW = 1.0  # seconds the slow mailbox takes, against EMAIL_TIMEOUT of a quarter of that


class MailServer:
    """What the server does for each mailbox: refuse it (550), drop the connection, or take
    longer than the client waits; ``times`` says how often before it behaves."""

    def __init__(self) -> None:
        self.received: list[Message] = []
        self.sessions = 0
        self.refuse: dict[str, int] = {}
        self.drop: dict[str, int] = {}
        self.slow: dict[str, int] = {}

    @staticmethod
    def _once(faults: dict[str, int], address: str) -> bool:
        if faults.get(address, 0) > 0:
            faults[address] -= 1
            return True
        return False

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self._once(self.refuse, address):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        address = envelope.rcpt_tos[0]
        if self._once(self.drop, address):
            server.transport.close()
            return "421 Closing"
        if self._once(self.slow, address):
            await asyncio.sleep(SLOW)
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"

    def ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]

    def to(self) -> list[str]:
        return [message["To"] for message in self.received]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_server(settings):
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_TIMEOUT = SLOW / 4
    yield handler
    controller.stop()


def queue_for(world, count: int) -> list[str]:
    people = [
        make_user(partnership=world.partnership, role=Role.PRACTITIONER, agency=world.csc.agency)
        for _ in range(count)
    ]
    notify(escalation=None, event=NotificationEvent.TIMER_FAILED, recipients=people)
    return [person.email for person in people]


def test_a_batch_goes_over_one_connection_with_a_stable_message_id(world, clock, mail_server):
    addresses = queue_for(world, 5)
    assert deliver_due() == (5, 0)
    assert sorted(mail_server.to()) == sorted(addresses)
    assert mail_server.sessions == 1
    rows = Notification.objects.order_by("pk")
    assert mail_server.ids() == [notifications.message_id(row) for row in rows]
    assert all(row.sent_at and not row.leased_by for row in rows)


def test_every_message_gets_through_a_slow_refusing_and_dropping_server_in_the_end(
    world, clock, mail_server
):
    slow, refused, dropped, *fine = queue_for(world, 6)
    mail_server.slow[slow] = 1
    mail_server.refuse[refused] = 2
    mail_server.drop[dropped] = 1

    sent, failed = deliver_due()

    assert (sent, failed) == (3, 3)
    assert sorted(mail_server.to()) == sorted(fine)
    for _ in range(3):  # each failure backs off on its own: 1, then 2 minutes
        clock.shift(dt.timedelta(minutes=2))
        deliver_due()
    delivered = [message["To"] for message in mail_server.received]
    assert sorted(delivered) == sorted([slow, refused, dropped, *fine])
    assert len(set(mail_server.ids())) == len(mail_server.ids()) == 6
    assert not Notification.objects.unsent().exists()


def test_the_rest_are_delivered_while_one_keeps_failing(world, clock, mail_server):
    stuck, *others = queue_for(world, 4)
    mail_server.refuse[stuck] = 1000
    for _ in range(4):
        deliver_due()
        clock.shift(dt.timedelta(minutes=10))
    assert sorted(mail_server.to()) == sorted(others)
    row = Notification.objects.get(recipient__email=stuck)
    assert row.sent_at is None
    assert row.attempts == 4
    assert "SMTPRecipientsRefused" in row.last_error


def test_a_repeat_after_a_worker_died_before_marking_carries_the_same_message_id(
    world, clock, mail_server, monkeypatch
):
    first, *others = queue_for(world, 3)
    real_settle = notifications.settle

    def die_after_the_server_took_it(row, **fields):
        monkeypatch.setattr(notifications, "settle", real_settle)
        raise SystemExit("killed between sending and marking")

    monkeypatch.setattr(notifications, "settle", die_after_the_server_took_it)
    with pytest.raises(SystemExit):
        deliver_due()
    assert mail_server.to() == [first]
    assert Notification.objects.unsent().count() == 3  # nothing was marked: the worker died

    assert deliver_due() == (0, 0)  # still leased to the dead worker
    clock.shift(notifications.LEASE + dt.timedelta(seconds=1))
    assert deliver_due() == (3, 0)

    ids = mail_server.ids()
    assert len(ids) == 4
    assert ids.count(ids[0]) == 2  # the first message, sent twice with one Message-ID
    assert sorted(mail_server.to()) == sorted([first, first, *others])
    assert not Notification.objects.unsent().exists()
