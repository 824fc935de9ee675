"""PDFs cached under what they show (issue 13, item 3): a repeat of the same record for the
same person, or of the same report, costs no rendering; the view and the download are still
logged; another viewer, a change to the escalation or new figures make a new PDF."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import weasyprint

from escalations import services
from escalations.models import SecurityEvent, ViewLog
from tests.escalations.test_views_detail import client_for, url
from tests.factories import raise_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Each time WeasyPrint really lays out a PDF (the real one runs)."""
    made: list[int] = []
    real = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):
        made.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return made


def text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 - poppler-utils on the PATH
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_the_same_record_again_is_not_rendered_again_but_is_logged_again(world, clock, renders):
    escalation = raise_one(world)
    raiser = client_for(world.police.practitioner)
    first = raiser.get(url(escalation, "record_pdf"))
    second = raiser.get(url(escalation, "record_pdf"))
    assert first.content == second.content
    assert len(renders) == 1
    assert ViewLog.objects.filter(escalation=escalation).count() == 2
    assert SecurityEvent.objects.filter(kind="exported", by=world.police.practitioner).count() == 2


def test_another_viewer_gets_their_own_pdf_never_the_first_ones(world, clock, renders):
    escalation = raise_one(world)
    mine = client_for(world.police.practitioner).get(url(escalation, "record_pdf")).content
    theirs = client_for(world.csc.practitioner).get(url(escalation, "record_pdf")).content
    assert len(renders) == 2
    me, them = world.police.practitioner.get_full_name(), world.csc.practitioner.get_full_name()
    assert f"Printed by {me}" in " ".join(text_of(mine).split())
    assert f"Printed by {me}" not in " ".join(text_of(theirs).split())
    assert f"Printed by {them}" in " ".join(text_of(theirs).split())


def test_a_change_to_the_escalation_makes_a_new_pdf(world, clock, renders):
    escalation = raise_one(world)
    raiser = client_for(world.police.practitioner)
    raiser.get(url(escalation, "record_pdf"))
    services.escalation_add_note(
        escalation=escalation, author=world.police.practitioner, text="Phoned the front door."
    )
    after = raiser.get(url(escalation, "record_pdf")).content
    assert len(renders) == 2
    assert "Phoned the front door." in text_of(after)


def test_the_same_report_pdf_again_is_not_rendered_again(world, clock, renders):
    raise_one(world)
    lead = client_for(world.lead)
    report = "/reports/annual/2026/"
    first = lead.get(report, {"format": "pdf"}).content
    assert lead.get(report, {"format": "pdf"}).content == first
    clock.shift(dt.timedelta(minutes=5))  # the data is taken again, the same figures
    assert lead.get(report, {"format": "pdf"}).content == first
    assert len(renders) == 1
    raise_one(world, child_reference="POL-2")  # new figures
    lead.get(report, {"format": "pdf"})
    assert len(renders) == 2
    assert SecurityEvent.objects.filter(kind="exported", by=world.lead).count() == 4
