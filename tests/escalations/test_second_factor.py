"""A second factor for every local account (issue 12, item 1; ADR 14): a one-time code from an
authenticator app after the password, recovery codes for a lost phone, set up at the first
sign-in before anything else opens, never turned off by its owner, reset by the lead."""

from __future__ import annotations

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ImproperlyConfigured

from escalations.models import Notification, NotificationEvent, SecurityEvent
from escalations.notifications import deliver_due
from tests.signing_in import (
    CODE,
    LOGIN,
    app_of,
    code_for,
    confirm_identity,
    give_second_factor,
    recovery_codes_of,
    sign_in,
)

SET_UP = "/accounts/2fa/totp/activate/"
pytestmark = pytest.mark.django_db


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def logged(person) -> list[str]:
    return list(
        SecurityEvent.objects.filter(subject=person).order_by("pk").values_list("kind", flat=True)
    )


# --- the first sign-in sets one up -----------------------------------------------------------


def test_a_first_sign_in_opens_nothing_but_setting_up_the_app(client, world):
    person = world.police.practitioner
    response = sign_in(client, person)
    assert response["Location"] == SET_UP
    for elsewhere in ("/", "/find/", "/escalations/new/", "/admin/", "/account/api-tokens/"):
        assert client.get(elsewhere)["Location"] == SET_UP, elsewhere
    page = client.get(SET_UP).content.decode()
    assert "Set up your authenticator app" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, an image the CSP allows
    assert "Inbox" not in page  # no navigation to pages that would not open


def test_setting_up_the_app_shows_recovery_codes_and_then_everything_opens(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    person = world.police.practitioner
    sign_in(client, person)
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', client.get(SET_UP).text)[1]
    app = pyotp.TOTP(secret)
    wrong = client.post(SET_UP, {"code": "123456" if app.now() != "123456" else "654321"})
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.text
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(SET_UP, {"code": app.now()})
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get(done["Location"]).text
    assert len(re.findall(r"<li><code>\d{8}</code></li>", codes)) == 10
    assert client.get("/").status_code == 200
    assert logged(person)[-1] == "second_factor_set_up"
    deliver_due()
    assert mailoutbox[-1].subject == "A second factor was set up for your account"
    assert "If this was not you" in mailoutbox[-1].body


def test_a_session_made_without_the_sign_in_page_stands_for_a_completed_sign_in(client, world):
    """The flag is set at sign-in, not worked out from the database on each request."""
    client.force_login(world.police.practitioner)
    assert client.get("/").status_code == 200


def test_the_secret_is_kept_encrypted(world):
    app = give_second_factor(world.police.practitioner)
    row = Authenticator.objects.get(user=world.police.practitioner, type="totp")
    assert app.secret not in str(row.data)
    assert app_of(world.police.practitioner).secret == app.secret


# --- signing in with a code --------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in(client, world):
    person = world.police.practitioner
    give_second_factor(person)
    response = sign_in(client, person)
    assert response["Location"] == CODE
    assert signed_in_as(client) is None
    assert client.get("/")["Location"].startswith(LOGIN)


def test_the_password_and_the_code_sign_in(client, world):
    person = world.police.practitioner
    app = give_second_factor(person)
    assert sign_in(client, person, code=code_for(app))["Location"] == "/"
    assert signed_in_as(client) == str(person.pk)
    assert logged(person)[-1] == "signed_in"


def test_a_code_is_refused_the_second_time(client, world):
    person = world.police.practitioner
    app = give_second_factor(person)
    code = code_for(app)
    sign_in(client, person, code=code)
    client.post("/accounts/logout/")
    again = sign_in(client, person, code=code)
    assert again.status_code == 200
    assert "That code is not right" in again.text
    assert signed_in_as(client) is None


def test_a_recovery_code_works_once(client, world, mailoutbox):
    person = world.police.practitioner
    give_second_factor(person)
    code = recovery_codes_of(person)[0]
    assert sign_in(client, person, code=code)["Location"] == "/"
    assert code not in recovery_codes_of(person)
    client.post("/accounts/logout/")
    assert sign_in(client, person, code=code).status_code == 200
    assert signed_in_as(client) is None
    assert "recovery_code_used" in logged(person)
    assert (
        Notification.objects.filter(
            recipient=person, event=NotificationEvent.RECOVERY_CODE_USED
        ).count()
        == 1
    )


def test_five_wrong_codes_stop_the_right_one_for_a_while(client, world, clock):
    import datetime as dt

    person = world.police.practitioner
    app = give_second_factor(person)
    assert sign_in(client, person)["Location"] == CODE
    right = code_for(app)
    wrong = "000001" if right != "000001" else "000002"
    for _ in range(5):
        assert "That code is not right" in client.post(CODE, {"code": wrong}).text
    refused = client.post(CODE, {"code": right})
    assert "Too many wrong codes" in refused.text
    assert signed_in_as(client) is None
    assert logged(person).count("second_factor_failed") == 5
    told = Notification.objects.filter(recipient=person, event=NotificationEvent.CODES_FAILING)
    assert told.count() == 1  # once, at the limit
    clock.shift(dt.timedelta(minutes=6))
    assert sign_in(client, person, code=code_for(app, step=1))["Location"] == "/"


def test_the_demo_code_is_refused_outside_debug(client, world, settings):
    person = world.police.practitioner
    give_second_factor(person)
    assert sign_in(client, person, code="000000").status_code == 200
    assert signed_in_as(client) is None
    settings.MFA_TOTP_INSECURE_BYPASS_CODE = "000000"
    from allauth.mfa import app_settings

    with pytest.raises(ImproperlyConfigured):
        _ = app_settings.TOTP_INSECURE_BYPASS_CODE


def test_the_demo_code_passes_with_debug_on(client, world, settings):
    settings.DEBUG = True
    settings.MFA_TOTP_INSECURE_BYPASS_CODE = "000000"
    person = world.police.practitioner
    give_second_factor(person)
    assert sign_in(client, person, code="000000")["Location"] == "/"


# --- no way round it ---------------------------------------------------------------------------


def test_the_admins_own_login_does_not_take_a_password_alone(client, world):
    lead = world.lead
    lead.is_staff = lead.is_superuser = True
    lead.save()
    give_second_factor(lead)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": lead.username, "password": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert signed_in_as(client) is None
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/signup/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/3rdparty/",
        "/accounts/social/connections/",
    ],
)
def test_sign_up_email_change_and_connected_accounts_do_not_exist(client, world, url):
    client.force_login(world.police.practitioner)
    assert client.get(url).status_code == 404


