"""The hotline's JSON API under /api/v1/hotline/: file and follow tickets, act on them (thin
wrappers of jingchu.hotline.actions), search the knowledge base, classify a text, and read the
statistics. Tickets are addressed by their number. Every endpoint names its permission check
first; a refusal is 403 and bad input 4xx, in the API's error shape."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.core.models import Organization, Region
from jingchu.hotline import permissions, queries, stats, visibility
from jingchu.hotline.actions.callback import do_close_ticket, do_rate_ticket, do_reopen_ticket
from jingchu.hotline.actions.handling import (
    do_dispatch_ticket,
    do_reply_ticket,
    do_return_ticket,
    do_sign_ticket,
)
from jingchu.hotline.actions.intake import do_file_ticket, entity_by_uscc
from jingchu.hotline.choices import Channel, TicketKind, TicketStatus
from jingchu.hotline.models import KnowledgeArticle, Ticket
from jingchu.hotline.schemas import (
    ClassifyIn,
    ClassifyOut,
    ClassifySuggestionOut,
    HotlineCallerOut,
    HotlineEntityOut,
    HotlineNamedOut,
    HotlineOrganizationOut,
    KnowledgeArticleOut,
    StatsDayRowOut,
    StatsDepartmentRowOut,
    StatsDepartmentsOut,
    StatsKeywordRowOut,
    StatsKeywordsOut,
    StatsScopeOut,
    StatsSummaryOut,
    StatsVolumeRowOut,
    StatsVolumesOut,
    TicketDetailOut,
    TicketDispatchIn,
    TicketEventOut,
    TicketIn,
    TicketNoteIn,
    TicketOut,
    TicketPage,
    TicketRateIn,
    TicketReasonIn,
    TicketReplyIn,
)

router = Router(tags=["hotline"])
PAGE_SIZE = 20


def require(allowed: bool) -> None:
    if not allowed:
        raise NotPermitted(_("You may not do this."))


# --- shapes -------------------------------------------------------------------------------


def _org(org: Organization | None) -> HotlineOrganizationOut | None:
    return HotlineOrganizationOut(uid=str(org.uid), name=org.name) if org is not None else None


def _named(obj: Any) -> HotlineNamedOut | None:
    return HotlineNamedOut(code=obj.code, name=obj.name) if obj is not None else None


def ticket_out(t: Ticket) -> TicketOut:
    return TicketOut(
        number=t.number, status=t.status, status_label=str(t.get_status_display()),
        kind=t.kind, urgency=t.urgency, channel=t.channel, title=t.title, content=t.content,
        category=_named(t.category), region=_named(t.region), address=t.address,
        organization=_org(t.organization), created_at=t.created_at,
        sign_deadline=t.sign_deadline, deadline=t.deadline, overdue=t.is_overdue,
        reply=t.reply, replied_at=t.replied_at, replied_on_time=t.replied_on_time,
        satisfaction=t.satisfaction, closed_at=t.closed_at, reopen_count=t.reopen_count,
        merged_into=t.merged_into.number if t.merged_into_id and t.merged_into else None,
        reported_entity=_entity(t))


def _entity(t: Ticket) -> HotlineEntityOut | None:
    entity = t.reported_entity if t.reported_entity_id else None
    return HotlineEntityOut(uscc=entity.uscc, name=entity.name) if entity is not None else None


def ticket_detail(user: Any, t: Ticket) -> TicketDetailOut:
    caller = visibility.caller_view(user, t)
    events = [TicketEventOut(action=e.action, at=e.created_at,
                             organization=e.organization.name if e.organization else None,
                             note=e.note) for e in t.events.select_related("organization")]
    return TicketDetailOut(**ticket_out(t).dict(), events=events,
                           caller=HotlineCallerOut(name=caller.name, phone=caller.phone,
                                                   hidden=caller.hidden))


def _ticket(number: str) -> Ticket:
    found = (Ticket.objects.select_related(*queries.RELATED, "merged_into")
             .filter(number=number).first())
    if found is None:
        raise NotFound(_("No such ticket."), {"number": number})
    return found


def _visible(request: HttpRequest, number: str,
             check: Callable[[Any, Ticket], bool] = permissions.can_view_ticket) -> Ticket:
    ticket = _ticket(number)
    require(check(request.user, ticket))
    return ticket


def _organization(uid: str) -> Organization | None:
    if not uid.strip():
        return None
    try:
        found = Organization.objects.filter(uid=uuid.UUID(uid.strip())).first()
    except ValueError:
        found = None
    if found is None:
        raise ActionError("organization_invalid", _("No such organization."),
                          {"field": "organization"})
    return found


# --- tickets ------------------------------------------------------------------------------


@router.post("/tickets", response={201: TicketDetailOut}, auth=django_auth)
def file_ticket(request: HttpRequest, body: TicketIn) -> Status[TicketDetailOut]:
    """File a ticket (channel "api") as the signed-in citizen, or as an operator for a caller."""
    require(permissions.can_file_online(request.user))
    reported = _organization(body.reported_org)
    entity = entity_by_uscc(body.reported_entity_uscc)
    ticket = do_file_ticket(
        request.user, channel=Channel.API, kind=body.kind, title=body.title,
        content=body.content, urgency=body.urgency, address=body.address,
        latitude=body.latitude, longitude=body.longitude, caller_name=body.caller_name,
        caller_phone=body.caller_phone, category=body.category or None,
        reported_org=reported, reported_entity=entity, attributes=body.attributes)
    return Status(201, ticket_detail(request.user, _ticket(ticket.number)))


def _visible_tickets(user: Any, status: str) -> QuerySet[Ticket]:
    """The centre's tickets for an operator, the organization's for a handler (its queue, or
    every ticket of one status), the citizen's own otherwise."""
    if permissions.can_use_operator_desk(user):
        found = queries.tickets_for_operator(user)
        return found.filter(status=status) if status else found
    if permissions.can_use_department_queue(user):
        return queries.department_queue(user, status or None)
    found = queries.my_tickets(user)
    return found.filter(status=status) if status else found


