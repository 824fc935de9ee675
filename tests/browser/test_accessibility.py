"""axe-core on every kind of page, each seen by the person it is for, in the state that
shows the most of it: no serious or critical WCAG violation anywhere.

Each case builds what its page needs through the service functions (and, for the raise
journey, by answering the earlier pages through Django's test client on the browser's own
session), opens the page in Chromium, checks it is the page meant (its heading and status),
then runs axe. Signing in is done by handing the browser a session cookie: the sign-in page
itself is one of the cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from escalations import services
from escalations.models import Escalation, Extension, Role, User
from escalations.people import person_invite
from escalations.reports.board import report_text_save
from escalations.reports.publishing import report_publish
from escalations.tokens import invitation_token_generator
from tests.browser.conftest import serious_violations, share_session
from tests.factories import World, raise_one
from tests.signing_in import confirm_identity, give_second_factor
from workflows.timescales import Clock

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "/escalations/new/"


class Scene:
    """One page to check: the browser, the live server and a small partnership."""

    def __init__(self, page: Page, live_server, world: World) -> None:
        self.page = page
        self.base = live_server.url
        self.world = world
        self.client: Client | None = None
        self._escalation: Escalation | None = None

    # who is looking -----------------------------------------------------------------------

    def sign_in(self, user: User) -> Client:
        """The browser signed in as this person, sharing its session with a test client."""
        self.client = share_session(self.page, self.base, user)
        return self.client

    # what they look at --------------------------------------------------------------------

    def go(self, path: str, heading: str, *, status: int = 200) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None
        assert response.status == status, f"{path}: {response.status}"
        self.see(heading)

    def see(self, heading: str) -> None:
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(heading)

    def press(self, button: str) -> None:
        self.page.get_by_role("button", name=button, exact=True).click()

    def shows_errors(self) -> None:
        expect(self.page.locator(".govuk-error-summary")).to_be_visible()

    # what there is to see -----------------------------------------------------------------

    @property
    def escalation(self) -> Escalation:
        """The police practitioner's escalation with children's services, at stage 1."""
        if self._escalation is None:
            self._escalation = raise_one(self.world)
        return self._escalation

    def acknowledged(self) -> Escalation:
        escalation = self.escalation
        services.escalation_acknowledge(
            escalation=escalation,
            by=self.world.csc.practitioner,
            holder=self.world.csc.practitioner,
        )
        escalation.refresh_from_db()
        return escalation

    def escalated(self) -> Escalation:
        escalation = self.acknowledged()
        services.escalation_respond(
            escalation=escalation,
            by=self.world.csc.practitioner,
            decision="stands",
            response="The threshold was applied correctly.",
        )
        services.escalation_escalate(
            escalation=escalation,
            by=self.world.police.practitioner,
            reason="A fourth incident since.",
        )
        escalation.refresh_from_db()
        return escalation

    def page_of(self, escalation: Escalation, action: str = "") -> str:
        return f"/escalations/{escalation.reference}/{action}"

    # the raise journey, answered through the browser's own session ---------------------------

    def answered(self, upto: str) -> None:
        """The raise journey's pages answered in order, up to (not including) ``upto``."""
        assert self.client is not None
        for path, answers in self.raise_answers():
            if path == upto:
                return
            response = self.client.post(f"{NEW}{path}", answers)
            assert response.status_code == 302, f"{path}: {response.status_code}"
        raise AssertionError(f"No such page of the raise journey: {upto}")

    def raise_answers(self) -> list[tuple[str, dict[str, str]]]:
        return [
            ("", {"immediate_risk": "no"}),
            ("other-processes/", {"route": "none"}),
            ("about/", {"subject": "children"}),
            ("children/", {"child_1_raising": "POL-123456", "child_1_age_band": "Under 1"}),
            (
                "agency/",
                {
                    "receiving_agency": str(self.world.csc.agency.pk),
                    "category": "threshold",
                    "case_status": "child_in_need",
                },
            ),
            (
                "disagreement/",
                {
                    "decision_disputed": "Referral closed at the front door.",
                    "reasons": "Third incident in a month with a baby at home.",
                    "impact_on_child": "The baby stays at risk.",
                    "outcome_sought": "A strategy discussion.",
                },
            ),
            ("family-and-urgency/", {"family_informed": "yes", "urgency": "standard"}),
            ("check/", {}),
        ]


