"""The Django admin for the partnership team (DESIGN.md sections 3, 4 "History", 5 and 9).

The team keeps the partnership's reference data here: policy versions, agencies and their
stage contacts, memberships, closure days and people. Escalations and everything that hangs
from them are read-only: a change of state has one path, through the services and the
transition code, and the admin is not it.

- Audited records use simple-history's admin, so each has a History page with who, when, what
  changed (field by field) and why. Every save made here records the person and a reason.
- History pages only show: revert is disabled in the settings and any POST to a historical
  version is refused, because a revert would bypass the state machine.
- Nothing is deleted: people are deactivated and records are kept, so history keeps who did
  what. No admin offers delete or the bulk delete action.
- A member of the partnership team sees only their own partnership; case content (section 5)
  only the partnership lead and scrutineer, or a superuser.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Max, Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from .models import (
    Agency,
    Child,
    ClosureDay,
    Escalation,
    Extension,
    Membership,
    Note,
    Notification,
    Partnership,
    Policy,
    Role,
    Signposting,
    StageContact,
    StageHolder,
    StageRecord,
    User,
    ViewLog,
)

ADDED = "Added in the admin"
CHANGED = "Changed in the admin"
HISTORY_PAGE = "_resolve_history_page"
CASE_ROLES = (Role.PARTNERSHIP_LEAD, Role.SCRUTINEER)
ONLY_USED = admin.RelatedOnlyFieldListFilter  # choices from the user's own rows only

# Nothing is deleted in bulk either: the action is gone for every admin on the site.
if "delete_selected" in dict(admin.site.actions):
    admin.site.disable_action("delete_selected")


def _membership(request: HttpRequest) -> Membership | None:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    return Membership.objects.filter(user_id=user.pk).first()


def _partnership_id(request: HttpRequest) -> int | None:
    membership = _membership(request)
    return membership.partnership_id if membership else None


class ReadableChanges(HistoricalRecordContextHelper):  # type: ignore[misc]
    """A history page's field-level changes in words: choice labels, local times, and
    "none" for an empty value (simple-history shows an empty link as a deleted object)."""

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "none"
        if getattr(field, "choices", None):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, dt.date):
            return date_format(value, "DATE_FORMAT")
        return super().prepare_delta_change_value(change, value)


# shared behaviour --------------------------------------------------------------------------


class ScopedMixin:
    """Rows and choices of the user's own partnership only (superusers see all)."""

    partnership_path = "partnership"
    case_content = False  # escalation content: the partnership lead and scrutineer only

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        partnership_id = _partnership_id(request)
        if partnership_id is None:
            return queryset.none()
        return queryset.filter(**{self.partnership_path: partnership_id})

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        allowed: bool = super().has_view_permission(request, obj)  # type: ignore[misc]
        if not allowed or not self.case_content or request.user.is_superuser:
            return allowed
        membership = _membership(request)
        return membership is not None and membership.role in CASE_ROLES

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_superuser:
            pid = _partnership_id(request) or 0  # no partnership: no choices
            related = db_field.related_model
            if related is Partnership:
                kwargs["queryset"] = Partnership.objects.filter(pk=pid)
            elif related is Agency:
                kwargs["queryset"] = Agency.objects.filter(partnership_id=pid)
            elif related is User:
                kwargs["queryset"] = User.objects.filter(
                    Q(membership__partnership_id=pid) | Q(membership__isnull=True),
                    is_superuser=False,
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class NoDeleteMixin:
    """Domain records are never deleted, one by one or in bulk."""

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


class ViewOnlyMixin(NoDeleteMixin):
    """Shown, never added or changed here: these change only through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class AuditedAdmin(ScopedMixin, NoDeleteMixin, SimpleHistoryAdmin):
    """A record with history: saves here record who (the signed-in person) and why, and its
    history pages show but never change anything."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj._change_reason = CHANGED if change else ADDED
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (an agency's stage contacts) record who and why as well."""
        for instance in formset.save(commit=False):
            instance._history_user = request.user
            instance._change_reason = CHANGED if instance.pk else ADDED
            instance.save()
        formset.save_m2m()

    def _require_in_scope(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("No such record")

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._require_in_scope(request, object_id)
        response: HttpResponse = super().history_view(request, object_id, extra_context)
        return response

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A past version, shown read-only. simple-history saves a POSTed form here even with
        revert disabled, so a POST is refused before it gets there."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        self._require_in_scope(request, object_id)
        setattr(request, HISTORY_PAGE, True)
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response

    def revert_disabled(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return True

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> ReadableChanges:
        return ReadableChanges(self.model, historical_record)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, HISTORY_PAGE, False):
            opts = self.model._meta
            hidden = self.get_exclude(request, obj) or ()
            readonly += [
                f.name
                for f in [*opts.fields, *opts.many_to_many]
                if f.editable and not f.primary_key and f.name not in hidden
            ]
        return readonly


class ViewOnlyAuditedAdmin(ViewOnlyMixin, AuditedAdmin):
    pass


class ViewOnlyAdmin(ScopedMixin, ViewOnlyMixin, admin.ModelAdmin):
    pass


class ViewOnlyInline(ScopedMixin, ViewOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


# the partnership's reference data -----------------------------------------------------------


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


# escalations: read-only -----------------------------------------------------------------------


class ChildInline(ViewOnlyInline):
    model = Child
    partnership_path = "escalation__partnership"
    case_content = True
    fields = ["raising_case_number", "receiving_case_number", "age_band"]


class StageRecordInline(ViewOnlyInline):
    model = StageRecord
    partnership_path = "escalation__partnership"
    case_content = True
    fields = [
        "stage",
        "started_at",
        "original_due_at",
        "due_at",
        "breached_at",
        "decision",
        "concluded_at",
        "conclusion",
    ]


class NoteInline(ViewOnlyInline):
    model = Note
    partnership_path = "escalation__partnership"
    case_content = True
    fields = ["created_at", "author", "text"]


@admin.register(Escalation)
class EscalationAdmin(ViewOnlyAuditedAdmin):
    """Read-only: every change goes through the services. Each opening is logged."""

    case_content = True
    list_display = [
        "reference",
        "status",
        "stage",
        "stage_due_at",
        "raising_agency",
        "receiving_agency",
        "urgent",
        "raised_at",
    ]
    list_filter = [
        "status",
        "urgent",
        "category",
        ("raising_agency", ONLY_USED),
        ("receiving_agency", ONLY_USED),
    ]
    search_fields = ["reference"]
    list_select_related = ["raising_agency", "receiving_agency"]
    date_hierarchy = "raised_at"
    exclude = ["process"]
    inlines = [ChildInline, StageRecordInline, NoteInline]

    def _log_opening(self, request: HttpRequest, object_id: str) -> None:
        escalation = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if escalation is not None and request.method == "GET":
            ViewLog.objects.create(escalation=escalation, user=request.user)  # type: ignore[misc]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._log_opening(request, object_id)
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._log_opening(request, object_id)
        return response


@admin.register(Child)
class ChildAdmin(ViewOnlyAuditedAdmin):
    partnership_path = "escalation__partnership"
    case_content = True
    list_display = ["raising_case_number", "escalation", "age_band"]
    search_fields = ["escalation__reference", "raising_case_number"]


@admin.register(StageRecord)
class StageRecordAdmin(ViewOnlyAuditedAdmin):
    partnership_path = "escalation__partnership"
    case_content = True
    list_display = ["escalation", "stage", "started_at", "due_at", "breached_at", "conclusion"]
    list_filter = ["stage", "conclusion", "decision"]
    search_fields = ["escalation__reference"]
    list_select_related = ["escalation"]


@admin.register(StageHolder)
class StageHolderAdmin(ViewOnlyAuditedAdmin):
    partnership_path = "stage_record__escalation__partnership"
    case_content = True
    list_display = ["user", "side", "stage_record", "since", "until"]
    list_filter = ["side"]
    search_fields = ["stage_record__escalation__reference"]
    list_select_related = ["user", "stage_record__escalation"]


@admin.register(Extension)
class ExtensionAdmin(ViewOnlyAuditedAdmin):
    partnership_path = "stage_record__escalation__partnership"
    case_content = True
    list_display = ["stage_record", "new_due_date", "status", "proposed_by", "decided_by"]
    list_filter = ["status"]
    search_fields = ["stage_record__escalation__reference"]


@admin.register(Note)
class NoteAdmin(ViewOnlyAuditedAdmin):
    partnership_path = "escalation__partnership"
    case_content = True
    list_display = ["escalation", "author", "created_at"]
    search_fields = ["escalation__reference"]


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    partnership_path = "recipient__membership__partnership"
    case_content = True
    list_display = ["event", "recipient", "escalation", "stage", "created_at", "sent_at"]
    list_filter = ["event", "sent_at"]
    search_fields = ["escalation__reference", "recipient__username"]


@admin.register(Signposting)
class SignpostingAdmin(ViewOnlyAdmin):
    list_display = ["route", "agency", "created_at"]
    list_filter = ["route"]


@admin.register(ViewLog)
class ViewLogAdmin(ViewOnlyAdmin):
    partnership_path = "escalation__partnership"
    case_content = True
    list_display = ["escalation", "user", "viewed_at"]
    search_fields = ["escalation__reference", "user__username"]


# viewflow's own admins would let staff edit a timer's moment or delete a task, moving an
# escalation's clock outside the transition code: they are replaced by view-only ones.


class ProcessAdmin(ViewOnlyMixin, viewflow_admin.ProcessAdmin):
    pass


class TaskAdmin(ViewOnlyMixin, viewflow_admin.TaskAdmin):
    pass


for _model, _admin_class in ((Process, ProcessAdmin), (Task, TaskAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin_class)
