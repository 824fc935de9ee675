"""What every admin of the partnership team shares: rows and choices of the user's own
partnership only, case content for the partnership lead and scrutineer only, nothing deleted
(one by one or in bulk), and history pages that show who, when, what and why but never change
anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from escalations.models import Agency, Membership, Partnership, User
from workflows import rules

ADDED = "Added in the admin"
CHANGED = "Changed in the admin"
HISTORY_PAGE = "_resolve_history_page"
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
        return bool(rules.may_oversee(request.user))  # type: ignore[arg-type]

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
        """Inline rows record who and why as well. (An agency's stage contacts are shown
        only: they change at People, through ``person_set_stage_contacts``.)"""
        for instance in formset.save(commit=False):
            instance._history_user = request.user
            instance._change_reason = CHANGED if instance.pk else ADDED
            instance.save()
        formset.save_m2m()

    def _require_in_scope(self, request: HttpRequest, object_id: str) -> None:
        """404 for a record outside the person's partnership, and for a malformed id
        (``/admin/.../300/change/history/``) rather than a server error."""
        if self.get_object(request, unquote(object_id)) is None:
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
