"""Staff pages: the rectification queue and its steps, filing and deciding appeals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.masking import mask_name
from jingchu.reviews import actions, permissions, queries
from jingchu.reviews.choices import RectificationStatus
from jingchu.reviews.forms import AppealDecisionForm, AppealForm, CallbackForm, ResolveForm
from jingchu.reviews.models import Appeal, Rectification, Review
from jingchu.reviews.views.common import put_error, safe_get

PAGE_SIZE = 25
STATES = ["active", *RectificationStatus.values, "all"]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """My organizations' rectifications, earliest deadline first, overdue ones flagged."""
    permissions.require(permissions.can_use_queue(request.user))
    state = request.GET.get("state", "active")
    state = state if state in STATES else "active"
    page = Paginator(queries.queue(request.user, state), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page": page, "state": state, "states": STATES,
               "state_labels": dict(RectificationStatus.choices)}
    return render(request, "reviews/queue.html", context)


def _rectification(request: HttpRequest, uid: uuid.UUID) -> Rectification:
    rect: Rectification = queries.by_uid(Rectification, uid, Rectification.objects.select_related(
        "organization", "review__case", "review__item__current_version", "review__rater",
        "callback_by", "resolved_by", "closed_by").prefetch_related("review__scores"))
    permissions.require(permissions.can_handle_rectification(request.user, rect))
    return rect


def _render_detail(request: HttpRequest, rect: Rectification, status: int = 200,
                   **forms_given: forms.Form) -> HttpResponse:
    review = rect.review
    context = {
        "rect": rect, "review": review, "appeal": safe_get(review, "appeal"),
        # Staff need to know who to call back, not the rater's full identity on screen.
        "rater_name": mask_name(review.rater.name) if review.rater else "",
        "rater_phone": bool(review.rater and review.rater.phone),
        "callback_form": forms_given.get("callback_form") or CallbackForm(),
        "resolve_form": forms_given.get("resolve_form") or ResolveForm(),
        "may_close": permissions.can_close_rectification(request.user, rect),
        "may_appeal": permissions.can_appeal(request.user, review),
        "may_resolve_now": rect.status == RectificationStatus.CALLED_BACK or (
            rect.status == RectificationStatus.OPEN and review.rater_id is None),
    }
    return render(request, "reviews/rectification.html", context, status=status)


@login_required
def rectification_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _render_detail(request, _rectification(request, uid))


def _step(request: HttpRequest, uid: uuid.UUID, form_class: type[forms.Form], key: str,
          run: Callable[[Rectification, dict[str, Any]], Any], done: str) -> HttpResponse:
    rect = _rectification(request, uid)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_detail(request, rect, 400, **{key: form})
    try:
        run(rect, form.cleaned_data)
    except ActionError as exc:
        put_error(form, exc)
        return _render_detail(request, rect, exc.status, **{key: form})
    messages.success(request, done)
    return redirect("reviews:rectification", uid=rect.uid)


@login_required
@require_POST
def rectification_callback(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def run(rect: Rectification, data: dict[str, Any]) -> Any:
        return actions.do_record_callback(request.user, rect, called_at=data["called_at"],
                                          note=data["note"])
    return _step(request, uid, CallbackForm, "callback_form", run, _("Call-back recorded."))


@login_required
@require_POST
def rectification_resolve(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def run(rect: Rectification, data: dict[str, Any]) -> Any:
        return actions.do_resolve_rectification(request.user, rect,
                                                resolution=data["resolution"], text=data["text"])
    return _step(request, uid, ResolveForm, "resolve_form", run, _("Outcome recorded."))


@login_required
@require_POST
def rectification_close(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    rect = _rectification(request, uid)
    try:
        actions.do_close_rectification(request.user, rect)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, rect, exc.status)
    messages.success(request, _("Rectification closed."))
    return redirect("reviews:rectification", uid=rect.uid)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Appeal a bad rating of my organization as malicious."""
    review: Review = queries.by_uid(Review, uid, Review.objects.select_related(
        "organization", "case", "rectification"))
    permissions.require(permissions.can_appeal(request.user, review))
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_file_appeal(request.user, review, reason=form.cleaned_data["reason"])
            except ActionError as exc:
                put_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Appeal filed; an approver will decide."))
                rect = safe_get(review, "rectification")
                if isinstance(rect, Rectification):
                    return redirect("reviews:rectification", uid=rect.uid)
                return redirect("reviews:queue")
    context = {"review": review, "form": form}
    return render(request, "reviews/appeal.html", context, status=status)


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_decide_any_appeal(request.user))
    return render(request, "reviews/appeals.html", {"appeals": queries.pending_appeals(
        request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_decide(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    appeal: Appeal = queries.by_uid(Appeal, uid, Appeal.objects.select_related(
        "review__organization", "review__case", "review__rectification", "filed_by"))
    permissions.require(permissions.can_decide_appeal(request.user, appeal))
    form = AppealDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_decide_appeal(request.user, appeal,
                                         uphold=form.cleaned_data["decision"] == "uphold",
                                         note=form.cleaned_data["note"])
            except ActionError as exc:
                put_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Appeal decided."))
                return redirect("reviews:appeals")
    context = {"appeal": appeal, "review": appeal.review, "form": form,
               "today": timezone.localdate()}
    return render(request, "reviews/appeal_decide.html", context, status=status)


urlpatterns = [
    path("rectifications/", queue, name="queue"),
    path("rectifications/<uuid:uid>/", rectification_detail, name="rectification"),
    path("rectifications/<uuid:uid>/callback/", rectification_callback,
         name="rectification_callback"),
    path("rectifications/<uuid:uid>/resolve/", rectification_resolve,
         name="rectification_resolve"),
    path("rectifications/<uuid:uid>/close/", rectification_close, name="rectification_close"),
    path("ratings/<uuid:uid>/appeal/", appeal_new, name="appeal"),
    path("appeals/", appeal_list, name="appeals"),
    path("appeals/<uuid:uid>/", appeal_decide, name="appeal_decide"),
]
