"""Signing in and out, password reset by email, and a session that ends when left idle."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail

from tests.signing_in import code_for, give_second_factor, sign_in

pytestmark = pytest.mark.django_db


def test_signing_in_takes_a_practitioner_to_their_inbox(client, world):
    app = give_second_factor(world.police.practitioner)
    response = sign_in(client, world.police.practitioner, code=code_for(app))
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_wrong_password_is_refused_with_an_error_summary(client, world):
    response = sign_in(client, world.police.practitioner, "no")
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"<title>Error: Sign in" in response.content


def test_a_deactivated_person_cannot_sign_in(client, world):
    world.police.practitioner.is_active = False
    world.police.practitioner.save()
    response = sign_in(client, world.police.practitioner)
    assert response.status_code == 200  # the same answer as a wrong password
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(client, world):
    client.force_login(world.police.practitioner)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to sign-in


def test_a_password_reset_email_carries_a_working_link(client, world):
    user = world.police.practitioner
    client.post("/accounts/password-reset/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert b"Set a new password" in form_page.content
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a long new passphrase 42")


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, world):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_session_ends_after_thirty_minutes_without_a_request(client, world, clock):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(world.police.practitioner)
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200  # each request renews it
    clock.shift(dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.shift(dt.timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_forms_refuse_a_post_without_the_csrf_token(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.police.practitioner)
    assert strict.post("/escalations/new/", {}).status_code == 403
