"""The auditor's page for ratings given by phone in a call-back survey (电话回访评价)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingchu.cases.models import Case
from jingchu.core.errors import ActionError
from jingchu.reviews import actions, permissions, queries
from jingchu.reviews.forms import PhoneRatingForm
from jingchu.reviews.views.common import put_error

RECENT = 20


def _record(request: HttpRequest, form: PhoneRatingForm) -> ActionError | None:
    data = form.cleaned_data
    case = Case.objects.filter(number=data["case_number"].strip()).first()
    if case is None:
        return ActionError("case_unknown", _("No case has this number."),
                           {"field": "case_number"}, status=404)
    try:
        actions.do_record_phone_rating(request.user, case, event=data["event"],
                                       level=data["level"], scores=form.scores(),
                                       comment=data["comment"])
    except ActionError as exc:
        return exc
    return None


@login_required
@require_http_methods(["GET", "POST"])
def phone_rating(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_record_phone_ratings(request.user))
    form = PhoneRatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            error = _record(request, form)
            if error is None:
                messages.success(request, _("Phone rating recorded."))
                return redirect("reviews:phone")
            put_error(form, error)
            status = error.status
    recent = queries.reviews_detailed().filter(recorded_by_id=request.user.pk)[:RECENT]
    return render(request, "reviews/phone.html", {"form": form, "recent": recent},
                  status=status)


urlpatterns = [path("phone/", phone_rating, name="phone")]
