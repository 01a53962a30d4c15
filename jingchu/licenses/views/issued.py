"""The issuing staff's pages: the licences my organizations issued (search, pages), and a
licence's detail with its uses and the revoke / suspend / reinstate forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jingchu.core.errors import ActionError
from jingchu.licenses import actions, permissions
from jingchu.licenses.forms import SearchForm, StatusForm
from jingchu.licenses.models import License
from jingchu.licenses.views.presenting import (
    detail_context,
    issued_visible_to,
    page_licence,
    search,
)

PAGE_SIZE = 25


def issued_licence(request: HttpRequest, identifier: str) -> License:
    lic = page_licence(identifier)
    if not permissions.can_view_issued(request.user, lic):
        raise Http404
    return lic


@login_required
@never_cache
@require_GET
def issued_list(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_list_issued(request.user))
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    rows = search(issued_visible_to(request.user), text)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licenses/issued.html", {"form": form, "page": page, "q": text})


def _render_detail(request: HttpRequest, lic: License, form: StatusForm | None = None,
                   status: int = 200) -> HttpResponse:
    return render(request, "licenses/issued_detail.html", detail_context(lic) | {
        "form": form or StatusForm(),
        "may_change": permissions.can_change_status(request.user, lic),
    }, status=status)


@login_required
@never_cache
@require_GET
def issued_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    return _render_detail(request, issued_licence(request, identifier))


@login_required
@require_POST
def change_status(request: HttpRequest, identifier: str) -> HttpResponse:
    lic = issued_licence(request, identifier)
    permissions.require(permissions.can_change_status(request.user, lic))
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, lic, form, status=400)
    try:
        lic = actions.do_change_status(request.user, lic, form.cleaned_data["action"],
                                       reason=form.cleaned_data["reason"])
    except ActionError as exc:
        form.add_error(None, exc.message)
        return _render_detail(request, lic, form, status=exc.status)
    messages.success(request, _("The licence is now %(status)s.")
                     % {"status": lic.get_status_display()})
    return redirect("licenses:issued_detail", identifier=lic.identifier)


urlpatterns: list[URLPattern] = [
    path("issued/", issued_list, name="issued"),
    path("issued/<str:identifier>/", issued_detail, name="issued_detail"),
    path("issued/<str:identifier>/status", change_status, name="change_status"),
]
