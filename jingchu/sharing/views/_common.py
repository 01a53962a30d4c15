"""What the sharing pages share: running an action from a POST and reporting its outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.core.models import Organization
from jingchu.sharing import permissions

PAGE_SIZE = 20


def run(request: HttpRequest, step: Callable[[], Any], done: str) -> bool:
    """Run an action; a refusal becomes an error message. True when it went through."""
    try:
        step()
    except ActionError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


def steward_orgs(request: HttpRequest) -> QuerySet[Organization]:
    """The organizations where the user is a data steward."""
    return Organization.objects.filter(
        pk__in=permissions.steward_org_ids(request.user)).order_by("name")


def manageable_orgs(request: HttpRequest) -> QuerySet[Organization]:
    """Where the user registers resources and keeps lists: every organization for the
    province level."""
    if permissions.is_province_steward(request.user):
        return Organization.objects.filter(is_active=True).order_by("name")
    return steward_orgs(request)


def form_error(form: Any, exc: ActionError) -> None:
    add_action_error(form, exc)
