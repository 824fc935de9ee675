"""The admin is no side door for managing people (issue 9, item 3): roles, agencies, stage
contacts and deactivation go through the people services of ``/people/`` or are read-only;
nobody sets another person's password there; only a superuser grants staff or superuser
status. Each test tries one side door and checks the database, not only the page."""

from __future__ import annotations

from typing import Any

import pytest

from escalations.models import Escalation, Membership, Role, StageContact, User
from tests.escalations.test_admin import last_history, lead_client, superuser_client, url
from tests.factories import World, raise_one

pytestmark = pytest.mark.django_db


def person_form(person: User, **changes: Any) -> dict[str, Any]:
    """The fields of the user change form that a lead may still edit, as they stand."""
    return {
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        **changes,
    }


@pytest.fixture
def raised(world: World, clock: Any) -> Escalation:
    """csc.practitioner now holds stage 1 for children's social care (its stage-1 contact)."""
    return raise_one(world)


# memberships: role and agency change at /people/ --------------------------------------------


def test_the_lead_cannot_move_a_current_holder_to_another_agency_in_the_admin(world, raised):
    client = lead_client(world)
    holder = world.csc.practitioner
    membership = Membership.objects.get(user=holder)

    page = client.get(url(Membership, "change", membership.pk))
    posted = client.post(
        url(Membership, "change", membership.pk),
        {
            "user": holder.pk,
            "partnership": world.partnership.pk,
            "agency": world.police.agency.pk,
            "role": Role.PRACTITIONER,
            "job_title": "",
        },
    )

    assert page.status_code == 200
    shown = page.content.decode()
    assert 'name="_save"' not in shown
    assert f"/people/{holder.pk}/" in shown  # where the role and agency are changed
    assert posted.status_code == 403
    membership.refresh_from_db()
    assert (membership.agency, membership.role) == (world.csc.agency, Role.PRACTITIONER)


def test_nobody_adds_a_membership_in_the_admin(world):
    client = lead_client(world)

    posted = client.post(
        url(Membership, "add"),
        {"user": world.lead.pk, "partnership": world.partnership.pk, "role": Role.SCRUTINEER},
    )

    assert posted.status_code == 403
    assert Membership.objects.get(user=world.lead).role == Role.PARTNERSHIP_LEAD


# stage contacts: chosen at /people/ ------------------------------------------------------------


def test_an_agencys_stage_contacts_cannot_be_changed_through_the_agency_admin(world):
    client = lead_client(world)
    agency = world.csc.agency
    before = sorted(StageContact.objects.filter(agency=agency).values_list("stage", "user_id"))
    first, second = StageContact.objects.filter(agency=agency).order_by("stage")

    response = client.post(
        url(agency._meta.model, "change", agency.pk),
        {
            "partnership": world.partnership.pk,
            "name": agency.name,
            "sector": agency.sector,
            "active_from": "2000-01-01",
            "active_to": "",
            "contacts-TOTAL_FORMS": "3",
            "contacts-INITIAL_FORMS": "2",
            "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000",
            "contacts-0-id": first.pk,
            "contacts-0-agency": agency.pk,
            "contacts-0-stage": "1",
            "contacts-0-user": world.csc.colleague.pk,  # swap the stage-1 contact
            "contacts-1-id": second.pk,
            "contacts-1-agency": agency.pk,
            "contacts-1-stage": "2",
            "contacts-1-user": world.csc.manager.pk,
            "contacts-1-DELETE": "on",  # and drop the stage-2 one
            "contacts-2-agency": agency.pk,
            "contacts-2-stage": "3",
            "contacts-2-user": world.outsider.pk,  # not even a member of this agency
        },
    )

    assert response.status_code == 403  # the agency itself changes at /partnership/agencies/
    after = sorted(StageContact.objects.filter(agency=agency).values_list("stage", "user_id"))
    assert after == before
    page = client.get(url(agency._meta.model, "change", agency.pk)).content.decode()
    assert 'name="contacts-0-user"' not in page
    assert f"/people/agencies/{agency.pk}/contacts/" in page


