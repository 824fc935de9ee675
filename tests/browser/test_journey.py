"""The whole story in a real browser, one browser context a person, everyone signing in
through the sign-in page: a police practitioner raises an escalation with children's
services, children's services acknowledges it and says the decision stands, the raiser
escalates it to stage 2, and the police manager (the raising side's stage-2 holder: the
police name no stage contacts, so their managers hold stage 2) resolves it."""

import re

import pytest
from playwright.sync_api import Page, expect

from escalations.models import Escalation, Outcome
from tests.browser.conftest import sign_in
from workflows.states import Status

pytestmark = pytest.mark.django_db(transaction=True)


def _person(browser, live_server, user):
    """A fresh browser context for one person, signed in through the sign-in page."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, user)
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    return context, page


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def _action(page: Page, name: str):
    """A link in the escalation page's list of actions."""
    return page.get_by_role("list", name="Actions").get_by_role("link", name=name, exact=True)


def _success_banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def _raise(page: Page, world) -> str:
    """Every page of the raise journey, as the police practitioner; the reference shown."""
    page.get_by_role("link", name="Raise an escalation").click()

    expect(_heading(page, "Is a child at immediate risk of significant harm?")).to_be_visible()
    page.get_by_label("No", exact=True).check()
    _continue(page)

    expect(_heading(page, "Is this about any of these?")).to_be_visible()
    page.get_by_label("None of these", exact=True).check()
    _continue(page)

    expect(_heading(page, "Is the escalation about particular children?")).to_be_visible()
    page.get_by_label("One or more children").check()
    _continue(page)

    expect(_heading(page, "The children")).to_be_visible()
    first = page.get_by_role("group", name="First child")
    first.get_by_label("Case number", exact=True).fill("POL-123456")
    first.get_by_label("The other agency's case number (optional)").fill("CSC-98765")
    first.get_by_label("Age band (optional)").select_option("Under 1")
    _continue(page)

    expect(_heading(page, "The agency and the decision")).to_be_visible()
    page.get_by_label("Which agency made the decision you disagree with?").select_option(
        label=str(world.csc.agency)
    )
    page.get_by_label("Threshold or level of need (front door or MASH decision)").check()
    page.get_by_label("Level of need (optional)").select_option("Level 3: child in need")
    page.get_by_role("group", name="What is the child's case status now?").get_by_label(
        "Child in need"
    ).check()
    _continue(page)

    expect(_heading(page, "Your disagreement")).to_be_visible()
    page.get_by_label("What decision do you disagree with?").fill(
        "Referral closed at the front door as not meeting threshold."
    )
    page.get_by_label("Why do you disagree?").fill(
        "Third domestic abuse incident in a month with a baby in the home."
    )
    page.get_by_label("What does this mean for the child?").fill(
        "The baby stays in a home with repeated violence and no plan."
    )
    page.get_by_label("What outcome are you asking for?").fill("A strategy discussion.")
    _continue(page)

    expect(_heading(page, "The family and urgency")).to_be_visible()
    page.get_by_role(
        "group", name="Has the family been told about this disagreement?"
    ).get_by_label("Yes", exact=True).check()
    page.get_by_label("Not urgent").check()
    _continue(page)

    expect(_heading(page, "Check your answers before raising the escalation")).to_be_visible()
    expect(page.get_by_text("Your case number: POL-123456")).to_be_visible()
    page.get_by_role("button", name="Raise the escalation").click()

    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Escalation raised")).to_be_visible()
    expect(panel).to_contain_text("Your reference")
    reference = panel.locator("strong").inner_text().strip()
    assert reference
    expect(page.get_by_text(f"We have told {world.csc.agency}.")).to_be_visible()
    return reference


