"""Forms of the rating pages: they parse; the actions validate and decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization, Region
from jingchu.reviews.choices import INDICATORS, Indicator, Level, Resolution, ServiceEvent
from jingchu.reviews.stats import DIMENSIONS, StatsFilter
from jingchu.services.models import ServiceItem

SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(5, 0, -1)]
LEVEL_CHOICES = [(str(value), label) for value, label in Level.choices]


def score_field_name(indicator: str) -> str:
    return f"score_{indicator}"


class ScoresMixin(forms.Form):
    """One optional 1–5 field per configured indicator."""

    def add_score_fields(self) -> None:
        labels = dict(Indicator.choices)
        for name in INDICATORS:
            self.fields[score_field_name(name)] = forms.ChoiceField(
                label=labels[name], choices=SCORE_CHOICES, required=False)

    def score_fields(self) -> list[forms.BoundField]:
        return [self[score_field_name(name)] for name in INDICATORS]

    def scores(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(score_field_name(name), "") for name in INDICATORS}


class RatingForm(ScoresMixin):
    event = forms.ChoiceField(label=_("Service step"), choices=())
    level = forms.ChoiceField(label=_("Your rating"), choices=LEVEL_CHOICES,
                              widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, events: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event_field = self.fields["event"]
        assert isinstance(event_field, forms.ChoiceField)
        event_field.choices = events
        if len(events) == 1:
            self.fields["event"].initial = events[0][0]
        self.add_score_fields()


class WindowRatingForm(ScoresMixin):
    """The tablet form; the level comes from the big button pressed."""

    event = forms.ChoiceField(label=_("Service step"), choices=ServiceEvent.choices,
                              initial=ServiceEvent.SUBMISSION)
    case_number = forms.CharField(label=_("Case number (entered by the clerk, optional)"),
                                  required=False, max_length=30)
    level = forms.ChoiceField(choices=LEVEL_CHOICES)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_score_fields()


class PhoneRatingForm(ScoresMixin):
    """What the applicant said on the phone, entered by the auditor who called."""

    case_number = forms.CharField(label=_("Case number"), max_length=30)
    event = forms.ChoiceField(label=_("Service step"), choices=ServiceEvent.choices,
                              initial=ServiceEvent.COMPLETION)
    level = forms.ChoiceField(label=_("Rating given"), choices=LEVEL_CHOICES,
                              widget=forms.RadioSelect)
    comment = forms.CharField(label=_("What the applicant said (optional)"), required=False,
                              max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_score_fields()


class CallbackForm(forms.Form):
    called_at = forms.DateTimeField(
        label=_("Called back at (empty: now)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    note = forms.CharField(label=_("What the applicant said"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[(Resolution.FIXED, Resolution.FIXED.label),
                 (Resolution.EXPLAINED, Resolution.EXPLAINED.label)])
    text = forms.CharField(label=_("What was fixed, or the explanation"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Why the rating is malicious"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Appeal decision"), widget=forms.RadioSelect,
        choices=[("uphold", _("Uphold: exclude the rating from statistics")),
                 ("reject", _("Reject: the rating stays"))])
    note = forms.CharField(label=_("Reasons"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class StatsFilterForm(forms.Form):
    by = forms.ChoiceField(label=_("Group by"), required=False, choices=[
        ("organization", _("By organization")), ("item", _("By service item")),
        ("region", _("By region"))])
    region = forms.CharField(label=_("Region code"), required=False, max_length=12)
    organization = forms.CharField(label=_("Organization rated"), required=False, max_length=36)
    item = forms.CharField(label=_("Item code"), required=False, max_length=40)
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("Unknown region code."))
        return region

    def clean_organization(self) -> Organization | None:
        raw = self.cleaned_data["organization"].strip()
        if not raw:
            return None
        try:
            uid = uuid.UUID(raw)
        except ValueError:
            raise forms.ValidationError(_("Unknown organization.")) from None
        org = Organization.objects.filter(uid=uid).first()
        if org is None:
            raise forms.ValidationError(_("Unknown organization."))
        return org

    def clean_item(self) -> ServiceItem | None:
        code = self.cleaned_data["item"].strip()
        if not code:
            return None
        item = ServiceItem.objects.filter(code=code).first()
        if item is None:
            raise forms.ValidationError(_("Unknown item code."))
        return item

    def to_filter(self) -> StatsFilter:
        data = self.cleaned_data
        by = data.get("by") or "organization"
        return StatsFilter(by=by if by in DIMENSIONS else "organization",
                           region=data.get("region"), organization=data.get("organization"),
                           item=data.get("item"), date_from=data.get("date_from"),
                           date_to=data.get("date_to"))
