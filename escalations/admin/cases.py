"""Escalations and everything that hangs from them, read-only: a change of state has one
path, through the services and the transition code, and the admin is not it. Each opening of
an escalation is logged. Viewflow's own admins are replaced by view-only ones."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse
from viewflow.workflow import admin as viewflow_admin
from viewflow.workflow.models import Process, Task

from escalations.models import (
    Child,
    Escalation,
    Extension,
    Note,
    Notification,
    Signposting,
    StageHolder,
    StageRecord,
    ViewLog,
)

from .base import ONLY_USED, ViewOnlyAdmin, ViewOnlyAuditedAdmin, ViewOnlyInline, ViewOnlyMixin


class CaseInline(ViewOnlyInline):
    """A record of an escalation shown on its page: case content, in its partnership."""

    partnership_path = "escalation__partnership"
    case_content = True


class CaseRecordAdmin(ViewOnlyAuditedAdmin):
    """A record of an escalation: case content, in the escalation's partnership."""

    partnership_path = "escalation__partnership"
    case_content = True


class ChildInline(CaseInline):
    model = Child
    fields = ["raising_case_number", "receiving_case_number", "age_band"]


class StageRecordInline(CaseInline):
    model = StageRecord
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


class NoteInline(CaseInline):
    model = Note
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
class ChildAdmin(CaseRecordAdmin):
    list_display = ["raising_case_number", "escalation", "age_band"]
    search_fields = ["escalation__reference", "raising_case_number"]


@admin.register(StageRecord)
class StageRecordAdmin(CaseRecordAdmin):
    list_display = ["escalation", "stage", "started_at", "due_at", "breached_at", "conclusion"]
    list_filter = ["stage", "conclusion", "decision"]
    search_fields = ["escalation__reference"]
    list_select_related = ["escalation"]


@admin.register(StageHolder)
class StageHolderAdmin(CaseRecordAdmin):
    partnership_path = "stage_record__escalation__partnership"
    list_display = ["user", "side", "stage_record", "since", "until"]
    list_filter = ["side"]
    search_fields = ["stage_record__escalation__reference"]
    list_select_related = ["user", "stage_record__escalation"]


@admin.register(Extension)
class ExtensionAdmin(CaseRecordAdmin):
    partnership_path = "stage_record__escalation__partnership"
    list_display = ["stage_record", "new_due_date", "status", "proposed_by", "decided_by"]
    list_filter = ["status"]
    search_fields = ["stage_record__escalation__reference"]


@admin.register(Note)
class NoteAdmin(CaseRecordAdmin):
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
