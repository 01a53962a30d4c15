"""Read-only queries of the hotline for pages and the API: desks, queues, duplicates, knowledge."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jingchu.core.models import Region
from jingchu.hotline import permissions
from jingchu.hotline.choices import AT_DEPARTMENT, OPEN_STATUSES
from jingchu.hotline.models import KnowledgeArticle, Ticket
from jingchu.hotline.routing import region_chain

MIN_SIMILARITY = 0.3
# Duplicate detection scores in Python: bound the candidates to the most recent ones.
MAX_CANDIDATES = 500
MAX_QUERY_WORDS = 12
RELATED = ("centre", "category", "suggested_category", "region", "organization", "person")


def _words(text: str) -> set[str]:
    from jingchu.hotline import segment

    return {word.lower() for word in segment.words(text or "")}


def similarity(left: set[str], right: set[str]) -> float:
    """Cosine of the two word sets (|A∩B| / √(|A|·|B|)): a short call and a long ticket about the
    same thing still score high, which Jaccard would not."""
    if not left or not right:
        return 0.0
    return len(left & right) / math.sqrt(len(left) * len(right))


def _area(region: Region | None) -> Q:
    """Tickets of the same county-level region (with its townships), or of exactly the same
    region when it is coarser than a county."""
    if region is None:
        return Q(region__isnull=True)
    chain = region_chain(region)
    county = (Region.objects.county_level().filter(code__in=chain)
              .order_by("-path").first())
    if county is None:
        return Q(region=region)
    return Q(region=county) | Q(region__path__startswith=county.path + "/")


def similar_open_tickets(*, text: str, region: Region | None, exclude: Ticket | None = None,
                         limit: int = 5, days: int = 30) -> list[tuple[Ticket, float]]:
    """Open tickets of the last `days` in the same area whose words overlap `text`, best first."""
    words = _words(text)
    if not words:
        return []
    since = timezone.now() - dt.timedelta(days=days)
    candidates = (Ticket.objects.filter(_area(region), status__in=OPEN_STATUSES,
                                        created_at__gte=since)
                  .select_related("category", "region", "organization")
                  .order_by("-created_at")[:MAX_CANDIDATES])
    scored = []
    for ticket in candidates:
        if exclude is not None and ticket.pk == exclude.pk:
            continue
        score = similarity(words, _words(f"{ticket.title}\n{ticket.content}"))
        if score >= MIN_SIMILARITY:
            scored.append((ticket, round(score, 4)))
    scored.sort(key=lambda pair: (-pair[1], -pair[0].created_at.timestamp()))
    return scored[:limit]


def tickets_for_operator(user: Any) -> QuerySet[Ticket]:
    """Every ticket of the centres the user works at (all of them for a superuser)."""
    tickets = Ticket.objects.select_related(*RELATED)
    if getattr(user, "is_superuser", False) and user.is_authenticated:
        return tickets
    return tickets.filter(centre_id__in=permissions.centre_ids(user))


def department_queue(user: Any, status: str | None = None) -> QuerySet[Ticket]:
    """Tickets at the user's handling organizations: those waiting or being handled, or those
    of one status; the nearest deadline first."""
    tickets = Ticket.objects.select_related(*RELATED).filter(
        organization_id__in=permissions.handler_org_ids(user))
    statuses = [status] if status else list(AT_DEPARTMENT)
    tickets = tickets.filter(status__in=statuses)
    return tickets.order_by("deadline", "created_at", "id")


def my_tickets(user: Any) -> QuerySet[Ticket]:
    """The signed-in citizen's own tickets, newest first."""
    pid = permissions.person_id(user)
    if pid is None:
        return Ticket.objects.none()
    return Ticket.objects.select_related(*RELATED).filter(person_id=pid)


def _applies_in(region: Region | None) -> Q:
    """Articles for everywhere, and those of the region or one of its ancestors."""
    if region is None:
        return Q(region__isnull=True)
    return Q(region__isnull=True) | Q(region__code__in=region_chain(region))


def _article_score(article: KnowledgeArticle, words: list[str]) -> int:
    title, keywords, answer = (article.title.lower(), article.keywords.lower(),
                               article.answer.lower())
    return sum(3 * (word in title) + 2 * (word in keywords) + (word in answer)
               for word in words)


def search_knowledge(text: str, *, region: Region | None = None,
                     limit: int = 10) -> list[KnowledgeArticle]:
    """Active articles whose title, keywords or answer hold words of `text`: a word in the
    title counts most, then in the keywords, then in the answer; the most used first on ties."""
    words = sorted(_words(text), key=len, reverse=True)[:MAX_QUERY_WORDS]
    if not words:
        return []
    match = Q()
    for word in words:
        match |= Q(title__icontains=word) | Q(keywords__icontains=word) | Q(answer__icontains=word)
    articles = (KnowledgeArticle.objects.filter(match, _applies_in(region), is_active=True)
                .select_related("category", "item", "region"))
    ranked = [(article, _article_score(article, words)) for article in articles]
    ranked.sort(key=lambda pair: (-pair[1], -pair[0].use_count, pair[0].title))
    return [article for article, score in ranked if score > 0][:limit]
