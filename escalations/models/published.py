"""Published annual reports (DESIGN.md section 6): a published report is frozen, its figures
and PDF stored with a checksum, and never changes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .partnership import Partnership, User

YEAR, QUARTER = "year", "quarter"
KINDS = [(YEAR, "Reporting year"), (QUARTER, "Quarterly snapshot")]


class PublishedReport(models.Model):
    """One edition of the report for one period, as the partnership lead published it. To
    correct one, publish again: the old one stays, as it was."""

    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="published_reports")
    edition = models.CharField(
        max_length=10, choices=[("internal", "Internal"), ("public", "Public")]
    )
    kind = models.CharField(
        max_length=10,
        choices=KINDS,
        default=YEAR,
        help_text="A whole reporting year, or a quarter of one (a snapshot during the year).",
    )
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The year the reporting year (the period or the one it is a quarter of) "
        "starts in.",
    )
    period_start = models.DateField()
    period_end = models.DateField()
    figures = models.JSONField(help_text="The edition in the report's JSON format.")
    pdf = models.BinaryField()
    checksum = models.CharField(
        max_length=64, help_text="SHA-256 of the figures (canonical JSON) and the PDF."
    )
    # what a reader checks with sha256sum: of each file exactly as it is downloaded
    pdf_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the PDF file.")
    json_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the JSON file.")
    learning_themes = models.JSONField(
        default=list, blank=True, help_text="The learning themes the partnership team chose."
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(User, models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["partnership", "edition", "-published_at"])]

    def __str__(self) -> str:
        return (
            f"{self.partnership}: {self.edition} report {self.period_start:%-d %B %Y} to "
            f"{self.period_end:%-d %B %Y}, published {self.published_at:%-d %B %Y}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("A published report never changes: publish a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("A published report is kept as it was published.")

    @staticmethod
    def json_file(figures: Any) -> bytes:
        """The JSON file as downloaded: keys sorted (the database need not keep their order),
        indented for people to read."""
        return json.dumps(figures, indent=2, sort_keys=True, ensure_ascii=False).encode()

    @staticmethod
    def sha256(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @staticmethod
    def checksum_of(figures_json: bytes, pdf: bytes) -> str:
        digest = hashlib.sha256()
        for part in (figures_json, pdf):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
        return digest.hexdigest()

    @property
    def version(self) -> int:
        """1 for the first publication of this edition for this period, 2 for the next..."""
        return (
            PublishedReport.objects.filter(
                partnership_id=self.partnership_id,
                edition=self.edition,
                kind=self.kind,
                period_start=self.period_start,
                period_end=self.period_end,
                pk__lt=self.pk,
            ).count()
            + 1
        )


class ReportText(models.Model):
    """The words the partnership lead writes for a reporting year's report: a foreword and
    key messages (issue 14, item 8). The internal edition shows them as written; the public
    edition only once they are approved for publication, and a change to them after approval
    needs approving again. A publication keeps the text it was published with."""

    FOREWORD_LIMIT, MESSAGE_LIMIT, MESSAGES_LIMIT = 4000, 400, 8

    partnership = models.ForeignKey(Partnership, models.PROTECT, related_name="report_texts")
    year = models.PositiveSmallIntegerField(help_text="The year the reporting year starts in.")
    foreword = models.TextField(blank=True)
    key_messages = models.JSONField(default=list, blank=True, help_text="One message each.")
    approved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the text was approved for the public edition."
    )
    approved_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_report_text_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: the report's text for {self.year}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def written(self) -> bool:
        return bool(self.foreword or self.key_messages)
