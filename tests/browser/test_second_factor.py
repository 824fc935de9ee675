"""The whole local sign-in journey in a real browser (issue 12, item 1): accept an invitation,
set a password, set up the authenticator app (its codes computed with pyotp), sign out, sign in
with a code, use a recovery code once and see it refused the second time; the admin's own login
page does not let a password alone into the admin."""

import re

import pyotp
import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from escalations.models import Role
from escalations.people import person_invite
from tests.browser.conftest import serious_violations
from tests.signing_in import code_for, give_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-new-passphrase"


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def password_step(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(heading(page, "Sign in to Resolve")).to_be_visible()


def test_invitation_password_app_codes_and_recovery_codes(page, live_server, world):
    base = live_server.url
    person_invite(
        by=world.lead,
        username="priya.shah",
        email="priya.shah@example.org",
        first_name="Priya",
        last_name="Shah",
        role=Role.PRACTITIONER,
        agency=world.csc.agency,
    )
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mail.outbox[-1].body)[1]

    # the invitation: a password of at least 12 characters
    page.goto(f"{base}{link}")
    expect(heading(page, "Set your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()

    # the first sign-in opens nothing until the app is set up
    password_step(page, base, "priya.shah")
    expect(heading(page, "Set up your authenticator app")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{base}/find/")
    expect(heading(page, "Set up your authenticator app")).to_be_visible()
    page.get_by_text("I cannot scan the QR code").click()
    app = pyotp.TOTP(page.locator("#authenticator-secret").inner_text().strip())
    page.get_by_label("Code from the app").fill(app.now())
    page.get_by_role("button", name="Set up").click()

    # ten recovery codes, shown once set up
    expect(heading(page, "Your recovery codes")).to_be_visible()
    assert serious_violations(page) == []
    codes = page.get_by_role("list", name="Unused recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(heading(page, "Inbox")).to_be_visible()
    sign_out(page)

    # the password, then a code from the app (the next one: the set-up's is used)
    password_step(page, base, "priya.shah")
    expect(heading(page, "Enter the code from your authenticator app")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Code").fill(code_for(app, step=1))
    page.get_by_role("button", name="Continue").click()
    expect(heading(page, "Inbox")).to_be_visible()
    sign_out(page)

    # a recovery code in place of the phone, once
    password_step(page, base, "priya.shah")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(heading(page, "Inbox")).to_be_visible()
    sign_out(page)
    password_step(page, base, "priya.shah")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    expect(heading(page, "Enter the code from your authenticator app")).to_be_visible()


def test_the_admin_login_with_a_password_alone_does_not_reach_the_admin(page, live_server, world):
    base = live_server.url
    lead = world.lead
    lead.is_staff = lead.is_superuser = True
    lead.set_password(PASSWORD)
    lead.save()
    give_second_factor(lead)
    page.goto(f"{base}/admin/login/?next=/admin/")
    # Resolve's own sign-in, not the admin's password-only form
    expect(heading(page, "Sign in to Resolve")).to_be_visible()
    page.get_by_label("Username").fill(lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page, "Enter the code from your authenticator app")).to_be_visible()
    page.goto(f"{base}/admin/")
    assert "/admin/" not in page.url.split("?")[0]
    expect(page.get_by_text("Site administration")).to_have_count(0)
