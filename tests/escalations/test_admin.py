"""The admin for the partnership team: reference data kept with who and why, escalations
read-only, nothing deleted (DESIGN.md sections 3, 4 "History", 5 and 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.test import Client
from django.urls import reverse
from viewflow.workflow.models import Task

from escalations import services
from escalations.models import (
    Agency,
    ClosureDay,
    Escalation,
    Partnership,
    Policy,
    User,
    ViewLog,
)
from tests.factories import World, make_world, raise_one

pytestmark = pytest.mark.django_db

OURS = [
    model
    for model, model_admin in admin.site._registry.items()
    if type(model_admin).__module__.startswith("escalations.admin.")
]


def url(model: type[models.Model], view: str, *args: Any) -> str:
    opts = model._meta
    path = "/".join([f"/admin/{opts.app_label}/{opts.model_name}", *map(str, args), view])
    return path.rstrip("/") + "/"


def staff(user: User, *app_labels: str) -> Client:
    """Signed in to the admin with every permission of these apps, delete included: the
    admin itself must refuse what would bypass the services or lose history."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=app_labels))
    client = Client()
    client.force_login(user)
    return client


def lead_client(world: World) -> Client:
    return staff(world.lead, "escalations", "viewflow")


def superuser_client() -> Client:
    root = User.objects.create_superuser(username="root", email="root@example.org", password="x")
    client = Client()
    client.force_login(root)
    return client


def last_history(obj: models.Model) -> Any:
    return obj.history.order_by("-history_date", "-history_id").first()  # type: ignore[attr-defined]


@pytest.fixture
def busy_world(world: World, clock: Any) -> World:
    """Something in every registered model: an escalation with a note, an extension, views
    and notifications, a closure day, a signposting and the flow's process and tasks."""
    escalation = raise_one(world)
    services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="Spoke to the DSL."
    )
    services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="The team manager is on leave.",
    )
    ViewLog.objects.create(escalation=escalation, user=world.police.practitioner)
    ClosureDay.objects.create(
        partnership=world.partnership, date=dt.date(2026, 12, 29), reason="Council closure"
    )
    world.partnership.signpostings.create(agency=world.police.agency, route="lado")
    return world


# the partnership lead's everyday work ------------------------------------------------------


def test_a_partnership_lead_can_open_the_list_and_a_record_of_every_registered_model(busy_world):
    client = lead_client(busy_world)
    assert len(OURS) >= 15

    for model in OURS:
        listed = client.get(url(model, ""))
        assert listed.status_code == 200, model
        first = model._default_manager.order_by("pk").first()
        assert first is not None, model
        shown = client.get(url(model, "change", first.pk))
        assert shown.status_code == 200, model
        if hasattr(model, "history"):
            assert client.get(url(model, "history", first.pk)).status_code == 200, model


@pytest.mark.parametrize(
    ("model", "settings_page"),
    [
        (Policy, "escalations:settings_policy"),
        (ClosureDay, "escalations:settings_closure_days"),
        (Agency, "escalations:settings_agencies"),
        (Partnership, "escalations:settings_details"),
    ],
)
def test_the_partnerships_settings_are_shown_here_and_changed_on_its_own_pages(
    world, clock, model, settings_page
):
    """Issue 14, item 4: the admin keeps only what the settings pages do not cover. Each
    settings record is shown, with its history, and points to the page that changes it."""
    ClosureDay.objects.create(
        partnership=world.partnership, date=dt.date(2026, 12, 29), reason="Council closure"
    )
    client = lead_client(world)
    record = model._default_manager.filter(pk__in=_ours(model, world)).first()

    shown = client.get(url(model, "change", record.pk))
    refused = client.post(url(model, "change", record.pk), {})
    added = client.get(url(model, "add"))

    assert shown.status_code == 200
    page = shown.content.decode()
    assert 'name="_save"' not in page
    assert reverse(settings_page) in page
    assert refused.status_code == 403
    assert added.status_code == 403
    assert client.get(url(model, "history", record.pk)).status_code == 200


