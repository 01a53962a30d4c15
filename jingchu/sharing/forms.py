"""Forms of the sharing pages. They only parse; the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.sharing.choices import (
    ListKind,
    MountKind,
    OpenType,
    ShareType,
    SubjectKind,
    UpdateFrequency,
)

FIELDS_HELP = _("One field per line: name | label | type | sensitivity (1-4) | masking rule | "
                "description. Types: string, integer, decimal, date, datetime, boolean. Masking "
                "rules: id_number, phone, address, name, full.")


def parse_fields(text: str) -> list[dict[str, Any]]:
    """The fields textarea, one field a line, parts separated by "|"."""
    fields = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")] + [""] * 6
        spec: dict[str, Any] = {"name": parts[0], "label": parts[1] or parts[0],
                                "data_type": parts[2] or "string", "mask": parts[4],
                                "description": parts[5]}
        spec["sensitivity"] = int(parts[3]) if parts[3].isdigit() else 2
        fields.append(spec)
    return fields


def format_fields(resource: Any) -> str:
    return "\n".join(f"{f.name} | {f.label} | {f.data_type} | {f.sensitivity} | {f.mask} | "
                     f"{f.description}".rstrip(" |") for f in resource.fields.all())


class ResourceForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organization.objects.none())
    code = forms.CharField(label=_("Catalog code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    share_type = forms.ChoiceField(label=_("Share type"), choices=ShareType.choices)
    share_conditions = forms.CharField(label=_("Conditions of sharing"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    open_type = forms.ChoiceField(label=_("Open type"), choices=OpenType.choices)
    update_frequency = forms.ChoiceField(label=_("Update frequency"),
                                         choices=UpdateFrequency.choices)
    fields_text = forms.CharField(label=_("Fields"), help_text=FIELDS_HELP,
                                  widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, owners: QuerySet[Organization] | None = None,
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners if owners is not None else Organization.objects.none()
        if editing:
            del self.fields["owner"]
            del self.fields["code"]

    def action_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("owner", "fields_text")}
        data["fields"] = parse_fields(self.cleaned_data["fields_text"])
        return data


class MountForm(forms.Form):
    kind = forms.ChoiceField(label=_("Mounted as"),
                             choices=[c for c in MountKind.choices if c[0]])
    target = forms.CharField(label=_("Mount target"), max_length=300)
    key_field = forms.CharField(label=_("Lookup key field"), max_length=60)
    subject_kind = forms.ChoiceField(label=_("Records are about"), choices=SubjectKind.choices,
                                     required=False)


class ListEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices)
    name = forms.CharField(label=_("Data item"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False)
    fields_wanted = forms.CharField(label=_("Fields wanted"), required=False,
                                    help_text=_("Field names, separated by commas."))
    provider = forms.ModelChoiceField(label=_("Expected provider"), required=False,
                                      queryset=Organization.objects.filter(is_active=True))
    resource = forms.CharField(label=_("Resource (catalog code)"), required=False)


class RequestForm(forms.Form):
    consumer = forms.ModelChoiceField(label=_("Requesting organization"),
                                      queryset=Organization.objects.none())
    field_names = forms.MultipleChoiceField(label=_("Fields requested"),
                                       widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False)
    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Until"),
                                  widget=forms.DateInput(attrs={"type": "date"}))
    expected_daily_calls = forms.IntegerField(label=_("Expected calls per day"), min_value=0,
                                              initial=0)

    def __init__(self, *args: Any, consumers: QuerySet[Organization],
                 field_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        consumer = self.fields["consumer"]
        assert isinstance(consumer, forms.ModelChoiceField)
        consumer.queryset = consumers
        wanted = self.fields["field_names"]
        assert isinstance(wanted, forms.MultipleChoiceField)
        wanted.choices = field_choices


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse"),
                                          ("withdraw", "withdraw")])
    granted = forms.MultipleChoiceField(required=False, choices=[])
    masked_fields = forms.MultipleChoiceField(required=False, choices=[])
    rate_limit = forms.IntegerField(required=False)
    reason = forms.CharField(required=False)

    def __init__(self, *args: Any, field_names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("granted", "masked_fields"):
            choice = self.fields[name]
            assert isinstance(choice, forms.MultipleChoiceField)
            choice.choices = [(n, n) for n in field_names]


class ChangeForm(forms.Form):
    change = forms.ChoiceField(choices=[("suspend", "suspend"), ("resume", "resume"),
                                        ("revoke", "revoke")])
    reason = forms.CharField(required=False)


class ErrorReportForm(forms.Form):
    grant = forms.UUIDField(label=_("Grant"))
    record_key = forms.CharField(label=_("Record"), max_length=100, required=False)
    field_name = forms.CharField(label=_("Field"), max_length=60, required=False)
    description = forms.CharField(label=_("What is wrong"),
                                  widget=forms.Textarea(attrs={"rows": 3}))
