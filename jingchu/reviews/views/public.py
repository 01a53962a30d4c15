"""Public statistics of 好差评 (no sign-in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from jingchu.core.models import Organization, Region
from jingchu.reviews import permissions, stats
from jingchu.reviews.choices import INDICATORS, Indicator
from jingchu.reviews.forms import StatsFilterForm


def stats_page(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_view_stats(request.user))
    form = StatsFilterForm(request.GET)
    rows: list[stats.StatsRow] = []
    total = None
    status = 400
    if form.is_valid():
        f = form.to_filter()
        rows, total, status = stats.rows(f), stats.total(f), 200
    labels = dict(Indicator.choices)
    context = {
        "form": form, "rows": rows, "total": total,
        "indicators": [(name, labels[name]) for name in INDICATORS],
        "regions": Region.objects.cities().order_by("code"),
        "organizations": Organization.objects.filter(reviews__isnull=False).distinct()
        .order_by("region__code", "name"),
    }
    return render(request, "reviews/stats.html", context, status=status)


urlpatterns = [path("stats/", stats_page, name="stats")]
