"""What every `jingchu lake` verb looks up from its arguments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def user_named(username: str) -> Any:
    """The user a verb acts as; none given means the platform itself (actor None)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user


def dataset_coded(code: str) -> Any:
    from jingchu.lake.models import Dataset

    dataset = Dataset.objects.select_related("current_version").filter(
        code=code.strip().lower()).first()
    if dataset is None:
        raise CommandError(f"no dataset {code!r}")
    return dataset
