"""The operator's tickets: the centre's list (filters, search by number), the ticket page with
its steps (dispatch, merge, link the caller, call back, reopen, close), and the supervisor's
lists: returned tickets (退单), extension requests to decide, overdue tickets to supervise."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingchu.core import crypto
from jingchu.core.errors import ActionError
from jingchu.hotline import permissions, queries, routing
from jingchu.hotline.actions import callback, handling, intake, supervision
from jingchu.hotline.choices import (
    AT_DEPARTMENT,
    OPEN_STATUSES,
    ExtensionStatus,
    Satisfaction,
    TicketKind,
    TicketStatus,
)
from jingchu.hotline.forms import (
    CallbackForm,
    DispatchForm,
    ExtensionDecisionForm,
    LinkPersonForm,
    MergeForm,
    NoteForm,
    ReasonForm,
    ReportedEntityForm,
    SuperviseForm,
    TicketFilterForm,
)
from jingchu.hotline.models import ExtensionRequest, Ticket
from jingchu.hotline.views.common import (
    desk_nav,
    require,
    run_action,
    ticket_context,
    ticket_or_404,
)
from jingchu.identity.actions.registry import find_person
from jingchu.identity.models import Person

PAGE_SIZE = 25
MAX_OVERDUE = 300
FORMS: dict[str, type[forms.Form]] = {
    "dispatch_form": DispatchForm, "merge_form": MergeForm, "link_form": LinkPersonForm,
    "callback_form": CallbackForm, "close_form": NoteForm, "reopen_form": ReasonForm,
    "supervise_form": SuperviseForm, "entity_form": ReportedEntityForm,
}


def filter_tickets(tickets: QuerySet[Ticket], form: TicketFilterForm) -> QuerySet[Ticket]:
    if not form.is_valid():
        return tickets
    data = form.cleaned_data
    if data["number"]:
        tickets = tickets.filter(number__icontains=data["number"].strip())
    if data["status"]:
        tickets = tickets.filter(status=data["status"])
    if data["kind"]:
        tickets = tickets.filter(kind=data["kind"])
    if data["overdue"] == "yes":
        tickets = tickets.filter(status__in=AT_DEPARTMENT, deadline__lt=timezone.now())
    return tickets


def _list(request: HttpRequest, tickets: QuerySet[Ticket], title: str,
          section: str) -> HttpResponse:
    form = TicketFilterForm(request.GET or None)
    page = Paginator(filter_tickets(tickets, form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "hotline/desk_list.html", {
        "page": page, "form": form, "title": title, "filters": section == "tickets",
        "query": query.urlencode(), **desk_nav(request.user, section)})


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_operator_desk(request.user))
    return _list(request, queries.tickets_for_operator(request.user), _("The centre's tickets"),
                 "tickets")


@login_required
def returned(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_operator_desk(request.user))
    tickets = queries.tickets_for_operator(request.user).filter(status=TicketStatus.RETURNED)
    return _list(request, tickets, _("Returned tickets to dispatch again"), "returned")


def _dispatch_initial(ticket: Ticket) -> dict[str, Any]:
    """The routing table's answer for the category (or the suggestion) and the region."""
    category = ticket.category or ticket.suggested_category
    organization = routing.route(category, ticket.region)
    return {"category": category.code if category else None,
            "organization": organization.uid if organization else None}


def _operator_forms(ticket: Ticket, given: dict[str, forms.Form]) -> dict[str, forms.Form]:
    built = {}
    for key, form_class in FORMS.items():
        built[key] = given.get(key) or form_class()
    if "dispatch_form" not in given:
        built["dispatch_form"] = DispatchForm(initial=_dispatch_initial(ticket))
    if "entity_form" not in given and ticket.reported_entity is not None:
        built["entity_form"] = ReportedEntityForm(initial={"uscc": ticket.reported_entity.uscc})
    return built


