"""The operator's desk: the form of a call taken by phone and, as the operator types, three
fragments fetched by HTMX — knowledge-base answers (即时办结 for a consultation), the suggested
category and department, and similar open tickets nearby (merge into one)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from jingchu.core.errors import ActionError
from jingchu.core.models import Region
from jingchu.hotline import classify, geo, permissions, queries, routing
from jingchu.hotline.actions import intake, knowledge
from jingchu.hotline.choices import Channel
from jingchu.hotline.forms import CallForm
from jingchu.hotline.models import Category, KnowledgeArticle, Ticket
from jingchu.hotline.views.common import desk_nav, require, run_action

MIN_TEXT = 2  # characters typed before the fragments search at all
logger = logging.getLogger(__name__)


def match_region(address: str) -> Region | None:
    """The region of the address; a failing gazetteer leaves the desk usable, as in intake."""
    if not address.strip():
        return None
    try:
        return geo.match_region(address)
    except Exception:
        logger.exception("hotline address matching failed")
        return None


def suggest(text: str) -> list[Any]:
    """The classifier's top three; a broken model only means no suggestion on the desk."""
    if not text:
        return []
    try:
        return list(classify.suggest(text, top=3))
    except Exception:
        logger.exception("hotline classifier failed")
        return []


def _file_call(user: Any, data: dict[str, Any]) -> Ticket:
    return intake.do_file_ticket(
        user, channel=Channel.PHONE, kind=data["kind"], urgency=data["urgency"],
        title=data["title"], content=data["content"], address=data["address"],
        caller_name=data["caller_name"], caller_phone=data["caller_phone"],
        category=data["category"],
        reported_entity=intake.entity_by_uscc(data["reported_entity_uscc"]))


def _article(uid: str) -> KnowledgeArticle:
    article = KnowledgeArticle.objects.filter(uid=uid, is_active=True).first() if _is_uuid(
        uid) else None
    if article is None:
        raise ActionError("article_unknown", _("That knowledge-base article is not available."))
    return article


def _open_ticket(uid: str) -> Ticket:
    ticket = Ticket.objects.filter(uid=uid).first() if _is_uuid(uid) else None
    if ticket is None:
        raise ActionError("ticket_unknown", _("That ticket does not exist."))
    return ticket


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _take_call(request: HttpRequest, data: dict[str, Any]) -> tuple[Ticket, str]:
    """File the call; then, when a button said so, answer it from the knowledge base or merge it
    into an open ticket — in the same transaction, so a refusal leaves nothing filed."""
    ticket = _file_call(request.user, data)
    answer, merge_into = request.POST.get("answer", ""), request.POST.get("merge_into", "")
    if answer:
        ticket = knowledge.do_answer_from_knowledge(request.user, ticket, _article(answer))
        return ticket, _("Answered from the knowledge base and closed (即时办结).")
    if merge_into:
        ticket = intake.do_merge_ticket(request.user, ticket, _open_ticket(merge_into))
        return ticket, _("Filed and merged into the open ticket.")
    return ticket, _("Ticket filed.")


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_operator_desk(request.user))
    form = CallForm(request.POST or None)
    status = 200
    if request.method == "POST":
        done, status = run_action(form, lambda data: _take_call(request, data),
                                  {"category": "category",
                                   "reported_entity": "reported_entity_uscc"})
        if done is not None:
            ticket, message = done
            messages.success(request, f"{message} {ticket.number}")
            return redirect("hotline:ticket", uid=ticket.uid)
    return render(request, "hotline/desk.html",
                  {"form": form, **desk_nav(request.user, "desk")}, status=status)


def _typed(request: HttpRequest) -> str:
    return " ".join(request.GET.get(name, "").strip() for name in ("title", "content")).strip()


@login_required
@require_GET
def desk_knowledge(request: HttpRequest) -> HttpResponse:
    require(permissions.can_search_knowledge(request.user))
    text = _typed(request)
    region = match_region(request.GET.get("address", ""))
    articles = queries.search_knowledge(text, region=region, limit=5) if len(
        text) >= MIN_TEXT else []
    consult = request.GET.get("kind") == "consult"
    return render(request, "hotline/_knowledge.html",
                  {"articles": articles, "consult": consult, "searched": len(text) >= MIN_TEXT})


def suggestion_rows(text: str, address: str) -> tuple[Any, list[dict[str, Any]]]:
    """The classifier's top three, each with the organization the routing table gives it in the
    region of the address."""
    region = match_region(address)
    suggestions = suggest(text)
    found = Category.objects.in_bulk([s.code for s in suggestions], field_name="code")
    rows = []
    for suggestion in suggestions:
        category = found.get(suggestion.code)
        rows.append({"suggestion": suggestion, "category": category,
                     "organization": routing.route(category, region) if category else None})
    return region, rows


@login_required
@require_GET
def desk_suggest(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_operator_desk(request.user))
    region, rows = suggestion_rows(_typed(request), request.GET.get("address", ""))
    return render(request, "hotline/_suggest.html", {"region": region, "rows": rows})


@login_required
@require_GET
def desk_similar(request: HttpRequest) -> HttpResponse:
    require(permissions.can_use_operator_desk(request.user))
    text = _typed(request)
    region = match_region(request.GET.get("address", ""))
    similar = queries.similar_open_tickets(text=text, region=region) if len(
        text) >= MIN_TEXT else []
    mine = [(t, score) for t, score in similar if permissions.is_operator_of(request.user, t)]
    return render(request, "hotline/_similar.html", {"similar": mine, "region": region})


urlpatterns: list[URLPattern] = [
    path("desk/", desk, name="desk"),
    path("desk/knowledge/", desk_knowledge, name="desk_knowledge"),
    path("desk/suggest/", desk_suggest, name="desk_suggest"),
    path("desk/similar/", desk_similar, name="desk_similar"),
]
