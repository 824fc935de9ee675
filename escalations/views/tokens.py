"""API tokens, at ``/account/api-tokens/``: a person makes a token for their agency's case
system to act on their behalf (shown once, never again), sees and revokes their own; the
partnership lead sees and revokes everyone's in the partnership."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from escalations.api_tokens import api_token_create, api_token_revoke, api_tokens_visible_to
from escalations.forms.tokens import ApiTokenForm
from escalations.models import User
from workflows import rules
from workflows.refusals import Refused


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            made, token = api_token_create(
                by=user, user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            return render(request, "escalations/tokens/made.html", {"made": made, "token": token})
    return render(
        request,
        "escalations/tokens/list.html",
        {
            "form": form,
            "tokens": api_tokens_visible_to(user),
            "everyone": bool(rules.may_manage_people(user)),
        },
    )


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    token = api_tokens_visible_to(user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    try:
        api_token_revoke(by=user, token=token)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"The token {token} is revoked: it no longer works.")
    return redirect("escalations:api_tokens")


urlpatterns = [
    path("", api_tokens, name="api_tokens"),
    path("<int:pk>/revoke/", revoke, name="api_token_revoke"),
]
