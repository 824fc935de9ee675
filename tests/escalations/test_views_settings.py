"""The partnership's settings without the admin (issue 14, item 4): the lead adds a policy
version, closure days, sets the region, reporting year, suppression threshold and learning
themes, and looks after agencies; each change through the services, with history; nobody
else may (403), and nothing already raised changes."""

import datetime as dt

import pytest
from django.urls import reverse

from escalations.models import Agency, ClosureDay, Policy, Sector, User
from escalations.partnership_settings import (
    agency_save,
    closure_day_add,
    closure_day_remove,
    partnership_update,
    policy_add_version,
)
from tests.factories import raise_one
from workflows.calendar import LONDON
from workflows.refusals import Conflict, Forbidden, Invalid

pytestmark = pytest.mark.django_db

POLICY = reverse("escalations:settings_policy")
POLICY_NEW = reverse("escalations:settings_policy_new")
CLOSURE_DAYS = reverse("escalations:settings_closure_days")
DETAILS = reverse("escalations:settings_details")
AGENCIES = reverse("escalations:settings_agencies")
AGENCY_NEW = reverse("escalations:settings_agency_new")
TODAY = dt.date(2026, 12, 2)  # the clock fixture's Wednesday


def date_data(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def policy_data(**changes) -> dict[str, str]:
    data = {
        **date_data("starts_on", dt.date(2027, 1, 4)),
        "acknowledge_days": "1",
        "stage_1_days": "5",
        "stage_2_days": "5",
        "stage_3_days": "5",
        "stage_4_days": "10",
        "urgent_acknowledge_hours": "2",
        "urgent_stage_1_hours": "24",
        "urgent_stage_2_hours": "24",
        "urgent_stage_3_hours": "24",
        "urgent_stage_4_hours": "48",
        "cutoff": "16:00",
        "reminder_time": "09:30",
        "escalate_on_breach": "no",
        "partnership_from_stage": "3",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("url", [POLICY, POLICY_NEW, CLOSURE_DAYS, DETAILS, AGENCIES, AGENCY_NEW])
def test_only_the_partnership_lead_opens_the_settings(client, world, url):
    for someone in (world.police.manager, world.scrutineer, world.analyst, world.csc.practitioner):
        client.force_login(someone)
        assert client.get(url).status_code == 403
    client.force_login(world.lead)
    assert client.get(url).status_code == 200


def test_the_partnership_page_links_the_settings_for_the_lead_only(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("escalations:partnership")).content.decode()
    for url in (POLICY, CLOSURE_DAYS, DETAILS, AGENCIES):
        assert f'href="{url}"' in page
    client.force_login(world.scrutineer)
    page = client.get(reverse("escalations:partnership")).content.decode()
    assert POLICY not in page


def test_a_new_version_starts_from_the_latest_and_keeps_what_was_raised_under_the_old(
    client, world, clock
):
    old = raise_one(world)
    client.force_login(world.lead)
    form = client.get(POLICY_NEW).content.decode()
    assert 'value="3"' in form  # stage 1 of version 1, the starting point
    response = client.post(POLICY_NEW, policy_data())
    assert response.status_code == 302
    new = Policy.objects.get(partnership=world.partnership, version=2)
    assert (new.stage_1_days, new.cutoff, new.partnership_from_stage) == (5, dt.time(16), 3)
    assert new.effective_from == dt.datetime(2027, 1, 4, tzinfo=LONDON)
    assert new.history.get().history_user == world.lead
    old.refresh_from_db()
    assert old.policy.version == 1
    assert world.partnership.current_policy().version == 1  # not in force until 4 January
    clock.move_to(dt.datetime(2027, 1, 4, 9, tzinfo=LONDON))
    assert raise_one(world, child_reference="POL-000200").policy.version == 2
    client.force_login(world.lead)  # a month on: a new session
    page = client.get(POLICY).content.decode()
    assert "In force now: version 2" in page


def test_a_version_from_today_is_in_force_at_once(world, clock):
    policy_add_version(
        by=world.lead, partnership=world.partnership, starts_on=TODAY, stage_1_days=4
    )
    assert world.partnership.current_policy().stage_1_days == 4


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stage_2_days": "0"}, "stage_2_days", "The days for stage 2 must be 1 or more"),
        ({"stage_2_days": "31"}, "stage_2_days", "The days for stage 2 must be 30 or fewer"),
        ({"urgent_stage_1_hours": "169"}, "urgent_stage_1_hours", "168 or fewer"),
        ({"cutoff": "5pm"}, "cutoff", "Enter the cut-off as a 24-hour time, like 17:00"),
        (date_data("starts_on", dt.date(2026, 12, 1)), "starts_on", "cannot start in the past"),
        ({"escalate_on_breach": ""}, "escalate_on_breach", "Choose what happens"),
    ],
)
def test_a_version_out_of_bounds_is_refused_on_its_field(
    client, world, clock, changes, field, message
):
    client.force_login(world.lead)
    response = client.post(POLICY_NEW, policy_data(**changes))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Policy.objects.filter(version=2).exists()


