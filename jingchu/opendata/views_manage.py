"""The data stewards' pages under /open/manage/ and /open/review/: my open datasets, the review
queue, the draft form, and the workflow buttons (submit, approve, return, withdraw, refresh,
reopen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.lake.models import Dataset
from jingchu.opendata import actions, permissions, queries, validation
from jingchu.opendata.choices import OpenStatus
from jingchu.opendata.forms import OpenDatasetForm, SourceForm, format_fields
from jingchu.opendata.models import OpenDataset
from jingchu.opendata.views import PAGE_SIZE, _dataset

MAX_COLUMNS_SHOWN = 200


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_manage_page(request.user))
    found = queries.managed_by(request.user)
    status = request.GET.get("status", "")
    if status:
        found = found.filter(status=status)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opendata/manage.html", {
        "page": page, "status": status, "statuses": OpenStatus.choices,
        "query": f"status={status}" if status else "",
        "may_create": permissions.can_create_any(request.user)})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_review_queue(request.user))
    page = Paginator(queries.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "opendata/review.html", {"page": page, "query": ""})


def _sources(request: HttpRequest) -> QuerySet[Dataset]:
    return (Dataset.objects.filter(owner_id__in=permissions.steward_org_ids(request.user),
                                   current_version__isnull=False)
            .select_related("owner", "current_version").order_by("code"))


def _columns(source: Dataset) -> list[dict[str, Any]]:
    return validation.source_columns(source)[:MAX_COLUMNS_SHOWN]


def _form_error(form: OpenDatasetForm, exc: ActionError) -> None:
    add_action_error(form, exc, {"fields": "fields_text"})


def _initial(source: Dataset) -> dict[str, Any]:
    public = [c for c in validation.source_columns(source) if not c["mask"]]
    return {"title": source.name, "notes": source.description,
            "update_frequency": source.update_frequency,
            "fields_text": format_fields(public)}


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """Step one picks the lake dataset (GET ?source=code); step two is the draft form."""
    permissions.require(permissions.can_create_any(request.user))
    chooser = SourceForm(request.GET or None, sources=_sources(request))
    if not chooser.is_valid():
        return render(request, "opendata/new.html", {"chooser": chooser})
    source: Dataset = chooser.cleaned_data["source"]
    permissions.require(permissions.can_create_open_dataset(request.user, source.owner))
    form = OpenDatasetForm(request.POST or None, initial=_initial(source))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ds = actions.do_create_open_dataset(request.user, source, form.action_data())
            except ActionError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Draft saved."))
                return redirect("opendata:dataset", name=ds.name)
    return render(request, "opendata/form.html", {
        "form": form, "source": source, "columns": _columns(source)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, name: str) -> HttpResponse:
    ds = _dataset(request, name)
    permissions.require(permissions.can_edit_open_dataset(request.user, ds))
    initial = {"name": ds.name, "title": ds.title, "notes": ds.notes, "licence": ds.licence,
               "update_frequency": ds.update_frequency, "topics": ds.topic_values,
               "tags": ", ".join(ds.tag_names), "fields_text": format_fields(ds.fields)}
    form = OpenDatasetForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ds = actions.do_update_open_dataset(request.user, ds, form.action_data())
            except ActionError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Draft saved."))
                return redirect("opendata:dataset", name=ds.name)
    return render(request, "opendata/form.html", {
        "form": form, "ds": ds, "source": ds.source, "columns": _columns(ds.source)},
        status=status)


def _steps(request: HttpRequest) -> dict[str, tuple[Callable[..., bool],
                                                    Callable[[OpenDataset], Any], str]]:
    user, post = request.user, request.POST
    return {
        "submit": (permissions.can_submit_open_dataset,
                   lambda ds: actions.do_submit_open_dataset(user, ds),
                   _("Submitted for review.")),
        "approve": (permissions.can_manage_open_dataset,
                    lambda ds: actions.do_approve_open_dataset(user, ds, post.get("note", "")),
                    _("Published.")),
        "return": (permissions.can_manage_open_dataset,
                   lambda ds: actions.do_return_open_dataset(user, ds, post.get("reason", "")),
                   _("Returned to the publisher.")),
        "withdraw": (permissions.can_withdraw_open_dataset,
                     lambda ds: actions.do_withdraw_open_dataset(user, ds,
                                                                 post.get("reason", "")),
                     _("Withdrawn.")),
        "refresh": (permissions.can_refresh_open_dataset,
                    lambda ds: actions.do_refresh_open_dataset(user, ds),
                    _("Re-published from the newer version.")),
        "reopen": (permissions.can_reopen_open_dataset,
                   lambda ds: actions.do_reopen_open_dataset(user, ds),
                   _("Reopened as a draft.")),
    }


@login_required
@require_POST
def step(request: HttpRequest, name: str) -> HttpResponse:
    """One workflow button; a refusal comes back as a message on the dataset's page."""
    ds = _dataset(request, name)
    chosen = _steps(request).get(request.POST.get("action", ""))
    if chosen is None:
        messages.error(request, _("Unknown action."))
        return redirect("opendata:dataset", name=ds.name)
    check, run, done = chosen
    permissions.require(check(request.user, ds))
    try:
        run(ds)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("opendata:dataset", name=ds.name)
