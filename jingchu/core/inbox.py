"""The in-app inbox (站内信): the signed-in user's site messages, newest first."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jingchu.core import permissions
from jingchu.core.actions import do_mark_notifications_read
from jingchu.core.choices import NotificationChannel
from jingchu.core.models import Notification

PAGE_SIZE = 20


def messages_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, channel=NotificationChannel.SITE).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return messages_for(user).filter(read_at__isnull=True).count()


def parse_uids(values: list[str]) -> list[str]:
    """Valid UUIDs among posted values; anything else is ignored rather than an error."""
    uids = []
    for value in values:
        try:
            uids.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return uids


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    if not permissions.can_use_inbox(request.user):
        raise PermissionDenied
    if request.method == "POST":
        # "Mark all read" posts no uid; a single message's button posts its own.
        posted = request.POST.getlist("uid")
        uids = parse_uids(posted) if posted else None
        do_mark_notifications_read(request.user, uids)
        return redirect(request.get_full_path())
    page = Paginator(messages_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "unread": unread_count(request.user)}
    return render(request, "core/inbox.html", context)
