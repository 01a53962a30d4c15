"""The HTTP anchor of the gateway benchmark (bench/gateway_lookup.py), routed only with
JINGCHU_BENCH on: the body's key turned into the same prepared point select a lookup makes,
served by the same process, answered as JSON. No token, identification, grant, decryption,
masking or call record: what a lookup costs beyond it is what the gateway adds."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jingchu.sharing import hot, mounts


@csrf_exempt
@require_POST
def point_select(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    read = mounts.prepare("population", str(body["key"]), list(body["fields"]))
    row = hot.one_row(read.sql, [read.param])
    values = [] if row is None else [v if isinstance(v, str | int | None) else str(v)
                                     for v in row]
    return JsonResponse({"found": row is not None, "row": values},
                        status=200 if row is not None else 404)