class TicketQuery(Schema):
    status: str = ""
    kind: str = ""
    category: str = ""
    page: int = 1


def _check_filters(query: TicketQuery) -> None:
    for field, value, allowed in (("status", query.status, TicketStatus.values),
                                  ("kind", query.kind, TicketKind.values)):
        if value and value not in allowed:
            raise ActionError(f"{field}_invalid", _("Unknown value."), {"field": field})


@router.get("/tickets", response=TicketPage, auth=django_auth)
def list_tickets(request: HttpRequest, query: Query[TicketQuery]) -> TicketPage:
    """The tickets you may follow, newest first (a department's queue by deadline)."""
    user = request.user
    require(permissions.can_use_operator_desk(user) or permissions.can_use_department_queue(user)
            or permissions.can_list_own_tickets(user))
    _check_filters(query)
    found = _visible_tickets(user, query.status).select_related("merged_into")
    if query.kind:
        found = found.filter(kind=query.kind)
    if query.category:
        found = found.filter(category__code=query.category)
    pages = Paginator(found, PAGE_SIZE)
    current = pages.get_page(query.page)
    return TicketPage(count=pages.count, page=current.number, pages=pages.num_pages,
                      items=[ticket_out(t) for t in current])


@router.get("/tickets/{number}", response=TicketDetailOut, auth=django_auth)
def get_ticket(request: HttpRequest, number: str) -> TicketDetailOut:
    """One ticket with its timeline; the caller shown in full, masked or hidden as you may."""
    return ticket_detail(request.user, _visible(request, number))


def _done(request: HttpRequest, ticket: Ticket) -> TicketDetailOut:
    return ticket_detail(request.user, _ticket(ticket.number))


@router.post("/tickets/{number}/dispatch", response=TicketDetailOut, auth=django_auth)
def dispatch(request: HttpRequest, number: str, body: TicketDispatchIn) -> TicketDetailOut:
    """派单 (operator): to the organization given, or by the routing table."""
    ticket = _visible(request, number, permissions.can_dispatch)
    done = do_dispatch_ticket(request.user, ticket, organization=_organization(body.organization),
                              category=body.category or None, note=body.note)
    return _done(request, done)


