from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from jingchu.core import permissions
from jingchu.core.models import Region


def home(request: HttpRequest) -> HttpResponse:
    # The portal's front page is public: it introduces the platform and links to sign-in.
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def region_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_regions(request.user):
        raise PermissionDenied
    code = request.GET.get("parent", "")
    parent = get_object_or_404(Region, code=code) if code else None
    children = Region.objects.filter(parent=parent) if parent else Region.objects.filter(
        parent__isnull=True
    )
    context = {
        "parent": parent,
        "ancestors": list(parent.ancestors()) if parent else [],
        "regions": children,
    }
    partial = request.headers.get("HX-Request")
    template = "core/_region_rows.html" if partial else "core/regions.html"
    return render(request, template, context)
