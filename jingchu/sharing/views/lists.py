"""Pages of the three lists: an organization's responsibility, demand and negative lists."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.core.errors import ActionError
from jingchu.core.models import Organization
from jingchu.sharing import actions, permissions, queries
from jingchu.sharing.choices import ListKind
from jingchu.sharing.forms import ListEntryForm
from jingchu.sharing.views._common import manageable_orgs, run, steward_orgs


def _organization(request: HttpRequest) -> Organization | None:
    ref = request.GET.get("org") or request.POST.get("org")
    if ref:
        return queries.organization_by_ref(ref)
    return steward_orgs(request).first() or manageable_orgs(request).first()


def _back(org_uid: uuid.UUID) -> HttpResponse:
    return redirect(f"{reverse('sharing:lists')}?org={org_uid}")


@login_required
def lists(request: HttpRequest) -> HttpResponse:
    org = _organization(request)
    permissions.require(org is not None and permissions.can_view_lists(request.user, org))
    assert org is not None
    entries = queries.list_entries(org)
    return render(request, "sharing/lists.html", {
        "org": org, "orgs": manageable_orgs(request),
        "groups": [(label, [e for e in entries if e.kind == kind])
                   for kind, label in ListKind.choices],
        "may_manage": permissions.can_manage_lists(request.user, org),
        "form": ListEntryForm()})


@login_required
@require_POST
def list_new(request: HttpRequest) -> HttpResponse:
    org = _organization(request)
    permissions.require(org is not None and permissions.can_manage_lists(request.user, org))
    assert org is not None
    form = ListEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please check the entry."))
        return _back(org.uid)
    data = dict(form.cleaned_data)
    kind = data.pop("kind")
    code = data.pop("resource")
    try:
        data["resource"] = queries.resource_by_code(code) if code else None
    except ActionError:
        messages.error(request, _("No resource has that catalog code."))
        return _back(org.uid)
    run(request, lambda: actions.do_create_list_entry(request.user, org, kind, data),
        _("Entry added."))
    return _back(org.uid)


@login_required
@require_POST
def list_delete(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    entry = queries.entry_by_uid(uid)
    permissions.require(permissions.can_manage_list_entry(request.user, entry))
    org_uid = entry.organization.uid
    run(request, lambda: actions.do_delete_list_entry(request.user, entry), _("Entry deleted."))
    return _back(org_uid)
