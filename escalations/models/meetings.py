"""The stage 4 meeting (issue 14, item 5): the partnership lead convenes the safeguarding
partners' delegates for an escalation at stage 4, asks the two agencies for their written
positions by a day (reminded on that day's morning if one is missing), records who attended,
then the outcome (the escalation's resolution at stage 4)."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from .escalation import StageRecord
from .partnership import Agency, User

POSITION_LIMIT = 5000


class Meeting(models.Model):
    stage_record = models.OneToOneField(StageRecord, models.PROTECT, related_name="meeting")
    convened_at = models.DateTimeField()
    convened_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    meets_at = models.DateTimeField()
    positions_due_at = models.DateTimeField(help_text="The end of the day positions are due.")
    positions_reminded_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_recorded_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Stage 4 meeting of {self.stage_record.escalation}"


class MeetingInvitee(models.Model):
    """A partner invited; ``attended`` is recorded after the meeting."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="invitees")
    user = models.ForeignKey(User, models.PROTECT, related_name="+")
    attended = models.BooleanField(null=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_invitee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.meeting}"


class AgencyPosition(models.Model):
    """An agency's written position for the meeting: asked of the raising and the receiving
    agency when it is convened, given by a holder of stage 4 for it (or recorded by the
    lead)."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="positions")
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="+")
    position = models.TextField(blank=True, max_length=POSITION_LIMIT)
    given_at = models.DateTimeField(null=True, blank=True)
    given_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="agency_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency}'s position for {self.meeting}"
