"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator

from tests.signing_in import PASSWORD, app_of, code_for, give_second_factor

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests

AXE = (Path(__file__).parent / "axe.min.js").read_text()


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical WCAG violations on the page as it stands."""
    page.evaluate(AXE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def share_session(page, base_url: str, user):
    """The browser signed in as ``user`` without the sign-in page (``force_login``, which
    stands for a completed sign-in), sharing its session with the test client returned."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )
    return client


def sign_in(page, live_server, user, password: str = PASSWORD) -> None:
    """Through the sign-in page: the password, then a code from the person's authenticator
    app (set up for them first if they have none)."""
    has_app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    app = app_of(user) if has_app else give_second_factor(user)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(code_for(app))
    page.get_by_role("button", name="Continue").click()


def fill_date(page, legend: str, day) -> None:
    """A GOV.UK date input, found by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
