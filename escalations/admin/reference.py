"""The partnership's reference data, shown with who changed it and why: the partnership, its
policy versions, closure days and agencies (changed at ``/partnership/``, the settings pages;
a superuser adds a new partnership here); and, shown but managed at ``/people/``, each
agency's stage contacts, memberships and people (deactivated, never deleted).

The admin is no side door for managing people (issue 9): a role, an agency, a stage contact
or a deactivation changes only through the people services, with their rules (a person who
holds a current stage is not moved, and is deactivated only once their stages are handed
over); nobody sets another person's password here; only a superuser grants staff or superuser
status, groups or permissions."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from escalations.models import (
    Agency,
    ClosureDay,
    Membership,
    Partnership,
    Policy,
    StageContact,
    User,
)
from escalations.people import Refused, current_holdings, person_deactivate

from .base import ONLY_USED, AuditedAdmin, ViewOnlyAuditedAdmin, ViewOnlyInline, _partnership_id

AT_PEOPLE = (
    'Roles, agencies, stage contacts and leavers are managed at <a href="{}">People</a>, not here.'
)
SIGN_IN_NOTE = (
    "Nobody sets another person's password here. A person sets their own: through the "
    "invitation sent from People, or the “I have forgotten my password” link on the "
    "sign-in page."
)


def _link(url_name: str, pk: Any, text: str) -> SafeString:
    return format_html('<a href="{}">{}</a>', reverse(f"escalations:{url_name}", args=[pk]), text)


AT_SETTINGS = (
    "Changed on the partnership's own pages, with their rules and history: "
    '<a href="{}">{}</a>, not here.'
)


class SettingsAdmin(ViewOnlyAuditedAdmin):
    """Shown only: the partnership lead changes it at ``/partnership/`` (issue 14, item 4),
    where ``escalations.partnership_settings`` checks the rulebook and bounds and keeps
    history. Its history pages here still show every change."""

    settings_url = ""
    settings_title = ""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            messages.info(
                request,
                format_html(AT_SETTINGS, reverse(self.settings_url), self.settings_title),
            )
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Partnership)
class PartnershipAdmin(SettingsAdmin):
    """A new partnership (a new tenant) is added here, by a superuser only; its details then
    change at its own pages."""

    partnership_path = "pk"
    list_display = ["name", "region", "reporting_year_start_month", "suppression_threshold"]
    search_fields = ["name"]
    settings_url, settings_title = "escalations:settings_details", "Partnership details"

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Policy)
class PolicyAdmin(SettingsAdmin):
    """Versions, shown: a new version is added at Escalation policy, from a day chosen."""

    list_display = ["__str__", "version", "effective_from", "escalate_on_breach", "in_use"]
    list_filter = [("partnership", ONLY_USED)]
    ordering = ["partnership", "-version"]
    settings_url, settings_title = "escalations:settings_policy", "Escalation policy"

    @admin.display(boolean=True, description="Escalations raised under it")
    def in_use(self, obj: Policy) -> bool:
        return obj.escalations.exists()


@admin.register(ClosureDay)
class ClosureDayAdmin(SettingsAdmin):
    list_display = ["date", "reason", "partnership"]
    list_filter = [("partnership", ONLY_USED)]
    date_hierarchy = "date"
    settings_url, settings_title = "escalations:settings_closure_days", "Closure days"


class StageContactInline(ViewOnlyInline):
    """An agency's stage contacts, shown only: they are chosen at People, where
    ``person_set_stage_contacts`` names only the agency's active members, with history."""

    model = StageContact
    partnership_path = "agency__partnership"
    fields = ["stage", "user"]
    show_change_link = False


@admin.register(Agency)
class AgencyAdmin(SettingsAdmin):
    list_display = ["name", "sector", "partnership", "active_from", "active_to"]
    list_filter = [("partnership", ONLY_USED), "sector"]
    search_fields = ["name"]
    inlines = [StageContactInline]
    readonly_fields = ["stage_contacts"]
    settings_url, settings_title = "escalations:settings_agencies", "Agencies"

    @admin.display(description="Stage contacts")
    def stage_contacts(self, obj: Agency) -> str:
        return _link("people_contacts", obj.pk, "Choose its stage contacts at People")


