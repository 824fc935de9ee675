"""Agency systems, at ``/webhooks/``: the partnership lead subscribes an agency's case system
to the events of its escalations (the secret shown once), sees each subscription's delivery
log and stops it. Nobody else may open these pages (403)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from escalations.forms.webhooks import WebhookForm
from escalations.models import Agency, User
from escalations.subscriptions import webhook_stop, webhook_subscribe, webhooks_visible_to
from workflows import rules
from workflows.refusals import Invalid, Refused

LOG_LENGTH = 100


def _lead(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    may = rules.may_connect_systems(user)
    if not may:
        raise PermissionDenied(may.reason)
    return user


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_list(request: HttpRequest) -> HttpResponse:
    user = _lead(request)
    agencies = Agency.objects.filter(partnership_id=user.membership.partnership_id).order_by("name")
    form = WebhookForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if form.is_valid():
        try:
            subscription, secret = webhook_subscribe(by=user, **form.cleaned_data)
        except Invalid as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return render(
                request,
                "escalations/webhooks/made.html",
                {"subscription": subscription, "secret": secret},
            )
    return render(
        request,
        "escalations/webhooks/list.html",
        {"form": form, "subscriptions": webhooks_visible_to(user)},
    )


def webhook_log(request: HttpRequest, pk: int) -> HttpResponse:
    user = _lead(request)
    subscription = get_object_or_404(webhooks_visible_to(user), pk=pk)
    deliveries = subscription.deliveries.select_related("event__escalation")[:LOG_LENGTH]
    return render(
        request,
        "escalations/webhooks/log.html",
        {"subscription": subscription, "deliveries": deliveries},
    )


@require_POST
def webhook_stop_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _lead(request)
    subscription = get_object_or_404(webhooks_visible_to(user), pk=pk)
    try:
        webhook_stop(by=user, subscription=subscription)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{subscription} will be sent no more events.")
    return redirect("escalations:webhook_log", pk=pk)


urlpatterns = [
    path("", webhook_list, name="webhooks"),
    path("<int:pk>/", webhook_log, name="webhook_log"),
    path("<int:pk>/stop/", webhook_stop_view, name="webhook_stop"),
]