def _ours(model, world):
    if model is Partnership:
        return [world.partnership.pk]
    return model._default_manager.filter(**({"partnership": world.partnership})).values_list(
        "pk", flat=True
    )


def test_only_a_superuser_adds_a_partnership_a_new_tenant(world):
    assert lead_client(world).get(url(Partnership, "add")).status_code == 403
    response = superuser_client().post(
        url(Partnership, "add"),
        {
            "name": "Southshire Safeguarding Children Partnership",
            "region": "england-and-wales",
            "reporting_year_start_month": "4",
            "suppression_threshold": "5",
            "need_levels": "[]",
            "age_bands": "[]",
            "learning_themes": "[]",
        },
    )
    assert response.status_code == 302
    assert Partnership.objects.filter(name__startswith="Southshire").exists()


# nothing is deleted ----------------------------------------------------------------------------


@pytest.mark.parametrize("as_superuser", [False, True], ids=["lead", "superuser"])
def test_nobody_can_delete_an_agency_through_the_admin(world, as_superuser):
    client = superuser_client() if as_superuser else lead_client(world)
    agency = world.police.agency

    page = client.get(url(Agency, "change", agency.pk)).content.decode()
    asked = client.get(url(Agency, "delete", agency.pk))
    posted = client.post(url(Agency, "delete", agency.pk), {"post": "yes"})
    listed = client.get(url(Agency, ""))

    assert "deletelink" not in page
    assert (asked.status_code, posted.status_code) == (403, 403)
    assert "delete_selected" not in listed.content.decode()
    assert Agency.objects.filter(pk=agency.pk).exists()