# deactivation: through person_deactivate ----------------------------------------------------


def test_unticking_is_active_in_the_user_form_leaves_a_current_holder_active(world, raised):
    client = lead_client(world)
    holder = world.csc.practitioner

    page = client.get(url(User, "change", holder.pk)).content.decode()
    posted = client.post(url(User, "change", holder.pk), person_form(holder, is_active=""))

    assert 'name="is_active"' not in page
    assert posted.status_code == 302
    assert User.objects.get(pk=holder.pk).is_active


def test_not_even_a_superuser_unticks_is_active_in_the_user_form(world):
    client = superuser_client()
    person = world.police.colleague

    posted = client.post(url(User, "change", person.pk), person_form(person, is_active=""))

    assert posted.status_code == 302
    assert User.objects.get(pk=person.pk).is_active


def test_the_deactivate_action_refuses_a_current_holder_and_names_the_escalation(world, raised):
    client = lead_client(world)
    holder = world.csc.practitioner

    response = client.post(
        url(User, ""), {"action": "deactivate", "_selected_action": [holder.pk]}, follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert raised.reference in page
    assert f"/people/{holder.pk}/deactivate/" in page  # where the stage is handed over
    assert User.objects.get(pk=holder.pk).is_active
    assert StageContact.objects.filter(user=holder).exists()  # nothing changed for them


def test_the_deactivate_action_deactivates_the_others_it_was_given(world, raised):
    client = lead_client(world)
    holder, leaver = world.csc.practitioner, world.csc.colleague

    client.post(url(User, ""), {"action": "deactivate", "_selected_action": [holder.pk, leaver.pk]})

    assert User.objects.get(pk=holder.pk).is_active
    assert not User.objects.get(pk=leaver.pk).is_active
    deactivated = leaver.history.get(is_active=False)  # type: ignore[attr-defined]
    assert (deactivated.history_user, deactivated.history_change_reason) == (
        world.lead,
        "Deactivated: left",
    )


# staff and superuser status: a superuser's to grant -------------------------------------------


def test_the_lead_cannot_tick_is_staff_or_is_superuser_for_anyone(world):
    client = lead_client(world)
    person = world.police.practitioner

    posted = client.post(
        url(User, "change", person.pk),
        person_form(person, is_staff="on", is_superuser="on"),
    )

    assert posted.status_code == 302
    person.refresh_from_db()
    assert (person.is_staff, person.is_superuser) == (False, False)


def test_a_superuser_still_grants_staff_status(world):
    client = superuser_client()
    person = world.police.practitioner

    posted = client.post(url(User, "change", person.pk), person_form(person, is_staff="on"))

    assert posted.status_code == 302
    assert User.objects.get(pk=person.pk).is_staff


# details and history ------------------------------------------------------------------------


def test_a_persons_details_change_at_people_not_in_the_admin(world):
    """``person_update`` keeps usernames and email addresses unique whatever their case and
    records the lead: the admin shows the details and links there."""
    client = lead_client(world)
    person, other = world.police.practitioner, world.police.manager

    page = client.get(url(User, "change", person.pk)).content.decode()
    client.post(
        url(User, "change", person.pk),
        person_form(person, last_name="Okafor", email=other.email.upper()),
    )

    person_now = User.objects.get(pk=person.pk)
    assert (person_now.last_name, person_now.email) == (person.last_name, person.email)
    assert f"/people/{person.pk}/" in page


def test_a_past_version_of_a_person_never_shows_their_password(world):
    client = lead_client(world)
    person = world.police.practitioner
    version = last_history(person)

    page = client.get(f"{url(User, 'history', person.pk)}{version.history_id}/")

    assert page.status_code == 200
    assert person.password not in page.content.decode()
    assert "algorithm" not in page.content.decode()
