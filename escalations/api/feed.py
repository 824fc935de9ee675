"""What happened, for case systems that cannot receive webhooks: ``/api/v1/events/?after=<id>``
lists the events of the escalations the caller may see, oldest first, with the reference, the
stage and the kind, never case text. A case system keeps the last id it read and asks again.

Visibility is the caller's now: an escalation they come to see later (as a new holder, say)
shows its new events from then on; its earlier ones are on its own page."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from escalations.models import Event
from escalations.selectors import escalation_visible_to

from . import serializers as s
from .views import ApiView


class FeedQuery(serializers.Serializer):  # type: ignore[type-arg]
    after = serializers.IntegerField(
        min_value=0,
        max_value=s.LARGEST_ID,
        required=False,
        default=0,
        help_text="The last event id you have read.",
    )
    limit = serializers.IntegerField(min_value=1, max_value=500, required=False, default=100)


class Events(ApiView):
    """The events of the escalations you may see, oldest first, after the id you give."""

    @extend_schema(
        operation_id="events_list",
        parameters=[FeedQuery],
        responses=s.EventPageSerializer,
        summary="What happened",
    )
    def get(self, request: Request) -> Response:
        query = FeedQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        after, limit = query.validated_data["after"], query.validated_data["limit"]
        events = list(
            Event.objects.filter(pk__gt=after, escalation__in=escalation_visible_to(self.caller()))
            .select_related("escalation")
            .order_by("pk")[:limit]
        )
        following = None
        if len(events) == limit:
            following = request.build_absolute_uri(
                f"{request.path}?after={events[-1].pk}&limit={limit}"
            )
        return Response(s.EventPageSerializer({"events": events, "next": following}).data)
