"""What the API shows and takes. Input serializers only type what is sent (strings, numbers,
dates, choices); what it must be is the domain's rule, checked by the services
(``workflows.inputs``), and who may do it the rulebook's (``workflows.rules``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from escalations.models import (
    Agency,
    CaseStatus,
    Category,
    Decision,
    Escalation,
    Event,
    FamilyInformed,
    Outcome,
    StageRecord,
    Subject,
    User,
)
from escalations.timeline import build_timeline, due_moment, person
from workflows import rules
from workflows.identifying import findings, for_the_log, kinds_in
from workflows.states import Status

# the largest id a database holds (a bigger one is no id at all, not a server error)
LARGEST_ID = 2**63 - 1

# --------------------------------------------------------------------------------------------
# what it shows
# --------------------------------------------------------------------------------------------


class AgencySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Agency
        fields = ["id", "name", "sector"]


class EscalationSummarySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    raising_agency = serializers.CharField(source="raising_agency.name")
    receiving_agency = serializers.CharField(source="receiving_agency.name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = [
            "reference",
            "status",
            "stage",
            "urgent",
            "category",
            "raising_agency",
            "receiving_agency",
            "raised_at",
            "updated_at",
            "stage_due_at",
            "closed_at",
            "url",
        ]

    def get_url(self, escalation: Escalation) -> str:
        path = reverse("api:escalation", kwargs={"reference": escalation.reference})
        return str(self.context["request"].build_absolute_uri(path))


class EscalationPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A page of the list; ``next`` and ``previous`` are the links to follow (a cursor)."""

    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = EscalationSummarySerializer(many=True)


class HolderSerializer(serializers.Serializer):  # type: ignore[type-arg]
    side = serializers.CharField()
    username = serializers.CharField(source="user.username")
    name = serializers.SerializerMethodField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)

    def get_name(self, holder: Any) -> str:
        return person(holder.user)


class ExtensionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    status = serializers.CharField()
    proposed_side = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    new_due_date = serializers.DateField()
    new_due_at = serializers.DateTimeField()
    reason = serializers.CharField()


class StageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    holders = HolderSerializer(many=True, source="holders.all")
    extensions = ExtensionSerializer(many=True, source="extensions.all")

    class Meta:
        model = StageRecord
        fields = [
            "stage",
            "started_at",
            "original_due_at",
            "due_at",
            "breached_at",
            "concluded_at",
            "conclusion",
            "decision",
            "decision_reason",
            "holders",
            "extensions",
        ]


class ChildSerializer(serializers.Serializer):  # type: ignore[type-arg]
    raising_case_number = serializers.CharField()
    receiving_case_number = serializers.CharField()
    age_band = serializers.CharField()


class TimeLeftSerializer(serializers.Serializer):  # type: ignore[type-arg]
    due_at = serializers.DateTimeField(source="at")
    words = serializers.CharField()
    time_left = serializers.CharField(source="tag")
    overdue = serializers.BooleanField()


class TimelineEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    who = serializers.CharField()
    what = serializers.CharField()
    detail = serializers.CharField()


class EscalationSerializer(EscalationSummarySerializer):
    """One escalation with its stages, holders, due moments, time left and timeline, and
    ``actions``: what the caller may do now, from the rulebook."""

    children = ChildSerializer(many=True, source="children.all")
    stages = serializers.SerializerMethodField()
    due = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(EscalationSummarySerializer.Meta):
        fields = [
            *EscalationSummarySerializer.Meta.fields,
            "subject",
            "children",
            "level_of_need",
            "case_status",
            "decision_disputed",
            "reasons",
            "impact_on_child",
            "outcome_sought",
            "family_informed",
            "family_not_informed_reason",
            "immediate_risk",
            "immediate_action_at",
            "acknowledgement_due_at",
            "acknowledged_at",
            "outcome",
            "resolution_summary",
            "agreed_actions",
            "learning_points",
            "stages",
            "due",
            "timeline",
            "actions",
        ]

    def _situation(self, escalation: Escalation) -> rules.Situation:
        cache = self.context.setdefault("situations", {})
        if escalation.pk not in cache:
            cache[escalation.pk] = rules.Situation.read(escalation)
        return cache[escalation.pk]  # type: ignore[no-any-return]

    def get_stages(self, escalation: Escalation) -> list[dict[str, Any]]:
        return StageSerializer(self._situation(escalation).records, many=True).data  # type: ignore[return-value]

    def get_due(self, escalation: Escalation) -> dict[str, Any] | None:
        due = due_moment(escalation) if escalation.is_open else None
        return TimeLeftSerializer(due).data if due is not None else None

    def get_timeline(self, escalation: Escalation) -> list[dict[str, Any]]:
        entries = build_timeline(escalation, newest_first=False)
        return TimelineEntrySerializer(entries, many=True).data  # type: ignore[return-value]

    def get_actions(self, escalation: Escalation) -> list[str]:
        return rules.available(self._situation(escalation), self.context["request"].user)


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    reference = serializers.CharField(source="escalation.reference")

    class Meta:
        model = Event
        fields = ["id", "reference", "stage", "kind", "at"]


class EventPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    events = EventSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    agency = serializers.CharField(allow_null=True)
    partnership = serializers.CharField()


# --------------------------------------------------------------------------------------------
# what it takes
# --------------------------------------------------------------------------------------------


class ListFilters(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    stage = serializers.IntegerField(min_value=1, max_value=4, required=False)
    agency = serializers.IntegerField(
        min_value=1,
        max_value=LARGEST_ID,
        required=False,
        help_text="An agency id: raised by it or received by it.",
    )
    raised_since = serializers.DateTimeField(required=False)
    updated_since = serializers.DateTimeField(required=False)


class ChildInput(serializers.Serializer):  # type: ignore[type-arg]
    raising_case_number = serializers.CharField(max_length=200, allow_blank=True)
    receiving_case_number = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    age_band = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def text(**kwargs: Any) -> serializers.CharField:
    """Free text: its limits are the domain's to check, so that every door says the same."""
    return serializers.CharField(
        max_length=20000, allow_blank=True, trim_whitespace=False, **kwargs
    )


class ChecksIdentifying(serializers.Serializer):  # type: ignore[type-arg]
    """Free text that seems to hold a date of birth, a postcode, a street address, an NHS
    number or a full name is refused unless ``keep_identifying_because`` says why it must stay
    (``workflows.identifying``), as the pages warn; the reason goes in the security log."""

    checked_fields: tuple[str, ...] = ()
    keep_identifying_because = serializers.CharField(
        max_length=500,
        required=False,
        default="",
        allow_blank=True,
        help_text="Only when the text must keep details that could identify someone: why.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        texts = {name: attrs.get(name) or "" for name in self.checked_fields}
        self.identifying = findings(texts)
        if self.identifying and not attrs.get("keep_identifying_because", "").strip():
            found = ", ".join(f"{f.described} in {f.field}" for f in self.identifying)
            raise serializers.ValidationError(
                {
                    "keep_identifying_because": [
                        f"This looks as if it could identify someone ({found}). Remove it, "
                        "or say here why it must stay."
                    ]
                }
            )
        if kinds_in(attrs.get("keep_identifying_because", "")):
            raise serializers.ValidationError(
                {"keep_identifying_because": ["Say why without repeating the details."]}
            )
        return attrs

    def kept_identifying(self) -> str:
        if not getattr(self, "identifying", None):
            return ""
        return for_the_log(self.identifying, self.validated_data["keep_identifying_because"])


class RaiseInput(ChecksIdentifying):
    checked_fields = (
        "decision_disputed",
        "reasons",
        "impact_on_child",
        "outcome_sought",
        "family_not_informed_reason",
    )

    receiving_agency = serializers.IntegerField(
        min_value=1, max_value=LARGEST_ID, help_text="From /api/v1/agencies/."
    )
    category = serializers.ChoiceField(choices=Category.choices)
    child_reference = text(
        required=False,
        default="",
        help_text="Your agency's case number for the child, never a name.",
    )
    decision_disputed = text()
    reasons = text()
    outcome_sought = text()
    urgent = serializers.BooleanField(required=False, default=False)
    immediate_risk = serializers.BooleanField(required=False, default=False)
    immediate_action_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    start_stage = serializers.IntegerField(min_value=1, max_value=4, required=False, default=1)
    subject = serializers.ChoiceField(
        choices=Subject.choices, required=False, default=Subject.CHILDREN
    )
    receiving_case_number = text(required=False, default="")
    age_band = text(required=False, default="")
    more_children = ChildInput(many=True, required=False, default=list)
    impact_on_child = text(required=False, default="")
    level_of_need = text(required=False, default="")
    case_status = serializers.ChoiceField(
        choices=CaseStatus.choices, required=False, default=CaseStatus.NONE
    )
    family_informed = serializers.ChoiceField(
        choices=FamilyInformed.choices, required=False, default=FamilyInformed.YES
    )
    family_not_informed_reason = text(required=False, default="")

    def validate_immediate_action_at(self, value: Any) -> Any:
        return timezone.localtime(value) if value is not None else None


class StageInput(serializers.Serializer):  # type: ignore[type-arg]
    expected_stage = serializers.IntegerField(
        min_value=1,
        max_value=4,
        required=False,
        allow_null=True,
        default=None,
        help_text="The stage you read: refused (409) if the escalation has moved on since.",
    )


class AcknowledgeInput(StageInput):
    holder = serializers.CharField(
        max_length=150, required=False, default="", allow_blank=True,
        help_text="The username of the named holder at your agency; you, if left out.",
    )  # fmt: skip


class RespondInput(ChecksIdentifying, StageInput):
    checked_fields = ("response",)
    decision = serializers.ChoiceField(choices=Decision.choices)
    response = text()


class ReasonInput(ChecksIdentifying, StageInput):
    checked_fields = ("reason",)
    reason = text()


class ResolveInput(ChecksIdentifying, StageInput):
    checked_fields = ("summary", "agreed_actions", "learning")
    outcome = serializers.ChoiceField(
        choices=[c for c in Outcome.choices if c[0] != Outcome.WITHDRAWN]
    )
    summary = text()
    agreed_actions = text()
    learning = text(required=False, default="")


class NoteInput(ChecksIdentifying, StageInput):
    checked_fields = ("text",)
    text = text()


class ExtensionInput(ChecksIdentifying, StageInput):
    checked_fields = ("reason",)
    new_due_date = serializers.DateField()
    reason = text()


class HandOverInput(StageInput):
    to = serializers.CharField(max_length=150, help_text="The colleague's username.")
    holder = serializers.CharField(
        max_length=150, required=False, default="", allow_blank=True,
        help_text="Whose holding (the partnership lead, for an absent holder); yours if left out.",
    )  # fmt: skip


class ConveneMeetingInput(StageInput):
    meets_at = serializers.DateTimeField(help_text="When the stage 4 meeting meets.")
    invited = serializers.ListField(
        child=serializers.CharField(max_length=150),
        allow_empty=True,
        max_length=50,
        help_text="The usernames of the partners invited.",
    )
    positions_due_on = serializers.DateField(
        help_text="The day both agencies' written positions are due."
    )


class PositionInput(ChecksIdentifying, StageInput):
    checked_fields = ("position",)
    position = text(help_text="Your agency's written position for the stage 4 meeting.")


class RecordMeetingInput(StageInput):
    held_on = serializers.DateField(help_text="The day the meeting was held.")
    attended = serializers.ListField(
        child=serializers.CharField(max_length=150),
        allow_empty=True,
        max_length=50,
        help_text="The usernames of those invited who attended.",
    )


class CaseFileInput(StageInput):
    reference = text(help_text="Where your agency recorded the stage outcome on its case file.")


def person_named(username: str, *, partnership_id: int, field: str) -> User | None:
    """A member of the partnership by username (None when not given)."""
    found = people_named([username], partnership_id=partnership_id, field=field)
    return found[0] if found else None


def people_named(usernames: list[str], *, partnership_id: int, field: str) -> list[User]:
    """Members of the partnership by username, in one query, each once, in the order given
    (the first name nobody has is refused). Empty names are left out."""
    names = [name for name in dict.fromkeys(usernames) if name]
    found = {
        user.username: user
        for user in User.objects.filter(
            username__in=names, membership__partnership_id=partnership_id
        )
    }
    for name in names:
        if name not in found:
            raise serializers.ValidationError({field: [f"There is nobody called {name!r} here."]})
    return [found[name] for name in names]
