"""The annual report's figures in JSON (DESIGN.md section 7's contract) for the partnership
team and analysts, for a reporting year or any period within it."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from escalations import security_log
from escalations.models import SecurityKind
from escalations.reports.board import for_the_board
from escalations.reports.compute import compute_figures
from escalations.reports.options import ReportError, period_for
from escalations.reports.render import to_json
from escalations.reports.suppression import EDITIONS, build_edition
from workflows import rules
from workflows.holders import membership_of
from workflows.refusals import Invalid

from .views import ApiView


class ReportQuery(serializers.Serializer):  # type: ignore[type-arg]
    edition = serializers.ChoiceField(choices=list(EDITIONS), required=False, default="internal")
    date_from = serializers.DateField(required=False, default=None, help_text="With date_to.")
    date_to = serializers.DateField(required=False, default=None, help_text="With date_from.")


class AnnualReport(ApiView):
    """The figures of the report, internal or public edition, as its JSON download."""

    @extend_schema(
        operation_id="annual_report_read",
        parameters=[ReportQuery],
        responses=OpenApiTypes.OBJECT,
        summary="The annual report's figures (the reporting year from `year`, or a period)",
    )
    def get(self, request: Request, year: int) -> Response:
        rules.may_read_figures(self.caller()).check()
        query = ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        membership = membership_of(self.caller())
        assert membership is not None
        options: dict[str, Any] = query.validated_data
        try:
            period = period_for(
                membership.partnership, year, options["date_from"], options["date_to"]
            )
        except ReportError as error:
            raise Invalid(str(error), field="date_from") from error
        rules.may_read_figures_for(self.caller(), period.start, period.end).check()
        edition = for_the_board(
            membership.partnership,
            build_edition(
                compute_figures(partnership=membership.partnership, period=period),
                options["edition"],
            ),
            with_year_before=False,  # the JSON carries the period's figures only
        )
        security_log.record(
            SecurityKind.EXPORTED,
            by=self.caller(),
            detail=f"{options['edition']} report {period.start} to {period.end}, through the API",
        )
        return Response(to_json(edition))
