"""The partnership's reference data, kept with who changed it and why: the partnership,
its policy versions, closure days, agencies with their stage contacts, memberships and people
(deactivated, never deleted)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import BooleanField, Max, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from escalations.models import (
    Agency,
    ClosureDay,
    Membership,
    Partnership,
    Policy,
    StageContact,
    User,
)

from .base import (
    HISTORY_PAGE,
    ONLY_USED,
    AuditedAdmin,
    NoDeleteMixin,
    ScopedMixin,
    _partnership_id,
)


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    partnership_path = "pk"
    list_display = ["name", "region", "reporting_year_start_month", "suppression_threshold"]
    search_fields = ["name"]


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    """Versions: an escalation keeps the version it was raised under, so a version in use is
    shown read-only with a link to add the next version from it."""

    list_display = ["__str__", "version", "effective_from", "escalate_on_breach", "in_use"]
    list_filter = [("partnership", ONLY_USED)]
    ordering = ["partnership", "-version"]

    @admin.display(boolean=True, description="Escalations raised under it")
    def in_use(self, obj: Policy) -> bool:
        return obj.escalations.exists()

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if isinstance(obj, Policy) and obj.pk and obj.escalations.exists():
            return False
        allowed: bool = super().has_change_permission(request, obj)
        return allowed

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if isinstance(obj, Policy) and obj.pk and self.has_add_permission(request):
            readonly.append("add_new_version")
        return readonly

    @admin.display(description="A change to it")
    def add_new_version(self, obj: Policy) -> str:
        latest = obj.partnership.policies.aggregate(latest=Max("version"))["latest"] or 0
        initial: dict[str, Any] = {"partnership": obj.partnership_id, "version": latest + 1}
        for field in Policy._meta.fields:
            value = getattr(obj, field.name)
            if field.name in initial or field.name in ("id", "effective_from"):
                continue
            if isinstance(field, BooleanField):
                if value:  # a checkbox is ticked by any value given, even "False"
                    initial[field.name] = "on"
            else:
                initial[field.name] = value
        url = reverse("admin:escalations_policy_add") + "?" + urlencode(initial)
        return format_html('<a class="addlink" href="{}">Add version {}</a>', url, latest + 1)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        policy = self.get_object(request, unquote(object_id))
        if request.method == "GET" and policy is not None and policy.escalations.exists():
            messages.info(
                request,
                "Escalations were raised under this version, so it cannot be edited: "
                "add a new version instead.",
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ClosureDay)
class ClosureDayAdmin(AuditedAdmin):
    list_display = ["date", "reason", "partnership"]
    list_filter = [("partnership", ONLY_USED)]
    date_hierarchy = "date"


class StageContactInline(ScopedMixin, NoDeleteMixin, admin.TabularInline):
    model = StageContact
    partnership_path = "agency__partnership"
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ["name", "sector", "partnership", "active_from", "active_to"]
    list_filter = [("partnership", ONLY_USED), "sector"]
    search_fields = ["name"]
    inlines = [StageContactInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "agency", "partnership", "job_title"]
    list_filter = [("partnership", ONLY_USED), "role", ("agency", ONLY_USED)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "agency", "partnership"]


class PasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        self.user._change_reason = "Password set in the admin"
        return super().save(commit)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    """People are deactivated, never deleted, so history keeps who did what. Only a
    superuser grants permissions or superuser status, or touches a superuser."""

    change_password_form = PasswordChangeForm
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

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
            readonly += ["is_superuser", "groups", "user_permissions"]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if not getattr(request, HISTORY_PAGE, False):
            return fieldsets
        # a past version never shows the password, not even its hash
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]
