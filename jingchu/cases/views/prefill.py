"""The applicant's consent to fill the form from shared government data (see cases.prefill)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.cases import actions, permissions
from jingchu.cases.views import presenting
from jingchu.core.errors import ActionError


@login_required
@require_POST
def prefill(request: HttpRequest, uid: Any) -> HttpResponse:
    case = presenting.case_or_404(request.user, uid)
    if not (presenting.may_edit(request.user, case)
            and permissions.is_applicant(request.user, case)):
        raise PermissionDenied
    if request.POST.get("consent") != "yes":
        messages.error(request, _("Tick the box to consent before the data is used."))
        return redirect("cases:edit", uid=case.uid)
    resource = (request.POST.get("resource") or "").strip()[:40]
    try:
        filled = actions.do_prefill_form(request.user, case, resource)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)d fields were filled in from government data; "
                                    "check them and save the form.") % {"count": len(filled)})
    return redirect("cases:edit", uid=case.uid)


urlpatterns: list[URLPattern] = [
    path("<uuid:uid>/prefill/", prefill, name="prefill"),
]
