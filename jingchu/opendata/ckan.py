"""A subset of CKAN's action API at /api/3/action/<action> (and /api/action/<action>, which
ckanapi's RemoteCKAN calls), so that CKAN clients and harvesters can read the portal:
package_list, package_search, package_show, organization_list, organization_show, group_list,
datastore_search and help_show. Read-only and public; GET with query parameters or POST with a
JSON body. Answers in CKAN's envelope ({"help", "success", "result"} or {"error": {"__type",
"message"}}) with CKAN's statuses: 404 not found, 409 validation and search-query errors, 400
bad requests. Differences from CKAN are listed in docs/opendata.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from jingchu.core.errors import ActionError
from jingchu.opendata import actions, permissions, records
from jingchu.opendata.ckan_data import (
    CkanError,
    as_bool,
    as_int,
    fields_out,
    group_dicts,
    organization_dicts,
    package_dict,
    parse_fq,
    parse_list,
    resource_dataset,
)
from jingchu.opendata.queries import Search, facet_counts, published, search

Params = dict[str, Any]


def _sibling(request: HttpRequest, action: str) -> str:
    """The path of another action under the prefix this call came in on (/api/3/action/ or
    /api/action/)."""
    return request.path.rsplit("/", 1)[0] + "/" + action


def _help_url(request: HttpRequest, action: str) -> str:
    return request.build_absolute_uri(f"{_sibling(request, 'help_show')}?name={action}")


def _envelope(request: HttpRequest, action: str, body: dict[str, Any],
              status: int = 200) -> JsonResponse:
    return JsonResponse({"help": _help_url(request, action)} | body, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _params(request: HttpRequest) -> Params:
    if request.method == "POST":
        if request.content_type == "application/json" or request.body.startswith(b"{"):
            try:
                data = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError) as exc:
                raise CkanError(400, "Bad request",
                                f"Bad request - JSON Error: {exc}") from exc
            if not isinstance(data, dict):
                raise CkanError(400, "Bad request",
                                "Bad request - JSON Error: Request data JSON decoded to "
                                f"{data!r} but it needs to be a dictionary.")
            return data
        source = request.POST
    else:
        source = request.GET
    return {k: (v[0] if len(v) == 1 else v) for k, v in source.lists()}


# --- actions ----------------------------------------------------------------------------------


def package_list(request: HttpRequest, params: Params) -> Any:
    """Names of the published datasets. Parameters: limit, offset."""
    names = list(published().order_by("name").values_list("name", flat=True))
    offset = as_int(params, "offset", 0, 0, None)
    limit = as_int(params, "limit", len(names), 0, None)
    return names[offset:offset + limit]


SORTS = {"metadata_modified": "modified_at", "metadata_created": "published_at",
         "name": "name", "title_string": "title", "title": "title"}


def _order(raw: Any) -> list[str]:
    order: list[str] = []
    for part in str(raw or "score desc, metadata_modified desc").split(","):
        words = part.split()
        if not words or words[0] == "score":
            continue
        if words[0] not in SORTS:
            raise CkanError(409, "Search Query Error", f"Search Query Error: cannot sort by "
                            f"{words[0]}")
        desc = len(words) > 1 and words[1].lower() == "desc"
        order.append(("-" if desc else "") + SORTS[words[0]])
    return [*order, "-modified_at", "name"]


def _facets(params: Params, found: Any) -> dict[str, Any]:
    wanted = parse_list(params.get("facet.field"), "facet.field")
    if not wanted or not as_bool(params.get("facet", True)):
        return {"facets": {}, "search_facets": {}}
    limit = as_int(params, "facet.limit", 50, -1, None)
    counts = facet_counts(found)
    facets, search_facets = {}, {}
    for field in wanted:
        items = counts.get(field, [])
        items = items if limit < 0 else items[:limit]
        facets[field] = {i["name"]: i["count"] for i in items}
        search_facets[field] = {"title": field, "items": items}
    return {"facets": facets, "search_facets": search_facets}


def package_search(request: HttpRequest, params: Params) -> Any:
    """Search published datasets. Parameters: q (words in title, description, name or tags;
    "*:*" for all), fq ("organization:x groups:y tags:z license_id:w res_format:CSV"), rows
    (≤ 1000, default 10), start, sort ("metadata_modified desc", "name asc", "title_string
    asc"), facet.field (a JSON list), facet.limit."""
    text = str(params.get("q") or "").replace("*:*", "").strip()
    found = search(Search(text=text, filters=parse_fq(params.get("fq"))))
    rows = as_int(params, "rows", 10, 0, 1000)
    start = as_int(params, "start", 0, 0, None)
    ordered = found.order_by(*_order(params.get("sort")))
    return {"count": found.count(), "sort": params.get("sort") or "score desc, "
            "metadata_modified desc",
            "results": [package_dict(request, ds) for ds in ordered[start:start + rows]],
            } | _facets(params, found)


def package_show(request: HttpRequest, params: Params) -> Any:
    """One published dataset by name or id, with a resource per download format."""
    from jingchu.opendata.ckan_data import published_by_ref

    return package_dict(request, published_by_ref(params.get("id")))


def organization_list(request: HttpRequest, params: Params) -> Any:
    """The organizations publishing datasets. Parameters: all_fields, sort ("name",
    "title", "package_count" with asc/desc), limit, offset."""
    items = organization_dicts(params.get("sort"))
    offset = as_int(params, "offset", 0, 0, None)
    limit = as_int(params, "limit", 1000, 0, 1000)
    items = items[offset:offset + limit]
    return items if as_bool(params.get("all_fields", False)) else [i["name"] for i in items]


def organization_show(request: HttpRequest, params: Params) -> Any:
    """One organization by name (its credit code in lower case) or id."""
    ref = str(params.get("id") or "")
    for item in organization_dicts(None):
        if ref in (item["name"], item["id"]):
            return item
    raise CkanError(404, "Not Found Error", "Not found: Organization was not found.")


def group_list(request: HttpRequest, params: Params) -> Any:
    """The topics (groups). Parameter: all_fields."""
    items = group_dicts()
    return items if as_bool(params.get("all_fields", False)) else [i["name"] for i in items]


def _q_conditions(ds: Any, raw: Any) -> tuple[str, list[Any]]:
    """datastore_search's q: text over every text field, or {field: text}."""
    if isinstance(raw, dict):
        conds = []
        for name, text in raw.items():
            records.columns(ds, [name])
            conds.append((name, str(text)))
        return "", conds
    return str(raw or ""), []


def datastore_search(request: HttpRequest, params: Params) -> Any:
    """Records of a published dataset's queryable resource. Parameters: resource_id (the CSV
    resource's id, or the dataset's name or id), filters ({field: value or [values]}), q,
    fields, sort ("a desc, b"), limit (≤ 1000, default 100), offset, include_total."""
    ds = resource_dataset(params.get("resource_id"))
    filters = params.get("filters") or {}
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError as exc:
            raise CkanError(409, "Validation Error", {"filters": ["Cannot parse JSON"]}) from exc
    if not isinstance(filters, dict):
        raise CkanError(409, "Validation Error", {"filters": ["Not a JSON object"]})
    q = params.get("q")
    if isinstance(q, str) and q.startswith("{"):
        q = json.loads(q)
    text, per_field = _q_conditions(ds, q)
    size, start = records.paging(params.get("limit", 100), params.get("offset", 0))
    page = records.fetch(ds, conds=records.conditions(ds, filters),
                         sort=records.sort_order(ds, params.get("sort") or ""),
                         limit=size, offset=start, fields=records.columns(
                             ds, parse_list(params.get("fields"), "fields")),
                         text=text, field_texts=per_field)
    actions.do_count_usage(ds, "api")
    result = {"resource_id": str(ds.datastore_uid), "fields": fields_out(page.fields),
              "records": page.records, "limit": size, "offset": start,
              "records_format": "objects", "_links": _links(request, ds, size, start)}
    if as_bool(params.get("include_total", True)):
        result["total"] = page.total
    return result


def _links(request: HttpRequest, ds: Any, limit: int, offset: int) -> dict[str, str]:
    base = _sibling(request, "datastore_search")
    rid = f"resource_id={ds.datastore_uid}"
    return {"start": f"{base}?{rid}&limit={limit}",
            "next": f"{base}?{rid}&limit={limit}&offset={offset + limit}"}


def help_show(request: HttpRequest, params: Params) -> Any:
    """The description of an action. Parameter: name."""
    handler = ACTIONS.get(str(params.get("name") or ""))
    if handler is None:
        raise CkanError(404, "Not Found Error", "Not found: Action function not found")
    return " ".join((handler.__doc__ or "").split())


ACTIONS: dict[str, Callable[[HttpRequest, Params], Any]] = {
    f.__name__: f for f in (package_list, package_search, package_show, organization_list,
                            organization_show, group_list, datastore_search, help_show)}


@csrf_exempt
def action(request: HttpRequest, action: str) -> JsonResponse:
    """One CKAN action call."""
    permissions.require(permissions.can_read_catalog_api(request.user))
    handler = ACTIONS.get(action)
    try:
        if request.method not in ("GET", "POST"):
            raise CkanError(400, "Bad request", "Bad request - GET or POST only")
        if handler is None:
            raise CkanError(400, "Bad request", f"Bad request - Action name not known: {action}")
        result = handler(request, _params(request))
    except CkanError as exc:
        return _envelope(request, action, {"success": False, "error": exc.error()}, exc.status)
    except ActionError as exc:
        error = CkanError(409, "Validation Error",
                          {str(exc.details.get("field") or exc.code): [exc.message]})
        if exc.status == 404:
            error = CkanError(404, "Not Found Error", f"Not found: {exc.message}")
        return _envelope(request, action, {"success": False, "error": error.error()},
                         error.status)
    return _envelope(request, action, {"success": True, "result": result})