@pytest.fixture(scope="module")
def _one_context(browser):
    """One browser context for the module, so that the style sheet, scripts and fonts are
    fetched once rather than for every page."""
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(_one_context):
    """A new tab in the module's browser context, signed out: no cookies carried over."""
    _one_context.clear_cookies()
    tab = _one_context.new_page()
    yield tab
    tab.close()


Case = Callable[[Scene], None]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(function: Case) -> Case:
        CASES[name] = function
        return function

    return register


# signing in and out ------------------------------------------------------------------------


@case("sign-in")
def _sign_in(s: Scene) -> None:
    s.go("/accounts/login/", "Sign in to Resolve")


@case("sign-in-with-errors")
def _sign_in_errors(s: Scene) -> None:
    s.go("/accounts/login/", "Sign in to Resolve")
    s.page.get_by_label("Username").fill(s.world.police.practitioner.username)
    s.press("Sign in")
    s.shows_errors()


@case("sign-in-code")
def _sign_in_code(s: Scene) -> None:
    person = s.world.police.practitioner
    give_second_factor(person)
    s.go("/accounts/login/", "Sign in to Resolve")
    s.page.get_by_label("Username").fill(person.username)
    s.page.get_by_label("Password").fill("x")
    s.press("Sign in")
    s.see("Enter the code from your authenticator app")


@case("set-up-the-app")
def _set_up(s: Scene) -> None:
    s.go("/accounts/login/", "Sign in to Resolve")
    s.page.get_by_label("Username").fill(s.world.police.practitioner.username)
    s.page.get_by_label("Password").fill("x")
    s.press("Sign in")
    s.see("Set up your authenticator app")


@case("your-second-factor")
def _second_factor(s: Scene) -> None:
    give_second_factor(s.world.police.practitioner)
    s.sign_in(s.world.police.practitioner)
    s.go("/accounts/2fa/", "Your second factor")


@case("password-again")
def _password_again(s: Scene) -> None:
    give_second_factor(s.world.police.practitioner)
    s.sign_in(s.world.police.practitioner)
    s.go("/accounts/2fa/recovery-codes/", "Enter your password again")


@case("password-reset")
def _password_reset(s: Scene) -> None:
    s.go("/accounts/password-reset/", "Reset your password")


@case("password-reset-sent")
def _password_reset_sent(s: Scene) -> None:
    s.go("/accounts/password-reset/", "Reset your password")
    s.page.get_by_label("Email").fill(s.world.police.practitioner.email)
    s.press("Send the link")
    s.see("Check your email")


@case("password-reset-new-password")
def _password_reset_confirm(s: Scene) -> None:
    user = s.world.police.practitioner
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    s.go(f"/accounts/reset/{uid}/{token}/", "Set a new password")


def _invited(s: Scene) -> User:
    return person_invite(
        by=s.world.lead,
        username="new.starter",
        email="new.starter@example.org",
        first_name="New",
        last_name="Starter",
        role=Role.PRACTITIONER,
        agency=s.world.csc.agency,
        send=False,
    ).user


@case("invitation-set-password")
def _invitation_confirm(s: Scene) -> None:
    user = _invited(s)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_token_generator.make_token(user)
    s.go(f"/accounts/invitation/{uid}/{token}/", "Set your password")


@case("invitation-expired")
def _invitation_expired(s: Scene) -> None:
    user = _invited(s)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    s.go(f"/accounts/invitation/{uid}/not-a-token/", "This invitation link has expired")


