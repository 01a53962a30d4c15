"""The progress board (督查进度看板): the tasks a leader's board covers (jingchu.oversight.
permissions), counted by status, by the level of government of the assignee and by
organization, and one row per assignment below, overdue first, then by deadline."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from jingchu.oversight import permissions, queries
from jingchu.oversight.actions.common import today
from jingchu.oversight.choices import BoardLevel
from jingchu.oversight.forms import BoardFilterForm
from jingchu.oversight.views.common import PAGE_SIZE, page_query, require


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_view_board(user))
    filters = BoardFilterForm(request.GET)
    data: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    day = today()
    rows = queries.board_rows(user, day, status=data.get("status", ""),
                              level=data.get("level", ""),
                              organization=data.get("organization"),
                              overdue=bool(data.get("overdue")), text=data.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown: list[Any] = list(page)
    for row in shown:
        row.level_label = BoardLevel(queries.level_of(row.organization.region)).label
        row.days_overdue = (day - row.deadline).days if row.is_overdue else 0
    return render(request, "oversight/board.html", {
        "filters": filters, "page": page, "rows": shown, "today": day,
        "counts": queries.board_counts(user, day),
        "query": page_query(data, "q", "status", "level", "organization", "overdue")})


urlpatterns: list[URLPattern] = [
    path("board/", board, name="board"),
]
