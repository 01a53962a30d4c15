"""Forms of the open-data pages. They only parse; the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingchu.lake.models import Dataset
from jingchu.opendata.choices import Licence, Topic, UpdateFrequency

FIELDS_HELP = _("One published field per line: name | label | description. Only columns of the "
                "lake dataset without a masking rule may be published.")


def parse_fields(text: str) -> list[dict[str, str]]:
    fields = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + ["", ""]
        fields.append({"name": parts[0], "label": parts[1], "description": parts[2]})
    return fields


def format_fields(fields: list[dict[str, Any]]) -> str:
    return "\n".join(f"{f['name']} | {f.get('label', '')} | {f.get('description', '')}"
                     .rstrip(" |") for f in fields)


class SourceForm(forms.Form):
    """Step one of a new open dataset: which lake dataset it opens."""

    source = forms.ModelChoiceField(label=_("Lake dataset"), queryset=Dataset.objects.none(),
                                    to_field_name="code")

    def __init__(self, *args: Any, sources: QuerySet[Dataset], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = sources


class OpenDatasetForm(forms.Form):
    name = forms.CharField(label=_("Name (in addresses)"), max_length=100,
                           help_text=_("Lower-case letters, digits, hyphens and underscores."))
    title = forms.CharField(label=_("Title"), max_length=200)
    notes = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    licence = forms.ChoiceField(label=pgettext_lazy("open data", "Licence"),
                                choices=Licence.choices)
    update_frequency = forms.ChoiceField(label=_("Update frequency"),
                                         choices=UpdateFrequency.choices)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000,
                           help_text=_("Separated by commas."))
    fields_text = forms.CharField(label=_("Published fields"), help_text=FIELDS_HELP,
                                  widget=forms.Textarea(attrs={"rows": 8}))

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "fields_text"}
        data["fields"] = parse_fields(self.cleaned_data["fields_text"])
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
