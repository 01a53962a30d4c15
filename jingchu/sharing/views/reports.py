"""The reports page: responsibility fulfilment, demand matching, negative-list conflicts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jingchu.sharing import permissions, reports


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_reports(request.user))
    scope = permissions.visible_org_ids(request.user)
    return render(request, "sharing/reports.html", {
        "province": scope is None,
        "fulfilment": reports.responsibility_fulfilment(scope),
        "demands": reports.demand_matching(scope),
        "conflicts": reports.negative_conflicts(scope)})
