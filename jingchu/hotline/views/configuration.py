"""The supervisors' configuration: the routing table (派单规则), the time limits (办理时限) and the
knowledge base (知识库). Each page lists what is set and changes it through
jingchu.hotline.actions.config and actions.knowledge."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingchu.core.errors import ActionError
from jingchu.hotline import deadlines, permissions
from jingchu.hotline.actions import config, knowledge
from jingchu.hotline.choices import TicketKind, Urgency
from jingchu.hotline.forms import ArticleForm, RouteForm, TimeLimitForm
from jingchu.hotline.models import KnowledgeArticle, RoutingRule, TimeLimit
from jingchu.hotline.views.common import desk_nav, require, run_action
from jingchu.services.models import ServiceItem

PAGE_SIZE = 30


def _manager(request: HttpRequest) -> None:
    require(permissions.can_manage_configuration(request.user))


def _render_routes(request: HttpRequest, form: RouteForm, status: int = 200) -> HttpResponse:
    rules = RoutingRule.objects.select_related("category", "region", "organization")
    query = request.GET.get("q", "").strip()
    if query:
        rules = rules.filter(Q(category__name__icontains=query)
                             | Q(category__code__icontains=query)
                             | Q(region__name__icontains=query)
                             | Q(organization__name__icontains=query))
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/routes.html", {
        "page": page, "form": form, "q": query, "query": urlencode({"q": query}) if query else "",
        **desk_nav(request.user, "routes")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def routes(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = RouteForm(request.POST or None)
    if request.method != "POST":
        return _render_routes(request, form)
    rule, status = run_action(form, lambda data: config.do_set_route(
        request.user, category=data["category"], region=data["region"],
        organization=data["organization"]))
    if rule is None:
        return _render_routes(request, form, status)
    messages.success(request, _("Routing rule saved."))
    return redirect("hotline:routes")


@login_required
@require_POST
def delete_route(request: HttpRequest) -> HttpResponse:
    """The cell is named by its category and region codes (blank for "any")."""
    _manager(request)
    category, region = request.POST.get("category", ""), request.POST.get("region", "")
    rule = RoutingRule.objects.filter(
        Q(category__code=category) if category else Q(category__isnull=True),
        Q(region__code=region) if region else Q(region__isnull=True)).first()
    if rule is None:
        raise Http404
    try:
        config.do_delete_route(request.user, rule)
    except ActionError as exc:
        messages.error(request, exc.message)
        return _render_routes(request, RouteForm(), exc.status)
    messages.success(request, _("Routing rule deleted."))
    return redirect("hotline:routes")


def _limit_rows() -> list[dict[str, Any]]:
    """Every kind × urgency with what applies now: the configured row or the default."""
    rows = []
    configured = {(t.kind, t.urgency): t for t in TimeLimit.objects.all()}
    for kind, kind_label in TicketKind.choices:
        for urgency, urgency_label in Urgency.choices:
            rows.append({"kind": kind, "kind_label": kind_label, "urgency": urgency,
                         "urgency_label": urgency_label,
                         "row": configured.get((kind, urgency)),
                         "limit": deadlines.limit_for(kind, urgency)})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def limits(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = TimeLimitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        saved, status = run_action(form, lambda data: config.do_set_time_limit(
            request.user, kind=data["kind"], urgency=data["urgency"],
            working_days=data["working_days"], hours=data["hours"],
            sign_working_days=data["sign_working_days"]))
        if saved is not None:
            messages.success(request, _("Time limit saved."))
            return redirect("hotline:limits")
    return render(request, "hotline/limits.html", {
        "rows": _limit_rows(), "form": form, **desk_nav(request.user, "limits")}, status=status)


@login_required
def articles(request: HttpRequest) -> HttpResponse:
    _manager(request)
    found = KnowledgeArticle.objects.select_related("category", "item", "region")
    query = request.GET.get("q", "").strip()
    if query:
        found = found.filter(Q(title__icontains=query) | Q(keywords__icontains=query))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hotline/articles.html", {
        "page": page, "q": query, "query": urlencode({"q": query}) if query else "",
        **desk_nav(request.user, "articles")})


def _item(code: str) -> ServiceItem | None:
    if not code:
        return None
    item = ServiceItem.objects.filter(code=code.strip()).first()
    if item is None:
        raise ActionError("item_unknown", _("No service item has that code."),
                          {"field": "item_code"})
    return item


def _initial(article: KnowledgeArticle) -> dict[str, Any]:
    return {"title": article.title, "answer": article.answer, "keywords": article.keywords,
            "category": article.category.code if article.category else None,
            "item_code": article.item.code if article.item else "", "policy": article.policy,
            "region": article.region.code if article.region else None,
            "is_active": article.is_active}


def _save_article(request: HttpRequest, article: KnowledgeArticle | None) -> HttpResponse:
    _manager(request)
    initial = _initial(article) if article is not None else None
    form = ArticleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        saved, status = run_action(form, lambda data: knowledge.do_save_article(
            request.user, article, title=data["title"], answer=data["answer"],
            keywords=data["keywords"], category=data["category"], item=_item(data["item_code"]),
            policy=data["policy"], region=data["region"], is_active=data["is_active"]),
            {"item": "item_code"})
        if saved is not None:
            messages.success(request, _("Knowledge-base article saved."))
            return redirect("hotline:articles")
    return render(request, "hotline/article.html", {
        "form": form, "article": article, **desk_nav(request.user, "articles")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    return _save_article(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    article = KnowledgeArticle.objects.select_related("category", "item", "region").filter(
        uid=uid).first()
    if article is None:
        raise Http404
    return _save_article(request, article)


urlpatterns: list[URLPattern] = [
    path("config/routes/", routes, name="routes"),
    path("config/routes/delete/", delete_route, name="delete_route"),
    path("config/limits/", limits, name="limits"),
    path("config/knowledge/", articles, name="articles"),
    path("config/knowledge/new/", article_new, name="article_new"),
    path("config/knowledge/<uuid:uid>/", article_edit, name="article_edit"),
]