@router.post("/tickets/{number}/sign", response=TicketDetailOut, auth=django_auth)
def sign(request: HttpRequest, number: str) -> TicketDetailOut:
    """签收 (handler)."""
    ticket = _visible(request, number, permissions.can_handle)
    return _done(request, do_sign_ticket(request.user, ticket))


@router.post("/tickets/{number}/return", response=TicketDetailOut, auth=django_auth)
def return_ticket(request: HttpRequest, number: str, body: TicketReasonIn) -> TicketDetailOut:
    """退单 (handler): back to the centre with the reason."""
    ticket = _visible(request, number, permissions.can_handle)
    return _done(request, do_return_ticket(request.user, ticket, reason=body.reason))


@router.post("/tickets/{number}/reply", response=TicketDetailOut, auth=django_auth)
def reply(request: HttpRequest, number: str, body: TicketReplyIn) -> TicketDetailOut:
    """答复 (handler)."""
    ticket = _visible(request, number, permissions.can_handle)
    return _done(request, do_reply_ticket(request.user, ticket, reply=body.reply))


@router.post("/tickets/{number}/rate", response=TicketDetailOut, auth=django_auth)
def rate(request: HttpRequest, number: str, body: TicketRateIn) -> TicketDetailOut:
    """满意度评价 (the citizen, once)."""
    ticket = _visible(request, number, permissions.can_rate)
    return _done(request, do_rate_ticket(request.user, ticket, satisfaction=body.satisfaction,
                                         comment=body.comment))


@router.post("/tickets/{number}/reopen", response=TicketDetailOut, auth=django_auth)
def reopen(request: HttpRequest, number: str, body: TicketReasonIn) -> TicketDetailOut:
    """重办 (the citizen or the operator): once, after an unsatisfied rating."""
    ticket = _visible(request, number, permissions.can_reopen)
    return _done(request, do_reopen_ticket(request.user, ticket, reason=body.reason))


@router.post("/tickets/{number}/close", response=TicketDetailOut, auth=django_auth)
def close(request: HttpRequest, number: str, body: TicketNoteIn) -> TicketDetailOut:
    """办结 (operator) of a replied ticket."""
    ticket = _visible(request, number, permissions.can_close)
    return _done(request, do_close_ticket(request.user, ticket, note=body.note))


# --- knowledge and classification -----------------------------------------------------------


def article_out(a: KnowledgeArticle) -> KnowledgeArticleOut:
    return KnowledgeArticleOut(
        uid=str(a.uid), title=a.title, answer=a.answer, keywords=a.keywords,
        category=_named(a.category), item_code=a.item.code if a.item else None,
        policy=a.policy, use_count=a.use_count)


@router.get("/knowledge", response=list[KnowledgeArticleOut], auth=django_auth)
def search_knowledge(request: HttpRequest, q: str = "",
                     region: str = "") -> list[KnowledgeArticleOut]:
    """Knowledge base articles matching the words of `q` (those for a region code's area and
    for everywhere)."""
    require(permissions.can_search_knowledge(request.user))
    where = Region.objects.filter(code=region).first() if region else None
    if region and where is None:
        raise ActionError("region_invalid", _("Unknown region."), {"field": "region"})
    return [article_out(a) for a in queries.search_knowledge(q[:500], region=where)]


@router.post("/classify", response=ClassifyOut, auth=django_auth)
def classify_text(request: HttpRequest, body: ClassifyIn) -> ClassifyOut:
    """Suggested categories for a text, the region of an address, and where the top suggestion
    would be dispatched in that region (operators)."""
    require(permissions.can_use_operator_desk(request.user))
    from jingchu.hotline import classify, geo, routing
    from jingchu.hotline.models import Category

    suggestions = classify.suggest(body.text)
    region = geo.match_region(body.address) if body.address.strip() else None
    top = Category.objects.filter(code=suggestions[0].code).first() if suggestions else None
    route = routing.route(top, region) if top is not None else None
    return ClassifyOut(
        suggestions=[ClassifySuggestionOut(code=s.code, name=s.name,
                                           department=s.department, score=s.score)
                     for s in suggestions],
        region=_named(region), route=_org(route))


# --- statistics -------------------------------------------------------------------------


