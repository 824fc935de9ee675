"""Every change keeps who, when, what changed and why (DESIGN.md section 4, "History"), and
nothing can edit or delete history (section 9: simple-history's revert is disabled, people are
deactivated, never deleted)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client
from django.test.client import RequestFactory

from escalations import services
from escalations.admin.reference import UserAdmin
from escalations.models import Escalation, Extension, Note, StageRecord, User
from tests.conftest import A_WEDNESDAY_MORNING
from tests.factories import World, make_world, raise_one
from workflows.sweep import sweep

LONDON = dt.UTC  # Europe/London keeps GMT in December
# stage 1 of an escalation raised on Wednesday 2 December 2026 at 10:00 is due at the cut-off
# three working days later; acknowledgement one working day later
STAGE_1_DUE = dt.datetime(2026, 12, 7, 17, 0, tzinfo=LONDON)
ACKNOWLEDGEMENT_DUE = dt.datetime(2026, 12, 3, 17, 0, tzinfo=LONDON)


def history_of(obj: models.Model) -> list[Any]:
    """The object's historical records, oldest first."""
    return list(obj.history.order_by("history_date", "history_id"))  # type: ignore[attr-defined]


def last_change(obj: models.Model) -> tuple[Any, Any]:
    """The newest historical record and its field-level difference from the one before."""
    *_, before, latest = history_of(obj)
    return latest, latest.diff_against(before)


def changes(delta: Any) -> dict[str, tuple[Any, Any]]:
    return {change.field: (change.old, change.new) for change in delta.changes}


def fresh(escalation: Escalation) -> Escalation:
    return Escalation.objects.get(pk=escalation.pk)


def record_of(escalation: Escalation, stage: int) -> StageRecord:
    return StageRecord.objects.get(escalation=escalation, stage=stage)


def later(clock: Any, **delta: float) -> dt.datetime:
    clock.shift(dt.timedelta(**delta))
    return A_WEDNESDAY_MORNING + dt.timedelta(**delta)


def staff_lead(world: World) -> User:
    """The partnership lead with staff access and every model permission of the app, delete
    included: the admin itself must refuse what would bypass the services."""
    lead = world.lead
    lead.is_staff = True
    lead.save()
    lead.user_permissions.set(Permission.objects.filter(content_type__app_label="escalations"))
    return lead


def admin_client(world: World) -> Client:
    client = Client()
    client.force_login(staff_lead(world))
    return client


# people's changes ------------------------------------------------------------------------------


def test_raising_records_who_when_and_why_on_the_escalations_history(world, clock):
    escalation = raise_one(world)

    [raised] = history_of(escalation)
    assert raised.history_type == "+"
    assert raised.history_user == world.police.practitioner
    assert raised.history_date == A_WEDNESDAY_MORNING
    assert raised.history_change_reason == "Raised"
    assert raised.status == "stage_1"
    [stage_1] = history_of(record_of(escalation, 1))
    assert (stage_1.history_user, stage_1.history_change_reason) == (
        world.police.practitioner,
        "Raised",
    )
    [child] = history_of(escalation.children.get())
    assert (child.history_user, child.history_date) == (
        world.police.practitioner,
        A_WEDNESDAY_MORNING,
    )


def test_raising_keeps_no_history_row_for_the_link_to_the_flow(world, clock):
    escalation = raise_one(world)

    assert fresh(escalation).process_id is not None
    assert len(history_of(escalation)) == 1


def test_acknowledging_records_who_when_and_why_on_the_escalations_history(world, clock):
    escalation = raise_one(world)
    moment = later(clock, minutes=30)

    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)

    record, delta = last_change(escalation)
    assert record.history_user == world.csc.practitioner
    assert record.history_date == moment
    assert record.history_change_reason == (f"Acknowledged; named holder {world.csc.practitioner}")
    assert set(delta.changed_fields) == {"acknowledged_at", "acknowledged_by", "receiving_holder"}
    assert changes(delta)["acknowledged_at"] == (None, moment)
    assert changes(delta)["acknowledged_by"] == (None, world.csc.practitioner.pk)


def test_responding_records_the_decision_on_the_stage_records_history(world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    moment = later(clock, hours=2)

    services.escalation_respond(
        escalation=escalation,
        by=world.csc.practitioner,
        decision="stands",
        response="Single incident, no injuries: early help offered.",
    )

    record, delta = last_change(record_of(escalation, 1))
    assert record.history_user == world.csc.practitioner
    assert record.history_date == moment
    assert record.history_change_reason == "Responded: Decision stands"
    assert set(delta.changed_fields) == {"decision", "decision_reason", "decided_at", "decided_by"}
    assert changes(delta)["decision"] == ("", "stands")


def test_escalating_records_who_when_and_why_on_the_escalations_history(world, clock):
    escalation = raise_one(world)
    moment = later(clock, days=1)

    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="Still no strategy meeting."
    )

    record, delta = last_change(escalation)
    assert record.history_user == world.police.practitioner
    assert record.history_date == moment
    assert record.history_change_reason == "Escalated to stage 2: Still no strategy meeting."
    assert set(delta.changed_fields) == {"status", "stage", "stage_due_at"}
    assert changes(delta)["status"] == ("stage_1", "stage_2")
    assert changes(delta)["stage"] == (1, 2)


