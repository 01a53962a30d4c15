"""Pages of grants: my organizations' grants and those on our resources; a grant, with its
suspension, resumption and revocation; data-error reports."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.core.errors import ActionError
from jingchu.sharing import actions, permissions, queries
from jingchu.sharing.api import masked_key
from jingchu.sharing.choices import GrantStatus
from jingchu.sharing.forms import ChangeForm, ErrorReportForm
from jingchu.sharing.models import Grant
from jingchu.sharing.views._common import form_error, run


@login_required
def grants_page(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_list_grants(request.user))
    return render(request, "sharing/grants.html", {
        "held": queries.grants_held(request.user)[:200],
        "given": queries.grants_given(request.user)[:200]})


def _grant(request: HttpRequest, uid: uuid.UUID) -> Grant:
    grant = queries.grant_by_uid(uid)
    permissions.require(permissions.can_view_grant(request.user, grant))
    return grant


def _grant_page(request: HttpRequest, grant: Grant, form: ErrorReportForm | None = None,
                status: int = 200) -> HttpResponse:
    reporter = grant.consumer
    return render(request, "sharing/grant.html", {
        "grant": grant, "may_change": permissions.can_change_grant(request.user, grant),
        "may_report": permissions.can_report_error(request.user, reporter, grant.resource),
        "active": grant.status == GrantStatus.ACTIVE,
        "suspended": grant.status == GrantStatus.SUSPENDED,
        "form": form or ErrorReportForm(initial={"grant": grant.uid})}, status=status)


@login_required
def grant_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _grant_page(request, _grant(request, uid))


@login_required
@require_POST
def grant_change(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    grant = _grant(request, uid)
    permissions.require(permissions.can_change_grant(request.user, grant))
    form = ChangeForm(request.POST)
    if form.is_valid():
        step: Any = {"suspend": actions.do_suspend_grant, "resume": actions.do_resume_grant,
                     "revoke": actions.do_revoke_grant}[form.cleaned_data["change"]]
        run(request, lambda: step(request.user, grant, form.cleaned_data["reason"]),
            _("Grant status changed."))
    return redirect("sharing:grant", uid=grant.uid)


@login_required
def errors_page(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_list_error_reports(request.user))
    reports = list(queries.error_reports(request.user)[:200])
    for report in reports:
        report.shown_key = masked_key(report.record_key)  # type: ignore[attr-defined]
        report.may_answer = permissions.can_answer_error(  # type: ignore[attr-defined]
            request.user, report)
    return render(request, "sharing/errors.html", {"reports": reports})


@login_required
@require_POST
def error_new(request: HttpRequest) -> HttpResponse:
    form = ErrorReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please describe the error."))
        return redirect("sharing:errors")
    grant = _grant(request, form.cleaned_data["grant"])
    permissions.require(permissions.can_report_error(request.user, grant.consumer,
                                                     grant.resource))
    try:
        actions.do_report_error(request.user, grant.consumer, grant.resource, form.cleaned_data)
    except ActionError as exc:
        form_error(form, exc)
        return _grant_page(request, grant, form, exc.status)
    messages.success(request, _("Error reported to the owner."))
    return redirect("sharing:errors")


@login_required
@require_POST
def error_answer(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    report = queries.error_report_by_uid(uid)
    permissions.require(permissions.can_answer_error(request.user, report))
    run(request, lambda: actions.do_answer_error(request.user, report,
                                                 request.POST.get("answer", "")),
        _("Answer sent."))
    return redirect("sharing:errors")