def test_raise_acknowledge_respond_escalate_and_resolve(browser, live_server, world):
    contexts = []
    try:
        # 1. the police practitioner raises it
        police_context, police = _person(browser, live_server, world.police.practitioner)
        contexts.append(police_context)
        reference = _raise(police, world)

        # 2. children's services' stage-1 contact finds it in the inbox and acknowledges it
        csc_context, csc = _person(browser, live_server, world.csc.practitioner)
        contexts.append(csc_context)
        csc.get_by_role("link", name=reference).click()
        expect(_heading(csc, reference)).to_be_visible()
        expect(csc.locator(".govuk-tag", has_text="Stage 1")).to_be_visible()
        expect(csc.get_by_text(f"{world.csc.agency} has not acknowledged it yet")).to_be_visible()

        _action(csc, "Acknowledge").click()
        expect(_heading(csc, "Acknowledge the escalation")).to_be_visible()
        expect(csc.get_by_label("Who holds this escalation for your agency?")).to_have_value(
            str(world.csc.practitioner.pk)
        )
        csc.get_by_role("button", name="Acknowledge").click()
        expect(_heading(csc, reference)).to_be_visible()
        expect(_success_banner(csc)).to_contain_text(f"{reference} acknowledged.")
        expect(csc.get_by_text(f"{world.csc.agency} has not acknowledged it yet")).to_have_count(0)

        # 3. ... and responds: the decision stands
        _action(csc, "Respond").click()
        expect(_heading(csc, "Respond to the escalation")).to_be_visible()
        csc.get_by_label("Decision stands").check()
        csc.get_by_label("Why did your agency decide this?").fill(
            "The incidents were assessed together; a single assessment is under way."
        )
        csc.get_by_role("button", name="Record the decision").click()
        expect(_heading(csc, reference)).to_be_visible()
        expect(_success_banner(csc)).to_contain_text("Your agency's decision is recorded")
        expect(csc.get_by_text("Decision stands", exact=True)).to_be_visible()

        # 4. the raiser does not accept it and escalates to stage 2
        police.get_by_role("link", name="View the escalation").click()  # on the confirmation
        expect(police.get_by_text("Decision stands", exact=True)).to_be_visible()
        _action(police, "Escalate").click()
        expect(_heading(police, "Escalate to stage 2")).to_be_visible()
        police.get_by_label("Why are you escalating it?").fill(
            "A fourth incident since; the baby is still at risk and there is no plan."
        )
        police.get_by_role("button", name="Escalate").click()
        expect(_heading(police, reference)).to_be_visible()
        expect(_success_banner(police)).to_contain_text(f"{reference} is now at stage 2.")
        expect(police.locator(".govuk-tag", has_text="Stage 2")).to_be_visible()

        # 5. the police manager holds stage 2 for the raising side, and resolves it
        manager_context, manager = _person(browser, live_server, world.police.manager)
        contexts.append(manager_context)
        manager.get_by_role("link", name=reference).click()
        expect(_heading(manager, reference)).to_be_visible()
        _action(manager, "Resolve").click()
        expect(_heading(manager, "Resolve the escalation")).to_be_visible()
        manager.get_by_label("Partly agreed").check()
        manager.get_by_label("Summary of the resolution").fill(
            "Managers met; a strategy discussion will be held and the assessment goes on."
        )
        manager.get_by_label("Agreed actions").fill(
            "Children's services team manager convenes a strategy discussion by Friday."
        )
        manager.get_by_role("button", name="Resolve").click()
        expect(_heading(manager, reference)).to_be_visible()
        expect(_success_banner(manager)).to_contain_text(f"{reference} is resolved.")
        expect(
            manager.locator(".govuk-tag", has_text=re.compile(r"^\s*Resolved\s*$"))
        ).to_be_visible()
        expect(_action(manager, "Resolve")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()

    escalation = Escalation.objects.get(reference=reference)
    assert escalation.status == Status.RESOLVED
    assert escalation.stage == 2
    assert escalation.raised_by == world.police.practitioner
    assert escalation.receiving_agency == world.csc.agency
    assert escalation.receiving_holder == world.csc.practitioner
    assert escalation.outcome == Outcome.PARTLY_AGREED
    assert escalation.agreed_actions.startswith("Children's services team manager")
    stage_1, stage_2 = escalation.stage_records.order_by("stage")
    assert stage_1.get_conclusion_display() == "Escalated"
    assert stage_1.get_decision_display() == "Decision stands"
    assert stage_2.stage == 2
    assert stage_2.concluded_at is not None
    assert stage_2.get_conclusion_display() == "Resolved"
    assert stage_2.holders.filter(side="raising", user=world.police.manager).exists()
