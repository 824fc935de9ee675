"""Too many wrong passwords (issue 12, item 3): 30 wrong passwords in a row were each answered
with another try. Now five from one address lock that account from that address for an hour,
with a clear message; its owner is emailed; the lead can unlock it early; other addresses (a
colleague behind the same council proxy is another account) are not affected."""

from __future__ import annotations

import datetime as dt

from escalations.models import Notification, NotificationEvent, SecurityEvent
from escalations.notifications import deliver_due
from tests.signing_in import as_confirmed

LOGIN = "/accounts/login/"
THEIRS = "198.51.100.7"
OURS = "203.0.113.20"


def sign_in(client, user, password, address=THEIRS):
    """The password step alone: a right one is answered by a redirect to the code."""
    return client.post(LOGIN, {"login": user.username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_from_that_address(client, world, clock, mailoutbox):
    person = world.police.practitioner
    for _ in range(4):
        assert sign_in(client, person, "guess").status_code == 200  # the form again
    locked = sign_in(client, person, "guess")
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    # even the right password is refused from there while it lasts
    assert sign_in(client, person, "x").status_code == 429
    told = Notification.objects.get(event=NotificationEvent.ACCOUNT_LOCKED)
    assert told.recipient == person
    deliver_due()
    assert "Too many wrong passwords" in mailoutbox[0].subject
    assert SecurityEvent.objects.filter(kind="locked_out", subject=person).exists()


def test_the_same_account_still_signs_in_from_another_address(client, world, clock):
    person = world.police.practitioner
    for _ in range(5):
        sign_in(client, person, "guess")
    assert sign_in(client, person, "x", address=OURS).status_code == 302


def test_an_attacker_behind_one_address_locks_only_the_accounts_tried(client, world, clock):
    for _ in range(5):
        sign_in(client, world.police.practitioner, "guess")
    assert sign_in(client, world.police.manager, "x").status_code == 302  # same address


def test_the_lock_ends_after_an_hour(client, world, clock):
    person = world.police.practitioner
    for _ in range(5):
        sign_in(client, person, "guess")
    clock.shift(dt.timedelta(hours=1, minutes=1))
    assert sign_in(client, person, "x").status_code == 302


def test_the_lead_unlocks_it_now(client, world, clock):
    person = world.police.practitioner
    for _ in range(5):
        sign_in(client, person, "guess")
    lead = as_confirmed(client.__class__(), world.lead)
    page = lead.get(f"/people/{person.pk}/").content.decode()
    assert "locked out after too many wrong passwords" in page
    lead.post(f"/people/{person.pk}/unlock/")
    assert sign_in(client, person, "x").status_code == 302
    assert SecurityEvent.objects.filter(kind="unlocked", by=world.lead, subject=person).exists()


def test_only_the_lead_unlocks(client, world):
    client.force_login(world.scrutineer)
    assert client.post(f"/people/{world.police.practitioner.pk}/unlock/").status_code == 403
