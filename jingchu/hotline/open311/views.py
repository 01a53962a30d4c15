"""Open311 GeoReport v2 endpoints (http://wiki.open311.org/GeoReport_v2).

Reading is open to anyone, as the standard has it (`can_read_open311`); filing a request needs
an active API key of a centre (jingchu.hotline.actions.open311_keys). Every answer is in the
format the path's extension names, errors included. Reports (举报) are never published, not even
by their id, and no answer names the caller or carries their phone or e-mail.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from jingchu.core.errors import ActionError, NotFound, NotPermitted
from jingchu.hotline import permissions
from jingchu.hotline.actions import intake
from jingchu.hotline.actions.open311_keys import do_use_key
from jingchu.hotline.choices import Channel, TicketKind
from jingchu.hotline.models import Category, Centre, Open311Key, Ticket
from jingchu.hotline.open311 import render

LIMIT = 1000  # the standard's most requests per answer
SPAN = timedelta(days=90)  # the standard's default and widest date range
KIND_FIELD = "jingchu:kind"  # extension: the kind of request (default: help)
TITLE_CHARS = 30
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
View = Callable[..., HttpResponse]
# The intake's field names as an Open311 client knows them, for its error descriptions.
_FIELDS = {"content": "description", "title": "description", "address": "address_string",
           "latitude": "lat", "longitude": "long", "caller_phone": "phone",
           "caller_name": "first_name", "kind": KIND_FIELD, "category": "service_code"}


def _can_read_open311(user: Any) -> bool:
    """Anyone may read services and requests (GeoReport v2 GETs need no key)."""
    return permissions.can_read_open311(user)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def endpoint(*methods: str) -> Callable[[View], View]:
    """Answers a method other than `methods` with 405 and any Open311Error as the standard's
    error array, in the format of the path. CSRF-exempt: no endpoint acts on a browser's
    session (a POST is authorised by its api_key alone), and a POST to a read-only resource
    must get the standard's 405, not the CSRF page."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def wrap(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(405, _("This method is not allowed here."))
                if request.method != "POST" and not _can_read_open311(request.user):
                    raise Open311Error(403, _("You may not read this."))
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                response = render.errors(fmt, exc.status, exc.description)
                if exc.status == 405:
                    response["Allow"] = ", ".join(sorted(allowed))
                return response
        return run
    return wrap


def _params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def _param(request: HttpRequest, name: str) -> str:
    """A parameter; an empty one counts as not given (the standard's "optional")."""
    return str(_params(request).get(name) or "").strip()


def _jurisdiction(request: HttpRequest) -> Centre | None:
    """The centre named by `jurisdiction_id` (its region's six-digit code), if one is named."""
    raw = _param(request, "jurisdiction_id")
    if not raw:
        return None
    centre = None
    if re.fullmatch(r"\d{6}", raw):
        centre = Centre.objects.filter(region__code=raw + "000000").first()
    if centre is None:
        raise Open311Error(404, _("jurisdiction_id provided was not found."))
    return centre


# --- services ------------------------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    return render.respond(fmt, "discovery", render.discovery(url.rsplit("/", 1)[0]))


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    found = Category.objects.filter(is_active=True).order_by("group", "code")
    return render.respond(fmt, "services", [render.service(c) for c in found])


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code provided was not found."))
    return category


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _jurisdiction(request)
    return render.respond(fmt, "service_definition", render.definition(_category(code)))


# --- reading requests ------------------------------------------------------------------------


def _public(centre: Centre | None) -> QuerySet[Ticket]:
    found = (Ticket.objects.exclude(kind=TicketKind.REPORT)
             .select_related("category", "organization", "region", "centre")
             .annotate(last_event=Max("events__created_at")))
    return found.filter(centre=centre) if centre is not None else found