def _render_ticket(request: HttpRequest, ticket: Ticket, status: int = 200,
                   **given: forms.Form) -> HttpResponse:
    user = request.user
    context = ticket_context(user, ticket)
    context.update(_operator_forms(ticket, given))
    context.update({
        "may_dispatch": ticket.status in (TicketStatus.RECEIVED, TicketStatus.RETURNED),
        "may_merge": ticket.status in OPEN_STATUSES,
        "may_link": ticket.person_id is None and ticket.status != TicketStatus.MERGED,
        "may_set_entity": ticket.kind in (TicketKind.COMPLAINT, TicketKind.REPORT),
        "may_callback": ticket.status == TicketStatus.REPLIED,
        "may_reopen": (ticket.status == TicketStatus.REPLIED and ticket.reopen_count == 0
                       and ticket.satisfaction == Satisfaction.UNSATISFIED),
        "may_supervise": (ticket.status in AT_DEPARTMENT
                          and permissions.can_supervise(user, ticket)),
        "may_decide": permissions.can_decide_extension(user, ticket),
        "extensions": list(ticket.extensions.select_related("requested_by")),
        "supervisions": list(ticket.supervisions.select_related("organization")),
        "merged": list(ticket.merged.all()),
        "decision_form": ExtensionDecisionForm(),
        **desk_nav(user, "tickets"),
    })
    return render(request, "hotline/desk_ticket.html", context, status=status)


def _operator_ticket(request: HttpRequest, uid: uuid.UUID) -> Ticket:
    ticket = ticket_or_404(uid)
    require(permissions.is_operator_of(request.user, ticket))
    return ticket


