"""``manage.py seed_demo``: a demo a partnership can be shown (every state, the clock's own
work, no names) that is built once."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from escalations.models import (
    Child,
    Escalation,
    Extension,
    ExtensionStatus,
    Meeting,
    StageRecord,
)

# a case number: the agency's prefix, a year and six digits; never a name
CASE_NUMBER = re.compile(r"^[A-Z]{2,5}-\d{4}-\d{6}$")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_has_every_state_genuine_timers_case_numbers_only_and_is_built_once():
    out = io.StringIO()
    call_command("seed_demo", count=25, stdout=out)

    assert "resolve-demo" in out.getvalue()
    assert "the code '000000' (it works only with DEBUG on" in out.getvalue()
    _every_demo_account_asks_for_a_code()
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
    assert "refused or unplanned" not in out.getvalue()
    _every_stage_4_resolution_followed_its_meeting()
    _the_lead_has_published_what_had_ended()

    before = row_counts()
    again = io.StringIO()
    call_command("seed_demo", count=25, stdout=again)

    assert "already there" in again.getvalue()
    assert row_counts() == before


def _every_demo_account_asks_for_a_code() -> None:
    """A demo sign-in goes to the code, not to setting up an app, and the code is refused
    outside DEBUG (the test settings), so the demo's way past it is no way past it elsewhere."""
    from django.test import Client

    from escalations.models import User
    from tests.signing_in import CODE, sign_in

    users = User.objects.filter(membership__isnull=False, is_active=True)
    assert users.exists()
    assert not users.filter(authenticator__isnull=True).exists()
    client = Client()
    lead = users.get(username="lead")
    assert sign_in(client, lead, "resolve-demo")["Location"] == CODE
    assert client.post(CODE, {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session


def _the_lead_has_published_what_had_ended() -> None:
    """Last reporting year in both editions and this year's ended quarters as public
    snapshots, each published after its period ended, intact; /public/ shows the latest."""
    import datetime as dt

    from django.test import Client

    from escalations.models import Partnership, PublishedReport
    from escalations.reports import publishing
    from escalations.reports.suppression import EDITIONS, PUBLIC

    partnership = Partnership.objects.get()
    today = timezone.localdate()
    year = publishing.reporting_year_of(partnership, today)
    settled = dt.timedelta(days=18)  # the demo publishes 10 to 17 days after a period ends
    reports = list(PublishedReport.objects.all())
    assert all(publishing.verify(report) for report in reports)
    assert all(timezone.localdate(r.published_at) > r.period_end for r in reports)
    years = {(r.year, r.edition) for r in reports if r.kind == publishing.YEAR}
    last_year_end = publishing.quarters(partnership, year)[0].start - dt.timedelta(days=1)
    if today > last_year_end + settled:
        assert years == {(y, edition) for y in (year - 2, year - 1) for edition in EDITIONS}
        last_year = PublishedReport.objects.get(kind=publishing.YEAR, year=year - 1, edition=PUBLIC)
        assert last_year.figures["key_messages"]  # the words the board adopted
    ended = [q for q in publishing.quarters(partnership, year) if today > q.end + settled]
    snapshots = sorted(r.period_end for r in reports if r.kind == publishing.QUARTER)
    assert snapshots == [quarter.end for quarter in ended]
    if ended:
        page = Client().get("/public/").content.decode()
        assert f"{ended[-1].end:%-d %B %Y}" in page


def _every_stage_4_resolution_followed_its_meeting() -> None:
    """The lead convened the partners at stage 4, both agencies gave their written positions
    and the meeting was held before the outcome was recorded."""
    for escalation in Escalation.objects.filter(status="resolved", stage=4):
        meeting = Meeting.objects.get(stage_record__escalation=escalation)
        assert meeting.held_at is not None
        assert meeting.held_at <= escalation.closed_at
        assert meeting.positions.filter(given_at__isnull=False).count() == 2
        assert meeting.invitees.filter(attended=True).exists()
