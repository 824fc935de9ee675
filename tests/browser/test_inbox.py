"""All that waits, in a real browser (issue 14, item 2): a manager who holds stage 2 finds the
other side's proposed extension in their inbox, with the count in the navigation, and accepts
it from there."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from escalations import services
from escalations.models import Extension
from tests.browser.conftest import share_session
from tests.factories import raise_one

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_finds_an_extension_to_accept_in_the_inbox(page, live_server, world):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="No change at stage 1."
    )
    escalation.refresh_from_db()
    services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.manager,
        new_due_date=escalation.stage_due_at.date() + dt.timedelta(days=7),
        reason="The strategy meeting is next week.",
    )
    share_session(page, live_server.url, world.police.manager)
    page.goto(f"{live_server.url}/")
    expect(page.locator(".app-nav-count")).to_contain_text("1")
    waiting = page.get_by_role("table", name="Waiting for me (1)")
    expect(waiting).to_contain_text("An extension to accept or decline")
    waiting.get_by_role("link", name=escalation.reference).click()
    page.get_by_role("link", name="Accept the extension").click()
    page.get_by_role("button", name="Accept the extension").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert Extension.objects.get().status == "accepted"
    page.goto(f"{live_server.url}/")
    waiting = page.get_by_role("table", name="Waiting for me (1)")
    expect(waiting).not_to_contain_text("An extension to accept")
    expect(waiting).to_contain_text("You hold stage 2")  # theirs still, with the new date
