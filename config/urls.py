from allauth.account import views as allauth_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from escalations.forms.accounts import LoggedPasswordResetForm
from escalations.views import common, health, reports
from escalations.views.invitation import InvitationConfirmView

handler404 = "escalations.views.common.not_found"

admin.site.site_header = "Resolve administration"
admin.site.site_title = "Resolve"
# the admin's own login form would take a password alone: send it through Resolve's sign-in
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Sign-in is allauth's (a password, then a one-time code: ADR 14), under the names Resolve's
# pages use and those allauth's own code reverses. Only the parts Resolve uses are mounted:
# no sign-up, email change or account connection (people arrive by invitation).
sign_out = auth_views.LogoutView.as_view()
accounts = [
    path("login/", allauth_views.login, name="login"),
    path("login/", allauth_views.login, name="account_login"),
    path("logout/", sign_out, name="logout"),
    path("logout/", sign_out, name="account_logout"),
    path("inactive/", allauth_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("2fa/", include("allauth.mfa.urls")),
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

health_checks = [
    path("live/", health.live, name="live"),
    path("ready/", health.ready, name="ready"),
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
    path("health/", include((health_checks, "health"))),
    path("public/", include("escalations.public_urls")),
    path("reports/", include((reports.urlpatterns, "reports"))),
    path("", include("escalations.urls")),
]
