"""A stage 4 meeting in a real browser (issue 14, item 5): the partnership lead convenes it
from the escalation page, a holder of stage 4 gives their agency's position, the lead records
who attended, then records the outcome, and the page shows it all."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from escalations import services
from escalations.models import Escalation, Meeting
from tests.browser.conftest import fill_date, share_session
from tests.factories import raise_one
from workflows.calendar import LONDON

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_convenes_holds_and_closes_a_stage_4_meeting(page, live_server, world):
    escalation = raise_one(world)
    for _ in range(3):
        services.escalation_escalate(
            escalation=escalation, by=world.police.practitioner, reason="Still no agreement."
        )
    today = dt.datetime.now(LONDON).date()
    meets_on = today + dt.timedelta(days=3)

    share_session(page, live_server.url, world.lead)
    page.goto(f"{live_server.url}{escalation.get_absolute_url()}")
    page.get_by_role("link", name="Convene the stage 4 meeting").click()
    fill_date(page, "Day of the meeting", meets_on)
    page.get_by_label("Time").fill("10:30")
    page.get_by_label(str(world.lead), exact=False).first.check()
    page.get_by_label(str(world.police.senior_manager), exact=False).check()
    page.get_by_label(str(world.csc.senior_manager), exact=False).check()
    fill_date(page, "Written positions due by", today + dt.timedelta(days=1))
    page.get_by_role("button", name="Convene the meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("convened")
    section = page.locator("dl", has=page.get_by_text("Positions due"))
    expect(section).to_contain_text(f"{meets_on:%-d %B %Y}, 10:30")
    expect(section).to_contain_text("Not given yet")

    share_session(page, live_server.url, world.csc.senior_manager)
    page.goto(f"{live_server.url}{escalation.get_absolute_url()}")
    page.get_by_role("link", name="Give your agency's position").click()
    page.get_by_label("Your agency's position").fill(
        "Children's services will hold a strategy discussion; we ask the meeting to agree it."
    )
    page.get_by_role("button", name="Give the position").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    meeting_summary = page.locator("dl", has=page.get_by_text("Positions due"))
    expect(meeting_summary.get_by_text("we ask the meeting to agree it")).to_be_visible()
    timeline = page.get_by_text("Written position given")
    expect(timeline).to_be_visible()

    meeting = Meeting.objects.get()
    Meeting.objects.filter(pk=meeting.pk).update(  # the meeting day has come
        convened_at=meeting.convened_at - dt.timedelta(days=5)
    )
    share_session(page, live_server.url, world.lead)
    page.goto(f"{live_server.url}{escalation.get_absolute_url()}")
    page.get_by_role("link", name="Record the meeting").click()
    fill_date(page, "The day it was held", today)
    page.get_by_label(str(world.lead), exact=False).first.check()
    page.get_by_label(str(world.csc.senior_manager), exact=False).check()
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Record its outcome"
    )
    invited = page.locator("dl", has=page.get_by_text("Positions due"))
    expect(invited).to_contain_text("Did not attend")
    expect(invited).to_contain_text(f"Held {today:%-d %B %Y}")

    page.get_by_role("list", name="Actions").get_by_role("link", name="Resolve").click()
    page.get_by_label("Not agreed: decision stands and dissent recorded").check()
    page.get_by_label("Summary").fill("The partners heard both positions; dissent recorded.")
    page.get_by_label("Agreed actions").fill("Strategy discussion by Friday.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert Escalation.objects.get(pk=escalation.pk).status == "resolved"
    expect(page.get_by_role("heading", name="Stage 4 meeting", exact=True)).to_be_visible()
