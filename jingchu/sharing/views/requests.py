"""Pages of share requests: ours and those for our resources (overdue ones first), a request
with its review, and the request form on a resource."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.sharing import actions, permissions, queries
from jingchu.sharing.choices import RequestStatus
from jingchu.sharing.forms import RequestForm, ReviewForm
from jingchu.sharing.models import Grant, ShareRequest
from jingchu.sharing.views._common import form_error, run, steward_orgs


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_list_requests(request.user))
    today = timezone.localdate()
    return render(request, "sharing/requests.html", {
        "made": queries.requests_made(request.user)[:200],
        "received": queries.requests_received(request.user)[:200],
        "overdue": queries.overdue_requests(request.user, today), "today": today})


@login_required
def request_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    share_request = queries.request_by_uid(uid)
    permissions.require(permissions.can_view_request(request.user, share_request))
    pending = share_request.status == RequestStatus.PENDING
    return render(request, "sharing/request.html", {
        "req": share_request, "grant": Grant.objects.filter(request=share_request).first(),
        "may_review": pending and permissions.can_review_request(request.user, share_request),
        "may_withdraw": pending and permissions.can_withdraw_request(request.user,
                                                                     share_request)})


def _review(request: HttpRequest, share_request: ShareRequest, form: ReviewForm) -> None:
    data = form.cleaned_data
    decision = data["decision"]
    check = (permissions.can_withdraw_request if decision == "withdraw"
             else permissions.can_review_request)
    permissions.require(check(request.user, share_request))
    step: Any
    if decision == "approve":
        def step() -> Any:
            return actions.do_approve_request(
                request.user, share_request, fields=data["granted"],
                masked_fields=data["masked_fields"], rate_limit=data["rate_limit"],
                reason=data["reason"])
    elif decision == "refuse":
        def step() -> Any:
            return actions.do_refuse_request(request.user, share_request, data["reason"])
    else:
        def step() -> Any:
            return actions.do_withdraw_request(request.user, share_request)
    run(request, step, _("Done."))


@login_required
@require_POST
def request_review(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    share_request = queries.request_by_uid(uid)
    permissions.require(permissions.can_view_request(request.user, share_request))
    form = ReviewForm(request.POST, field_names=list(share_request.fields))
    if form.is_valid():
        _review(request, share_request, form)
    else:
        messages.error(request, _("Please check the decision."))
    return redirect("sharing:request", uid=share_request.uid)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, code: str) -> HttpResponse:
    resource = queries.resource_by_code(code)
    permissions.require(permissions.can_view_resource(request.user, resource)
                        and permissions.can_request_any(request.user))
    choices = [(f.name, f"{f.label} ({f.name})") for f in resource.fields.all()]
    today = timezone.localdate()
    form = RequestForm(request.POST or None, consumers=steward_orgs(request),
                       field_choices=choices,
                       initial={"valid_from": today, "valid_until": today.replace(
                           year=today.year + 1) if not (today.month == 2 and today.day == 29)
                           else today})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            consumer = data.pop("consumer")
            data["fields"] = data.pop("field_names")
            permissions.require(permissions.can_request_for(request.user, consumer))
            try:
                made = actions.do_submit_request(request.user, consumer, resource, data)
            except ActionError as exc:
                form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Request submitted."))
                return redirect("sharing:request", uid=made.uid)
    return render(request, "sharing/request_form.html", {"form": form, "resource": resource},
                  status=status)
