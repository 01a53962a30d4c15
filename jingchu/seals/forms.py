"""Forms of the seal pages: they parse; the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.seals.choices import SealKind

STATUS_ACTIONS = [("suspend", _("Suspend")), ("resume", _("Resume the seal")),
                  ("revoke", _("Revoke the seal"))]


class SealCreateForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization of the seal"),
                                          queryset=Organization.objects.none(),
                                          to_field_name="uid")
    kind = forms.ChoiceField(label=_("Kind"), choices=SealKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100, required=False,
                           help_text=_("Leave empty for the organization's name and the kind."))
    valid_from = forms.DateField(label=_("Valid from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid to"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=STATUS_ACTIONS, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500,
                             widget=forms.TextInput(attrs={"size": 40}))


class SignForm(forms.Form):
    file = forms.FileField(label=_("Document to seal"))
    document_name = forms.CharField(label=_("Document name"), max_length=255, required=False,
                                    help_text=_("Leave empty to use the file's name."))


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Sealed document"))
    signature = forms.FileField(label=_("Signature file (.ses)"))
