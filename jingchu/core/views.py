from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from jingchu.core import audit_search, permissions
from jingchu.core.forms import AuditFilterForm
from jingchu.core.models import Region


def home(request: HttpRequest) -> HttpResponse:
    # The portal's front page is public: it introduces the platform and links to sign-in.
    return render(
        request, "core/home.html", {"can_view_audit": permissions.can_view_audit(request.user)}
    )


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


def _wants_partial(request: HttpRequest) -> bool:
    # htmx asks for the results alone; a history restore after "back" needs the whole page.
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
    """The auditor's view of the trail (审计). Reading it writes nothing, not even an event."""
    if not permissions.can_view_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    valid = form.is_valid()
    if request.GET.get("format") == "csv":
        return _audit_csv(form) if valid else HttpResponseBadRequest(
            form.errors.as_text(), content_type="text/plain; charset=utf-8"
        )
    page = None
    if valid:
        events = audit_search.search_events(form.cleaned_data)
        page = Paginator(events, audit_search.PAGE_SIZE).get_page(request.GET.get("page"))
    # Invalid filters show their errors and no rows, never an unfiltered list that looks filtered.
    rows = [(event, audit_search.details_text(event)) for event in page] if page is not None else []
    context = {"form": form, "page": page, "rows": rows}
    template = "core/_audit_results.html" if _wants_partial(request) else "core/audit.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _audit_csv(form: AuditFilterForm) -> StreamingHttpResponse:
    events = audit_search.search_events(form.cleaned_data).iterator(chunk_size=2000)
    response = StreamingHttpResponse(
        audit_search.csv_lines(events), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
    return response