@pytest.mark.parametrize("as_superuser", [False, True], ids=["lead", "superuser"])
def test_nobody_can_delete_a_person_through_the_admin(world, as_superuser):
    client = superuser_client() if as_superuser else lead_client(world)
    person = world.police.practitioner

    page = client.get(url(User, "change", person.pk)).content.decode()
    asked = client.get(url(User, "delete", person.pk))
    posted = client.post(url(User, "delete", person.pk), {"post": "yes"})
    bulk = client.post(
        url(User, ""), {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    )

    assert "deletelink" not in page
    assert (asked.status_code, posted.status_code) == (403, 403)
    assert "delete_selected" not in client.get(url(User, "")).content.decode()
    assert bulk.status_code in (200, 302)
    assert User.objects.filter(pk=person.pk).exists()


def test_a_partnership_lead_deactivates_a_person_and_history_says_who_and_why(world):
    client = lead_client(world)
    person = world.police.colleague  # holds no stage

    response = client.post(
        url(User, ""), {"action": "deactivate", "_selected_action": [person.pk]}, follow=True
    )

    assert response.status_code == 200
    assert f"{person} is deactivated." in response.content.decode()
    assert not User.objects.get(pk=person.pk).is_active
    changed = last_history(person)
    assert (changed.history_user, changed.history_change_reason) == (
        world.lead,
        "Deactivated: left",
    )
    assert "is_active" in changed.diff_against(changed.prev_record).changed_fields


@pytest.mark.parametrize("as_superuser", [False, True], ids=["lead", "superuser"])
def test_nobody_adds_a_person_through_the_admin_people_are_invited_at_people(world, as_superuser):
    client = superuser_client() if as_superuser else lead_client(world)
    password = "a-long-Pass-phrase-42"

    asked = client.get(url(User, "add"))
    posted = client.post(
        url(User, "add"),
        {
            "username": "new.dsl",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    listed = client.get(url(User, "")).content.decode()

    assert (asked.status_code, posted.status_code) == (403, 403)
    assert not User.objects.filter(username="new.dsl").exists()
    assert url(User, "add") not in listed


@pytest.mark.parametrize("as_superuser", [False, True], ids=["lead", "superuser"])
def test_nobody_sets_another_persons_password_in_the_admin(world, as_superuser):
    client = superuser_client() if as_superuser else lead_client(world)
    person = world.police.practitioner
    password = "a-long-Pass-phrase-42"

    page = client.get(url(User, "change", person.pk))
    asked = client.get(url(User, "password", person.pk))
    posted = client.post(
        url(User, "password", person.pk),
        {"usable_password": "true", "password1": password, "password2": password},
    )

    assert page.status_code == 200
    shown = page.content.decode()
    assert url(User, "password", person.pk) not in shown
    assert "../password/" not in shown
    assert "I have forgotten my password" in shown  # what the person does instead
    assert (asked.status_code, posted.status_code) == (403, 403)
    person.refresh_from_db()
    assert person.check_password("x")
    assert not person.check_password(password)


def test_a_partnership_lead_cannot_make_anyone_a_superuser(world):
    client = lead_client(world)

    page = client.get(url(User, "change", world.lead.pk)).content.decode()

    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page


# escalations: read-only, the partnership's own, case content for the partnership team -----


def test_the_admin_lists_escalations_by_reference_status_stage_and_due_moment(world, clock):
    escalation = raise_one(world)
    client = lead_client(world)

    listed = client.get(url(Escalation, ""), {"q": escalation.reference})
    filtered = client.get(url(Escalation, ""), {"status__exact": "resolved"})

    assert escalation.reference in listed.content.decode()
    assert "Stage 1: practitioners" in listed.content.decode()
    assert escalation.reference not in filtered.content.decode()


def test_the_admin_offers_no_way_to_add_or_delete_an_escalation(world, clock):
    escalation = raise_one(world)
    client = lead_client(world)

    assert client.get(url(Escalation, "add")).status_code == 403
    assert client.post(url(Escalation, "delete", escalation.pk), {"post": "yes"}).status_code == (
        403
    )
    assert Escalation.objects.filter(pk=escalation.pk).exists()


def test_opening_an_escalation_in_the_admin_is_logged(world, clock):
    escalation = raise_one(world)

    lead_client(world).get(url(Escalation, "change", escalation.pk))

    assert ViewLog.objects.filter(escalation=escalation, user=world.lead).count() == 1


def test_a_lead_of_another_partnership_does_not_see_this_partnerships_escalations(world, clock):
    escalation = raise_one(world)
    elsewhere = make_world()
    client = lead_client(elsewhere)

    listed = client.get(url(Escalation, "")).content.decode()
    history = client.get(url(Escalation, "history", escalation.pk))
    agencies = client.get(url(Agency, "")).content.decode()

    assert escalation.reference not in listed
    assert history.status_code == 404
    assert str(world.partnership) not in agencies
    assert not ViewLog.objects.filter(escalation=escalation).exists()


def test_an_analyst_with_admin_access_sees_no_case_content(world, clock):
    raise_one(world)
    client = staff(world.analyst, "escalations")

    assert client.get(url(Escalation, "")).status_code == 403
    assert client.get(url(Agency, "")).status_code == 200


def test_the_admin_cannot_move_an_escalations_timer(world, clock):
    escalation = raise_one(world)
    timer = Task.objects.filter(process_id=escalation.process_id, status="SCHEDULED").first()
    assert timer is not None
    client = lead_client(world)

    changed = client.post(url(Task, "change", timer.pk), {"scheduled_0": "2030-01-01"})
    deleted = client.post(url(Task, "delete", timer.pk), {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert Task.objects.get(pk=timer.pk).scheduled == timer.scheduled


def test_a_malformed_history_address_is_not_found_rather_than_an_error(client, world, clock):
    from tests.factories import raise_one

    escalation = raise_one(world)
    world.lead.is_staff = True
    world.lead.is_superuser = True
    world.lead.save()
    client.force_login(world.lead)
    url = f"/admin/escalations/escalation/{escalation.pk}/change/history/"
    assert client.get(url).status_code == 404
