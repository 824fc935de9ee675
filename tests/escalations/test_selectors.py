"""Who sees what (DESIGN.md section 5): to anyone outside an escalation it does not exist."""

import pytest

from escalations import services
from escalations.models import Agency, Role, Sector, StageContact
from escalations.selectors import escalation_get_visible, escalation_visible_to
from tests.factories import make_user, make_world, raise_one

pytestmark = pytest.mark.django_db


def people(world):
    return {
        "raiser": world.police.practitioner,
        "raising colleague": world.police.colleague,
        "raising manager": world.police.manager,
        "raising senior manager": world.police.senior_manager,
        "receiving stage-1 contact": world.csc.practitioner,
        "receiving colleague": world.csc.colleague,
        "receiving manager": world.csc.manager,
        "receiving senior manager": world.csc.senior_manager,
        "outsider": world.outsider,
        "partnership lead": world.lead,
        "scrutineer": world.scrutineer,
        "analyst": world.analyst,
    }


SEES = {
    "raiser",
    "raising manager",
    "raising senior manager",
    "receiving stage-1 contact",
    "receiving manager",
    "receiving senior manager",
    "partnership lead",
    "scrutineer",
}


def test_only_the_people_of_section_5_see_an_escalation(world, clock):
    escalation = raise_one(world)
    for who, user in people(world).items():
        visible = escalation_visible_to(user).filter(pk=escalation.pk).exists()
        assert visible == (who in SEES), who


def test_a_holder_from_a_third_agency_sees_it_once_they_hold_a_stage(world, clock):
    escalation = raise_one(world)
    services.escalation_hand_over(
        escalation=escalation, by=world.csc.practitioner, to=world.csc.colleague
    )
    assert escalation_visible_to(world.csc.colleague).filter(pk=escalation.pk).exists()


def test_a_deactivated_person_sees_nothing(world, clock):
    escalation = raise_one(world)
    world.police.practitioner.is_active = False
    world.police.practitioner.save()
    assert not escalation_visible_to(world.police.practitioner).filter(pk=escalation.pk).exists()


def test_another_partnerships_lead_cannot_guess_a_reference_into_access(world, clock):
    escalation = raise_one(world)
    other = make_world()
    with pytest.raises(type(escalation).DoesNotExist):
        escalation_get_visible(user=other.lead, reference=escalation.reference)


def test_an_outsider_who_becomes_a_stage_contact_later_sees_only_what_they_held(world, clock):
    escalation = raise_one(world)
    third = Agency.objects.create(
        partnership=world.partnership, name="Northshire Hospital", sector=Sector.HEALTH_HOSPITAL
    )
    nurse = make_user(partnership=world.partnership, role=Role.MANAGER, agency=third)
    StageContact.objects.create(agency=third, stage=2, user=nurse)
    assert not escalation_visible_to(nurse).filter(pk=escalation.pk).exists()


def test_the_visibility_query_count_does_not_grow_with_escalations(
    world, clock, django_assert_max_num_queries
):
    for _ in range(5):
        raise_one(world)
    with django_assert_max_num_queries(2):
        assert len(list(escalation_visible_to(world.police.manager))) == 5