def test_escalating_concludes_the_stage_on_its_records_history(world, clock):
    escalation = raise_one(world)
    moment = later(clock, days=1)

    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="Still no strategy meeting."
    )

    record, delta = last_change(record_of(escalation, 1))
    assert (record.history_user, record.history_date) == (world.police.practitioner, moment)
    assert record.history_change_reason == "Stage 1 escalated"
    assert set(delta.changed_fields) == {
        "concluded_at",
        "conclusion",
        "conclusion_reason",
        "duration_working_days",
        "duration_hours",
    }
    [started] = history_of(record_of(escalation, 2))
    assert started.history_change_reason == "Escalated: Still no strategy meeting."


def test_resolving_records_who_when_and_why_on_the_escalations_history(world, clock):
    escalation = raise_one(world)
    moment = later(clock, hours=5)

    services.escalation_resolve(
        escalation=escalation,
        by=world.police.practitioner,
        outcome="decision_changed",
        summary="Strategy discussion held.",
        agreed_actions="Section 47 enquiry started.",
    )

    record, delta = last_change(escalation)
    assert record.history_user == world.police.practitioner
    assert record.history_date == moment
    assert record.history_change_reason == "Resolved: Decision changed"
    assert set(delta.changed_fields) == {
        "status",
        "outcome",
        "resolution_summary",
        "agreed_actions",
        "closed_at",
        "stage_due_at",
        "working_days_open",
    }
    assert changes(delta)["status"] == ("stage_1", "resolved")
    assert changes(delta)["closed_at"] == (None, moment)


def test_withdrawing_records_who_when_and_why_on_the_escalations_history(world, clock):
    escalation = raise_one(world)
    moment = later(clock, hours=1)

    services.escalation_withdraw(
        escalation=escalation, by=world.police.practitioner, reason="Spoke to the team manager."
    )

    record, delta = last_change(escalation)
    assert record.history_user == world.police.practitioner
    assert record.history_date == moment
    assert record.history_change_reason == "Withdrawn: Spoke to the team manager."
    assert set(delta.changed_fields) == {
        "status",
        "outcome",
        "resolution_summary",
        "closed_at",
        "stage_due_at",
        "working_days_open",
    }
    assert changes(delta)["status"] == ("stage_1", "withdrawn")
    stage_1, _ = last_change(record_of(escalation, 1))
    assert stage_1.history_change_reason == "Stage 1 withdrawn"


def test_an_accepted_extension_records_the_new_due_moment_on_the_stage_records_history(
    world, clock
):
    escalation = raise_one(world)
    extension = services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2026, 12, 9),
        reason="The team manager is on leave until Tuesday.",
    )
    moment = later(clock, hours=3)

    services.escalation_accept_extension(extension=extension, by=world.police.practitioner)

    record, delta = last_change(record_of(escalation, 1))
    assert record.history_user == world.police.practitioner
    assert record.history_date == moment
    assert record.history_change_reason == "Extended to 9 December 2026"
    assert delta.changed_fields == ["due_at"]
    assert changes(delta)["due_at"] == (
        STAGE_1_DUE,
        dt.datetime(2026, 12, 9, 17, 0, tzinfo=LONDON),
    )
    accepted, accepted_delta = last_change(Extension.objects.get(pk=extension.pk))
    assert accepted.history_change_reason == "Extension accepted"
    assert changes(accepted_delta)["status"] == ("proposed", "accepted")
    moved, _ = last_change(escalation)
    assert (moved.history_user, moved.history_change_reason) == (
        world.police.practitioner,
        "Due moment extended",
    )


# the clock's changes: no person ---------------------------------------------------------------


