"""Signing in, in a real browser, with the keyboard alone."""

import pytest

from tests.browser.conftest import serious_violations
from tests.signing_in import code_for, give_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sign_in_page_has_no_serious_accessibility_problems(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []


def test_a_wrong_password_shows_the_error_summary(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(world.police.practitioner.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert serious_violations(page) == []


def test_a_practitioner_signs_in_with_the_keyboard_alone(page, live_server, world):
    app = give_second_factor(world.police.practitioner)
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")  # the skip link
    page.get_by_label("Username").focus()
    page.keyboard.type(world.police.practitioner.username)
    page.keyboard.press("Tab")
    page.keyboard.type("x")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.get_by_label("Code").focus()
    page.keyboard.type(code_for(app))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert world.police.practitioner.get_full_name() in page.content()
