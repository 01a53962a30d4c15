"""Forms of the licence pages: sharing a licence, changing its status, searching issued ones."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization
from jingchu.licenses.actions import REASON_MAX, SHARE_MAX_DAYS


class ShareForm(forms.Form):
    """Share a licence with a named organization for a stated reason (申请事由) until a date."""

    organization = forms.ModelChoiceField(
        label=_("Share with"), to_field_name="uid", empty_label=None,
        queryset=Organization.objects.filter(is_active=True).order_by("region__code", "name"))
    reason = forms.CharField(label=_("Reason for use"), max_length=REASON_MAX)
    until = forms.DateField(label=_("Shared until"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("until", today + dt.timedelta(days=30))
            self.fields["until"].widget.attrs["max"] = (
                today + dt.timedelta(days=SHARE_MAX_DAYS)).isoformat()


class StatusForm(forms.Form):
    """Revoke, suspend or reinstate a licence, with the reason."""

    ACTIONS = [("suspend", _("Suspend the licence")), ("reinstate", _("Reinstate the licence")),
               ("revoke", _("Revoke the licence"))]

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Identifier or holder name"), max_length=160, required=False)
