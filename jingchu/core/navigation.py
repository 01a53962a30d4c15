"""The site menu, assembled from what each app declares.

An app lists its entries on its AppConfig as `nav = [(label, url name, permission name)]`, the
permission being a function of the app's `permissions` module; the entry shows only to users for
whom it answers True. Core thus never
imports the apps that stand on it, and every link on the menu is backed by the same check as the
page it leads to.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse


@lru_cache(maxsize=1)
def _entries() -> list[tuple[str, str, Any]]:
    entries = []
    for config in apps.get_app_configs():
        for label, url_name, permission in getattr(config, "nav", []):
            module = import_module(f"{config.name}.permissions")
            entries.append((label, url_name, getattr(module, permission)))
    return entries


def menu(user: Any) -> list[tuple[str, str]]:
    """(label, url) of every entry the user may use, in INSTALLED_APPS order."""
    return [(str(label), reverse(url_name)) for label, url_name, check in _entries()
            if check(user)]


def nav(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `nav_menu`."""
    return {"nav_menu": menu(getattr(request, "user", None))}
