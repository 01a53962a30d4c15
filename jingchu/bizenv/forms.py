"""Forms of the business-environment pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jingchu.bizenv.choices import Direction
from jingchu.bizenv.models import Topic


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled template (.xlsx)"))


class LocalIndicatorForm(forms.Form):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(),
                                   required=False, empty_label=_("— a new local topic —"))
    new_topic = forms.CharField(label=_("New local topic"), max_length=100, required=False)
    code = forms.CharField(label=_("Code"), max_length=60,
                           help_text=_("Letters, digits, dots, dashes; “local.” is put "
                                       "before it."))
    name = forms.CharField(label=_("Name"), max_length=150)
    unit = forms.CharField(label=_("Unit"), max_length=30)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    frontier = forms.FloatField(label=_("Frontier (best) value"))
    worst = forms.FloatField(label=_("Worst value"))
    weight = forms.FloatField(label=_("Weight"), initial=1.0)
    source = forms.CharField(label=_("Data source"), max_length=100, initial="import",
                             help_text=_("“import”, or “kpi:” and a platform KPI code."))
    kpi_scale = forms.FloatField(label=_("Platform figure multiplier"), initial=1.0,
                                 required=False)
    valid_min = forms.FloatField(label=_("Smallest valid value"), required=False)
    valid_max = forms.FloatField(label=_("Largest valid value"), required=False)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        topic = self.fields["topic"]
        assert isinstance(topic, forms.ModelChoiceField)
        topic.queryset = Topic.objects.filter(is_active=True)
