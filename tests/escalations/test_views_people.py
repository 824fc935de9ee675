"""People (DESIGN.md sections 2 and 3): the partnership lead invites people, sets their
agency, role and stage contacts, and deactivates leavers once their stages are handed over."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from escalations import services
from escalations.models import (
    Membership,
    Role,
    StageContact,
    StageHolder,
    User,
)
from escalations.people import current_holdings
from escalations.tokens import invitation_token_generator
from tests.factories import make_user, make_world, raise_one
from tests.signing_in import as_confirmed

pytestmark = pytest.mark.django_db

PEOPLE = reverse("escalations:people")
INVITE = reverse("escalations:people_invite")


def person_url(user) -> str:
    return reverse("escalations:people_person", kwargs={"pk": user.pk})


def deactivate_url(user) -> str:
    return reverse("escalations:people_deactivate", kwargs={"pk": user.pk})


def contacts_url(agency) -> str:
    return reverse("escalations:people_contacts", kwargs={"pk": agency.pk})


def invitation(world, **changes) -> dict:
    data = {
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya.shah@example.org",
        "username": "priya.shah",
        "role": Role.MANAGER,
        "agency": world.csc.agency.pk,
        "job_title": "Team manager, front door",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_people_is_at_its_path():
    assert PEOPLE == "/people/"


def test_the_lead_sees_everyone_and_the_stage_contacts(client, world):
    as_confirmed(client, world.lead)
    response = client.get(PEOPLE)
    assert response.status_code == 200
    html = response.content.decode()
    for user in (world.police.practitioner, world.csc.manager, world.analyst):
        assert str(user) in html
    assert "Stage contacts" in html
    assert contacts_url(world.csc.agency) in html


# --- invitations -----------------------------------------------------------------------------


def test_the_lead_invites_someone(client, world):
    as_confirmed(client, world.lead)
    response = client.post(INVITE, invitation(world))
    user = User.objects.get(username="priya.shah")
    assert response.status_code == 302
    assert response["Location"] == person_url(user)
    assert not user.has_usable_password()
    assert user.is_active
    assert (user.first_name, user.last_name, user.email) == (
        "Priya",
        "Shah",
        "priya.shah@example.org",
    )
    membership = Membership.objects.get(user=user)
    assert (membership.partnership, membership.agency, membership.role) == (
        world.partnership,
        world.csc.agency,
        Role.MANAGER,
    )
    assert membership.job_title == "Team manager, front door"
    assert user.history.get().history_user == world.lead
    assert membership.history.get().history_user == world.lead


def test_the_invitation_email_carries_a_password_set_link_and_no_password(client, world):
    as_confirmed(client, world.lead)
    client.post(INVITE, invitation(world))
    user = User.objects.get(username="priya.shah")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya.shah@example.org"]
    assert "priya.shah" in message.body
    found = re.search(r"http://testserver/accounts/invitation/([^/]+)/([^/]+)/", message.body)
    assert found is not None
    uidb64, token = found.groups()
    assert invitation_token_generator.check_token(user, token)
    assert found.group(0) in message.alternatives[0][0]
    assert "resolve-demo" not in message.body
    assert "password:" not in message.body.lower()

    # the link lets them set a password, once
    client.logout()
    response = client.get(found.group(0))
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(
        form_url,
        {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-new-passphrase")
    assert client.get(found.group(0)).status_code == 200  # the page says the link has expired
    assert not invitation_token_generator.check_token(user, token)


def test_partnership_staff_are_invited_without_an_agency(client, world):
    as_confirmed(client, world.lead)
    response = client.post(
        INVITE, invitation(world, role=Role.SCRUTINEER, agency="", username="scrutiny2")
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__username="scrutiny2").agency is None


def test_the_lead_can_send_the_invitation_again(client, world):
    as_confirmed(client, world.lead)
    client.post(INVITE, invitation(world))
    user = User.objects.get(username="priya.shah")
    response = client.post(reverse("escalations:people_resend_invitation", kwargs={"pk": user.pk}))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["priya.shah@example.org"]


def assert_nothing_written(before_users: int) -> None:
    assert User.objects.count() == before_users
    assert not User.objects.filter(username="priya.shah").exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter their first name"),
        ({"email": None}, "email", "Enter their email address"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"username": ""}, "username", "Enter a username"),
        ({"username": "has spaces"}, "username", "Enter a valid username"),
        ({"role": ""}, "role", "Choose their role"),
        ({"agency": ""}, "agency", "Choose the agency a practitioner or manager works for"),
        ({"role": Role.ANALYST}, "agency", "Partnership staff belong to no agency"),
    ],
)
def test_bad_input_is_shown_again_and_nothing_is_written(client, world, changes, field, message):
    before = User.objects.count()
    as_confirmed(client, world.lead)
    response = client.post(INVITE, invitation(world, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html
    assert_nothing_written(before)


def test_an_agency_of_another_partnership_is_refused(client, world):
    other = make_world()
    before = User.objects.count()
    as_confirmed(client, world.lead)
    response = client.post(INVITE, invitation(world, agency=other.csc.agency.pk))
    assert response.status_code == 200
    assert "Choose an agency of this partnership." in response.context["form"].errors["agency"]
    assert_nothing_written(before)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "EXISTING"}, "username"),
        ({"email": "Existing@Example.org"}, "email"),
    ],
)
def test_a_username_or_email_already_in_use_is_refused(client, world, changes, field):
    world.police.colleague.username = "existing"
    world.police.colleague.email = "existing@example.org"
    world.police.colleague.save()
    before = User.objects.count()
    as_confirmed(client, world.lead)
    response = client.post(INVITE, invitation(world, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert_nothing_written(before)


# --- role, agency and details ----------------------------------------------------------------


def test_the_lead_changes_a_persons_role_and_agency(client, world):
    person = world.police.colleague
    as_confirmed(client, world.lead)
    response = client.post(
        person_url(person),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "role": Role.MANAGER,
            "agency": world.csc.agency.pk,
            "job_title": "Deputy team manager",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.role, membership.agency) == (Role.MANAGER, world.csc.agency)
    latest = membership.history.first()
    assert latest.history_user == world.lead
    assert "Moved from" in latest.history_change_reason


def test_a_holder_keeps_role_and_agency_until_the_stage_is_handed_over(client, world, clock):
    raise_one(world)
    person = world.csc.practitioner
    as_confirmed(client, world.lead)
    response = client.post(
        person_url(person),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "role": Role.MANAGER,
            "agency": world.csc.agency.pk,
        },
    )
    assert response.status_code == 200
    assert "hand it over" in " ".join(response.context["form"].non_field_errors())
    assert Membership.objects.get(user=person).role == Role.PRACTITIONER


# --- stage contacts --------------------------------------------------------------------------


def test_the_lead_sets_an_agencys_stage_contacts(client, world):
    csc = world.csc
    as_confirmed(client, world.lead)
    page = client.get(contacts_url(csc.agency))
    assert page.status_code == 200
    response = client.post(
        contacts_url(csc.agency),
        {
            "stage_1": [csc.practitioner.pk, csc.colleague.pk],
            "stage_2": [csc.manager.pk],
            "stage_3": [csc.senior_manager.pk],
        },
    )
    assert response.status_code == 302
    contacts = set(StageContact.objects.filter(agency=csc.agency).values_list("stage", "user_id"))
    assert contacts == {
        (1, csc.practitioner.pk),
        (1, csc.colleague.pk),
        (2, csc.manager.pk),
        (3, csc.senior_manager.pk),
    }
    added = StageContact.history.filter(user_id=csc.senior_manager.pk).get()
    assert added.history_user == world.lead

    client.post(contacts_url(csc.agency), {"stage_1": [csc.colleague.pk]})
    assert set(StageContact.objects.filter(agency=csc.agency).values_list("stage", "user_id")) == {
        (1, csc.colleague.pk)
    }
    removed = StageContact.history.filter(history_type="-", user_id=csc.manager.pk).get()
    assert removed.history_user == world.lead


def test_only_the_agencys_own_members_can_be_its_contacts(client, world):
    before = set(StageContact.objects.values_list("pk", flat=True))
    as_confirmed(client, world.lead)
    response = client.post(
        contacts_url(world.csc.agency), {"stage_1": [world.police.practitioner.pk]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["stage_1"]
    assert set(StageContact.objects.values_list("pk", flat=True)) == before


def test_another_partnerships_agency_is_not_found(client, world):
    other = make_world()
    as_confirmed(client, world.lead)
    assert client.get(contacts_url(other.csc.agency)).status_code == 404
    assert client.get(person_url(other.csc.manager)).status_code == 404


# --- leavers ---------------------------------------------------------------------------------


def test_deactivation_is_refused_while_the_person_holds_a_stage(client, world, clock):
    escalation = raise_one(world)
    person = world.csc.practitioner
    as_confirmed(client, world.lead)
    page = client.get(deactivate_url(person))
    assert escalation.reference in page.content.decode()
    assert str(world.csc.colleague) in page.content.decode()  # offered as a colleague

    response = client.post(deactivate_url(person), {})
    assert response.status_code == 200
    assert response.context["form"].errors
    person.refresh_from_db()
    assert person.is_active
    assert current_holdings(person).count() == 1


def test_deactivation_hands_the_stages_over_first(client, clock, world):
    escalation = raise_one(world)
    person = world.csc.practitioner
    row = current_holdings(person).get()
    as_confirmed(client, world.lead)
    response = client.post(deactivate_url(person), {f"holding_{row.pk}": world.csc.colleague.pk})
    assert response.status_code == 302

    person.refresh_from_db()
    assert not person.is_active
    assert User.objects.filter(pk=person.pk).exists()
    assert not current_holdings(person).exists()
    taken = StageHolder.objects.get(
        stage_record__escalation=escalation, user=world.csc.colleague, until=None
    )
    assert taken.history.get().history_user == world.lead
    assert person.history.first().history_user == world.lead
    # no longer a stage contact either
    assert not StageContact.objects.filter(user=person).exists()


def test_a_stage_can_go_only_to_a_colleague_with_the_same_role(client, world, clock):
    raise_one(world)
    person = world.csc.practitioner
    row = current_holdings(person).get()
    as_confirmed(client, world.lead)
    response = client.post(deactivate_url(person), {f"holding_{row.pk}": world.csc.manager.pk})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.is_active


def test_someone_with_no_stages_is_simply_deactivated(client, world):
    person = world.police.colleague
    as_confirmed(client, world.lead)
    assert client.post(deactivate_url(person), {}).status_code == 302
    person.refresh_from_db()
    assert not person.is_active


def test_the_lead_cannot_deactivate_themselves(client, world):
    as_confirmed(client, world.lead)
    response = client.post(deactivate_url(world.lead), {})
    assert response.status_code == 200
    world.lead.refresh_from_db()
    assert world.lead.is_active


# --- only the lead ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["scrutineer", "analyst", "manager", "practitioner"])
def test_nobody_but_the_lead_may_manage_people(client, world, who):
    user = {
        "scrutineer": world.scrutineer,
        "analyst": world.analyst,
        "manager": world.csc.manager,
        "practitioner": world.police.practitioner,
    }[who]
    before = User.objects.count()
    client.force_login(user)
    for url in (
        PEOPLE,
        INVITE,
        person_url(world.police.colleague),
        deactivate_url(world.police.colleague),
        contacts_url(world.csc.agency),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(INVITE, invitation(world)).status_code == 403
    assert client.post(deactivate_url(world.police.colleague), {}).status_code == 403
    assert User.objects.count() == before
    world.police.colleague.refresh_from_db()
    assert world.police.colleague.is_active
    assert mail.outbox == []


def test_a_stage_held_with_another_lead_can_be_left_with_them(client, world, clock):
    second = make_user(partnership=world.partnership, role=Role.PARTNERSHIP_LEAD)
    escalation = raise_one(world, urgent=True, start_stage=3)
    services.escalation_escalate(escalation=escalation, by=world.police.practitioner, reason="x")
    row = current_holdings(second).get()
    as_confirmed(client, world.lead)
    page = client.get(deactivate_url(second)).content.decode()
    assert f"Nobody new: leave it with {world.lead}" in page

    response = client.post(deactivate_url(second), {f"holding_{row.pk}": "co-holders"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert not second.is_active
    row.refresh_from_db()
    assert row.until is not None
    assert row.history.first().history_user == world.lead
    assert world.lead.pk in set(
        StageHolder.objects.filter(
            stage_record__escalation=escalation, stage_record__stage=4, until=None
        ).values_list("user_id", flat=True)
    )


def test_a_raiser_who_leaves_hands_their_side_to_a_colleague(client, world, clock):
    escalation = raise_one(world)
    person = world.police.practitioner
    row = current_holdings(person).get()
    as_confirmed(client, world.lead)
    response = client.post(deactivate_url(person), {f"holding_{row.pk}": world.police.colleague.pk})
    assert response.status_code == 302
    assert StageHolder.objects.filter(
        stage_record__escalation=escalation, user=world.police.colleague, side="raising", until=None
    ).exists()


@pytest.mark.parametrize("value", ["99999999999999999999999", "-1", "1e3", "٣"])
def test_a_number_no_record_could_have_is_a_form_error_not_a_server_error(client, world, value):
    before = set(StageContact.objects.values_list("pk", flat=True))
    as_confirmed(client, world.lead)
    response = client.post(contacts_url(world.csc.agency), {"stage_1": [value]})
    assert response.status_code == 200
    assert response.context["form"].errors["stage_1"]
    assert set(StageContact.objects.values_list("pk", flat=True)) == before
