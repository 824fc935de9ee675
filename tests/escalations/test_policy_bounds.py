"""Policy timescales are bounded (issue 12): a stage of months, or of no time at all, is not a
policy a partnership can publish; the admin (the policy's door until issue 14's settings page)
refuses it with the field named."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from escalations.models import Policy


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stage_1_days", 0),
        ("stage_4_days", 31),
        ("acknowledge_days", 400),
        ("urgent_stage_2_hours", 0),
        ("urgent_stage_4_hours", 169),
        ("partnership_from_stage", 5),
    ],
)
def test_a_timescale_out_of_bounds_is_refused(world, field, value):
    policy = Policy(partnership=world.partnership, version=2, **{field: value})
    with pytest.raises(ValidationError) as refusal:
        policy.full_clean()
    assert field in refusal.value.message_dict


def test_the_defaults_are_within_bounds(world):
    Policy(partnership=world.partnership, version=2).full_clean()
