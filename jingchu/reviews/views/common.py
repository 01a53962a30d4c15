"""Helpers shared by the rating pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ObjectDoesNotExist

from jingchu.core.errors import ActionError


def put_error(form: forms.Form, exc: ActionError) -> None:
    """Show an action's refusal on the form field it names, or on the form itself."""
    field = str(exc.details.get("field", "")).split(".")[-1]
    name = f"score_{field}" if f"score_{field}" in form.fields else field
    form.add_error(name if name in form.fields else None, exc.message)


def safe_get(obj: object, name: str) -> object | None:
    """A reverse one-to-one that may be missing (rating without rectification or appeal)."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None
