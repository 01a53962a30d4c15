"""The oversight home page (the assignments of my organizations to act on, the tasks they
issued, extension requests and completions waiting for me) and the new-task form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from jingchu.oversight import permissions, queries
from jingchu.oversight.actions.common import today
from jingchu.oversight.actions.issue import do_issue_task
from jingchu.oversight.forms import HomeFilterForm, IssuedFilterForm, TaskForm
from jingchu.oversight.views.common import PAGE_SIZE, page_query, require, run_action

TABS = ("assigned", "issued")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_use_oversight(user))
    tab = request.GET.get("tab", "")
    tab = tab if tab in TABS else TABS[0]
    form_class = IssuedFilterForm if tab == "issued" else HomeFilterForm
    filters = form_class(request.GET)
    data: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    status, text = data.get("status", ""), data.get("q", "")
    day = today()
    rows: Any = (queries.issued_by_mine(user, status, text) if tab == "issued"
                 else queries.my_assignments(user, day, status, text))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/home.html", {
        "tab": tab, "filters": filters, "page": page, "today": day,
        "query": page_query({**data, "tab": tab}, "tab", "q", "status"),
        "extensions": list(queries.extensions_to_decide(user)[:50]),
        "reviews": list(queries.tasks_to_review(user)[:50]),
        "may_issue": permissions.can_issue(user)})


@login_required
def new_task(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(permissions.can_issue(user))
    if request.method != "POST":
        return render(request, "oversight/new.html", {"form": TaskForm(user=user)})
    form = TaskForm(request.POST, request.FILES, user=user)

    def issue(data: dict[str, Any]) -> Any:
        return do_issue_task(user, issuer=data["issuer"], title=data["title"],
                             instruction=data["instruction"], deadline=data["deadline"],
                             lead=data["lead"], co_organizations=data["co_organizations"],
                             attachments=data["attachments"])

    task, status = run_action(form, issue)
    if task is None:
        return render(request, "oversight/new.html", {"form": form}, status=status)
    messages.success(request, _("Task %(number)s issued.") % {"number": task.number})
    return redirect("oversight:task", number=task.number)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("new/", new_task, name="new"),
]