@login_required
def ticket_page(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _render_ticket(request, _operator_ticket(request, uid))


def _step(request: HttpRequest, uid: uuid.UUID, key: str,
          check: Callable[[Any, Ticket], bool],
          act: Callable[[Ticket, dict[str, Any]], Any], done: str) -> HttpResponse:
    """A POST of one form of the ticket page: run the action, or show its refusal there."""
    ticket = _operator_ticket(request, uid)
    require(check(request.user, ticket))
    form = FORMS[key](request.POST)
    result, status = run_action(form, lambda data: act(ticket, data))
    if result is None:
        return _render_ticket(request, ticket, status, **{key: form})
    messages.success(request, done)
    return redirect("hotline:ticket", uid=ticket.uid)


@login_required
@require_POST
def dispatch(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        return handling.do_dispatch_ticket(request.user, ticket,
                                           organization=data["organization"],
                                           category=data["category"], note=data["note"])
    return _step(request, uid, "dispatch_form", permissions.can_dispatch, act,
                 _("Ticket dispatched."))


def _ticket_by_number(number: str) -> Ticket:
    ticket = Ticket.objects.filter(number=number.strip()).first()
    if ticket is None:
        raise ActionError("ticket_unknown", _("No ticket has that number."), {"field": "into"})
    return ticket


@login_required
@require_POST
def merge(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        return intake.do_merge_ticket(request.user, ticket, _ticket_by_number(data["into"]))
    return _step(request, uid, "merge_form", permissions.can_dispatch, act,
                 _("Ticket merged; its caller will get the same answer."))


def _person(data: dict[str, Any]) -> Person:
    person = find_person(data["id_number"]) if data["id_number"] else None
    if person is None and data["phone"]:
        matches = list(Person.objects.filter(phone_index=crypto.blind_index(data["phone"]))[:2])
        person = matches[0] if len(matches) == 1 else None
    if person is None:
        raise ActionError("person_unknown", _("No single account matches; check the number."),
                          {"field": "id_number"})
    return person


@login_required
@require_POST
def link_person(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        return intake.do_link_person(request.user, ticket, _person(data))
    return _step(request, uid, "link_form", permissions.can_dispatch, act,
                 _("The caller can now follow the ticket online."))


@login_required
@require_POST
def set_reported_entity(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        entity = intake.entity_by_uscc(data["uscc"], "uscc")
        return intake.do_set_reported_entity(request.user, ticket, entity)
    return _step(request, uid, "entity_form", permissions.can_dispatch, act,
                 _("The enterprise complained about is recorded."))


@login_required
@require_POST
def record_callback(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        return callback.do_record_callback(
            request.user, ticket, reached=data["reached"] == "yes", note=data["note"],
            satisfaction=data["satisfaction"] or None, comment=data["comment"])
    return _step(request, uid, "callback_form", permissions.can_call_back, act,
                 _("Call-back recorded."))


@login_required
@require_POST
def close(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        return callback.do_close_ticket(request.user, ticket, note=data["note"])
    return _step(request, uid, "close_form", permissions.can_close, act, _("Ticket closed."))


@login_required
@require_POST
def operator_reopen(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Ticket:
        return callback.do_reopen_ticket(request.user, ticket, reason=data["reason"])
    return _step(request, uid, "reopen_form", permissions.can_reopen, act,
                 _("Ticket reopened and sent back to the department."))


@login_required
@require_POST
def supervise(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    def act(ticket: Ticket, data: dict[str, Any]) -> Any:
        return supervision.do_supervise_ticket(request.user, ticket, note=data["note"])
    return _step(request, uid, "supervise_form", permissions.can_supervise, act,
                 _("Supervision notice sent to the department."))


def _supervised(user: Any, tickets: QuerySet[Any], field: str = "centre_id") -> QuerySet[Any]:
    """Only what the centres the user supervises hold (everything for a superuser)."""
    if user.is_superuser:
        return tickets
    return tickets.filter(**{f"{field}__in": permissions.supervised_centre_ids(user)})


def _render_extensions(request: HttpRequest, status: int = 200,
                       form: forms.Form | None = None) -> HttpResponse:
    pending = _supervised(request.user, ExtensionRequest.objects.filter(
        status=ExtensionStatus.PENDING), "ticket__centre_id")
    pending = pending.select_related("ticket__organization", "requested_by")
    return render(request, "hotline/extensions.html", {
        "extensions": pending.order_by("requested_at"),
        "form": ExtensionDecisionForm(), "failed": form,
        **desk_nav(request.user, "extensions")}, status=status)


@login_required
def extensions(request: HttpRequest) -> HttpResponse:
    require(permissions.can_supervise_centre(request.user))
    return _render_extensions(request)


@login_required
@require_POST
def decide_extension(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    extension = ExtensionRequest.objects.select_related("ticket").filter(uid=uid).first()
    if extension is None:
        raise Http404
    require(permissions.can_decide_extension(request.user, extension.ticket))
    form = ExtensionDecisionForm(request.POST)
    result, status = run_action(form, lambda data: handling.do_decide_extension(
        request.user, extension, approve=data["decision"] == "approve", note=data["note"]))
    if result is None:
        return _render_extensions(request, status, form)
    messages.success(request, _("Extension request decided."))
    if request.POST.get("back") == "ticket":
        return redirect("hotline:ticket", uid=extension.ticket.uid)
    return redirect("hotline:extensions")


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    require(permissions.can_supervise_centre(request.user))
    now = timezone.now()
    late = Q(status=TicketStatus.DISPATCHED, sign_deadline__lt=now) | Q(
        status__in=AT_DEPARTMENT, deadline__lt=now)
    tickets = _supervised(request.user, queries.tickets_for_operator(request.user).filter(late))
    return render(request, "hotline/overdue.html", {
        "tickets": tickets.order_by("deadline")[:MAX_OVERDUE], **desk_nav(request.user, "overdue")})


urlpatterns: list[URLPattern] = [
    path("desk/tickets/", ticket_list, name="tickets"),
    path("desk/returned/", returned, name="returned"),
    path("desk/extensions/", extensions, name="extensions"),
    path("desk/extensions/<uuid:uid>/decide/", decide_extension, name="decide_extension"),
    path("desk/overdue/", overdue, name="overdue"),
    path("desk/tickets/<uuid:uid>/", ticket_page, name="ticket"),
    path("desk/tickets/<uuid:uid>/dispatch/", dispatch, name="dispatch"),
    path("desk/tickets/<uuid:uid>/merge/", merge, name="merge"),
    path("desk/tickets/<uuid:uid>/link/", link_person, name="link_person"),
    path("desk/tickets/<uuid:uid>/entity/", set_reported_entity, name="reported_entity"),
    path("desk/tickets/<uuid:uid>/callback/", record_callback, name="callback"),
    path("desk/tickets/<uuid:uid>/close/", close, name="close"),
    path("desk/tickets/<uuid:uid>/reopen/", operator_reopen, name="operator_reopen"),
    path("desk/tickets/<uuid:uid>/supervise/", supervise, name="supervise"),
]
