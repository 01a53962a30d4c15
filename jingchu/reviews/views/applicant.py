"""The applicant's pages: rate my case, my ratings with the rectification outcome."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingchu.cases.models import Case
from jingchu.core.errors import ActionError
from jingchu.reviews import actions, permissions, queries
from jingchu.reviews.forms import RatingForm
from jingchu.reviews.views.common import put_error

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def rate_case(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    case = queries.by_uid(Case, uid, Case.objects.select_related(
        "item__current_version", "handling_org", "accepting_org", "implementation", "version"))
    permissions.require(permissions.can_rate_case(request.user, case))
    events = queries.rateable_events(case, getattr(request.user, "person", None))
    form = RatingForm(request.POST or None, events=events)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_rate_case(request.user, case, event=form.cleaned_data["event"],
                                     level=form.cleaned_data["level"], scores=form.scores(),
                                     comment=form.cleaned_data["comment"])
            except ActionError as exc:
                put_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect("reviews:mine")
    context = {"case": case, "form": form, "events": events}
    return render(request, "reviews/rate.html", context, status=status)


@login_required
def my_ratings(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_list_own_ratings(request.user))
    reviews = queries.my_reviews(getattr(request.user, "person", None))
    page = Paginator(reviews, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reviews/mine.html", {"page": page})


urlpatterns = [
    path("rate/<uuid:uid>/", rate_case, name="rate"),
    path("mine/", my_ratings, name="mine"),
]