def test_a_version_cannot_start_before_the_latest_one(world, clock):
    policy_add_version(by=world.lead, partnership=world.partnership, starts_on=dt.date(2027, 4, 1))
    with pytest.raises(Invalid, match="cannot start before it"):
        policy_add_version(
            by=world.lead, partnership=world.partnership, starts_on=dt.date(2027, 1, 1)
        )


def test_nobody_else_adds_a_version_through_the_service(world, clock):
    with pytest.raises(Forbidden):
        policy_add_version(by=world.police.manager, partnership=world.partnership, starts_on=TODAY)


def test_a_closure_day_is_added_and_moves_the_due_days_of_stages_starting_after(
    client, world, clock
):
    before = raise_one(world)  # stage 1 due Monday 7 December
    client.force_login(world.lead)
    response = client.post(
        CLOSURE_DAYS, {**date_data("date", dt.date(2026, 12, 4)), "reason": "Staff training day"}
    )
    assert response.status_code == 302
    day = ClosureDay.objects.get(partnership=world.partnership)
    assert (day.date, day.history.get().history_user) == (dt.date(2026, 12, 4), world.lead)
    before.refresh_from_db()
    assert before.stage_due_at.astimezone(LONDON).date() == dt.date(2026, 12, 7)  # unchanged
    raiser = User.objects.get(pk=world.police.practitioner.pk)  # as a new request loads them
    after = raise_one(world, raised_by=raiser, child_reference="POL-000300")
    assert after.stage_due_at.astimezone(LONDON).date() == dt.date(2026, 12, 8)  # Friday skipped
    page = client.get(CLOSURE_DAYS).content.decode()
    assert "Friday 4 December 2026" in page
    assert "Staff training day" in page


def test_a_closure_day_twice_or_in_the_past_is_refused(client, world, clock):
    closure_day_add(
        by=world.lead, partnership=world.partnership, date=dt.date(2026, 12, 24), reason="Christmas"
    )
    with pytest.raises(Invalid, match="already a closure day"):
        closure_day_add(
            by=world.lead, partnership=world.partnership, date=dt.date(2026, 12, 24), reason="Again"
        )
    client.force_login(world.lead)
    response = client.post(
        CLOSURE_DAYS, {**date_data("date", dt.date(2026, 11, 30)), "reason": "Late"}
    )
    assert "today or a day to come" in str(response.context["form"].errors["date"])


def test_a_past_closure_day_stays_and_a_future_one_can_be_removed(client, world, clock):
    day = closure_day_add(
        by=world.lead, partnership=world.partnership, date=dt.date(2026, 12, 24), reason="Christmas"
    )
    passed = ClosureDay.objects.create(
        partnership=world.partnership, date=dt.date(2026, 11, 2), reason="Flood"
    )
    with pytest.raises(Conflict, match="has passed"):
        closure_day_remove(by=world.lead, day=passed)
    client.force_login(world.lead)
    response = client.post(reverse("escalations:settings_closure_day_remove", args=[day.pk]))
    assert response.status_code == 302
    assert not ClosureDay.objects.filter(pk=day.pk).exists()
    removed = ClosureDay.history.filter(id=day.pk, history_type="-").get()
    assert removed.history_user == world.lead


