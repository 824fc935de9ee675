"""Invitation links: a person the lead invites has 7 days to set their password, not the 2 hours
of a forgotten-password link. The link works once, and neither kind of link is accepted in
place of the other. The clock is moved by time-machine."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from escalations.models import Role, User
from escalations.people import person_deactivate, person_invite, person_send_invitation
from escalations.tokens import describe_lifetime, invitation_token_generator
from tests.signing_in import as_confirmed
from workflows.refusals import Refused

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-new-passphrase"
EXPIRED = "This invitation link has expired"
ASK_AGAIN = "Ask the person who invited you, usually your partnership business manager"


def invite(world) -> User:
    person_invite(
        by=world.lead,
        username="priya.shah",
        email="priya.shah@example.org",
        first_name="Priya",
        last_name="Shah",
        role=Role.MANAGER,
        agency=world.csc.agency,
    )
    return User.objects.get(username="priya.shah")


def emailed_link(message=None) -> str:
    """The path of the invitation link in the last email sent."""
    body = (message or mail.outbox[-1]).body
    found = re.search(r"http://testserver(/accounts/invitation/[^/\s]+/[^/\s]+/)", body)
    assert found is not None, body
    return found.group(1)


def set_password(client, link: str):
    """Open the link as the invitee would, then fill in the password form it leads to."""
    opened = client.get(link)
    assert opened.status_code == 302, "the link should lead to the password form"
    form_page = client.get(opened["Location"])
    assert "Set your password" in form_page.content.decode()
    return client.post(opened["Location"], {"new_password1": PASSWORD, "new_password2": PASSWORD})


def assert_expired_page(response) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert EXPIRED in html
    assert ASK_AGAIN in html
    assert "to send you a new invitation" in html
    assert "An invitation link lasts 7 days and works once" in html
    assert 'name="new_password1"' not in html


def test_invitations_last_seven_days_and_password_resets_still_two_hours():
    assert settings.INVITATION_TIMEOUT == 7 * 24 * 60 * 60
    assert settings.PASSWORD_RESET_TIMEOUT == 2 * 60 * 60


# --- what the invitee is told ------------------------------------------------------------------


def test_the_invitation_email_says_how_long_the_link_lasts(world):
    invite(world)
    message = mail.outbox[-1]
    assert "This link lasts 7 days and works once." in message.body
    assert "ask " + str(world.lead) + " to send you a new invitation" in message.body
    html = message.alternatives[0][0]
    assert "This link lasts 7 days and works once." in html
    assert emailed_link(message) in html


def test_the_page_the_link_opens_says_how_long_it_lasts(client, world):
    invite(world)
    opened = client.get(emailed_link())
    page = client.get(opened["Location"]).content.decode()
    assert "This link lasts 7 days from when the invitation was sent, and works once." in page
    assert "priya.shah" in page  # their username, to sign in with afterwards


def test_the_lead_is_told_how_long_the_link_lasts(client, world):
    as_confirmed(client, world.lead)
    assert "The link lasts 7 days" in client.get(reverse("escalations:people_invite")).text
    response = client.post(
        reverse("escalations:people_invite"),
        {
            "first_name": "Priya",
            "last_name": "Shah",
            "email": "priya.shah@example.org",
            "username": "priya.shah",
            "role": Role.MANAGER,
            "agency": world.csc.agency.pk,
        },
        follow=True,
    )
    assert "It lasts 7 days." in response.content.decode()


# --- how long the link works ---------------------------------------------------------------------


def test_the_link_still_works_after_three_days(client, clock, world):
    user = invite(world)
    clock.shift(dt.timedelta(days=3))
    response = set_password(client, emailed_link())
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    signed_in = client.post(
        reverse("login"), {"login": "priya.shah", "password": PASSWORD}
    )  # through the sign-in page, as the invitee would (and as django-axes needs)
    assert signed_in.status_code == 302


def test_the_link_works_until_the_last_second_of_the_seventh_day(client, clock, world):
    invite(world)
    clock.shift(dt.timedelta(days=7))
    assert client.get(emailed_link()).status_code == 302
    clock.shift(dt.timedelta(seconds=1))
    assert_expired_page(client.get(emailed_link()))


def test_after_eight_days_the_link_has_expired_and_says_to_ask_for_a_new_one(client, clock, world):
    user = invite(world)
    clock.shift(dt.timedelta(days=8))
    assert_expired_page(client.get(emailed_link()))
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_link_opened_in_time_cannot_be_used_once_it_expires(client, clock, world):
    """Someone who opens the form on day 6 and comes back to it on day 8 is told to ask again."""
    user = invite(world)
    clock.shift(dt.timedelta(days=6))
    form_url = client.get(emailed_link())["Location"]
    clock.shift(dt.timedelta(days=2))
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert_expired_page(response)
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_new_invitation_gives_seven_more_days(client, clock, world):
    user = invite(world)
    clock.shift(dt.timedelta(days=8))
    assert_expired_page(client.get(emailed_link()))
    person_send_invitation(person=user, by=world.lead)
    clock.shift(dt.timedelta(days=5))
    assert set_password(client, emailed_link()).status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_link_works_once(client, clock, world):
    user = invite(world)
    link = emailed_link()
    set_password(client, link)
    clock.shift(dt.timedelta(days=1))
    assert_expired_page(client.get(link))
    user.refresh_from_db()
    assert not invitation_token_generator.check_token(user, link.rstrip("/").split("/")[-1])


def test_an_earlier_invitation_stops_working_once_a_later_one_is_used(client, clock, world):
    user = invite(world)
    first = emailed_link()
    clock.shift(dt.timedelta(days=1))
    person_send_invitation(person=user, by=world.lead)
    second = emailed_link()
    assert first != second
    set_password(client, second)
    assert_expired_page(client.get(first))


def test_the_link_stops_working_when_the_person_is_deactivated(client, world):
    user = invite(world)
    person_deactivate(by=world.lead, person=user)
    assert_expired_page(client.get(emailed_link()))


# --- invitation and password reset links are not interchangeable ---------------------------------


def uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def test_a_password_reset_token_is_refused_as_an_invitation(client, world):
    user = invite(world)
    reset_token = default_token_generator.make_token(user)
    assert default_token_generator.check_token(user, reset_token)
    link = reverse("invitation_confirm", kwargs={"uidb64": uid(user), "token": reset_token})
    assert_expired_page(client.get(link))
    assert not invitation_token_generator.check_token(user, reset_token)


def test_an_invitation_token_is_refused_as_a_password_reset(client, world):
    user = invite(world)
    token = emailed_link().rstrip("/").split("/")[-1]
    link = reverse("password_reset_confirm", kwargs={"uidb64": uid(user), "token": token})
    response = client.get(link)
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
    assert not default_token_generator.check_token(user, token)


def test_a_reset_token_kept_in_the_session_does_not_open_the_invitation_form(client, world):
    """Django keeps an opened link's token in the session; each form checks it with its own
    kind of token, so opening a reset link does not unlock the invitation form."""
    user = invite(world)
    reset_token = default_token_generator.make_token(user)
    opened = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": uid(user), "token": reset_token})
    )
    assert opened.status_code == 302  # the reset form now trusts this session
    invitation_form = reverse(
        "invitation_confirm", kwargs={"uidb64": uid(user), "token": "set-password"}
    )
    response = client.post(invitation_form, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert_expired_page(response)
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_forgotten_password_link_still_lasts_only_two_hours(client, clock, world):
    user = world.police.practitioner
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[-1].body).group(1)
    clock.shift(dt.timedelta(hours=3))
    response = client.get(link)
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()


# --- who can be sent one ------------------------------------------------------------------------


def test_someone_who_has_set_a_password_is_not_sent_an_invitation(client, world):
    person = world.csc.practitioner
    with pytest.raises(Refused, match="has set a password already"):
        person_send_invitation(person=person, by=world.lead)
    client.force_login(world.lead)
    response = client.post(
        reverse("escalations:people_resend_invitation", kwargs={"pk": person.pk}), follow=True
    )
    assert "has set a password already" in response.content.decode()
    assert mail.outbox == []


def test_an_invitation_link_does_not_open_for_someone_with_a_password(client, world):
    person = world.csc.practitioner
    token = invitation_token_generator.make_token(person)
    link = reverse("invitation_confirm", kwargs={"uidb64": uid(person), "token": token})
    assert_expired_page(client.get(link))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(7 * 86400, "7 days"), (86400, "1 day"), (2 * 3600, "2 hours"), (90 * 60, "90 minutes")],
)
def test_lifetimes_are_put_in_words(seconds, words):
    assert describe_lifetime(seconds) == words
