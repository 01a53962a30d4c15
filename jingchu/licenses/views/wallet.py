"""The holder's wallet (我的证照): my licences and, when I act for an enterprise, its licences;
a licence's data, status, PDF, shares and uses ("who used my licence, when, why").

A licence the user does not hold answers 404, never 403: its existence is not revealed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jingchu.core.errors import ActionError
from jingchu.identity.services import acting_for, person_of
from jingchu.licenses import actions, pdf, permissions
from jingchu.licenses.forms import ShareForm
from jingchu.licenses.models import License, LicenseShare
from jingchu.licenses.views.presenting import (
    detail_context,
    licences,
    page_licence,
)


def held_licence(request: HttpRequest, identifier: str) -> License:
    """The licence if the user holds it (or acts for its holder); 404 otherwise."""
    lic = page_licence(identifier)
    if not permissions.is_holder(request.user, lic):
        raise Http404
    return lic


@login_required
@never_cache
@require_GET
def wallet(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_wallet(request.user))
    person = person_of(request.user)
    entity = acting_for(request)
    return render(request, "licenses/wallet.html", {
        "mine": licences().filter(holder_person=person),
        "entity": entity,
        "entity_licences": licences().filter(holder_entity=entity) if entity else None,
    })


def _render_detail(request: HttpRequest, lic: License, form: ShareForm | None = None,
                   status: int = 200) -> HttpResponse:
    return render(request, "licenses/detail.html", detail_context(lic) | {
        "shares": lic.shares.select_related("organization"),
        "form": form or ShareForm(), "may_share": permissions.can_share(request.user, lic),
        "usable": actions.is_usable(lic),
    }, status=status)


@login_required
@never_cache
@require_GET
def detail(request: HttpRequest, identifier: str) -> HttpResponse:
    return _render_detail(request, held_licence(request, identifier))


@login_required
@require_GET
def download_pdf(request: HttpRequest, identifier: str) -> HttpResponse:
    """The printable PDF, for the holder and the issuer's staff."""
    lic = page_licence(identifier)
    if not permissions.can_view_license(request.user, lic):
        raise Http404
    response = HttpResponse(pdf.render_pdf(lic, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{lic.identifier}.pdf"'
    return response


@login_required
@require_POST
def share(request: HttpRequest, identifier: str) -> HttpResponse:
    lic = held_licence(request, identifier)
    permissions.require(permissions.can_share(request.user, lic))
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, lic, form, status=400)
    data: dict[str, Any] = form.cleaned_data
    try:
        made = actions.do_share_license(request.user, lic, organization=data["organization"],
                                        reason=data["reason"], until=data["until"])
    except ActionError as exc:
        form.add_error(str(exc.details.get("field") or "") or None, exc.message)
        return _render_detail(request, lic, form, status=exc.status)
    messages.success(request, _("The licence is shared with %(org)s until %(until)s.")
                     % {"org": made.organization.name, "until": made.valid_until.isoformat()})
    return redirect("licenses:detail", identifier=lic.identifier)


@login_required
@require_POST
def withdraw_share(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    found = (LicenseShare.objects.select_related("license__holder_entity", "organization")
             .filter(uid=uid).first())
    if found is None or not permissions.is_holder(request.user, found.license):
        raise Http404
    permissions.require(permissions.can_share(request.user, found.license))
    actions.do_withdraw_share(request.user, found)
    messages.success(request, _("The share with %(org)s is withdrawn.")
                     % {"org": found.organization.name})
    return redirect("licenses:detail", identifier=found.license.identifier)


urlpatterns: list[URLPattern] = [
    path("", wallet, name="wallet"),
    path("shares/<uuid:uid>/withdraw", withdraw_share, name="withdraw_share"),
    path("<str:identifier>/", detail, name="detail"),
    path("<str:identifier>/pdf", download_pdf, name="pdf"),
    path("<str:identifier>/share", share, name="share"),
]
