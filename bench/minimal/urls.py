"""The minimal app's two endpoints, written as a newcomer to Django and django-ninja would."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema

from minimal.models import Application, AuditRow, BareRow

api = NinjaAPI()


class ApplicationIn(Schema):
    service: str
    implementation: str = ""
    form: dict[str, Any]


@api.post("/applications", response={201: dict})
def apply(request: HttpRequest, payload: ApplicationIn) -> tuple[int, dict[str, int]]:
    with transaction.atomic():
        application = Application.objects.create(
            service=payload.service, implementation=payload.implementation, form=payload.form)
        AuditRow.objects.create(action="apply", object_id=str(application.pk))
    return 201, {"id": application.pk}


@csrf_exempt
def bare(request: HttpRequest) -> JsonResponse:
    table = BareRow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (body) VALUES (%s) RETURNING id",  # noqa: S608
                       [request.body.decode("utf-8", "replace")])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0] if row else 0})


urlpatterns = [path("bare", bare), path("api/", api.urls)]