class StatsQuery(Schema):
    date_from: str = ""
    date_to: str = ""
    days: int = 30
    organization: str = ""


def _stats_scope(request: HttpRequest, query: StatsQuery) -> tuple[stats.Period, stats.Scope]:
    require(permissions.can_view_stats(request.user))
    scope = stats.scope_for(request.user, query.organization)
    require(scope is not None)
    assert scope is not None  # for the type checker: require() raised otherwise
    return stats.parse_period(query.date_from, query.date_to, query.days), scope


def _scope_out(period: stats.Period, scope: stats.Scope) -> StatsScopeOut:
    return StatsScopeOut(date_from=period.start, date_to=period.end,
                         region=_named(scope.region), organization=_org(scope.organization))


@router.get("/stats/summary", response=StatsSummaryOut, auth=django_auth)
def stats_summary(request: HttpRequest, query: Query[StatsQuery]) -> StatsSummaryOut:
    """Headline figures of your scope (see docs/hotline.md for the definitions)."""
    period, scope = _stats_scope(request, query)
    s = stats.summary(period, scope)
    return StatsSummaryOut(scope=_scope_out(period, scope), **asdict(s),
                           on_time_rate=s.on_time_rate, satisfaction_rate=s.satisfaction_rate)


@router.get("/stats/volumes", response=StatsVolumesOut, auth=django_auth)
def stats_volumes(request: HttpRequest, query: Query[StatsQuery],
                  level: str = "") -> StatsVolumesOut:
    """Tickets received by kind, category, region and day. Regions roll up to `level`: city or
    county (default: cities for the province, counties within a city)."""
    period, scope = _stats_scope(request, query)
    if level not in ("", "city", "county"):
        raise ActionError("level_invalid", _("Choose city or county."), {"field": "level"})
    chosen: stats.RegionLevel = ("city" if level == "city" else "county" if level == "county"
                                 else stats.default_level(scope))
    rows = stats.volumes_by_region(period, scope, chosen)

    def out(items: list[stats.VolumeRow]) -> list[StatsVolumeRowOut]:
        return [StatsVolumeRowOut(key=r.key, label=r.label, count=r.count) for r in items]

    return StatsVolumesOut(scope=_scope_out(period, scope),
                           by_kind=out(stats.volumes_by_kind(period, scope)),
                           by_category=out(stats.volumes_by_category(period, scope)),
                           by_region=out(rows),
                           by_day=[StatsDayRowOut(day=d.day, count=d.count)
                                   for d in stats.volumes_by_day(period, scope)])


@router.get("/stats/departments", response=StatsDepartmentsOut, auth=django_auth)
def stats_departments(request: HttpRequest, query: Query[StatsQuery]) -> StatsDepartmentsOut:
    """Per handling organization: replies, on-time and satisfaction rates, average handling
    hours, overdue open tickets and returns (退单)."""
    period, scope = _stats_scope(request, query)
    rows = [StatsDepartmentRowOut(**asdict(r), on_time_rate=r.on_time_rate,
                                  satisfaction_rate=r.satisfaction_rate)
            for r in stats.departments(period, scope)]
    return StatsDepartmentsOut(scope=_scope_out(period, scope), rows=rows)


@router.get("/stats/keywords", response=StatsKeywordsOut, auth=django_auth)
def stats_keywords(request: HttpRequest, days: int = 7, min_count: int = 3,
                   organization: str = "") -> StatsKeywordsOut:
    """Rising keywords: the last `days` days against the `days` before (formula in
    docs/hotline.md)."""
    if not 1 <= days <= 90 or not 1 <= min_count <= 1000:
        raise ActionError("window_invalid", _("Choose 1 to 90 days and a minimum count from 1."),
                          {"field": "days"})
    _period, scope = _stats_scope(request, StatsQuery(days=days, organization=organization))
    today = timezone.localdate()
    rows = stats.rising_keywords(scope, days=days, today=today, min_count=min_count)
    current = stats.Period(today - dt.timedelta(days=days - 1), today)
    return StatsKeywordsOut(scope=_scope_out(current, scope), days=days,
                            rows=[StatsKeywordRowOut(**asdict(r)) for r in rows])
