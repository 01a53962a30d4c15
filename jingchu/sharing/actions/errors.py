"""数据纠错: a consumer holding a grant reports a data error to the resource's owner, whose
steward answers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.sharing import permissions, queries
from jingchu.sharing.actions._common import clean_text, notify_stewards
from jingchu.sharing.choices import ErrorReportStatus
from jingchu.sharing.models import DataResource, ErrorReport


@transaction.atomic
def do_report_error(actor: Any, reporter: Organization, resource: DataResource,
                    data: dict[str, Any]) -> ErrorReport:
    if not permissions.can_report_error(actor, reporter, resource):
        raise NotPermitted(_("Only a data steward of an organization holding a grant on the "
                             "resource reports its errors."))
    field_name = clean_text(data.get("field_name"), "field_name", limit=60)
    if field_name and field_name not in queries.field_names(resource):
        raise ActionError("field_name_unknown", _("The resource has no such field."),
                          {"field": "field_name"})
    report = ErrorReport.objects.create(
        resource=resource, reporter=reporter, reported_by=actor,
        record_key=clean_text(data.get("record_key"), "record_key", limit=100),
        field_name=field_name,
        description=clean_text(data.get("description"), "description", required=True))
    audit.record("sharing.error.report", actor, report, {
        "resource": resource.code, "reporter": str(reporter.uid), "field": field_name})
    values = {"reporter": reporter.name, "resource": resource.name}
    notify_stewards(actor, resource.owner_id,
                    _("Data error reported in %(resource)s") % values,
                    _("%(reporter)s reports an error in %(resource)s. Please answer it.")
                    % values)
    return report


@transaction.atomic
def do_answer_error(actor: Any, report: ErrorReport, answer: Any) -> ErrorReport:
    report = ErrorReport.objects.select_for_update(of=("self",)).select_related(
        "resource__owner", "reporter").get(pk=report.pk)
    if not permissions.can_answer_error(actor, report):
        raise NotPermitted(_("Only a data steward of the resource's owner answers."))
    text = clean_text(answer, "answer", required=True)
    if report.status != ErrorReportStatus.OPEN:
        raise ActionError("already_answered", _("This report has been answered."), {},
                          status=409)
    report.status, report.answer = ErrorReportStatus.ANSWERED, text
    report.answered_by, report.answered_at = actor, timezone.now()
    report.save()
    audit.record("sharing.error.answer", actor, report, {"resource": report.resource.code})
    return report
