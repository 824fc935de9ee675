"""The partnership dashboard (DESIGN.md section 2): every live escalation with filters for the
partnership lead and the scrutineer, figures only for analysts, nobody else."""

import datetime as dt

import pytest
from django.urls import reverse

from escalations import services
from escalations.models import Escalation, StageRecord
from tests.factories import raise_one
from workflows.calendar import LONDON
from workflows.sweep import sweep

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("escalations:dashboard")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=LONDON)


def listed(client, user, **filters) -> list[str]:
    client.force_login(user)
    response = client.get(DASHBOARD, filters)
    assert response.status_code == 200
    return sorted(row.escalation.reference for row in response.context["live"])


@pytest.fixture
def three(world, clock):
    """Police to children's services (threshold); the academy to children's services (drift);
    children's services to the police, urgent from stage 2 (information sharing)."""
    return {
        "police": raise_one(world),
        "academy": raise_one(
            world, raised_by=world.outsider, category="drift", child_reference="SCH-1"
        ),
        "csc": raise_one(
            world,
            raised_by=world.csc.practitioner,
            receiving_agency=world.police.agency,
            category="information_sharing",
            child_reference="CSC-1",
            urgent=True,
            start_stage=2,
        ),
    }


@pytest.mark.parametrize("who", ["lead", "scrutineer"])
def test_the_partnership_team_sees_every_live_escalation(client, world, three, who):
    user = {"lead": world.lead, "scrutineer": world.scrutineer}[who]
    assert listed(client, user) == sorted(e.reference for e in three.values())
    html = client.get(DASHBOARD).content.decode()
    assert three["police"].reference in html
    assert 'class="govuk-table"' in html


def test_analysts_see_figures_only(client, world, three):
    client.force_login(world.analyst)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    for escalation in three.values():
        assert escalation.reference not in html
    assert "ESC-" not in html
    assert "live" not in response.context
    assert "queue" not in response.context
    assert "form" not in response.context
    assert response.context["figures"].live == 3
    assert "Live escalations by stage" in html


@pytest.mark.parametrize("who", ["practitioner", "manager", "senior manager", "outsider"])
def test_nobody_else_may_open_it(client, world, three, who):
    user = {
        "practitioner": world.police.practitioner,
        "manager": world.csc.manager,
        "senior manager": world.police.senior_manager,
        "outsider": world.outsider,
    }[who]
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 403


def test_the_dashboard_needs_a_sign_in(client, world):
    assert client.get(DASHBOARD).status_code == 302


def test_each_filter_narrows_the_list(client, world, three, clock):
    lead = world.lead
    assert listed(client, lead, agency=world.police.agency.pk) == sorted(
        [three["police"].reference, three["csc"].reference]
    )
    academy = world.outsider.membership.agency
    assert listed(client, lead, agency=academy.pk) == [three["academy"].reference]
    assert listed(client, lead, sector="education_school") == [three["academy"].reference]
    assert listed(client, lead, stage=2) == [three["csc"].reference]
    assert listed(client, lead, stage=1) == sorted(
        [three["police"].reference, three["academy"].reference]
    )
    assert listed(client, lead, category="drift") == [three["academy"].reference]
    assert listed(client, lead, urgent="on") == [three["csc"].reference]
    assert listed(client, lead, overdue="on") == []

    clock.move_to(at(3, 11))  # the urgent stage was due after 24 hours
    assert listed(client, lead, overdue="on") == [three["csc"].reference]
    assert listed(client, lead, category="drift", urgent="on") == []


def test_filters_write_nothing(client, world, three):
    before = Escalation.history.count(), StageRecord.history.count()
    listed(client, world.lead, agency=world.police.agency.pk, overdue="on", stage=1)
    assert (Escalation.history.count(), StageRecord.history.count()) == before


def test_a_filter_value_not_on_the_list_is_ignored_and_shown(client, world, three):
    client.force_login(world.lead)
    response = client.get(DASHBOARD, {"stage": "9", "category": "drift"})
    assert response.status_code == 200
    assert [row.escalation for row in response.context["live"]] == [three["academy"]]
    assert "There is a problem" in response.content.decode()


