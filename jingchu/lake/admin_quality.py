"""Admin of quality audits. Rules entered here (source "admin") are added, changed and deleted
through the quality actions, which validate them exactly as a rule file is validated and audit
the change; rules from a dataset's rule file are read-only here (edit the file). Audit runs are
read-only; a rectification is resolved by writing its note, through do_resolve_rectification."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jingchu.core.admin import ReadOnlyAdmin
from jingchu.core.errors import ActionError
from jingchu.lake.actions import quality as actions
from jingchu.lake.choices import RectificationStatus, RuleSource
from jingchu.lake.models import AuditRun, QualityRectification, QualityRule, RuleResult
from jingchu.lake.quality.library import CHECKS
from jingchu.lake.quality.rulefile import rule_from_settings

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _Inline = admin.TabularInline[Any, Any]
else:  # generic only in the type stubs
    _ModelAdmin = admin.ModelAdmin
    _Inline = admin.TabularInline


class RuleForm(forms.ModelForm):
    check_name = forms.ChoiceField(label=_("check"),
                                   choices=[(c, c) for c in sorted(CHECKS)])
    columns_text = forms.CharField(label=_("columns"), required=False,
                                   help_text=_("Column names, separated by commas."))
    params_text = forms.CharField(label=_("parameters"), required=False, widget=forms.Textarea,
                                  help_text=_('JSON, e.g. {"min": 0, "max": 100}'))
    dimension = forms.CharField(label=_("dimension"), required=False,
                                help_text=_("Empty: the check's own dimension."))

    class Meta:
        model = QualityRule
        fields = ["dataset", "name", "check_name", "dimension", "weight", "enabled",
                  "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["columns_text"].initial = ", ".join(self.instance.columns)
            self.fields["params_text"].initial = json.dumps(self.instance.params,
                                                            ensure_ascii=False)

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        try:
            params = json.loads(data.get("params_text") or "{}")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("The parameters are not valid JSON.")) from exc
        if not isinstance(params, dict):
            raise forms.ValidationError(_("The parameters are a JSON object."))
        columns = [c.strip() for c in (data.get("columns_text") or "").split(",") if c.strip()]
        out = {**params, "check": data.get("check_name"), "columns": columns,
               "weight": data.get("weight") or 1, "enabled": bool(data.get("enabled")),
               "description": data.get("description") or ""}
        if data.get("dimension"):
            out["dimension"] = data["dimension"]
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dataset = data.get("dataset")
        if dataset is not None and not self.errors:
            try:
                rule_from_settings(str(data.get("name") or ""), self.settings(),
                                   actions.dataset_columns(dataset))
            except ActionError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(QualityRule)
class QualityRuleAdmin(_ModelAdmin):
    form = RuleForm
    list_display = ("dataset", "name", "check_name", "dimension", "weight", "enabled", "source")
    list_filter = ("source", "dimension", "check_name", "enabled")
    search_fields = ("dataset__code", "name", "description")
    list_select_related = ("dataset",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.source != RuleSource.ADMIN:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.source != RuleSource.ADMIN:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        existing = QualityRule.objects.get(pk=obj.pk) if change else None
        saved = actions.do_save_rule(request.user, form.cleaned_data["dataset"],
                                     form.cleaned_data["name"], form.settings(), existing)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        actions.do_delete_rule(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for rule in queryset:
            actions.do_delete_rule(request.user, rule)


class RuleResultInline(_Inline):
    model = RuleResult
    extra = 0
    can_delete = False
    fields = ("rule_name", "check_name", "dimension", "weight", "checked", "failed", "sample")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditRun)
class AuditRunAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "version", "status", "trigger", "row_count", "score",
                    "threshold", "started_at")
    list_filter = ("status", "trigger")
    search_fields = ("dataset__code",)
    list_select_related = ("dataset", "version")
    inlines = [RuleResultInline]


class RectificationForm(forms.ModelForm):
    class Meta:
        model = QualityRectification
        fields = ["note"]


@admin.register(QualityRectification)
class QualityRectificationAdmin(_ModelAdmin):
    form = RectificationForm
    list_display = ("dataset", "organization", "status", "score", "threshold", "due_on",
                    "resolved_at")
    list_filter = ("status",)
    search_fields = ("dataset__code", "organization__name")
    list_select_related = ("dataset", "organization")
    readonly_fields = ("run", "dataset", "organization", "status", "score", "threshold",
                       "due_on", "resolved_by", "resolved_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.status != RectificationStatus.OPEN:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Writing the note resolves the task (the action checks the user may)."""
        actions.do_resolve_rectification(request.user, QualityRectification.objects.get(
            pk=obj.pk), form.cleaned_data["note"])
