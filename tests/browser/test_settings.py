"""Settings without the admin, in a real browser (issue 14, item 4): the partnership lead
adds a new version of the escalation policy from a day to come and a closure day, from the
Partnership page, and sees both in force where they apply."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from escalations.models import ClosureDay, Policy
from tests.browser.conftest import fill_date, share_session
from workflows.calendar import LONDON

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_sets_a_new_policy_version_and_a_closure_day(page, live_server, world):
    today = dt.datetime.now(LONDON).date()
    starts = today + dt.timedelta(days=30)
    closed = today + dt.timedelta(days=10)
    share_session(page, live_server.url, world.lead)
    page.goto(f"{live_server.url}/partnership/")
    page.get_by_role("link", name="Escalation policy").click()
    expect(page.get_by_role("heading", level=2, name="In force now: version 1")).to_be_visible()
    page.get_by_role("link", name="Add a new version").click()
    expect(page.get_by_label("Days for stage 1")).to_have_value("3")  # from version 1
    fill_date(page, "In force from", starts)
    page.get_by_label("Days for stage 1").fill("5")
    page.get_by_label("Cut-off").fill("16:30")
    page.get_by_label("Escalate to the next stage automatically").check()
    page.get_by_role("button", name="Add version 2").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Version 2 of the policy is in force from {starts:%-d %B %Y}")
    versions = page.get_by_role("table", name="Versions")
    expect(versions).to_contain_text("Upcoming")
    added = Policy.objects.get(partnership=world.partnership, version=2)
    assert (added.stage_1_days, added.cutoff, added.escalate_on_breach) == (
        5,
        dt.time(16, 30),
        True,
    )
    assert added.effective_from == dt.datetime.combine(starts, dt.time(), tzinfo=LONDON)

    page.get_by_role("link", name="Back to").click()
    page.get_by_role("link", name="Closure days").click()
    fill_date(page, "Date", closed)
    page.get_by_label("Why they are closed").fill("Council closure")
    page.get_by_role("button", name="Add closure day").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{closed:%A %-d %B %Y} is a closure day"
    )
    expect(page.get_by_role("table", name="Closure days to come")).to_contain_text(
        "Council closure"
    )
    day = ClosureDay.objects.get(partnership=world.partnership)
    assert (day.date, day.history.get().history_user) == (closed, world.lead)
