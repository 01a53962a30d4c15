"""Forms of the oversight pages: they parse what was typed; the actions validate and decide.
Organizations are chosen by their uid, never by a sequential key."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.oversight import permissions
from jingchu.oversight.choices import AssignmentStatus, BoardLevel, TaskStatus

BLANK = [("", "—")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.name}）"


class OrganizationsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.name}）"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the action checks their number, size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Up to 5 files, PDF, JPG or PNG, 10 MB each."))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def organizations_below(paths: list[str] | None) -> QuerySet[Organization]:
    """Active organizations in any of the region trees `paths` (all of them when None)."""
    found = Organization.objects.filter(is_active=True).select_related("region")
    if paths is None:
        return found.order_by("region__path", "name")
    scope = Q(pk=-1)
    for path in paths:
        scope |= Q(region__path__startswith=path)
    return found.filter(scope).order_by("region__path", "name")


class TaskForm(forms.Form):
    """A new task: issuer, title, instruction, deadline, lead and co-organizations, files."""

    issuer = OrganizationChoice(label=_("Task issuer"), queryset=Organization.objects,
                                to_field_name="uid")
    title = forms.CharField(label=_("Title"), max_length=200)
    instruction = forms.CharField(label=_("Instruction"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    lead = OrganizationChoice(label=_("Lead organization"), queryset=Organization.objects,
                              to_field_name="uid")
    co_organizations = OrganizationsChoice(
        label=_("Co-organizing organizations"), queryset=Organization.objects,
        to_field_name="uid", required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Optional; hold Ctrl to choose several."))
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        issuers = permissions.issuer_choices(user).order_by("region__path", "name")
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]
        paths = (None if permissions.is_superuser(user)
                 else sorted({org.region.path for org in issuers}))
        for name in ("lead", "co_organizations"):
            self.fields[name].queryset = organizations_below(paths)  # type: ignore[attr-defined]


class SignForm(forms.Form):
    """Signing for an assignment takes no input."""


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Progress"), max_length=5000, widget=TEXTAREA)
    percent = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    final = forms.BooleanField(label=_("This is the completion report"), required=False)
    attachments = MultipleFileField(label=_("Attachments"))


class SubAssignForm(forms.Form):
    organizations = OrganizationsChoice(label=_("Assigned organizations"),
                                        queryset=Organization.objects,
                                        to_field_name="uid",
                                        widget=forms.SelectMultiple(attrs={"size": 6}))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    note = forms.CharField(label=_("Note (optional)"), max_length=1000, required=False,
                           widget=SHORT_TEXTAREA)

    def __init__(self, *args: Any, choices: QuerySet[Organization] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["organizations"].queryset = choices  # type: ignore[attr-defined]


class ExtensionForm(forms.Form):
    deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=SHORT_TEXTAREA)


DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]
REVIEWS = [("accept", _("Accept and close the task")), ("send_back", _("Send it back"))]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS,
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (required when refusing)"), max_length=1000,
                           required=False, widget=SHORT_TEXTAREA)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=REVIEWS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (required when sending back)"), max_length=1000,
                           required=False, widget=SHORT_TEXTAREA)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=SHORT_TEXTAREA)


# --- filters of the lists -------------------------------------------------------------------


class HomeFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=BLANK + list(AssignmentStatus.choices))


class IssuedFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=BLANK + list(TaskStatus.choices))


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Task status"), required=False,
                               choices=BLANK + list(TaskStatus.choices))
    level = forms.ChoiceField(label=_("Level"), required=False,
                              choices=BLANK + list(BoardLevel.choices))
    organization = forms.UUIDField(label=_("Assigned organization"), required=False,
                                   widget=forms.HiddenInput)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
