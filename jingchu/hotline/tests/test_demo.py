"""The hotline demo: centres, routes, staff, knowledge articles and tickets in many states, all
made through the actions, spread over the last 30 days, and idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jingchu.core.demo import DemoContext
from jingchu.hotline.choices import TicketStatus
from jingchu.hotline.demo import load_demo
from jingchu.hotline.demo_data import TICKETS
from jingchu.hotline.models import (
    Centre,
    KnowledgeArticle,
    RoutingRule,
    Supervision,
    Ticket,
    TicketEvent,
)
from jingchu.identity.demo import load_personas
from jingchu.services.demo import load_service_items

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {"tickets": Ticket.objects.count(), "events": TicketEvent.objects.count(),
            "articles": KnowledgeArticle.objects.count(), "rules": RoutingRule.objects.count(),
            "supervisions": Supervision.objects.count(), "centres": Centre.objects.count()}


def test_demo_loads_tickets_in_many_states_once(demo_orgs: dict[str, Any]) -> None:
    load_personas(demo_orgs)
    load_service_items(demo_orgs)
    ctx = DemoContext(orgs=demo_orgs, password="Demo-pass-2026")
    load_demo(ctx)
    first = _counts()
    assert first["tickets"] == len(TICKETS) == 60 and first["centres"] == 2
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == set(TicketStatus.values)
    assert Ticket.objects.filter(status=TicketStatus.CLOSED).exclude(satisfaction="").count() > 20
    assert Ticket.objects.filter(answered_from__isnull=False).count() == 7
    assert Ticket.objects.filter(reopen_count=1, status=TicketStatus.HANDLING).count() == 1
    assert Supervision.objects.exists()
    assert KnowledgeArticle.objects.filter(item__isnull=False).count() >= 15
    oldest = Ticket.objects.order_by("created_at").first()
    assert oldest is not None
    assert timezone.now() - oldest.created_at > dt.timedelta(days=28)
    assert {"hotline_operator", "hotline_supervisor", "cgw_handler"} <= {
        login[0] for login in ctx.logins}
    assert "60 demo tickets (60 made now" in ctx.report[-1]

    again = DemoContext(orgs=demo_orgs, password="Demo-pass-2026")
    load_demo(again)
    assert _counts() == first
    assert "(0 made now" in again.report[-1]


def test_command_line_loads_categories_and_scans(hotline_world: dict[str, Any]) -> None:
    out = StringIO()
    call_command("hotline", "load-categories", stdout=out)
    assert "Loaded 22 categories." in out.getvalue()
    call_command("hotline", "scan-overdue", "--at", "2030-01-01T09:00", stdout=out)
    assert "Supervised 0 late ticket(s)." in out.getvalue()
    with pytest.raises(CommandError):
        call_command("hotline", "load-categories", "/nonexistent/categories.json")
    with pytest.raises(CommandError):
        call_command("hotline", "scan-overdue", "--at", "yesterday")


def test_command_line_retrains_and_reports(hotline_world: dict[str, Any]) -> None:
    out = StringIO()
    call_command("hotline", "retrain", stdout=out)
    text = out.getvalue()
    assert "accuracy" in text and "macro recall" in text and "market-food" in text
