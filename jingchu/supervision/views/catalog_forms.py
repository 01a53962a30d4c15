"""Forms of the directory and credit pages: they parse what was typed; the actions validate
and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization, Region
from jingchu.identity.models import Staff
from jingchu.supervision.choices import (
    ConflictRelation,
    CreditRecordKind,
    Grade,
    Industry,
    InspectionMethod,
)
from jingchu.supervision.models import Inspector

ANY = [("", _("Any"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})


def _queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class DepartmentForm(forms.Form):
    """The department a list is about (GET)."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Organization.objects
                                        .none(), to_field_name="uid", required=False)

    def __init__(self, *args: Any, departments: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "department", departments)


# --- items --------------------------------------------------------------------------------


class ItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Capital letters, digits and hyphens, e.g. SC-004."))
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=2000,
                                  widget=SHORT_TEXTAREA)
    method = forms.ChoiceField(label=_("Inspection method"), choices=InspectionMethod.choices)
    is_key = forms.BooleanField(label=_("Key item (no upper limit on sampling)"),
                                required=False)
    industries = forms.MultipleChoiceField(
        label=_("Industries"), choices=Industry.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the item applies to every industry."))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]


# --- entities -----------------------------------------------------------------------------


class EntityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), max_length=100, required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=[*ANY, *Industry.choices],
                                 required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(),
                                    to_field_name="code", required=False,
                                    empty_label=_("Any"))
    grade = forms.ChoiceField(label=_("Credit grade"), choices=[*ANY, *Grade.choices],
                              required=False)

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "region", regions)


class EntityRegisterForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)


class EntityEditForm(forms.Form):
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    is_active = forms.BooleanField(label=_("In the directory (active)"), required=False)


# --- inspectors ---------------------------------------------------------------------------


class InspectorForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=Staff.objects.none(),
                                   to_field_name="uid")
    certificate_number = forms.CharField(label=_("Enforcement certificate number"),
                                         max_length=40)
    qualified_until = forms.DateField(label=_("Qualified until"), widget=DATE)

    def __init__(self, *args: Any, department: Organization | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = Staff.objects.none()
        if department is not None:
            taken = Inspector.objects.filter(organization=department).values("staff_id")
            staff = (Staff.objects.filter(assignments__organization=department)
                     .exclude(pk__in=taken).distinct().order_by("name"))
        _queryset(self, "staff", staff)


class InspectorEditForm(forms.Form):
    certificate_number = forms.CharField(label=_("Enforcement certificate number"),
                                         max_length=40)
    qualified_until = forms.DateField(label=_("Qualified until"), widget=DATE)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class ConflictForm(forms.Form):
    uscc = forms.CharField(label=_("Credit code of the entity"), max_length=40)
    relation = forms.ChoiceField(label=_("Relation"), choices=ConflictRelation.choices)
    note = forms.CharField(label=_("Note on the relation"), max_length=300, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why the declaration no longer holds"), max_length=500,
                             widget=SHORT_TEXTAREA)


# --- sampling rules -----------------------------------------------------------------------


class SamplingRulesForm(forms.Form):
    """The four grades' rules of one department at once: factor_A, cap_percent_A, ..."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for grade in Grade.values:
            self.fields[f"factor_{grade}"] = forms.DecimalField(
                label=_("Factor"), max_digits=5, decimal_places=2)
            self.fields[f"cap_percent_{grade}"] = forms.DecimalField(
                label=_("Upper limit (%)"), max_digits=5, decimal_places=2, required=False)
            self.fields[f"frequency_per_year_{grade}"] = forms.DecimalField(
                label=_("Inspections a year"), max_digits=4, decimal_places=2)

    def rows(self) -> list[dict[str, Any]]:
        return [{"grade": grade, "label": label, "factor": self[f"factor_{grade}"],
                 "cap": self[f"cap_percent_{grade}"],
                 "frequency": self[f"frequency_per_year_{grade}"]}
                for grade, label in Grade.choices]


# --- credit -------------------------------------------------------------------------------


class CreditRecordForm(forms.Form):
    uscc = forms.CharField(label=_("Credit code of the entity"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=CreditRecordKind.choices)
    organization = forms.ModelChoiceField(label=_("Deciding department"),
                                          queryset=Organization.objects.none(),
                                          to_field_name="uid")
    reference = forms.CharField(label=_("Decision number"), max_length=80)
    summary = forms.CharField(label=_("Summary of the decision"), max_length=500,
                              widget=SHORT_TEXTAREA)
    decided_on = forms.DateField(label=_("Decided (listed) on"), widget=DATE)
    ended_on = forms.DateField(label=_("Ended on (optional)"), widget=DATE, required=False,
                               help_text=_("Removed from the list, or the penalty's publicity "
                                           "ended."))

    def __init__(self, *args: Any, departments: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _queryset(self, "organization", departments)


class EndRecordForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)


class RecordFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[*ANY, *CreditRecordKind.choices],
                             required=False)
    q = forms.CharField(label=_("Credit code, name or decision number"), max_length=100,
                        required=False)