def test_nobody_turns_their_own_second_factor_off(client, world):
    person = world.lead
    give_second_factor(person)
    sign_in(client, person, code=code_for(app_of(person)))
    page = client.post("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert Authenticator.objects.filter(user=person, type="totp").exists()


# --- the lead resets a lost one ----------------------------------------------------------------


def test_the_lead_resets_a_lost_phone_and_the_person_is_told(client, world, mailoutbox):
    """The app, the recovery codes and the password stop working and the person is signed
    out everywhere; a link to set a new password goes to their own mailbox, so that a
    password alone (which someone else may know) never enrols the new app."""
    person = world.csc.practitioner
    give_second_factor(person)
    their_phone = client.__class__()
    their_phone.force_login(person)
    client.force_login(world.lead)
    url = f"/people/{person.pk}/second-factor/"
    assert client.get(url)["Location"].startswith("/account/confirm/")
    confirm_identity(client, world.lead)
    assert "Reset" in client.get(url).text
    client.post(url)
    assert not Authenticator.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert not person.has_usable_password()
    assert their_phone.get("/")["Location"].startswith(LOGIN)  # signed out there too
    event = SecurityEvent.objects.filter(subject=person, kind="second_factor_reset").get()
    assert event.by == world.lead
    invitation = mailoutbox[-1]
    assert invitation.to == [person.email]
    link = re.search(r"http://testserver(/accounts/invitation/\S+/)", invitation.body)[1]
    deliver_due()
    assert "reset" in mailoutbox[-1].subject
    assert sign_in(client.__class__(), person).status_code == 200  # the old password fails
    # from the link: a new password, then a new app at the next sign-in
    fresh = client.__class__()
    form = fresh.get(link)["Location"]
    new = "a brand new passphrase"
    assert fresh.post(form, {"new_password1": new, "new_password2": new}).status_code == 302
    assert sign_in(fresh, person, new)["Location"] == SET_UP


def test_nobody_else_resets_a_second_factor(client, world):
    person = world.csc.practitioner
    give_second_factor(person)
    client.force_login(world.csc.manager)
    confirm_identity(client, world.csc.manager)
    assert client.post(f"/people/{person.pk}/second-factor/").status_code == 403
    assert Authenticator.objects.filter(user=person).exists()


# --- confirming it is you ---------------------------------------------------------------------


def test_changing_someones_role_needs_the_password_and_code_again(client, world):
    person = world.csc.practitioner
    client.force_login(world.lead)
    page = client.get(f"/people/{person.pk}/")
    assert page["Location"] == f"/account/confirm/?next=%2Fpeople%2F{person.pk}%2F"
    give_second_factor(world.lead)
    wrong = client.post(
        "/account/confirm/", {"password": "not it", "code": code_for(app_of(world.lead))}
    )
    assert "That is not your password" in wrong.text
    no_code = client.post("/account/confirm/", {"password": "x", "code": "000001"})
    assert "That code is not right" in no_code.text or "There is a problem" in no_code.text
    done = client.post(
        "/account/confirm/",
        {"password": "x", "code": code_for(app_of(world.lead)), "next": f"/people/{person.pk}/"},
    )
    assert done["Location"] == f"/people/{person.pk}/"
    assert client.get(f"/people/{person.pk}/").status_code == 200
    assert "identity_confirmed" in logged(world.lead)


def test_the_confirmation_lasts_ten_minutes(client, world, clock):
    import datetime as dt

    client.force_login(world.lead)
    confirm_identity(client, world.lead)
    url = f"/people/{world.csc.practitioner.pk}/deactivate/"
    assert client.get(url).status_code == 200
    clock.shift(dt.timedelta(minutes=11))
    assert client.get(url)["Location"].startswith("/account/confirm/")


def test_a_confirmation_never_sends_you_elsewhere(client, world):
    client.force_login(world.lead)
    give_second_factor(world.lead)
    done = client.post(
        "/account/confirm/",
        {"password": "x", "code": code_for(app_of(world.lead)), "next": "https://example.org/"},
    )
    assert done["Location"] == "/"


def test_allauths_own_admin_pages_are_not_a_way_round_the_log(client, world):
    from django.contrib import admin

    assert not admin.site.is_registered(Authenticator)
