"""The evaluation office's pages: the indicator system with local indicators, the monthly import
(template download, upload with every problem listed), and computing a month by hand."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.bizenv import excel, months, permissions
from jingchu.bizenv.actions import evaluate, imports
from jingchu.bizenv.actions import indicators as indicator_actions
from jingchu.bizenv.forms import LocalIndicatorForm, MonthForm, UploadForm
from jingchu.bizenv.models import ImportBatch, Indicator, Topic
from jingchu.bizenv.views.pages import require
from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_view_indicators(user))
    can_manage = permissions.can_manage(user)
    form = LocalIndicatorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            try:
                with transaction.atomic():
                    made = indicator_actions.do_add_local_indicator(user, form.cleaned_data)
                messages.success(request, _("Indicator %(code)s added.") % {"code": made.code})
                return redirect("bizenv:indicators")
            except ActionError as exc:
                add_action_error(form, exc)
                status = exc.status
        else:
            status = 400
    topics = Topic.objects.prefetch_related("indicators").order_by("order", "code")
    return render(request, "bizenv/indicators.html", {
        "topics": topics, "form": form, "can_manage": can_manage}, status=status)


@login_required
@require_POST
def indicator_active(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    require(permissions.can_manage(request.user))
    indicator = get_object_or_404(Indicator, uid=uid)
    indicator_actions.do_set_indicator_active(request.user, indicator,
                                              request.POST.get("active") == "1")
    return redirect("bizenv:indicators")


def _import_page(request: HttpRequest, upload: UploadForm, problems: list[Any],
                 status: int = 200) -> HttpResponse:
    return render(request, "bizenv/imports.html", {
        "upload": upload, "problems": problems,
        "month_form": MonthForm(initial={"month": months.label(
            months.previous_month(months.current_month()))}),
        "batches": ImportBatch.objects.select_related("uploaded_by")[:24],
        "indicator_count": len(imports.active_indicators()),
    }, status=status)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_import(user))
    if request.method != "POST":
        return _import_page(request, UploadForm(), [])
    upload = UploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _import_page(request, upload, [], 400)
    try:
        with transaction.atomic():
            batch = imports.do_import(user, upload.cleaned_data["file"])
    except ActionError as exc:
        add_action_error(upload, exc)
        return _import_page(request, upload, exc.details.get("problems", []), exc.status)
    messages.success(request, _("Imported %(n)d figures for %(month)s.")
                     % {"n": batch.values, "month": months.label(batch.month)})
    return redirect("bizenv:imports")


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    require(permissions.can_import(request.user))
    try:
        month = months.parse_month(request.GET.get("month"))
    except ActionError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    content = excel.build_template(month, imports.active_indicators(), imports.cities())
    response = HttpResponse(content, content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    response["Content-Disposition"] = (
        f'attachment; filename="bizenv-template-{months.label(month)}.xlsx"')
    return response


@login_required
@require_POST
def evaluate_month(request: HttpRequest) -> HttpResponse:
    require(permissions.can_evaluate(request.user))
    try:
        month = months.parse_month(request.POST.get("month"))
        with transaction.atomic():
            evaluate.do_evaluate(request.user, month)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("bizenv:home")
    messages.success(request, _("The evaluation of %(month)s was computed.")
                     % {"month": months.label(month)})
    return redirect(f"{reverse('bizenv:home')}?month={months.label(month)}")


urlpatterns: list[URLPattern] = [
    path("indicators/", indicator_list, name="indicators"),
    path("indicators/<uuid:uid>/active/", indicator_active, name="indicator_active"),
    path("imports/", import_page, name="imports"),
    path("imports/template.xlsx", template_download, name="template"),
    path("evaluate/", evaluate_month, name="evaluate"),
]