# the inbox ---------------------------------------------------------------------------------


@case("inbox-practitioner")
def _inbox_practitioner(s: Scene) -> None:
    raise_one(s.world)
    raise_one(s.world, urgent=True, start_stage=1)
    s.sign_in(s.world.police.practitioner)
    s.go("/", "Inbox")
    expect(s.page.locator("table")).not_to_have_count(0)


@case("inbox-lead")
def _inbox_lead(s: Scene) -> None:
    raise_one(s.world)
    s.sign_in(s.world.lead)
    s.go("/", "Inbox")


# the raise journey -------------------------------------------------------------------------


@case("raise-immediate-risk")
def _raise_risk(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(NEW, "Is a child at immediate risk of significant harm?")


@case("raise-immediate-risk-with-errors")
def _raise_risk_errors(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(NEW, "Is a child at immediate risk of significant harm?")
    s.press("Continue")
    s.shows_errors()


@case("raise-act-now")
def _raise_acted(s: Scene) -> None:
    client = s.sign_in(s.world.police.practitioner)
    client.post(NEW, {"immediate_risk": "yes"})
    s.go(f"{NEW}act-now/", "Act now to protect the child")


@case("raise-act-now-with-errors")
def _raise_acted_errors(s: Scene) -> None:
    client = s.sign_in(s.world.police.practitioner)
    client.post(NEW, {"immediate_risk": "yes"})
    s.go(f"{NEW}act-now/", "Act now to protect the child")
    s.page.get_by_label("Day").fill("31")
    s.page.get_by_label("Month").fill("2")
    s.press("Continue")
    s.shows_errors()


@case("raise-other-processes")
def _raise_route(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("other-processes/")
    s.go(f"{NEW}other-processes/", "Is this about any of these?")


@case("raise-elsewhere")
def _raise_elsewhere(s: Scene) -> None:
    client = s.sign_in(s.world.police.practitioner)
    s.answered("other-processes/")
    client.post(f"{NEW}other-processes/", {"route": "lado"})
    s.go(f"{NEW}elsewhere/lado/", "Contact the local authority designated officer")


@case("raise-about")
def _raise_subject(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("about/")
    s.go(f"{NEW}about/", "Is the escalation about particular children?")


@case("raise-children")
def _raise_children(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("children/")
    s.go(f"{NEW}children/", "The children")


@case("raise-agency")
def _raise_agency(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("agency/")
    s.go(f"{NEW}agency/", "The agency and the decision")


@case("raise-agency-with-errors")
def _raise_agency_errors(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("agency/")
    s.go(f"{NEW}agency/", "The agency and the decision")
    s.press("Continue")
    s.shows_errors()


@case("raise-disagreement")
def _raise_disagreement(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("disagreement/")
    s.go(f"{NEW}disagreement/", "Your disagreement")


@case("raise-disagreement-with-errors")
def _raise_disagreement_errors(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("disagreement/")
    s.go(f"{NEW}disagreement/", "Your disagreement")
    s.press("Continue")
    s.shows_errors()


@case("raise-family-and-urgency")
def _raise_urgency(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("family-and-urgency/")
    s.go(f"{NEW}family-and-urgency/", "The family and urgency")


@case("raise-check-answers")
def _raise_check(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.answered("check/")
    s.go(f"{NEW}check/", "Check your answers before raising the escalation")


@case("raise-confirmation")
def _raise_confirmation(s: Scene) -> None:
    client = s.sign_in(s.world.police.practitioner)
    s.answered("check/")
    response = client.post(f"{NEW}check/")
    assert response.status_code == 302
    s.go(urlsplit(response["Location"]).path, "Escalation raised")


@case("raise-cannot-raise")
def _raise_forbidden(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go(NEW, "You cannot raise an escalation", status=403)


# the escalation page ------------------------------------------------------------------------


@case("escalation-as-raiser")
def _detail_raiser(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(s.escalation), s.escalation.reference)


@case("action-you-cannot-take-now")
def _cannot(s: Scene) -> None:
    s.sign_in(s.world.police.manager)
    s.go(s.page_of(s.escalation) + "withdraw/", "You cannot do this now", status=403)


@case("escalation-as-receiving-holder")
def _detail_receiving(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.escalation), s.escalation.reference)


@case("escalation-at-stage-2-with-case-file-task")
def _detail_stage_2(s: Scene) -> None:
    escalation = s.escalated()
    services.escalation_add_note(
        escalation=escalation, author=s.world.police.manager, text="Managers to meet on Friday."
    )
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(escalation), escalation.reference)


@case("escalation-resolved")
def _detail_resolved(s: Scene) -> None:
    escalation = s.escalated()
    services.escalation_resolve(
        escalation=escalation,
        by=s.world.police.manager,
        outcome="partly_agreed",
        summary="Managers met and agreed a strategy discussion.",
        agreed_actions="Team manager convenes it by Friday.",
        learning="Tell the referrer why a referral is closed.",
    )
    s.sign_in(s.world.police.manager)
    s.go(s.page_of(escalation), escalation.reference)
    expect(s.page.locator(".govuk-tag", has_text="Resolved")).to_be_visible()


# the actions on it ---------------------------------------------------------------------------


@case("action-acknowledge")
def _acknowledge(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.escalation, "acknowledge/"), "Acknowledge the escalation")


@case("action-respond")
def _respond(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.acknowledged(), "respond/"), "Respond to the escalation")


@case("action-respond-with-errors")
def _respond_errors(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.acknowledged(), "respond/"), "Respond to the escalation")
    s.press("Record the decision")
    s.shows_errors()


@case("action-respond-identifying-details")
def _respond_identifying(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.acknowledged(), "respond/"), "Respond to the escalation")
    s.page.get_by_label("Decision stands").check()
    s.page.get_by_label("Why did your agency decide this?").fill("Jayden Smith lives at NS1 4AB.")
    s.press("Record the decision")
    s.shows_errors()
    expect(s.page.locator(".govuk-warning-text")).to_contain_text("a postcode")


@case("action-escalate")
def _escalate(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(s.acknowledged(), "escalate/"), "Escalate to stage 2")


@case("action-resolve")
def _resolve(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(s.acknowledged(), "resolve/"), "Resolve the escalation")


@case("action-withdraw")
def _withdraw(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(s.escalation, "withdraw/"), "Withdraw the escalation")


@case("action-extend")
def _extend(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.acknowledged(), "extend/"), "Propose an extension")


@case("action-extend-with-errors")
def _extend_errors(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.acknowledged(), "extend/"), "Propose an extension")
    s.page.get_by_label("Day").fill("45")
    s.press("Propose the extension")
    s.shows_errors()


@case("action-accept-extension")
def _accept_extension(s: Scene) -> None:
    escalation = s.acknowledged()
    clock = Clock.of(partnership=escalation.partnership, policy=escalation.policy)
    new_due = timezone.localdate() + dt.timedelta(days=21)
    while not clock.is_working_day(new_due):
        new_due += dt.timedelta(days=1)
    services.escalation_propose_extension(
        escalation=escalation,
        by=s.world.csc.practitioner,
        new_due_date=new_due,
        reason="The assessment finishes at the end of the month.",
    )
    extension = Extension.objects.get(stage_record__escalation=escalation)
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(escalation, f"extension/{extension.pk}/accept/"), "Accept the extension")


@case("action-hand-over")
def _hand_over(s: Scene) -> None:
    s.sign_in(s.world.csc.practitioner)
    s.go(s.page_of(s.acknowledged(), "hand-over/"), "Hand over stage 1")


@case("action-note")
def _note(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(s.escalation, "note/"), "Add a note")


@case("action-case-file")
def _case_file(s: Scene) -> None:
    escalation = s.escalated()
    s.sign_in(s.world.police.practitioner)
    s.go(s.page_of(escalation, "case-file/1/"), "Confirm stage 1 is on your case file")


# the partnership team's pages ----------------------------------------------------------------


@case("dashboard-lead")
def _dashboard_lead(s: Scene) -> None:
    s.escalated()
    raise_one(s.world, urgent=True)
    s.sign_in(s.world.lead)
    s.go("/dashboard/", "Partnership dashboard")


@case("dashboard-analyst")
def _dashboard_analyst(s: Scene) -> None:
    s.escalated()
    s.sign_in(s.world.analyst)
    s.go("/dashboard/", "Partnership dashboard")


@case("notifications")
def _notifications(s: Scene) -> None:
    s.acknowledged()
    s.sign_in(s.world.csc.practitioner)
    s.go("/notifications/", "Notifications")


@case("people-list")
def _people(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/people/", "People")


@case("people-invite")
def _people_invite(s: Scene) -> None:
    confirm_identity(s.sign_in(s.world.lead), s.world.lead)
    s.go("/people/invite/", "Invite someone")


@case("people-person")
def _people_person(s: Scene) -> None:
    person = s.world.csc.practitioner
    confirm_identity(s.sign_in(s.world.lead), s.world.lead)
    s.go(f"/people/{person.pk}/", person.get_full_name())


@case("confirm-it-is-you")
def _confirm(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go(f"/people/{s.world.csc.practitioner.pk}/deactivate/", "Confirm it is you")


@case("reset-second-factor")
def _reset_second_factor(s: Scene) -> None:
    person = s.world.csc.practitioner
    give_second_factor(person)
    confirm_identity(s.sign_in(s.world.lead), s.world.lead)
    s.go(f"/people/{person.pk}/second-factor/", "Reset")


@case("people-contacts")
def _people_contacts(s: Scene) -> None:
    confirm_identity(s.sign_in(s.world.lead), s.world.lead)
    s.go(f"/people/agencies/{s.world.csc.agency.pk}/contacts/", "Stage contacts")


@case("partnership")
def _partnership(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/", str(s.world.partnership))


def at_stage_4_with_a_meeting(s: Scene) -> Escalation:
    escalation = s.escalated()
    for _ in range(2):
        services.escalation_escalate(
            escalation=escalation, by=s.world.police.practitioner, reason="Still no agreement."
        )
    services.escalation_convene_meeting(
        escalation=escalation,
        by=s.world.lead,
        meets_at=timezone.now() + dt.timedelta(days=3),
        invited=[s.world.lead, s.world.csc.senior_manager],
        positions_due_on=timezone.localdate() + dt.timedelta(days=1),
    )
    return escalation


@case("meeting-convene-with-errors")
def _meeting_convene(s: Scene) -> None:
    escalation = s.escalated()
    for _ in range(2):
        services.escalation_escalate(
            escalation=escalation, by=s.world.police.practitioner, reason="Still no agreement."
        )
    s.sign_in(s.world.lead)
    s.go(s.page_of(escalation, "meeting/convene/"), "Convene the stage 4 meeting")
    s.press("Convene the meeting")
    s.shows_errors()


@case("meeting-on-the-escalation-page")
def _meeting_page(s: Scene) -> None:
    escalation = at_stage_4_with_a_meeting(s)
    s.sign_in(s.world.lead)
    s.go(s.page_of(escalation), escalation.reference)


@case("meeting-position")
def _meeting_position(s: Scene) -> None:
    escalation = at_stage_4_with_a_meeting(s)
    s.sign_in(s.world.csc.senior_manager)
    s.go(s.page_of(escalation, "meeting/position/"), "Give your agency's position")


@case("meeting-record-with-errors")
def _meeting_record(s: Scene) -> None:
    escalation = at_stage_4_with_a_meeting(s)
    s.sign_in(s.world.lead)
    s.go(s.page_of(escalation, "meeting/record/"), "Record the stage 4 meeting")
    s.press("Record the meeting")
    s.shows_errors()


@case("settings-policy")
def _settings_policy(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/policy/", "Escalation policy")


@case("settings-policy-new-with-errors")
def _settings_policy_new(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/policy/new/", "Add version 2 of the policy")
    s.page.get_by_label("Days for stage 2").fill("0")
    s.press("Add version 2")
    s.shows_errors()


@case("settings-closure-days-with-errors")
def _settings_closure_days(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/closure-days/", "Closure days")
    s.press("Add closure day")
    s.shows_errors()


@case("settings-details")
def _settings_details(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/details/", "Partnership details")


@case("settings-agencies")
def _settings_agencies(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/agencies/", "Agencies")


@case("settings-agency-with-errors")
def _settings_agency(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/partnership/agencies/new/", "Add an agency")
    s.press("Save agency")
    s.shows_errors()


@case("your-account")
def _account(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go("/account/", "Your account")


@case("api-tokens")
def _api_tokens(s: Scene) -> None:
    s.sign_in(s.world.csc.manager)
    s.go("/account/api-tokens/", "API tokens")


@case("find")
def _find(s: Scene) -> None:
    s.escalated()
    s.sign_in(s.world.police.practitioner)
    s.go("/find/?mine=raised&state=open", "Find an escalation")


@case("security-log")
def _security_log(s: Scene) -> None:
    s.sign_in(s.world.scrutineer)
    s.go("/security-log/", "Security log")


@case("agency-systems")
def _webhooks(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/webhooks/", "Agency systems")


@case("annual-report")
def _report(s: Scene) -> None:
    s.escalated()
    report_text_save(
        by=s.world.lead,
        partnership=s.world.partnership,
        year=2026,
        foreword="A year of disagreements settled sooner.\n\nThe board thanks everyone.",
        key_messages=["Most were settled at stage 1", "Urgent ones were answered in hours"],
        approved=False,
    )
    # a published report: its table scrolls on a phone, and so does its hidden text
    report_publish(
        by=s.world.lead,
        partnership=s.world.partnership,
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        edition="public",
        kind="quarter",
    )
    s.sign_in(s.world.lead)
    s.go("/reports/annual/2026/", "Annual report")  # every figure beside the year before


@case("annual-report-words-with-errors")
def _report_words(s: Scene) -> None:
    s.sign_in(s.world.lead)
    s.go("/reports/annual/2026/words/", "Foreword and key messages")
    s.page.get_by_label("Key messages").fill("\n".join(f"Message {n}" for n in range(9)))
    s.press("Save the words")
    s.shows_errors()


# open to everyone ----------------------------------------------------------------------------


@case("public-progress")
def _public(s: Scene) -> None:
    s.go("/public/", "How professional differences are being resolved")


@case("accessibility-statement")
def _accessibility(s: Scene) -> None:
    s.go("/accessibility/", "Accessibility statement for Resolve")


@case("privacy-notice")
def _privacy(s: Scene) -> None:
    s.go("/privacy/", "Privacy notice")


# refusals ------------------------------------------------------------------------------------


@case("forbidden-403")
def _forbidden(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go("/people/", "You cannot do this", status=403)


@case("not-found-404")
def _not_found(s: Scene) -> None:
    s.sign_in(s.world.police.practitioner)
    s.go("/escalations/ESC-1999-0001/", "Page not found", status=404)


def sideways_scroll(page, width: int) -> int:
    """How far the page scrolls sideways at this width (0 when it reflows)."""
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("name", list(CASES))
def test_no_serious_accessibility_violations(name, page, live_server, world):
    """axe finds nothing serious, and the page reflows (WCAG 2.2, 1.4.10): no sideways
    scrolling on a 320 px phone or a 1280 px laptop."""
    CASES[name](Scene(page, live_server, world))
    assert serious_violations(page) == []
    assert sideways_scroll(page, 320) == 0
    assert sideways_scroll(page, 1280) == 0