def test_a_closed_escalation_is_not_live(client, world, three):
    services.escalation_withdraw(
        escalation=three["police"], by=world.police.practitioner, reason="Agreed by phone."
    )
    assert three["police"].reference not in listed(client, world.lead)


def test_counts_by_stage_breaches_and_late_acknowledgements(client, world, clock):
    on_time = raise_one(world, child_reference="POL-1")
    late = raise_one(world, child_reference="POL-2")
    services.escalation_acknowledge(escalation=on_time, by=world.csc.practitioner)
    urgent = raise_one(world, child_reference="POL-3", urgent=True, start_stage=2)
    services.escalation_escalate(escalation=urgent, by=world.police.practitioner, reason="x" * 5)
    services.escalation_escalate(escalation=urgent, by=world.police.practitioner, reason="x" * 5)
    clock.move_to(at(4, 9))  # the acknowledgement was due Thursday 17:00, stage 4 after 48h
    sweep()
    clock.move_to(at(8, 9))  # stage 1 was due Monday 7 December 17:00
    sweep()

    client.force_login(world.analyst)
    figures = client.get(DASHBOARD).context["figures"]
    by_stage = {
        row.stage: (row.live, row.overdue, row.breached_this_month) for row in figures.by_stage
    }
    assert by_stage == {1: (2, 2, 2), 2: (0, 0, 0), 3: (0, 0, 0), 4: (1, 1, 1)}
    assert (figures.live, figures.overdue) == (3, 3)
    assert figures.breaches_this_month == 3
    assert figures.late_acknowledgements_this_month == 2  # POL-2 and the urgent one
    assert late.reference not in client.get(DASHBOARD).content.decode()


def test_a_stage_breached_again_after_an_extension_counts_in_the_month_of_its_new_breach(
    client, world, clock
):
    escalation = raise_one(world, child_reference="POL-1")  # stage 1 due Monday 7 December
    clock.move_to(at(7, 17))
    sweep()  # breached in December
    extension = services.escalation_propose_extension(
        escalation=escalation,
        by=world.csc.practitioner,
        new_due_date=dt.date(2027, 1, 5),
        reason="Waiting for the strategy discussion minutes",
    )
    services.escalation_accept_extension(extension=extension, by=world.police.practitioner)
    clock.move_to(dt.datetime(2027, 1, 5, 17, tzinfo=dt.UTC))
    sweep()  # and again in January, when the team is told again

    client.force_login(world.lead)
    figures = client.get(DASHBOARD).context["figures"]
    assert figures.breaches_this_month == 1


def test_the_stage_4_queue(client, world, three):
    services.escalation_escalate(
        escalation=three["csc"], by=world.csc.practitioner, reason="No answer from the police."
    )
    services.escalation_escalate(
        escalation=three["csc"], by=world.csc.practitioner, reason="Still no answer."
    )
    client.force_login(world.lead)
    response = client.get(DASHBOARD)
    queue = response.context["queue"]
    assert [row.escalation for row in queue] == [three["csc"]]
    assert queue[0].escalation.stage_started_at is not None
    assert "Stage 4 queue (1)" in response.content.decode()


@pytest.mark.parametrize("count", [3, 15])
@pytest.mark.parametrize("who", ["lead", "analyst"])
def test_the_dashboard_costs_the_same_queries_however_many_rows(
    client, world, clock, django_assert_max_num_queries, count, who
):
    for n in range(count):
        if n % 3:
            raise_one(world, child_reference=f"POL-{n}")
            continue
        urgent = raise_one(world, child_reference=f"POL-{n}", urgent=True, start_stage=3)
        services.escalation_escalate(escalation=urgent, by=world.police.practitioner, reason="x")
    user = {"lead": world.lead, "analyst": world.analyst}[who]
    client.force_login(user)
    # 15, and 6 for the navigation's count of what waits for the reader (worked out once and
    # kept in the session until something changes: escalations.navigation)
    with django_assert_max_num_queries(21):
        response = client.get(DASHBOARD, {"category": "threshold"} if who == "lead" else {})
    assert response.context["figures"].live == count
    if who == "lead":
        assert len(response.context["live"]) == count
        assert len(response.context["queue"]) == len(range(0, count, 3))
