from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from escalations.models import Role
from workflows.rules import membership_of

REPORT_READERS = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER, Role.ANALYST)


def annual(request: HttpRequest, year: int) -> HttpResponse:
    membership = membership_of(request.user)  # type: ignore[arg-type]
    if membership is None or membership.role not in REPORT_READERS:
        raise PermissionDenied("The annual report is for the partnership team and analysts.")
    return render(request, "reports/annual.html", {"year": year})


urlpatterns = [path("annual/<int:year>/", annual, name="annual")]
