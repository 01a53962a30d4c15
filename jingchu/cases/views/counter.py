"""The counter channel (窗口收件): a window clerk applies on behalf of a walk-in citizen.

The clerk looks the citizen up by ID number (an audited read through the blind index; the page
shows the name and the masked number only), picks an implementation their organization may
accept under its 通办范围, and starts a draft with channel COUNTER; filling in the form,
uploading and submitting then use the applicant pages, which let the counter clerk edit.
The looked-up person is kept in the session, so a draft can only be started for someone the
clerk actually looked up.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.cases import actions, permissions
from jingchu.cases.choices import Channel
from jingchu.cases.forms import CounterItemForm, CounterLookupForm, CounterStartForm
from jingchu.core.errors import ActionError
from jingchu.core.masking import mask_id_number
from jingchu.identity import services as identity_services
from jingchu.identity.actions import login as identity_login
from jingchu.identity.models import LegalEntity, Person
from jingchu.services.models import ItemImplementation, ServiceItem

SESSION_PERSON = "jingchu_counter_person"


def _require_clerk(user: Any) -> None:
    if not permissions.can_use_counter(user):
        raise PermissionDenied


def _session_person(request: HttpRequest) -> Person | None:
    raw = request.session.get(SESSION_PERSON)
    try:
        return Person.objects.filter(uid=uuid.UUID(str(raw))).first() if raw else None
    except ValueError:
        return None


def _implementation_rows(user: Any, code: str) -> tuple[ServiceItem | None, list[dict[str, Any]]]:
    item = ServiceItem.objects.filter(code=code.strip(), current_version__isnull=False).first()
    if item is None:
        return None, []
    impls = ItemImplementation.objects.filter(item=item, is_active=True).select_related(
        "organization__region").order_by("organization__region__code", "organization__name")
    return item, [{"impl": impl, "orgs": permissions.accepting_orgs(user, impl)}
                  for impl in impls]


def _lookup(request: HttpRequest) -> str:
    form = CounterLookupForm(request.POST)
    if not form.is_valid():
        return _("Please enter an 18-character citizen ID number.")
    try:
        person = identity_login.do_look_up_person(
            request.user, id_number=form.cleaned_data["id_number"],
            purpose="counter_application")
    except ActionError as exc:
        return exc.message
    request.session[SESSION_PERSON] = str(person.uid)
    return ""


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest) -> HttpResponse:
    """Look a citizen up (POST op=lookup), forget them (op=clear), find an item (GET code=)."""
    _require_clerk(request.user)
    error = ""
    if request.method == "POST":
        if request.POST.get("op") == "clear":
            request.session.pop(SESSION_PERSON, None)
            return redirect("cases:counter")
        error = _lookup(request)
        if not error:
            return redirect("cases:counter")
    person = _session_person(request)
    item_form = CounterItemForm(request.GET or None)
    item: ServiceItem | None = None
    rows: list[dict[str, Any]] = []
    if person is not None and item_form.is_valid():
        item, rows = _implementation_rows(request.user, item_form.cleaned_data["code"])
        if item is None:
            error = _("No service item has this code.")
    return render(request, "cases/counter.html", {
        "person": person, "error": error, "item": item, "rows": rows,
        "item_form": item_form, "lookup_form": CounterLookupForm(),
        "id_number_masked": mask_id_number(person.id_number) if person else "",
        "entities": identity_services.entities_for(person) if person else [],
    }, status=400 if error and request.method == "POST" else 200)


@login_required
@require_POST
def counter_start(request: HttpRequest) -> HttpResponse:
    """Start the counter draft; the action refuses an implementation this counter may not
    accept (e.g. a 定点办理 item of another city)."""
    _require_clerk(request.user)
    person = _session_person(request)
    form = CounterStartForm(request.POST)
    if person is None or not form.is_valid():
        messages.error(request, _("Look the citizen up first, then choose the service."))
        return redirect("cases:counter")
    impl = get_object_or_404(ItemImplementation.objects.select_related("item"),
                             uid=form.cleaned_data["implementation"], is_active=True)
    entity = None
    if form.cleaned_data["entity"]:
        entity = get_object_or_404(LegalEntity, uid=form.cleaned_data["entity"])
    orgs = permissions.accepting_orgs(request.user, impl)
    try:
        case = actions.do_create_draft(
            request.user, implementation=impl, applicant=person, on_behalf_of=entity,
            channel=Channel.COUNTER, counter=orgs[0] if orgs else None)
    except ActionError as exc:
        return render(request, "cases/counter_refused.html",
                      {"message": exc.message, "code": impl.item.code}, status=exc.status)
    return redirect("cases:edit", uid=case.uid)


urlpatterns: list[URLPattern] = [
    path("counter/", counter, name="counter"),
    path("counter/start/", counter_start, name="counter_start"),
]
