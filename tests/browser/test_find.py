"""Find, in a real browser (issue 14, item 1): a practitioner asked "what happened to the one I
raised last March?" finds it by its case number, closed as it is, among the ones still open."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from escalations import services
from tests.browser.conftest import share_session
from tests.factories import raise_one

pytestmark = pytest.mark.django_db(transaction=True)

LAST_MARCH = dt.datetime(2025, 3, 11, 10, 0, tzinfo=dt.UTC)  # a Tuesday


def test_a_practitioner_finds_last_years_closed_escalation_by_its_case_number(
    page, live_server, world
):
    with time_machine.travel(LAST_MARCH, tick=False) as clock:
        closed = raise_one(world, child_reference="POL-777777")
        services.escalation_acknowledge(
            escalation=closed, by=world.csc.practitioner, holder=world.csc.practitioner
        )
        clock.shift(dt.timedelta(days=1))
        services.escalation_respond(
            escalation=closed,
            by=world.csc.practitioner,
            decision="stands",
            response="The threshold was applied correctly.",
        )
        services.escalation_escalate(
            escalation=closed, by=world.police.practitioner, reason="A fourth incident since."
        )
        clock.shift(dt.timedelta(days=2))
        services.escalation_resolve(
            escalation=closed,
            by=world.police.manager,
            outcome="partly_agreed",
            summary="Managers met and agreed a strategy discussion.",
            agreed_actions="Team manager convenes it by Friday.",
        )
    still_open = raise_one(world, child_reference="POL-888888")
    share_session(page, live_server.url, world.police.practitioner)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Find", exact=True).click()
    page.get_by_label("Reference or case number").fill("POL-777777")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_role("heading", name="1 escalation found")).to_be_visible()
    results = page.get_by_role("table")
    expect(results).to_contain_text("Resolved")
    expect(results).to_contain_text("11 March 2025")
    expect(results).not_to_contain_text(still_open.reference)
    results.get_by_role("link", name=closed.reference).click()
    expect(page.locator(".govuk-tag", has_text="Resolved")).to_be_visible()
    expect(
        page.get_by_role("definition").filter(has_text="Managers met and agreed")
    ).to_be_visible()
