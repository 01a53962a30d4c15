"""The public ledger page at /ledger/: the latest signed tree head and the entries, newest
first, 50 to a page (counted from the log's size, not with COUNT(*) over the table)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jingchu.ledger import actions, permissions, queries
from jingchu.ledger.models import Entry

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    number: int
    num_pages: int
    entries: list[Entry]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page(size: int, raw: str | None) -> Page:
    pages = max(1, -(-size // PAGE_SIZE))
    try:
        number = min(max(1, int(raw or 1)), pages)
    except ValueError:
        number = 1
    high = size - (number - 1) * PAGE_SIZE
    entries = list(Entry.objects.filter(index__lt=high, index__gte=max(0, high - PAGE_SIZE))
                   .order_by("-index"))
    return Page(number, pages, entries)


def ledger_home(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_read_ledger(request.user))
    size = actions.current_size()
    return render(request, "ledger/home.html", {
        "head": queries.latest_tree_head(), "size": size,
        "page": _page(size, request.GET.get("page"))})
