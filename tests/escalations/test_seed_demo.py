"""``manage.py seed_demo``: a demo a partnership can be shown (every state, the clock's own
work, no names) that is built once."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from escalations.models import Child, Escalation, Extension, ExtensionStatus, StageRecord

# a case number: the agency's prefix, a year and six digits; never a name
CASE_NUMBER = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{6}$")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_has_every_state_genuine_timers_case_numbers_only_and_is_built_once():
    out = io.StringIO()
    call_command("seed_demo", count=25, stdout=out)

    assert "resolve-demo" in out.getvalue()
    assert set(Escalation.objects.values_list("status", flat=True)) == {
        "stage_1",
        "stage_2",
        "stage_3",
        "stage_4",
        "resolved",
        "withdrawn",
    }
    assert StageRecord.objects.filter(breached_at__isnull=False).exists()
    assert Extension.objects.filter(status=ExtensionStatus.ACCEPTED).exists()
    assert Escalation.history.filter(
        history_user__isnull=True, history_change_reason__startswith="Escalated to stage"
    ).exists(), "under policy v1 the system escalates a breached stage"
    references = list(Child.objects.values_list("raising_case_number", flat=True))
    assert references
    assert all(CASE_NUMBER.match(reference) for reference in references), references
    assert not Escalation.history.filter(history_date__gt=timezone.now()).exists()

    before = row_counts()
    again = io.StringIO()
    call_command("seed_demo", count=25, stdout=again)

    assert "already there" in again.getvalue()
    assert row_counts() == before
