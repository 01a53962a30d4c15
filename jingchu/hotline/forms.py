"""Forms of the hotline's pages: they parse what was typed; the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jingchu.core.models import Organization, Region
from jingchu.hotline.choices import Satisfaction, TicketKind, TicketStatus, Urgency
from jingchu.hotline.models import Category

BLANK = [("", "—")]
TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the action checks their number, size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def categories() -> Any:
    return Category.objects.filter(is_active=True).order_by("code")


class OnlineTicketForm(forms.Form):
    """The web portal and the mobile page: a citizen's request, with or without an account."""

    kind = forms.ChoiceField(label=_("Kind of request"), choices=TicketKind.choices,
                             initial=TicketKind.CONSULT)
    title = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("What happened, and what you ask for"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label=_("Address"), max_length=300, required=False,
                              help_text=_("As precise as you can: district, street and number."))
    latitude = forms.DecimalField(label=_("Latitude (optional)"), required=False,
                                  max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude (optional)"), required=False,
                                   max_digits=9, decimal_places=6)
    caller_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "tel"}))
    attachments = MultipleFileField(label=_("Photos or documents (optional)"), required=False,
                                    help_text=_("Up to 5 files, JPG, PNG or PDF, 10 MB each."))

    def __init__(self, *args: Any, anonymous: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without an account, the name and phone are the only way the centre can answer.
        for name in ("caller_name", "caller_phone"):
            self.fields[name].required = anonymous


class CallForm(forms.Form):
    """The operator's form for a call taken by phone."""

    caller_name = forms.CharField(label=_("Caller's name"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Kind of request"), choices=TicketKind.choices,
                             initial=TicketKind.CONSULT)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices,
                                initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("What the caller says"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      required=False, to_field_name="code",
                                      empty_label=_("(take the suggestion)"))
    reported_entity_uscc = forms.CharField(
        label=_("Enterprise complained about (credit code)"), max_length=40, required=False,
        help_text=_("Complaints and reports only: the enterprise's unified social credit "
                    "code, when the caller names a registered enterprise."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories())


def _set_queryset(form: forms.Form, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class DispatchForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      required=False, to_field_name="code")
    organization = forms.ModelChoiceField(label=_("Handling organization"),
                                          queryset=Organization.objects.none(),
                                          required=False, to_field_name="uid",
                                          empty_label=_("(by the routing table)"))
    note = forms.CharField(label=_("Note to the department"), max_length=1000, required=False,
                           widget=SHORT_TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories())
        _set_queryset(self, "organization",
                      Organization.objects.filter(is_active=True).order_by("region__code", "name"))


class ReportedEntityForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False,
                           help_text=_("Leave blank to clear."))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=30)


class LinkPersonForm(forms.Form):
    id_number = forms.CharField(label=_("Caller's ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("or the phone of the caller's account"), max_length=20,
                            required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("id_number") and not data.get("phone"):
            raise forms.ValidationError(_("Give an ID number or a phone number."))
        return data


REACHED_CHOICES = [("yes", _("Reached")), ("no", _("Not reached"))]


class CallbackForm(forms.Form):
    reached = forms.ChoiceField(label=_("Was the caller reached?"), choices=REACHED_CHOICES,
                                widget=forms.RadioSelect, initial="yes")
    note = forms.CharField(label=_("Call-back note"), max_length=2000, widget=SHORT_TEXTAREA)
    satisfaction = forms.ChoiceField(label=_("Satisfaction given on the call"),
                                     choices=[*BLANK, *Satisfaction.choices], required=False)
    comment = forms.CharField(label=_("Caller's comment"), max_length=1000, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=SHORT_TEXTAREA)


class SuperviseForm(forms.Form):
    note = forms.CharField(label=_("Supervision note"), max_length=2000, widget=SHORT_TEXTAREA)


class AnswerForm(forms.Form):
    """即时办结: the article that answers a consultation."""

    article = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Additional note"), max_length=2000, required=False)


DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS,
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=SHORT_TEXTAREA)


class ExtensionForm(forms.Form):
    working_days = forms.IntegerField(label=_("Extra working days"), min_value=1,
                                      max_value=30)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=SHORT_TEXTAREA)


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("Reply to the caller"), max_length=5000, widget=TEXTAREA)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Are you satisfied with the reply?"),
                                     choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=1000, required=False,
                              widget=SHORT_TEXTAREA)


OVERDUE_CHOICES = [("", _("Any")), ("yes", _("Overdue only"))]


class TicketFilterForm(forms.Form):
    """Filters of the centre's list and the department's queue; all optional."""

    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any")), *TicketStatus.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("Any")), *TicketKind.choices])
    overdue = forms.ChoiceField(label=_("Overdue"), required=False, choices=OVERDUE_CHOICES)
    number = forms.CharField(label=_("Ticket number"), required=False, max_length=30)


def regions_for_routing() -> Any:
    """Cities and county-level divisions: finer cells are not worth a routing rule."""
    return Region.objects.filter(level__in=["province", "city", "county"],
                                 is_statistical=False).order_by("code")


class RouteForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      required=False, to_field_name="code",
                                      empty_label=_("(any category: the region's default)"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(),
                                    required=False, to_field_name="code",
                                    empty_label=_("(anywhere)"))
    organization = forms.ModelChoiceField(label=_("Handling organization"),
                                          queryset=Organization.objects.none(),
                                          to_field_name="uid")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories())
        _set_queryset(self, "region", regions_for_routing())
        _set_queryset(self, "organization",
                      Organization.objects.filter(is_active=True).order_by("region__code", "name"))


class TimeLimitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TicketKind.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    working_days = forms.IntegerField(label=_("Working days"), required=False)
    hours = forms.IntegerField(label=_("or hours"), required=False)
    sign_working_days = forms.IntegerField(label=_("Working days to sign for"), initial=1)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=200)
    answer = forms.CharField(label=_("Answer"), max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 8}))
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False,
                               help_text=_("Separated by spaces or commas."))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(),
                                      required=False, to_field_name="code")
    item_code = forms.CharField(label=_("Service item code (optional)"), max_length=40,
                                required=False)
    policy = forms.CharField(label=_("Policy"), max_length=300, required=False)
    region = forms.ModelChoiceField(label=_("Applies in"), queryset=Region.objects.none(),
                                    required=False, to_field_name="code",
                                    empty_label=_("(everywhere)"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "category", categories())
        _set_queryset(self, "region", regions_for_routing())
