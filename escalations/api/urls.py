"""``/api/v1/``: the API, its OpenAPI 3.1 schema and its documentation page (both public:
they describe, they hold no data)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import feed, reports, views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("me/", views.Me.as_view(), name="me"),
    path("agencies/", views.Agencies.as_view(), name="agencies"),
    path("escalations/", views.Escalations.as_view(), name="escalations"),
    path("escalations/<str:reference>/", views.EscalationDetail.as_view(), name="escalation"),
    path("escalations/<str:reference>/acknowledge/", views.Acknowledge.as_view()),
    path("escalations/<str:reference>/respond/", views.Respond.as_view()),
    path("escalations/<str:reference>/escalate/", views.Escalate.as_view()),
    path("escalations/<str:reference>/resolve/", views.Resolve.as_view()),
    path("escalations/<str:reference>/withdraw/", views.Withdraw.as_view()),
    path("escalations/<str:reference>/notes/", views.Notes.as_view()),
    path("escalations/<str:reference>/extensions/", views.Extensions.as_view()),
    path(
        "escalations/<str:reference>/extensions/<int:pk>/accept/",
        views.AcceptExtension.as_view(),
    ),
    path("escalations/<str:reference>/hand-over/", views.HandOver.as_view()),
    path("escalations/<str:reference>/meeting/", views.ConveneMeeting.as_view()),
    path("escalations/<str:reference>/meeting/position/", views.Position.as_view()),
    path("escalations/<str:reference>/meeting/record/", views.RecordMeeting.as_view()),
    path("escalations/<str:reference>/case-file/<int:stage>/", views.CaseFile.as_view()),
    path("events/", feed.Events.as_view(), name="events"),
    path("reports/annual/<int:year>/", reports.AnnualReport.as_view(), name="annual_report"),
]
