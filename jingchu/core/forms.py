"""Forms of the core app's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """The auditor's search: every field optional, all given fields must match."""

    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action (prefix)"), required=False, max_length=80)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=80)
    object_id = forms.CharField(label=_("Object ID"), required=False, max_length=80)
    date_from = forms.DateField(
        label=_("From (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To (date, inclusive)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def add_action_error(form: forms.Form, exc: Any, aliases: dict[str, str] | None = None) -> None:
    """Show an action's refusal (core.errors.ActionError) on the form: on the field its details
    name (through `aliases` when the form calls it otherwise), else on the form as a whole."""
    field = str(exc.details.get("field", ""))
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, exc.message)
