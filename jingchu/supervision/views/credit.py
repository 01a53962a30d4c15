"""Credit records (penalties and abnormal-operations listings): the list, the record form,
ending a record (信用修复), and recomputing grades."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.models import Organization
from jingchu.identity.models import LegalEntity
from jingchu.identity.permissions import org_ids
from jingchu.supervision import permissions
from jingchu.supervision import queries_catalog as queries
from jingchu.supervision.actions import credit as credit_actions
from jingchu.supervision.models import CreditRecord
from jingchu.supervision.views.catalog_common import (
    PAGE_SIZE,
    nav,
    query_without_page,
    require,
    run_action,
)
from jingchu.supervision.views.catalog_forms import (
    CreditRecordForm,
    EndRecordForm,
    RecordFilterForm,
)


def recording_departments(user: Any) -> QuerySet[Organization]:
    """Where the user may record credit events (every active organization for a superuser)."""
    orgs = Organization.objects.filter(is_active=True)
    if getattr(user, "is_superuser", False):
        return orgs.order_by("region__code", "name")
    return orgs.filter(pk__in=org_ids(user, permissions.RECORDER_ROLES)).order_by(
        "region__code", "name")


def _filtered(form: RecordFilterForm) -> QuerySet[CreditRecord]:
    found = CreditRecord.objects.select_related("legal_entity", "organization")
    if not form.is_valid():
        return found
    data = form.cleaned_data
    if data["kind"]:
        found = found.filter(kind=data["kind"])
    text = data["q"].strip()
    if text:
        found = found.filter(Q(legal_entity__uscc__startswith=text.upper())
                             | Q(legal_entity__name__icontains=text)
                             | Q(reference__icontains=text))
    return found


def _record(user: Any, data: dict[str, Any]) -> CreditRecord:
    return credit_actions.do_record_credit_event(
        user, legal_entity=queries.legal_entity(data["uscc"]), kind=data["kind"],
        organization=data["organization"], reference=data["reference"],
        summary=data["summary"], decided_on=data["decided_on"], ended_on=data["ended_on"])


@login_required
@require_http_methods(["GET", "POST"])
def credit_records(request: HttpRequest) -> HttpResponse:
    """The credit events recorded, newest decision first; departments record theirs."""
    user = request.user
    require(permissions.can_view_credit(user))
    departments = recording_departments(user)
    may_record = departments.exists()
    only = departments.first() if departments.count() == 1 else None
    form = CreditRecordForm(request.POST or None, departments=departments,
                            initial={"organization": only.uid if only else None})
    status = 200
    if request.method == "POST":
        require(may_record)
        made, status = run_action(form, lambda data: _record(user, data),
                                  {"legal_entity": "uscc"})
        if made is not None:
            messages.success(request, _("Credit event %(reference)s recorded; the grade of "
                                        "%(name)s is recomputed.")
                             % {"reference": made.reference, "name": made.legal_entity.name})
            return redirect("supervision:credit_records")
    filters = RecordFilterForm(request.GET or None)
    page = Paginator(_filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = set(departments.values_list("pk", flat=True))
    return render(request, "supervision/credit_records.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "form": form, "may_record": may_record, "mine": mine, "end_form": EndRecordForm(),
        "may_recompute": permissions.can_recompute_grades(user),
        **nav(user, "credit")}, status=status)


@login_required
@require_POST
def credit_record_end(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The listing or the penalty's publicity ended: the record no longer counts."""
    record = (CreditRecord.objects.select_related("organization", "legal_entity")
              .filter(uid=uid).first())
    if record is None:
        raise Http404
    require(permissions.can_record_credit(request.user, record.organization))
    form = EndRecordForm(request.POST)
    done, _status = run_action(form, lambda data: credit_actions.do_end_credit_record(
        request.user, record, ended_on=data["ended_on"]))
    if done is None:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors) or _("The record could not be ended."))
    else:
        messages.success(request, _("Credit event %(reference)s ended.")
                         % {"reference": record.reference})
    return redirect("supervision:credit_records")


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Recompute grades now: one entity (uscc given) or every supervised entity."""
    require(permissions.can_recompute_grades(request.user))
    uscc = request.POST.get("uscc", "").strip()
    entity = LegalEntity.objects.filter(uscc=uscc).first() if uscc else None
    if uscc and entity is None:
        raise Http404
    changed = credit_actions.do_compute_grades(
        request.user, entities=[entity] if entity is not None else None)
    messages.success(request, _("Credit grades recomputed: %(count)d changed.")
                     % {"count": changed})
    if entity is not None:
        return redirect("supervision:entity", uid=entity.uid)
    return redirect("supervision:credit_records")


urlpatterns: list[URLPattern] = [
    path("credit/", credit_records, name="credit_records"),
    path("credit/<uuid:uid>/end/", credit_record_end, name="credit_record_end"),
    path("credit/recompute/", recompute, name="recompute"),
]
