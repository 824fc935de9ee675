"""The raise journey with the keyboard alone: no mouse, no clicks. On every page the
practitioner starts at the top and tabs to the first field, chooses radios with Space and
the arrow keys, picks from lists with the arrow keys, types, and submits with Enter on the
button. Each step checks where the focus is, as a screen reader user would hear it."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from escalations.models import Escalation
from tests.signing_in import code_for, give_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED = """() => {
  const e = document.activeElement;
  const label = e.labels && e.labels.length ? e.labels[0].innerText.trim() : "";
  const chosen = e.tagName === "SELECT" && e.selectedIndex >= 0
    ? e.options[e.selectedIndex].text : "";
  return {tag: e.tagName, type: e.type || "", name: e.name || "", value: e.value || "",
          checked: !!e.checked, text: (e.innerText || "").trim(), label, chosen};
}"""


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted, *, key: str = "Tab", limit: int = 60) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focused element is the one wanted."""
    for _ in range(limit):
        page.keyboard.press(key)
        here = focused(page)
        if wanted(here):
            return here
    raise AssertionError(f"{key} never reached the element; focus ended on {focused(page)}")


def field(name: str):
    return lambda here: here["name"] == name


def button(text: str):
    return lambda here: here["tag"] == "BUTTON" and here["text"] == text


def press(page: Page, key: str) -> dict[str, Any]:
    page.keyboard.press(key)
    return focused(page)


def type_into(page: Page, name: str, text: str) -> None:
    """Tab on to the field named and type into it."""
    tab_to(page, field(name))
    page.keyboard.type(text)


def submit(page: Page, text: str = "Continue") -> None:
    """Tab on to the button and press Enter."""
    tab_to(page, button(text))
    page.keyboard.press("Enter")


def choose_in_list(page: Page, label: str) -> None:
    """On a focused select, the down arrow until the option is chosen."""
    for _ in range(10):
        if focused(page)["chosen"] == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label!r} is not in the list: {focused(page)}")


def heading(page: Page, name: str):
    return page.get_by_role("heading", name=name, level=1)


def test_a_practitioner_raises_an_escalation_with_the_keyboard_alone(page, live_server, world):
    raiser = world.police.practitioner

    # sign in
    app = give_second_factor(raiser)
    page.goto(f"{live_server.url}/accounts/login/")
    type_into(page, "login", raiser.username)
    type_into(page, "password", "x")
    submit(page, "Sign in")
    expect(heading(page, "Enter the code from your authenticator app")).to_be_visible()
    type_into(page, "code", code_for(app))
    submit(page)
    expect(heading(page, "Inbox")).to_be_visible()

    # the service navigation's link to raise one
    tab_to(page, lambda here: (here["tag"], here["text"]) == ("A", "Raise an escalation"))
    page.keyboard.press("Enter")

    # 1. immediate risk: into the group on "Yes", the down arrow chooses "No"
    expect(heading(page, "Is a child at immediate risk of significant harm?")).to_be_visible()
    here = tab_to(page, field("immediate_risk"))
    assert (here["value"], here["checked"]) == ("yes", False)
    here = press(page, "ArrowDown")
    assert (here["value"], here["checked"]) == ("no", True)
    submit(page)

    # 2. other processes: Tab goes past the group to the button, Shift+Tab comes back
    #    into it, and the up arrow wraps round to its last choice, "None of these"
    expect(heading(page, "Is this about any of these?")).to_be_visible()
    here = tab_to(page, field("route"))
    assert here["checked"] is False
    here = press(page, "Tab")
    assert (here["tag"], here["text"]) == ("BUTTON", "Continue")
    here = press(page, "Shift+Tab")
    assert here["name"] == "route"
    here = press(page, "ArrowUp")
    assert (here["name"], here["label"], here["checked"]) == ("route", "None of these", True)
    submit(page)

    # 3. about children: Space chooses the first
    expect(heading(page, "Is the escalation about particular children?")).to_be_visible()
    here = tab_to(page, field("subject"))
    assert here["label"] == "One or more children"
    assert press(page, " ")["checked"] is True
    submit(page)

    # 4. the children: the first child's case numbers and age band
    expect(heading(page, "The children")).to_be_visible()
    type_into(page, "child_1_raising", "POL-123456")
    assert press(page, "Tab")["name"] == "child_1_receiving"
    page.keyboard.type("CSC-98765")
    assert press(page, "Tab")["name"] == "child_1_age_band"
    choose_in_list(page, "Under 1")
    submit(page)

    # 5. the agency and the decision
    expect(heading(page, "The agency and the decision")).to_be_visible()
    tab_to(page, field("receiving_agency"))
    choose_in_list(page, str(world.csc.agency))
    here = press(page, "Tab")
    assert here["name"] == "category"
    assert here["label"].startswith("Threshold")
    assert press(page, " ")["checked"] is True
    assert press(page, "Tab")["name"] == "level_of_need"
    choose_in_list(page, "Level 3: child in need")
    here = press(page, "Tab")
    assert (here["name"], here["label"]) == ("case_status", "None")
    press(page, "ArrowDown")
    here = press(page, "ArrowDown")
    assert (here["label"], here["checked"]) == ("Child in need", True)
    submit(page)

    # 6. the disagreement: four text areas in turn
    expect(heading(page, "Your disagreement")).to_be_visible()
    type_into(page, "decision_disputed", "Referral closed at the front door.")
    type_into(page, "reasons", "Third domestic abuse incident in a month with a baby at home.")
    type_into(page, "impact_on_child", "The baby stays in a home with repeated violence.")
    type_into(page, "outcome_sought", "A strategy discussion.")
    submit(page)

    # 7. the family and urgency
    expect(heading(page, "The family and urgency")).to_be_visible()
    here = tab_to(page, field("family_informed"))
    assert here["label"] == "Yes"
    assert press(page, " ")["checked"] is True
    assert press(page, "Tab")["name"] == "family_not_informed_reason"
    here = press(page, "Tab")
    assert (here["name"], here["label"]) == ("urgency", "Not urgent")
    assert press(page, " ")["checked"] is True
    submit(page)

    # 8. check the answers, and raise it
    expect(heading(page, "Check your answers before raising the escalation")).to_be_visible()
    expect(page.get_by_text("Your case number: POL-123456")).to_be_visible()
    expect(page.get_by_text("Child in need", exact=True)).to_be_visible()
    submit(page, "Raise the escalation")

    # 9. the confirmation
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel.get_by_role("heading", name="Escalation raised")).to_be_visible()
    expect(panel).to_contain_text(re.compile(r"Your reference\s+ESC-\d{4}-\d+"))
    reference = panel.locator("strong").inner_text().strip()
    escalation = Escalation.objects.get(reference=reference)
    assert escalation.raised_by == raiser
    assert escalation.receiving_agency == world.csc.agency
    assert escalation.case_status == "child_in_need"
    assert escalation.children.get().age_band == "Under 1"