def _listed(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _w3(request: HttpRequest, name: str) -> datetime | None:
    # A "+" in a query string arrives as a space when the client did not encode it.
    raw = _param(request, name).replace(" ", "+")
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(400, _("%(name)s is not a w3 date and time such as "
                                  "2026-01-05T00:00:00+08:00.") % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _date_range(request: HttpRequest) -> tuple[datetime, datetime]:
    start, end = _w3(request, "start_date"), _w3(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - SPAN
    if end is None:
        end = start + SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def _status_filter(found: QuerySet[Ticket], raw: str) -> QuerySet[Ticket]:
    wanted = set(_listed(raw))
    if wanted - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both, comma delimited."))
    if wanted == {"open"}:
        return found.exclude(status__in=render.CLOSED)
    if wanted == {"closed"}:
        return found.filter(status__in=render.CLOSED)
    return found


def _search(request: HttpRequest, centre: Centre | None) -> QuerySet[Ticket]:
    found = _public(centre)
    ids = _listed(_param(request, "service_request_id"))
    if ids:  # the standard: the ids override every other argument
        return found.filter(number__in=ids)
    codes = _listed(_param(request, "service_code"))
    if codes:
        found = found.filter(category__code__in=codes)
    start, end = _date_range(request)
    found = found.filter(created_at__gte=start, created_at__lte=end)
    return _status_filter(found, _param(request, "status"))


def _list(request: HttpRequest, fmt: str) -> HttpResponse:
    centre = _jurisdiction(request)
    found = _search(request, centre).order_by("-created_at", "-id")[:LIMIT]
    return render.respond(fmt, "service_requests", [render.service_request(t) for t in found])


@endpoint("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    ticket = _public(_jurisdiction(request)).filter(number=request_id).first()
    if ticket is None:
        raise Open311Error(404, _("service_request_id provided was not found."))
    return render.respond(fmt, "service_requests", [render.service_request(ticket)])


@endpoint("GET")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    found = _public(_jurisdiction(request))
    ticket = found.filter(token=token).first() if _is_uuid(token) else None
    if ticket is None:
        raise Open311Error(404, _("token provided was not found."))
    return render.respond(fmt, "service_requests", [render.token(ticket)])


def _is_uuid(raw: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", raw))


# --- filing a request ----------------------------------------------------------------------


def _key(request: HttpRequest) -> Open311Key:
    raw = _param(request, "api_key") or str(request.GET.get("api_key") or "").strip()
    if not raw:
        raise Open311Error(403, _("api_key was not provided -- can't proceed with "
                                  "create_request."))
    key = do_use_key(raw)
    if key is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with "
                                  "create_request."))
    return key


def _key_centre(request: HttpRequest, key: Open311Key) -> Centre:
    named = _jurisdiction(request)
    if named is not None and named.pk != key.centre_id:
        raise Open311Error(403, _("This api_key is not valid for that jurisdiction_id."))
    return key.centre


def _attributes(params: QueryDict) -> dict[str, Any]:
    """attribute[code]=value and, for a multivaluelist, attribute[code][]=value (repeated)."""
    found: dict[str, Any] = {}
    for name in params:
        match = _ATTRIBUTE.match(name)
        if match is None:
            continue
        code, values = match.group(1), [v for v in params.getlist(name) if v != ""]
        if match.group(2) or len(values) > 1:
            found[code] = [*found.get(code, []), *values]
        elif values:
            found[code] = values[0]
    return found


def _coordinate(request: HttpRequest, name: str) -> float | None:
    raw = _param(request, name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from None


def _location(request: HttpRequest) -> tuple[str, float | None, float | None]:
    address = _param(request, "address_string")
    lat, long = _coordinate(request, "lat"), _coordinate(request, "long")
    if (lat is None) != (long is None):
        raise Open311Error(400, _("lat and long must be sent together."))
    if not address and lat is None:
        raise Open311Error(400, _("A location is required: lat and long, or address_string "
                                  "(address_id is not supported)."))
    return address, lat, long


def _caller_name(first: str, last: str) -> str:
    """A Chinese name is written family name first, without a space."""
    if _CJK.search(first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def _as_open311(exc: ActionError) -> Open311Error:
    if isinstance(exc, NotPermitted):
        status = 403
    elif isinstance(exc, NotFound) or exc.status == 404:
        status = 404
    else:
        status = 400
    field = _FIELDS.get(str(exc.details.get("field") or ""), str(exc.details.get("field") or ""))
    if exc.details.get("attribute"):
        field = f"attribute[{exc.details['attribute']}]"
    return Open311Error(status, f"{field}: {exc.message}" if field else exc.message)


def _file(request: HttpRequest, key: Open311Key, centre: Centre) -> Ticket:
    code = _param(request, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = _category(code)
    address, lat, long = _location(request)
    description = _param(request, "description")
    try:
        return intake.do_file_ticket(
            None, channel=Channel.OPEN311, kind=_param(request, KIND_FIELD) or TicketKind.HELP,
            title=(description or category.name)[:TITLE_CHARS],
            content=description or category.name, address=address, latitude=lat,
            longitude=long,
            caller_name=_caller_name(_param(request, "first_name"), _param(request, "last_name")),
            caller_phone=_param(request, "phone"), category=category,
            attributes=_attributes(request.POST), centre=centre,
            actor_label=f"open311:{key.name}")
    except ActionError as exc:
        raise _as_open311(exc) from exc


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    key = _key(request)
    ticket = _file(request, key, _key_centre(request, key))
    return render.respond(fmt, "service_requests", [render.created(ticket)])


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


@csrf_exempt
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other path below /open311/v2/, answered in the format it seems to ask for."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return render.errors(fmt, 404, _("There is no such resource."))
