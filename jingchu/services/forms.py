"""The staff edit form: the current version's content as editable fields.

Structured parts (the application form's JSON Schema, the materials) are edited as JSON text;
the publish action checks them, so this form only parses.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _json_field(label: Any, rows: int) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={
        "rows": rows, "spellcheck": "false", "class": "code"}))


class ItemEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    acceptance_conditions = forms.CharField(label=_("Acceptance conditions"), required=False,
                                            widget=forms.Textarea(attrs={"rows": 3}))
    legal_days = forms.IntegerField(label=_("Legal time limit (working days)"), min_value=0)
    promised_days = forms.IntegerField(label=_("Promised time limit (working days)"),
                                       min_value=0)
    fee = forms.DecimalField(label=_("Fee (yuan)"), min_value=0, max_digits=10,
                             decimal_places=2)
    fee_basis = forms.CharField(label=_("Fee basis"), max_length=300, required=False)
    onsite_visits = forms.IntegerField(label=_("On-site visits required"), min_value=0)
    form_schema = _json_field(_("Application form (JSON Schema)"), 14)
    materials = _json_field(_("Materials (JSON list)"), 14)
    change_note = forms.CharField(label=_("What changed"), max_length=300)

    def _json(self, name: str, kind: type) -> Any:
        try:
            value = json.loads(self.cleaned_data[name])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON (line %(line)d): %(error)s"),
                params={"line": exc.lineno, "error": exc.msg},
            ) from None
        if not isinstance(value, kind):
            raise forms.ValidationError(_("Expected a JSON %(kind)s."), params={
                "kind": "object" if kind is dict else "list"})
        return value

    def clean_form_schema(self) -> dict[str, Any]:
        value: dict[str, Any] = self._json("form_schema", dict)
        return value

    def clean_materials(self) -> list[dict[str, Any]]:
        value: list[dict[str, Any]] = self._json("materials", list)
        return value

    @staticmethod
    def initial_from(content: dict[str, Any], materials: list[dict[str, Any]]) -> dict[str, Any]:
        initial = {name: content.get(name) for name in ItemEditForm.base_fields}
        initial["form_schema"] = json.dumps(content["form_schema"], ensure_ascii=False, indent=2)
        initial["materials"] = json.dumps(materials, ensure_ascii=False, indent=2)
        initial["change_note"] = ""
        return initial
