from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from escalations.forms.accounts import LoggedPasswordResetForm
from escalations.views import common, reports
from escalations.views.invitation import InvitationConfirmView

handler404 = "escalations.views.common.not_found"

admin.site.site_header = "Resolve administration"
admin.site.site_title = "Resolve"

# Django marks sign-in and password reset as open to people who are not signed in
accounts = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            form_class=LoggedPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # an invitation link: a token of its own that lasts settings.INVITATION_TIMEOUT
    path(
        "invitation/<uidb64>/<token>/",
        InvitationConfirmView.as_view(),
        name="invitation_confirm",
    ),
]

pages = [
    path("accessibility/", common.accessibility, name="accessibility"),
    path("privacy/", common.privacy, name="privacy"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("escalations.api.urls")),
    path("accounts/", include(accounts)),
    path("", include((pages, "pages"))),
    path("public/", include("escalations.public_urls")),
    path("reports/", include((reports.urlpatterns, "reports"))),
    path("", include("escalations.urls")),
]
