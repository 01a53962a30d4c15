"""Forms of the identity pages: they only parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

_SIX_DIGITS = RegexValidator(r"^[0-9]{6}$", _("Enter the 6 digits shown by your authenticator."))


class LoginForm(forms.Form):
    """The password step. Field names are a contract: OIDC tests post them as they are."""

    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, max_length=4096)
    next = forms.CharField(required=False, max_length=2000)


class CodeField(forms.CharField):
    def to_python(self, value: object) -> str:
        # Apps show "123 456"; people type it that way.
        return str(super().to_python(value)).replace(" ", "")


class TotpCodeForm(forms.Form):
    code = CodeField(label=_("Verification code"), max_length=12, validators=[_SIX_DIGITS])


class TotpManageForm(forms.Form):
    """The authenticator panel of "My account": start, confirm or turn off."""

    op = forms.ChoiceField(choices=[("start", "start"), ("confirm", "confirm"),
                                    ("disable", "disable")])
    code = CodeField(required=False, max_length=12)


class IdNumberForm(forms.Form):
    id_number = forms.CharField(label=_("Citizen ID number"), max_length=18, min_length=18)


class VerifyPersonForm(forms.Form):
    person = forms.UUIDField()
