"""The escalation and what hangs from it: children, stage records, holders, extensions, notes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin
from simple_history.models import HistoricalRecords

from workflows.states import OPEN_STATES, EscalationStateMachine, Status

from .choices import (
    CaseStatus,
    Category,
    Conclusion,
    Decision,
    ExtensionStatus,
    FamilyInformed,
    Outcome,
    Side,
    Subject,
)
from .partnership import Agency, Partnership, Policy, User

TEXT_LIMIT = 5000


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def open(self) -> EscalationQuerySet:
        return self.filter(status__in=OPEN_STATES)


class Escalation(FSMModelMixin, EscalationStateMachine, models.Model):
    """One professional difference on its way through the stages. ``status`` moves only
    through the transition code in ``workflows.transitions``."""

    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="escalations")
    policy = models.ForeignKey(Policy, models.PROTECT, related_name="escalations")
    reference = models.CharField(max_length=20)
    subject = models.CharField(max_length=10, choices=Subject.choices, default=Subject.CHILDREN)
    raising_agency = models.ForeignKey(Agency, models.PROTECT, related_name="raised")
    raised_by = models.ForeignKey(User, models.PROTECT, related_name="raised_escalations")
    receiving_agency = models.ForeignKey(Agency, models.PROTECT, related_name="received")
    receiving_holder = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="named_for_escalations"
    )
    level_of_need = models.CharField(max_length=100, blank=True)
    case_status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.NONE
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    decision_disputed = models.TextField(max_length=TEXT_LIMIT)
    reasons = models.TextField(max_length=TEXT_LIMIT)
    impact_on_child = models.TextField(max_length=TEXT_LIMIT, blank=True)
    outcome_sought = models.TextField(max_length=TEXT_LIMIT)
    family_informed = models.CharField(
        max_length=10, choices=FamilyInformed.choices, default=FamilyInformed.YES
    )
    family_not_informed_reason = models.TextField(max_length=TEXT_LIMIT, blank=True)
    urgent = models.BooleanField(default=False)
    immediate_risk = models.BooleanField(default=False)
    immediate_action_at = models.DateTimeField(
        null=True, blank=True, help_text="When the raiser acted under child protection procedures."
    )
    status = FSMField(choices=Status.choices, default=Status.STAGE_1, protected=True)
    stage = models.PositiveSmallIntegerField(default=1)
    stage_due_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement_chased_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    resolution_summary = models.TextField(max_length=TEXT_LIMIT, blank=True)
    agreed_actions = models.TextField(max_length=TEXT_LIMIT, blank=True)
    learning_points = models.TextField(max_length=TEXT_LIMIT, blank=True)
    raised_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    working_days_open = models.PositiveIntegerField(
        null=True, blank=True, help_text="Working days from raising to closing, stored on closing."
    )
    process = models.OneToOneField(
        "viewflow.Process", models.PROTECT, null=True, blank=True, related_name="escalation"
    )
    # the last change to the escalation itself, for case systems that ask what changed since
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["process", "updated_at"])

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reference"], name="escalation_reference_unique"
            ),
            # status stage_N stands at stage N; a closed escalation keeps the stage it
            # closed at (1 to 4). Also refuses a status outside the state graph.
            models.CheckConstraint(
                condition=(
                    models.Q(status=Status.STAGE_1, stage=1)
                    | models.Q(status=Status.STAGE_2, stage=2)
                    | models.Q(status=Status.STAGE_3, stage=3)
                    | models.Q(status=Status.STAGE_4, stage=4)
                    | models.Q(
                        status__in=[Status.RESOLVED, Status.WITHDRAWN], stage__gte=1, stage__lte=4
                    )
                ),
                name="escalation_status_matches_stage",
                violation_error_message=(
                    "An escalation's status and stage disagree: at stage N its status is "
                    "stage N, and a resolved or withdrawn escalation keeps a stage from 1 to 4."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "status", "stage_due_at"]),
            models.Index(fields=["partnership", "updated_at"], name="escalation_updated_idx"),
            models.Index(fields=["partnership", "raised_at"], name="escalation_raised_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("escalations:detail", kwargs={"reference": self.reference})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class Child(models.Model):
    """A child the escalation is about: case numbers and an age band, never a name."""

    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="children")
    raising_case_number = models.CharField(max_length=50)
    receiving_case_number = models.CharField(max_length=50, blank=True)
    age_band = models.CharField(max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.raising_case_number


class StageRecord(models.Model):
    """One stage entered: when it started and is due, its holders, the receiving side's
    decision, how it concluded and whether it breached."""

    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="stage_records")
    stage = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    original_due_at = models.DateTimeField()
    due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    # the first breach (what the report counts); the latest, when an extension accepted after
    # a breach gave the stage a due moment that passed too (a breach is once per due moment)
    breached_at = models.DateTimeField(null=True, blank=True)
    last_breached_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(max_length=TEXT_LIMIT, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.CharField(max_length=10, choices=Conclusion.choices, blank=True)
    conclusion_reason = models.TextField(max_length=TEXT_LIMIT, blank=True)
    duration_working_days = models.PositiveIntegerField(null=True, blank=True)
    duration_hours = models.PositiveIntegerField(null=True, blank=True)
    raising_recorded_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+"
    )
    raising_recorded_at = models.DateTimeField(null=True, blank=True)
    raising_record_reference = models.CharField(max_length=100, blank=True)
    receiving_recorded_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_recorded_at = models.DateTimeField(null=True, blank=True)
    receiving_record_reference = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["escalation", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "stage"], name="one_record_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.escalation} stage {self.stage}"

    @property
    def breached(self) -> bool:
        return self.breached_at is not None


class StageHolder(models.Model):
    """A person holding a stage on one side. Holders are fixed when the stage starts; a
    handover ends one row and starts another, so history shows who held it when."""

    stage_record = models.ForeignKey(StageRecord, models.PROTECT, related_name="holders")
    side = models.CharField(max_length=12, choices=Side.choices)
    user = models.ForeignKey(User, models.PROTECT, related_name="held_stages")
    since = models.DateTimeField()
    until = models.DateTimeField(null=True, blank=True)
    handed_over_to = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="handed_over_from"
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["user", "until"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_side_display()}, {self.stage_record})"


class Extension(models.Model):
    """A new due date proposed by one side and accepted by the other side's holder or the
    partnership team: visible on the case and in the report, never silent."""

    stage_record = models.ForeignKey(StageRecord, models.PROTECT, related_name="extensions")
    proposed_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    proposed_side = models.CharField(max_length=12, choices=Side.choices)
    proposed_at = models.DateTimeField()
    new_due_date = models.DateField()
    new_due_at = models.DateTimeField()
    reason = models.TextField(max_length=TEXT_LIMIT)
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PROPOSED
    )
    decided_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.stage_record}: to {self.new_due_date:%d %B %Y} ({self.status})"


class Note(models.Model):
    """An append-only contribution from anyone who can see the escalation."""

    escalation = models.ForeignKey(Escalation, models.PROTECT, related_name="notes")
    author = models.ForeignKey(User, models.PROTECT, related_name="+")
    text = models.TextField(max_length=TEXT_LIMIT)
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note by {self.author} on {self.escalation}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("Notes are append-only: add another note instead.")
        super().save(*args, **kwargs)
