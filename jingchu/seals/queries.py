"""Read-side helpers shared by the pages and the API (no writes here)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from jingchu.core.errors import ActionError
from jingchu.seals import permissions
from jingchu.seals.models import Seal, SealUse


def by_uid(queryset: QuerySet[Any], raw: Any) -> Any:
    """The object with this uid, or 404; a malformed uid is a 404 too, never a 500."""
    try:
        uid = uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(queryset, uid=uid)


def seals() -> QuerySet[Seal]:
    return Seal.objects.select_related("organization", "root")


def visible_seals(user: Any) -> QuerySet[Seal]:
    """The seals the user may see: all for the platform administrator, else their orgs'."""
    qs = seals().annotate(use_count=Count("uses"))
    if permissions.is_platform_admin(user):
        return qs
    return qs.filter(organization_id__in=permissions.org_ids(user))


def uses_of(seal: Seal) -> QuerySet[SealUse]:
    return seal.uses.select_related("actor").order_by("-signed_at", "-id")


def read_upload(upload: Any, field: str) -> bytes:
    """The bytes of an uploaded file, refused over JINGCHU_UPLOAD_MAX_MB."""
    limit = int(settings.UPLOAD_MAX_MB) * 1024 * 1024
    if upload is None:
        raise ActionError("file_required", _("Choose a file."), {"field": field})
    if upload.size > limit:
        raise ActionError("too_large", _("The file is larger than %(mb)d MB.")
                          % {"mb": settings.UPLOAD_MAX_MB}, {"field": field}, status=413)
    data: bytes = upload.read()
    return data