def test_the_timer_sweep_records_a_breach_as_the_system(world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    clock.move_to(STAGE_1_DUE + dt.timedelta(minutes=1))

    sweep()

    record, delta = last_change(record_of(escalation, 1))
    assert record.history_user is None
    assert record.history_date == STAGE_1_DUE + dt.timedelta(minutes=1)
    assert record.history_change_reason == "Stage 1 passed its due moment"
    breached = STAGE_1_DUE + dt.timedelta(minutes=1)
    assert sorted(delta.changed_fields) == ["breached_at", "last_breached_at"]
    assert changes(delta)["breached_at"] == (None, breached)  # the first breach
    assert changes(delta)["last_breached_at"] == (None, breached)  # and the latest
    assert fresh(escalation).status == "stage_1"  # the raising side decides what next


def test_the_timer_sweep_records_a_late_acknowledgement_as_the_system(world, clock):
    escalation = raise_one(world)
    clock.move_to(ACKNOWLEDGEMENT_DUE + dt.timedelta(minutes=5))

    sweep()

    record, delta = last_change(escalation)
    assert record.history_user is None
    assert record.history_date == ACKNOWLEDGEMENT_DUE + dt.timedelta(minutes=5)
    assert record.history_change_reason == "Acknowledgement overdue"
    assert delta.changed_fields == ["acknowledgement_chased_at"]


@pytest.mark.django_db
def test_the_system_escalating_on_breach_is_recorded_without_a_person(clock):
    world = make_world(escalate_on_breach=True)
    escalation = raise_one(world)
    clock.move_to(STAGE_1_DUE)

    sweep()

    record, delta = last_change(escalation)
    assert record.history_user is None
    assert record.history_date == STAGE_1_DUE
    assert record.history_change_reason == (
        "Escalated to stage 2: Stage 1 passed its due moment and the policy escalates on breach"
    )
    assert changes(delta)["status"] == ("stage_1", "stage_2")


# nothing edits or deletes history ------------------------------------------------------------


def test_a_person_is_never_deleted_so_history_keeps_who_did_what(world, clock):
    escalation = raise_one(world)
    raiser = world.police.practitioner

    with pytest.raises(ValidationError, match="deactivate"):
        raiser.delete()

    assert User.objects.filter(pk=raiser.pk).exists()
    assert history_of(escalation)[0].history_user == raiser


def test_the_admin_offers_no_way_to_delete_a_person(world):
    request = RequestFactory().get("/admin/escalations/user/")
    request.user = world.lead
    world.lead.is_superuser = True  # not even a superuser
    user_admin = UserAdmin(User, admin.site)

    assert not user_admin.has_delete_permission(request)
    assert not user_admin.has_delete_permission(request, world.police.practitioner)
    assert "delete_selected" not in user_admin.get_actions(request)


def test_a_note_cannot_be_edited(world, clock):
    escalation = raise_one(world)
    note = services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="Spoke to the DSL."
    )

    note.text = "Something else."
    with pytest.raises(ValueError, match="append-only"):
        note.save()

    assert Note.objects.get(pk=note.pk).text == "Spoke to the DSL."
    [added] = history_of(note)
    assert (added.history_user, added.history_change_reason) == (
        world.police.practitioner,
        "Note added",
    )


def test_the_admin_history_page_shows_who_when_what_and_why(world, clock):
    escalation = raise_one(world)
    services.escalation_acknowledge(escalation=escalation, by=world.csc.practitioner)
    later(clock, days=1)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="Still no strategy meeting."
    )

    response = admin_client(world).get(f"/admin/escalations/escalation/{escalation.pk}/history/")

    assert response.status_code == 200
    page = response.content.decode()
    for reason in (
        "Raised",
        f"Acknowledged; named holder {world.csc.practitioner}",
        "Escalated to stage 2: Still no strategy meeting.",
    ):
        assert reason in page
    assert str(world.police.practitioner) in page
    assert str(world.csc.practitioner) in page
    # the field-level changes, in words
    page = " ".join(page.split())
    assert "Stage 1: practitioners &nbsp;&rarr;&nbsp;&nbsp;Stage 2: line managers" in page
    assert f"none &nbsp;&rarr;&nbsp;&nbsp;{world.csc.practitioner}" in page


def test_the_admin_refuses_to_change_an_escalation(world, clock):
    escalation = raise_one(world)
    client = admin_client(world)

    shown = client.get(f"/admin/escalations/escalation/{escalation.pk}/change/")
    response = client.post(
        f"/admin/escalations/escalation/{escalation.pk}/change/",
        {"status": "resolved", "stage": "4", "reference": "ESC-0000-0000"},
    )

    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert response.status_code == 403
    unchanged = fresh(escalation)
    assert (unchanged.status, unchanged.stage) == ("stage_1", 1)
    assert len(history_of(escalation)) == 1


def test_the_admin_offers_no_revert_of_a_past_version(world, clock):
    escalation = raise_one(world)
    services.escalation_escalate(
        escalation=escalation, by=world.police.practitioner, reason="Still no strategy meeting."
    )
    first = history_of(escalation)[0]
    url = f"/admin/escalations/escalation/{escalation.pk}/history/{first.history_id}/"
    client = admin_client(world)

    shown = client.get(url)
    reverted = client.post(url, {"status": "stage_1", "stage": "1", "_save": "Revert"})

    assert shown.status_code == 200
    page = shown.content.decode()
    assert "Revert" not in page
    assert 'name="_save"' not in page
    assert 'name="reasons"' not in page  # every field is shown read-only
    assert reverted.status_code == 403
    assert fresh(escalation).status == "stage_2"
    assert len(history_of(escalation)) == 2


def test_a_past_version_of_a_person_never_shows_their_password(world):
    world.police.practitioner.first_name = "Alex"
    world.police.practitioner.save()
    first = history_of(world.police.practitioner)[0]

    response = admin_client(world).get(
        f"/admin/escalations/user/{world.police.practitioner.pk}/history/{first.history_id}/"
    )

    assert response.status_code == 200
    assert world.police.practitioner.password not in response.content.decode()
    assert "md5$" not in response.content.decode()


def test_history_rows_have_no_admin_of_their_own(world):
    response = admin_client(world).get("/admin/escalations/historicalescalation/")

    assert response.status_code == 404
