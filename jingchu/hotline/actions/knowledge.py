"""The knowledge base (知识库): centre supervisors keep the answers; operators answer a
consultation from it at once (即时办结), which closes the ticket without dispatching it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted, clean_text
from jingchu.core.models import Region
from jingchu.hotline import permissions
from jingchu.hotline.actions import notify
from jingchu.hotline.actions.handling import merged_tree
from jingchu.hotline.actions.intake import add_event, lock, resolve_category, user_or_none
from jingchu.hotline.choices import TicketKind, TicketStatus
from jingchu.hotline.models import Category, KnowledgeArticle, Ticket
from jingchu.services.models import ServiceItem

TITLE_LIMIT = 200
ANSWER_LIMIT = 5000
NOTE_LIMIT = 1000
REPLY_FIELDS = ["status", "reply", "replied_at", "replied_by", "replied_on_time", "closed_at",
                "closed_by"]


@transaction.atomic
def do_save_article(actor: Any, article: KnowledgeArticle | None = None, *, title: str,
                    answer: str, keywords: str = "", category: Category | str | None = None,
                    item: ServiceItem | None = None, policy: str = "",
                    region: Region | None = None, is_active: bool = True) -> KnowledgeArticle:
    """Create an article, or update `article`. `actor=None` is the demo loader."""
    if actor is not None and not permissions.can_manage_configuration(actor):
        raise NotPermitted(_("Only a supervisor of a hotline centre may edit the knowledge "
                             "base."))
    values = {
        "title": clean_text(title, "title", required=True, limit=TITLE_LIMIT),
        "answer": clean_text(answer, "answer", required=True, limit=ANSWER_LIMIT),
        "keywords": clean_text(keywords, "keywords", limit=300),
        "policy": clean_text(policy, "policy", limit=300),
        "category": resolve_category(category), "item": item, "region": region,
        "is_active": bool(is_active), "updated_at": timezone.now(),
        "updated_by": user_or_none(actor),
    }
    created = article is None
    if article is None:
        article = KnowledgeArticle.objects.create(**values)
    else:
        for field, value in values.items():
            setattr(article, field, value)
        article.save()
    audit.record("hotline.knowledge.save", actor, article, {
        "created": created, "active": article.is_active,
        "category": article.category.code if article.category else None,
        "item": article.item.code if article.item else None})
    return article


def _check_answer(actor: Any, ticket: Ticket, article: KnowledgeArticle) -> None:
    if not permissions.can_dispatch(actor, ticket):
        raise NotPermitted(_("Only an operator of the centre may answer this ticket."))
    if ticket.kind != TicketKind.CONSULT:
        raise ActionError("not_a_consultation",
                          _("Only a consultation can be answered from the knowledge base."),
                          {"field": "kind"})
    if ticket.status != TicketStatus.RECEIVED:
        raise ActionError("wrong_state",
                          _("This cannot be done while the ticket is “%(status)s”.")
                          % {"status": ticket.get_status_display()},
                          {"field": "status", "status": ticket.status}, status=409)
    if not article.is_active:
        raise ActionError("article_inactive", _("This answer is no longer in use."),
                          {"field": "article"})


def _answer(ticket: Ticket, source: Ticket | None, actor: Any, reply: str) -> None:
    """Close `ticket` with `reply` (and the time of `source`, when it follows another)."""
    now = source.closed_at if source is not None else timezone.now()
    ticket.status = TicketStatus.CLOSED
    ticket.reply, ticket.replied_at, ticket.replied_by = reply, now, user_or_none(actor)
    ticket.replied_on_time = True
    ticket.closed_at, ticket.closed_by = now, user_or_none(actor)


def _answer_merged(actor: Any, ticket: Ticket) -> list[str]:
    """The same answer, and closure, for the tickets merged into it; each caller is told."""
    numbers = []
    for merged in merged_tree(ticket):
        _answer(merged, ticket, actor, ticket.reply)
        merged.save(update_fields=REPLY_FIELDS)
        add_event(merged, actor, "answered", note=ticket.reply, details={"via": ticket.number})
        notify.tell_caller(actor, merged, "replied", ticket.reply)
        numbers.append(merged.number)
    return numbers


@transaction.atomic
def do_answer_from_knowledge(actor: Any, ticket: Ticket, article: KnowledgeArticle, *,
                             note: str = "") -> Ticket:
    """即时办结: answer a consultation at once from an article; the ticket closes on time."""
    ticket = lock(ticket)
    _check_answer(actor, ticket, article)
    extra = clean_text(note, "note", limit=NOTE_LIMIT)
    _answer(ticket, None, actor, f"{article.answer}\n\n{extra}" if extra else article.answer)
    ticket.answered_from = article
    if ticket.category_id is None and article.category_id is not None:
        ticket.category_id = article.category_id
    ticket.save(update_fields=[*REPLY_FIELDS, "answered_from", "category"])
    KnowledgeArticle.objects.filter(pk=article.pk).update(use_count=F("use_count") + 1)
    merged = _answer_merged(actor, ticket)
    details = {"article": str(article.uid), "merged": merged}
    add_event(ticket, actor, "answered", organization=ticket.centre.organization,
              note=ticket.reply, details=details)
    audit.record("hotline.ticket.answer", actor, ticket, details)
    notify.tell_caller(actor, ticket, "replied", ticket.reply)
    return ticket
