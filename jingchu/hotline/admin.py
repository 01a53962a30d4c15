"""Django admin of the hotline. Tickets, their events and supervisions are read-only: every
change to a ticket goes through the actions (pages, API, Open311), which check the actor and
audit it. Centres, the routing table, time limits and knowledge articles may be edited here,
but each save and delete calls the same action the configuration pages call, so the admin
never writes behind the audit trail. Categories come from the shipped file
(`jingchu hotline load-categories`) and are read-only here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.hotline.actions import config, knowledge
from jingchu.hotline.models import (
    Category,
    Centre,
    KnowledgeArticle,
    RoutingRule,
    Supervision,
    Ticket,
    TicketEvent,
    TimeLimit,
)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _Inline = admin.TabularInline[Any, Any]
else:  # generic only in the type stubs
    _ModelAdmin = admin.ModelAdmin
    _Inline = admin.TabularInline


class _NoDelete(_ModelAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "group", "department", "is_active")
    list_filter = ("group", "department", "is_active")
    search_fields = ("code", "name", "keywords")


@admin.register(Centre)
class CentreAdmin(_NoDelete):
    list_display = ("name", "organization", "region")
    fields = ("organization", "region", "name")
    autocomplete_fields = ("organization", "region")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("organization",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = config.do_create_centre(request.user, organization=obj.organization,
                                        region=obj.region, name=obj.name)
        obj.pk = saved.pk


@admin.register(RoutingRule)
class RoutingRuleAdmin(_ModelAdmin):
    list_display = ("category", "region", "organization")
    list_filter = ("category",)
    search_fields = ("category__name", "region__name", "organization__name")
    list_select_related = ("category", "region", "organization")
    autocomplete_fields = ("region", "organization")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:  # moving a rule to another cell: the old cell goes
            old = RoutingRule.objects.get(pk=obj.pk)
            if (old.category_id, old.region_id) != (obj.category_id, obj.region_id):
                config.do_delete_route(request.user, old)
        saved = config.do_set_route(request.user, category=obj.category, region=obj.region,
                                    organization=obj.organization)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        config.do_delete_route(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for rule in queryset:
            config.do_delete_route(request.user, rule)


@admin.register(TimeLimit)
class TimeLimitAdmin(_NoDelete):
    list_display = ("kind", "urgency", "working_days", "hours", "sign_working_days")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = config.do_set_time_limit(
            request.user, kind=obj.kind, urgency=obj.urgency, working_days=obj.working_days,
            hours=obj.hours, sign_working_days=obj.sign_working_days)
        obj.pk = saved.pk


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(_NoDelete):
    list_display = ("title", "category", "item", "region", "is_active", "use_count",
                    "updated_at")
    list_filter = ("is_active", "category")
    search_fields = ("title", "keywords", "answer", "policy")
    list_select_related = ("category", "item", "region")
    fields = ("title", "answer", "keywords", "category", "item", "policy", "region",
              "is_active")
    autocomplete_fields = ("region",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        existing = KnowledgeArticle.objects.get(pk=obj.pk) if change else None
        saved = knowledge.do_save_article(
            request.user, existing, title=obj.title, answer=obj.answer, keywords=obj.keywords,
            category=obj.category, item=obj.item, policy=obj.policy, region=obj.region,
            is_active=obj.is_active)
        obj.pk = saved.pk


class TicketEventInline(_Inline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "organization", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    """The caller's name and phone are left out: the admin is no way around the masking."""

    list_display = ("number", "kind", "status", "category", "region", "organization",
                    "created_at", "deadline", "satisfaction")
    list_filter = ("status", "kind", "channel", "urgency", "satisfaction", "centre",
                   "category")
    search_fields = ("number", "title")
    list_select_related = ("category", "region", "organization")
    date_hierarchy = "created_at"
    exclude = ("caller_name", "caller_phone", "caller_phone_index", "person", "token")
    inlines = [TicketEventInline]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "level", "reason", "organization", "created_at")
    list_filter = ("level", "reason")
    search_fields = ("ticket__number",)
    list_select_related = ("ticket", "organization")
