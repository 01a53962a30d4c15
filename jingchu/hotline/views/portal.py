"""The citizen's side: the web portal and the phone-friendly page to file a request, the
confirmation with the ticket number, and "my tickets" with the timeline, rating and reopening."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.hotline import permissions, queries
from jingchu.hotline.actions import callback, intake
from jingchu.hotline.choices import Channel, Satisfaction, TicketStatus
from jingchu.hotline.forms import OnlineTicketForm, RateForm, ReasonForm
from jingchu.hotline.models import Ticket, TicketAttachment
from jingchu.hotline.views.common import require, run_action, ticket_context, ticket_or_404

PAGE_SIZE = 20
FILED_KEY = "hotline_filed"


def _initial(user: Any) -> dict[str, str]:
    """A signed-in citizen's name and phone, so they need not type them."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        return {}
    return {"caller_name": person.name, "caller_phone": person.phone}


def _file(request: HttpRequest, channel: str, template: str) -> HttpResponse:
    require(permissions.can_file_online(request.user))
    form = OnlineTicketForm(request.POST or None, request.FILES or None,
                            initial=_initial(request.user),
                            anonymous=not request.user.is_authenticated)
    status = 200
    if request.method == "POST":
        def act(data: dict[str, Any]) -> Ticket:
            return intake.do_file_ticket(
                request.user if request.user.is_authenticated else None,
                channel=channel, kind=data["kind"], title=data["title"],
                content=data["content"], address=data["address"],
                latitude=data["latitude"], longitude=data["longitude"],
                caller_name=data["caller_name"], caller_phone=data["caller_phone"],
                files=data["attachments"])
        ticket, status = run_action(form, act, {"files": "attachments"})
        if ticket is not None:
            request.session[FILED_KEY] = {"number": ticket.number, "channel": channel}
            return redirect("hotline:filed")
    return render(request, template, {"form": form, "channel": channel}, status=status)


@require_http_methods(["GET", "POST"])
def portal(request: HttpRequest) -> HttpResponse:
    return _file(request, Channel.WEB, "hotline/portal.html")


@require_http_methods(["GET", "POST"])
def mobile(request: HttpRequest) -> HttpResponse:
    return _file(request, Channel.MOBILE, "hotline/mobile.html")


def filed(request: HttpRequest) -> HttpResponse:
    """The confirmation: only the browser that filed it sees the number (kept in its session)."""
    filed_ticket = request.session.get(FILED_KEY)
    if not isinstance(filed_ticket, dict):
        return redirect("hotline:portal")
    return render(request, "hotline/filed.html", {
        "number": filed_ticket["number"], "mobile": filed_ticket["channel"] == Channel.MOBILE})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    require(permissions.can_list_own_tickets(request.user))
    page = Paginator(queries.my_tickets(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "hotline/mine.html", {"page": page, "query": ""})


def _render_mine(request: HttpRequest, ticket: Ticket, status: int = 200,
                 **given: forms.Form) -> HttpResponse:
    context = ticket_context(request.user, ticket, public=True)
    context.update({
        "rate_form": given.get("rate_form") or RateForm(),
        "reopen_form": given.get("reopen_form") or ReasonForm(),
        "may_rate": ticket.status == TicketStatus.REPLIED and not ticket.satisfaction,
        "may_reopen": (ticket.status == TicketStatus.REPLIED and ticket.reopen_count == 0
                       and ticket.satisfaction == Satisfaction.UNSATISFIED),
    })
    return render(request, "hotline/my_ticket.html", context, status=status)


def _my_ticket(request: HttpRequest, uid: uuid.UUID) -> Ticket:
    ticket = ticket_or_404(uid)
    require(permissions.is_caller(request.user, ticket))
    return ticket


@login_required
def my_ticket(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    return _render_mine(request, _my_ticket(request, uid))


@login_required
@require_POST
def rate(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    ticket = _my_ticket(request, uid)
    require(permissions.can_rate(request.user, ticket))
    form = RateForm(request.POST)
    done, status = run_action(form, lambda data: callback.do_rate_ticket(
        request.user, ticket, satisfaction=data["satisfaction"], comment=data["comment"]))
    if done is None:
        return _render_mine(request, ticket, status, rate_form=form)
    messages.success(request, _("Thank you for your rating."))
    return redirect("hotline:my_ticket", uid=ticket.uid)


@login_required
@require_POST
def reopen(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    ticket = _my_ticket(request, uid)
    require(permissions.can_reopen(request.user, ticket))
    form = ReasonForm(request.POST)
    done, status = run_action(form, lambda data: callback.do_reopen_ticket(
        request.user, ticket, reason=data["reason"]))
    if done is None:
        return _render_mine(request, ticket, status, reopen_form=form)
    messages.success(request, _("Your request was reopened and sent back to the department."))
    return redirect("hotline:my_ticket", uid=ticket.uid)


@login_required
def attachment(request: HttpRequest, uid: uuid.UUID) -> FileResponse:
    """A file of a ticket, streamed to whoever may see the ticket (files have no public URL)."""
    found = TicketAttachment.objects.select_related("ticket").filter(uid=uid).first()
    if found is None:
        raise Http404
    require(permissions.can_view_ticket(request.user, found.ticket))
    try:
        handle = intake.do_open_attachment(request.user, found)
    except ActionError as exc:
        raise Http404(exc.message) from None
    return FileResponse(handle, filename=found.name, content_type=found.content_type)


urlpatterns: list[URLPattern] = [
    path("", portal, name="portal"),
    path("m/", mobile, name="mobile"),
    path("filed/", filed, name="filed"),
    path("mine/", mine, name="mine"),
    path("mine/<uuid:uid>/", my_ticket, name="my_ticket"),
    path("mine/<uuid:uid>/rate/", rate, name="rate"),
    path("mine/<uuid:uid>/reopen/", reopen, name="reopen"),
    path("files/<uuid:uid>/", attachment, name="attachment"),
]
