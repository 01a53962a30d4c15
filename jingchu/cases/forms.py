"""Small forms of the applicant and counter pages (the application form itself is JSON Schema,
rendered and checked by services.eforms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ApplyForm(forms.Form):
    implementation = forms.UUIDField(label=_("Where to apply"))


class UploadForm(forms.Form):
    requirement = forms.UUIDField()
    # The size and type checks live in the action; the form only says a file came.
    file = forms.FileField(label=_("File"), allow_empty_file=True)


class CounterLookupForm(forms.Form):
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=18, min_length=15,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))


class CounterItemForm(forms.Form):
    code = forms.CharField(label=_("Item basic code"), max_length=40)


class CounterStartForm(forms.Form):
    implementation = forms.UUIDField()
    entity = forms.UUIDField(required=False)
