"""The API's escalations: the list a person may see, one escalation with what they may do
now, raising (idempotent with an ``Idempotency-Key``), and every action on it. Each action
calls its service function, so it asks the rulebook under the escalation's row lock like any
other door; a refusal comes back as a problem (``escalations.api.problems``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from escalations import security_log, services
from escalations.audit import through_the_api
from escalations.models import Agency, Escalation, Extension, SecurityKind, User
from escalations.selectors import escalation_open, escalation_visible_to
from workflows.holders import membership_of
from workflows.refusals import Invalid

from . import serializers as s


class ApiView(APIView):
    # every change made through the API says so in its history (escalations.audit)
    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with through_the_api():
            return super().dispatch(request, *args, **kwargs)

    def caller(self) -> User:
        user = self.request.user
        assert isinstance(user, User)
        return user

    def escalation(self, reference: str, *, log: bool = False) -> Escalation:
        """The escalation if the caller may see it; to anyone else it does not exist."""
        try:
            return escalation_open(user=self.caller(), reference=reference, log=log)
        except Escalation.DoesNotExist as missing:
            raise NotFound("No such escalation.") from missing

    def shown(self, escalation: Escalation, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.escalation(escalation.reference)
        data = s.EscalationSerializer(fresh, context={"request": self.request}).data
        return Response(data, status=code)


class Me(ApiView):
    """The person this token acts for: a case system can check it before it acts."""

    @extend_schema(operation_id="me_read", responses=s.MeSerializer, summary="Whose token this is")
    def get(self, request: Request) -> Response:
        user = self.caller()
        membership = membership_of(user)
        assert membership is not None
        return Response(
            s.MeSerializer(
                {
                    "username": user.username,
                    "name": str(user),
                    "role": membership.role,
                    "agency": membership.agency.name if membership.agency else None,
                    "partnership": membership.partnership.name,
                }
            ).data
        )


class Agencies(ApiView):
    """The agencies an escalation can be raised with (``receiving_agency`` takes the id)."""

    @extend_schema(
        operation_id="agencies_list",
        responses=s.AgencySerializer(many=True),
        summary="The partnership's active agencies",
    )
    def get(self, request: Request) -> Response:
        membership = membership_of(self.caller())
        assert membership is not None
        agencies = Agency.objects.filter(partnership_id=membership.partnership_id).order_by("name")
        today = timezone.localdate()
        active = [agency for agency in agencies if agency.is_active_on(today)]
        return Response(s.AgencySerializer(active, many=True).data)


class NewestChangesFirst(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-updated_at", "-id")


def _fingerprint(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class Escalations(ApiView):
    """``GET``: the escalations the caller may see, newest change first, with filters.
    ``POST``: raise one."""

    @extend_schema(
        operation_id="escalations_list",
        parameters=[s.ListFilters],
        responses=s.EscalationPageSerializer,
        summary="The escalations you may see",
    )
    def get(self, request: Request) -> Response:
        filters = s.ListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        found = _filtered(escalation_visible_to(self.caller()), filters.validated_data)
        paginator = NewestChangesFirst()
        page = paginator.paginate_queryset(found, request, view=self)
        data = s.EscalationSummarySerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="escalation_raise",
        request=s.RaiseInput,
        responses={201: s.EscalationSerializer, 200: s.EscalationSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Any unique string: a retried POST with the same key and body "
                "returns the escalation it raised (200) instead of raising it twice.",
            )
        ],
        summary="Raise an escalation",
    )
    def post(self, request: Request) -> Response:
        given = s.RaiseInput(data=request.data)
        given.is_valid(raise_exception=True)
        fields = dict(given.validated_data)
        fields.pop("keep_identifying_because")
        receiving = _agency(fields.pop("receiving_agency"), self.caller())
        more = [services.ChildDetails(**child) for child in fields.pop("more_children")]
        key = request.headers.get("Idempotency-Key", "")
        escalation, replayed = services.escalation_raise_once(
            idempotency_key=key,
            fingerprint=_fingerprint(request.data),
            raised_by=self.caller(),
            receiving_agency=receiving,
            more_children=more,
            **fields,
        )
        response = self.shown(
            escalation, status.HTTP_200_OK if replayed else status.HTTP_201_CREATED
        )
        if replayed:
            response["Idempotent-Replayed"] = "true"
        else:
            _kept_identifying(given, escalation, self.caller())
        return response


def _kept_identifying(given: Any, escalation: Escalation, user: User) -> None:
    """Identifying details saved with a reason: which kinds and why, in the security log."""
    if isinstance(given, s.ChecksIdentifying) and (detail := given.kept_identifying()):
        security_log.record(
            SecurityKind.IDENTIFYING_DETAILS_KEPT,
            by=user,
            detail=f"{escalation.reference}: {detail}",
        )


def _agency(pk: int, user: User) -> Agency:
    membership = membership_of(user)
    found = Agency.objects.filter(pk=pk, partnership_id=getattr(membership, "partnership_id", 0))
    agency = found.first()
    if agency is None:
        raise Invalid(
            "Choose an agency of this partnership from /api/v1/agencies/.", field="receiving_agency"
        )
    return agency


def _filtered(found: QuerySet[Escalation], filters: dict[str, Any]) -> QuerySet[Escalation]:
    if "status" in filters:
        found = found.filter(status=filters["status"])
    if "stage" in filters:
        found = found.filter(stage=filters["stage"])
    if "agency" in filters:
        found = found.filter(
            Q(raising_agency_id=filters["agency"]) | Q(receiving_agency_id=filters["agency"])
        )
    if "raised_since" in filters:
        found = found.filter(raised_at__gte=filters["raised_since"])
    if "updated_since" in filters:
        found = found.filter(updated_at__gte=filters["updated_since"])
    return found.select_related("raising_agency", "receiving_agency")


class EscalationDetail(ApiView):
    """The escalation, its stages, holders, due moments and timeline, and ``actions``: what
    you may do now. Opening it is logged, as on its page."""

    @extend_schema(
        operation_id="escalation_read",
        responses=s.EscalationSerializer,
        summary="One escalation, and what you may do now",
    )
    def get(self, request: Request, reference: str) -> Response:
        return self.shown(self.escalation(reference, log=True))


# --------------------------------------------------------------------------------------------
# actions: one small view each, all the same shape
# --------------------------------------------------------------------------------------------


class Action(ApiView):
    """POST the action's input; the service decides. Answers with the escalation as it now
    stands."""

    input: type[serializers.Serializer] = s.StageInput  # type: ignore[type-arg]
    created = False

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        raise NotImplementedError

    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        escalation = self.escalation(reference)
        given = self.input(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        data.pop("keep_identifying_because", None)  # for the log below, not the service
        self.perform(escalation, data, **kwargs)
        _kept_identifying(given, escalation, self.caller())
        return self.shown(
            escalation, status.HTTP_201_CREATED if self.created else status.HTTP_200_OK
        )

    def person(self, escalation: Escalation, username: str, field: str) -> User | None:
        return s.person_named(username, partnership_id=escalation.partnership_id, field=field)

    def people(self, escalation: Escalation, usernames: list[str], field: str) -> list[User]:
        return s.people_named(usernames, partnership_id=escalation.partnership_id, field=field)


def action(
    name: str,
    input_: type[serializers.Serializer],  # type: ignore[type-arg]
    summary: str,
    *,
    created: bool = False,
) -> Any:
    """The schema of an action: its input, the escalation back, and its problems."""
    code = 201 if created else 200
    return extend_schema(
        operation_id=f"escalation_{name}",
        request=input_,
        responses={code: s.EscalationSerializer},
        summary=summary,
    )


class Acknowledge(Action):
    input = s.AcknowledgeInput

    @action("acknowledge", s.AcknowledgeInput, "Acknowledge, naming who holds it for your agency")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_acknowledge(
            escalation=escalation,
            by=self.caller(),
            holder=self.person(escalation, data["holder"], "holder"),
            expected_stage=data["expected_stage"],
        )


class Respond(Action):
    input = s.RespondInput

    @action("respond", s.RespondInput, "Record your agency's decision now and why")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_respond(
            escalation=escalation,
            by=self.caller(),
            decision=data["decision"],
            response=data["response"],
            expected_stage=data["expected_stage"],
        )


class Escalate(Action):
    input = s.ReasonInput

    @action("escalate", s.ReasonInput, "Escalate to the next stage")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_escalate(
            escalation=escalation,
            by=self.caller(),
            reason=data["reason"],
            expected_stage=data["expected_stage"],
        )


class Resolve(Action):
    input = s.ResolveInput

    @action("resolve", s.ResolveInput, "Resolve, with the outcome and the agreed actions")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_resolve(escalation=escalation, by=self.caller(), **data)


class Withdraw(Action):
    input = s.ReasonInput

    @action("withdraw", s.ReasonInput, "Withdraw it")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_withdraw(
            escalation=escalation,
            by=self.caller(),
            reason=data["reason"],
            expected_stage=data["expected_stage"],
        )


class Notes(Action):
    input = s.NoteInput
    created = True

    @action("add_note", s.NoteInput, "Add a note", created=True)
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_add_note(
            escalation=escalation,
            author=self.caller(),
            text=data["text"],
            expected_stage=data["expected_stage"],
        )


class Extensions(Action):
    input = s.ExtensionInput
    created = True

    @action("propose_extension", s.ExtensionInput, "Propose an extension", created=True)
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_propose_extension(
            escalation=escalation,
            by=self.caller(),
            new_due_date=data["new_due_date"],
            reason=data["reason"],
            expected_stage=data["expected_stage"],
        )


class AcceptExtension(Action):
    input = s.StageInput

    @action("accept_extension", s.StageInput, "Accept the extension the other side proposed")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference, pk=kwargs["pk"])

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        extension = (
            Extension.objects.filter(pk=kwargs["pk"], stage_record__escalation=escalation).first()
            if kwargs["pk"] <= s.LARGEST_ID
            else None
        )
        if extension is None:
            raise NotFound("No such extension on this escalation.")
        return services.escalation_accept_extension(
            extension=extension, by=self.caller(), expected_stage=data["expected_stage"]
        )


class HandOver(Action):
    input = s.HandOverInput

    @action("hand_over", s.HandOverInput, "Hand the current stage to a colleague")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        to = self.person(escalation, data["to"], "to")
        assert to is not None
        return services.escalation_hand_over(
            escalation=escalation,
            by=self.caller(),
            to=to,
            holder=self.person(escalation, data["holder"], "holder"),
            expected_stage=data["expected_stage"],
        )


class ConveneMeeting(Action):
    input = s.ConveneMeetingInput
    created = True

    @action("convene_meeting", s.ConveneMeetingInput, "Convene the stage 4 meeting", created=True)
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_convene_meeting(
            escalation=escalation,
            by=self.caller(),
            meets_at=data["meets_at"],
            invited=self.people(escalation, data["invited"], "invited"),
            positions_due_on=data["positions_due_on"],
            expected_stage=data["expected_stage"],
        )


class Position(Action):
    input = s.PositionInput

    @action("give_position", s.PositionInput, "Give your agency's stage 4 position")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_give_position(
            escalation=escalation,
            by=self.caller(),
            position=data["position"],
            expected_stage=data["expected_stage"],
        )


class RecordMeeting(Action):
    input = s.RecordMeetingInput

    @action("record_meeting", s.RecordMeetingInput, "Record who attended the stage 4 meeting")
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference)

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_record_meeting(
            escalation=escalation,
            by=self.caller(),
            attended=self.people(escalation, data["attended"], "attended"),
            held_on=data["held_on"],
            expected_stage=data["expected_stage"],
        )


class CaseFile(Action):
    input = s.CaseFileInput

    @action(
        "record_on_case_file",
        s.CaseFileInput,
        "Confirm a concluded stage is on your agency's case file",
    )
    def post(self, request: Request, reference: str, **kwargs: Any) -> Response:
        return super().post(request, reference, stage=kwargs["stage"])

    def perform(self, escalation: Escalation, data: dict[str, Any], **kwargs: Any) -> Any:
        return services.escalation_record_on_case_file(
            escalation=escalation,
            by=self.caller(),
            stage=kwargs["stage"],
            reference=data["reference"],
            expected_stage=data["expected_stage"],
        )
