"""Signed-in pages. Each area's views module owns its paths."""

from django.urls import include, path

from .views import (
    confirm,
    dashboard,
    detail,
    hubs,
    inbox,
    notifications,
    people,
    raising,
    search,
    security,
    settings,
    tokens,
    webhooks,
)

app_name = "escalations"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("escalations/new/", include(raising.urlpatterns)),
    path("escalations/<str:reference>/", include(detail.urlpatterns)),
    path("find/", search.find, name="find"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("people/", include(people.urlpatterns)),
    path("account/", hubs.account, name="account"),
    path("partnership/", hubs.partnership, name="partnership"),
    path("partnership/", include(settings.urlpatterns)),
    path("account/api-tokens/", include(tokens.urlpatterns)),
    path("account/confirm/", confirm.confirm_identity, name="confirm_identity"),
    path("webhooks/", include(webhooks.urlpatterns)),
    path("security-log/", security.security_log, name="security_log"),
]
