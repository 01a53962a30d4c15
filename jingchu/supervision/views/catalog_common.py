"""What the directory and credit pages share: refusing outsiders, running an action from a form
(its refusal shown on the form), links to the other parts' pages, and the sub-menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jingchu.core.errors import ActionError
from jingchu.core.forms import add_action_error
from jingchu.supervision import permissions

PAGE_SIZE = 25


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def run_action(form: forms.Form, action: Callable[[dict[str, Any]], Any],
               aliases: dict[str, str] | None = None) -> tuple[Any, int]:
    """Run `action` with the form's cleaned data: (result, 200), or (None, status) with the
    refusal put on the form. Several actions in one step share one transaction."""
    if not form.is_valid():
        return None, 400
    try:
        with transaction.atomic():
            return action(form.cleaned_data), 200
    except ActionError as exc:
        add_action_error(form, exc, aliases)
        return None, exc.status


def optional_url(name: str, **kwargs: Any) -> str | None:
    """The address of another part's page, or None while that part has no such page."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# (section, label, url name, permission check) of the sub-menu; the others' pages show only
# once they exist.
SECTIONS: list[tuple[str, Any, str, Callable[[Any], bool]]] = [
    ("home", _("Overview"), "supervision:home", permissions.can_use_supervision),
    ("items", _("Regulatory items"), "supervision:items", permissions.can_view_directory),
    ("entities", _("Entities"), "supervision:entities", permissions.can_view_directory),
    ("inspectors", _("Inspectors"), "supervision:inspectors",
     permissions.can_view_directory),
    ("rules", _("Sampling and credit rules"), "supervision:rules",
     permissions.can_view_directory),
    ("credit", _("Credit records"), "supervision:credit_records",
     permissions.can_view_credit),
    ("plans", _("Plans"), "supervision:plans", permissions.can_use_supervision),
    ("inspections", _("My inspections"), "supervision:inspections",
     permissions.can_use_supervision),
    ("kpis", _("Indicators"), "supervision:kpis", permissions.can_view_kpis),
]


def nav(user: Any, section: str) -> dict[str, Any]:
    links = []
    for key, label, name, check in SECTIONS:
        url = optional_url(name)
        if url is not None and check(user):
            links.append({"key": key, "label": label, "url": url, "current": key == section})
    return {"section": section, "subnav": links}
