"""`{% payment_block case "detail" %}`: the payment block of a case page (see views.block_context);
`back` is "detail" (the applicant's page) or "workbench" (the staff page)."""

from __future__ import annotations

from typing import Any

from django import template

from jingchu.cases.models import Case
from jingchu.payments.views import block_context

register = template.Library()


@register.inclusion_tag("payments/_case_block.html", takes_context=True)
def payment_block(context: template.Context, case: Case, back: str = "detail") -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {**block_context(user, case), "back": back,
            "csrf_token": context.get("csrf_token")}
