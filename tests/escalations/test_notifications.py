"""The outbox: written with the change, delivered through Django's mail framework and never
carrying case content. Failures, back-off and retries against a real mail server are in
``test_outbox.py``."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from escalations.models import Notification, NotificationEvent
from escalations.notifications import backoff, deliver_due
from tests.factories import raise_one

pytestmark = pytest.mark.django_db


def test_raising_queues_an_email_to_the_receiving_stage_1_contact(world, clock):
    escalation = raise_one(world)
    row = Notification.objects.get(event=NotificationEvent.RAISED)
    assert (row.escalation, row.recipient, row.stage) == (escalation, world.csc.practitioner, 1)
    assert deliver_due() == (1, 0)

    message = mail.outbox[0]
    assert message.to == [world.csc.practitioner.email]
    assert escalation.reference in message.subject
    assert f"http://testserver/escalations/{escalation.reference}/" in message.body
    html = message.alternatives[0][0]
    assert escalation.reference in html


def test_emails_carry_no_case_content(world, clock):
    escalation = raise_one(world, child_reference="POL-998877", urgent=True, start_stage=2)
    deliver_due()
    assert mail.outbox
    case_text = [
        "POL-998877",
        escalation.decision_disputed,
        escalation.reasons,
        escalation.outcome_sought,
    ]
    for message in mail.outbox:
        whole = message.subject + message.body + message.alternatives[0][0]
        for text in case_text:
            assert text not in whole


def test_the_back_off_doubles_up_to_six_hours():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(20) == dt.timedelta(hours=6)


def test_a_deactivated_person_gets_no_more_email(world, clock):
    world.csc.practitioner.is_active = False
    world.csc.practitioner.save()
    raise_one(world)
    assert not Notification.objects.filter(recipient=world.csc.practitioner).exists()


def test_a_password_change_tells_its_owner(world, clock):
    person = world.police.practitioner
    person.last_login = timezone.now()  # they have signed in before: this is a change
    person.set_password("a new long passphrase 7")
    person.save()
    assert deliver_due() == (1, 0)
    message = mail.outbox[0]
    assert message.to == [person.email]
    assert "password was changed" in message.subject
    assert "tell your partnership business manager" in message.body


def test_a_first_password_from_an_invitation_is_no_change_to_warn_of(world, clock):
    person = world.police.colleague
    person.last_login = None
    person.set_password("a new long passphrase 7")
    person.save()
    assert not Notification.objects.filter(event=NotificationEvent.PASSWORD_CHANGED).exists()