def test_the_details_are_saved_with_history_and_bounded(client, world, clock):
    client.force_login(world.lead)
    response = client.post(
        DETAILS,
        {
            "region": "scotland",
            "reporting_year_start_month": "1",
            "suppression_threshold": "10",
            "learning_themes": "Escalate early\n\nRecord the decision and why\n",
        },
    )
    assert response.status_code == 302
    world.partnership.refresh_from_db()
    assert (world.partnership.region, world.partnership.reporting_year_start_month) == (
        "scotland",
        1,
    )
    assert world.partnership.suppression_threshold == 10
    assert world.partnership.learning_themes == ["Escalate early", "Record the decision and why"]
    latest = world.partnership.history.filter(history_type="~").get()
    assert latest.history_user == world.lead
    assert "suppression threshold" in latest.history_change_reason
    response = client.post(
        DETAILS,
        {"region": "scotland", "reporting_year_start_month": "1", "suppression_threshold": "2"},
    )
    assert "must be 3 or more" in str(response.context["form"].errors["suppression_threshold"])


def test_the_approved_themes_are_offered_when_a_report_is_published(client, world, clock):
    partnership_update(
        by=world.lead,
        partnership=world.partnership,
        region="england-and-wales",
        reporting_year_start_month=4,
        suppression_threshold=5,
        learning_themes=["Escalate early"],
    )
    client.force_login(world.lead)
    page = client.get(reverse("reports:annual", args=[2026])).content.decode()
    assert ">Escalate early</textarea>" in page


def test_an_agency_is_added_changed_and_ended_never_deleted(client, world, clock):
    client.force_login(world.lead)
    response = client.post(
        AGENCY_NEW,
        {
            "name": "Northshire NHS Trust",
            "sector": Sector.HEALTH_HOSPITAL,
            **date_data("active_from", TODAY),
        },
    )
    assert response.status_code == 302
    trust = Agency.objects.get(name="Northshire NHS Trust")
    assert trust.history.get().history_user == world.lead
    response = client.post(
        reverse("escalations:settings_agency", args=[trust.pk]),
        {
            "name": "Northshire NHS Trust",
            "sector": Sector.HEALTH_HOSPITAL,
            **date_data("active_from", TODAY),
            **date_data("active_to", dt.date(2026, 11, 30)),
        },
    )
    assert "cannot be before the first" in str(response.context["form"].errors["active_to"])
    with pytest.raises(Invalid, match="already has an agency called"):
        agency_save(
            by=world.lead, partnership=world.partnership, name="northshire police",
            sector=Sector.POLICE, active_from=TODAY, active_to=None,
        )  # fmt: skip
    page = client.get(AGENCIES).content.decode()
    assert "Northshire NHS Trust" in page
    assert "Health" in page


def test_an_agency_of_another_partnership_does_not_exist_here(client, world, clock):
    from tests.factories import make_world

    other = make_world()
    client.force_login(world.lead)
    assert (
        client.get(
            reverse("escalations:settings_agency", args=[other.police.agency.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (date_data("starts_on", dt.date(2062, 1, 4)), "starts_on", "within a year"),
        ({"reminder_time": "17:30", "cutoff": "17:00"}, "reminder_time", "before the cut-off"),
        ({"cutoff": "00:00"}, "cutoff", "between 12:00 and 20:00"),
    ],
)
def test_a_version_that_would_stop_every_other_or_never_remind_is_refused(
    client, world, clock, changes, field, message
):
    client.force_login(world.lead)
    response = client.post(POLICY_NEW, policy_data(**changes))
    assert message in str(response.context["form"].errors[field])
    assert not Policy.objects.filter(version=2).exists()


def test_the_reporting_year_cannot_move_once_reports_are_published(world, clock):
    from escalations.models import PublishedReport

    PublishedReport.objects.create(
        partnership=world.partnership,
        kind="quarter",
        edition="public",
        year=2026,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        published_by=world.lead,
        figures={},
        pdf=b"%PDF",
    )
    with pytest.raises(Invalid, match="cannot change now"):
        partnership_update(
            by=world.lead,
            partnership=world.partnership,
            region="england-and-wales",
            reporting_year_start_month=1,
            suppression_threshold=5,
            learning_themes=[],
        )