@admin.register(Membership)
class MembershipAdmin(ViewOnlyAuditedAdmin):
    """Shown only: a role or agency changes at People through ``person_update``, which keeps
    a person who holds a current stage where they are until the stage is handed over."""

    list_display = ["user", "role", "agency", "partnership", "job_title"]
    list_filter = [("partnership", ONLY_USED), "role", ("agency", ONLY_USED)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    list_select_related = ["user", "agency", "partnership"]
    readonly_fields = ["at_people"]

    @admin.display(description="To change the role or agency")
    def at_people(self, obj: Membership) -> str:
        return _link("people_person", obj.user_id, f"Change {obj.user} at People")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            people = reverse("escalations:people")
            messages.info(request, format_html(AT_PEOPLE, people))
        response: HttpResponse = super().changelist_view(request, extra_context)
        return response


class PersonChangeForm(UserChangeForm):  # type: ignore[type-arg]
    """No password field: nobody sets another person's password here."""

    password = None  # type: ignore[assignment]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    """People arrive by invitation and leave by deactivation at People, never deleted, so
    history keeps who did what. Here: no adding, no password setting (for anyone), and
    ``is_active`` changes only through the "Deactivate" action, which asks
    ``person_deactivate`` and so refuses while the person holds a current stage. Only a
    superuser grants staff or superuser status, groups or permissions, or sees a superuser."""

    form = PersonChangeForm
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    actions = ["deactivate"]
    fieldsets = (
        (None, {"fields": ("username", "password_note")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Membership", {"fields": ("is_active", "at_people")}),
        ("Permissions", {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    # a person's details, role and agency change at People (``person_update``, with its rules)
    readonly_fields = [
        "username",
        "password_note",
        "first_name",
        "last_name",
        "email",
        "at_people",
        "is_active",
        "last_login",
        "date_joined",
    ]
    ADMIN_ONLY = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = DjangoUserAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        # people of this partnership, and people given no membership yet
        return queryset.filter(
            Q(membership__partnership_id=_partnership_id(request)) | Q(membership__isnull=True),
            is_superuser=False,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in self.ADMIN_ONLY if name not in readonly]
        return readonly

    def has_add_permission(self, request: HttpRequest) -> bool:
        """People are invited at People, which gives them a membership and no password."""
        return False

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Refused for everyone, superusers included: whoever sets a person's password can
        sign in as them."""
        raise PermissionDenied(SIGN_IN_NOTE)

    @admin.display(description="Password")
    def password_note(self, obj: User) -> str:
        return SIGN_IN_NOTE

    @admin.display(description="Role and agency")
    def at_people(self, obj: User) -> str:
        if obj.pk is None or not Membership.objects.filter(user_id=obj.pk).exists():
            return "No membership."
        return _link("people_person", obj.pk, f"Change {obj}'s details, role or agency at People")

    @admin.action(description="Deactivate the selected people", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Each person through ``person_deactivate``, as at People: refused, with nothing
        changed for that person, while they hold a current stage (People hands it over)."""
        by = request.user
        assert isinstance(by, User)
        for person in queryset.order_by("pk"):
            try:
                person_deactivate(by=by, person=person)
            except Refused as refusal:
                message = refusal.message
                if current_holdings(person).exists():
                    handover = _link("people_deactivate", person.pk, "Hand over and deactivate")
                    message = format_html("{} {}.", message, handover)
                self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, f"{person} is deactivated.", messages.SUCCESS)


# allauth's own admin pages would let staff delete someone's second factor or change their
# sign-in email with no security log, no email to them and no confirming it is you: the
# lead resets a second factor on the person's page instead (ADR 14).
for _allauth_model in (Authenticator, EmailAddress):
    if admin.site.is_registered(_allauth_model):
        admin.site.unregister(_allauth_model)
