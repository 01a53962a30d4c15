"""The window rating device: opened by a clerk, rated anonymously by citizens at the window."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingchu.cases.models import Case
from jingchu.core import audit
from jingchu.core.errors import ActionError, NotPermitted
from jingchu.core.models import Organization
from jingchu.reviews import permissions
from jingchu.reviews.actions.common import (
    COMMENT_MAX,
    clean_event,
    clean_level,
    clean_scores,
    clean_text,
    create_review,
    require_reached,
)
from jingchu.reviews.choices import RatingChannel
from jingchu.reviews.models import Review, WindowDevice


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_open_window_device(actor: Any, organization: Organization) -> tuple[WindowDevice, str]:
    """A window clerk opens the tablet at their window; returns the device and its raw token,
    which the caller keeps in the clerk's session and nowhere else."""
    if not permissions.can_open_window_device(actor, organization):
        raise NotPermitted(_("Only a window clerk of this organization may open its device."))
    token = secrets.token_urlsafe(32)
    device = WindowDevice.objects.create(organization=organization, opened_by=actor,
                                         token_hash=_token_hash(token))
    audit.record("reviews.device.open", actor, device, {"organization": str(organization.uid)})
    return device, token


def live_device(actor: Any, token: str, organization: Organization) -> WindowDevice | None:
    """The open device behind the token, if it belongs to this clerk and this organization."""
    if not token or not permissions.can_open_window_device(actor, organization):
        return None
    return WindowDevice.objects.filter(
        token_hash=_token_hash(token), organization=organization, opened_by=actor,
        closed_at__isnull=True).first()


@transaction.atomic
def do_close_window_device(actor: Any, token: str, organization: Organization) -> WindowDevice:
    device = live_device(actor, token, organization)
    if device is None:
        raise NotPermitted(_("This device is not open."))
    device.closed_at = timezone.now()
    device.save(update_fields=["closed_at"])
    audit.record("reviews.device.close", actor, device)
    return device


def _window_case(number: str, organization: Organization) -> Case | None:
    if not number:
        return None
    case = Case.objects.select_for_update().filter(number=number).first()
    if case is None or organization.pk not in (case.accepting_org_id, case.handling_org_id):
        raise ActionError("case_unknown",
                          _("No case with this number was handled at this organization."),
                          {"field": "case_number"})
    return case


@transaction.atomic
def do_rate_at_window(actor: Any, token: str, organization: Organization, *, event: Any,
                      level: Any, scores: Mapping[str, Any] | None = None,
                      comment: Any = "", case_number: Any = "") -> Review:
    """An anonymous rating from the device at the window, in the opening clerk's session."""
    device = live_device(actor, token, organization)
    if device is None:
        raise NotPermitted(_("The rating device has not been opened by a clerk here."))
    event = clean_event(event)
    level_value = clean_level(level)
    cleaned = clean_scores(scores, level_value)
    text = clean_text(comment, "comment", required=False, limit=COMMENT_MAX)
    case = _window_case(str(case_number or "").strip(), organization)
    if case is not None:
        require_reached(case, event)
        if Review.objects.filter(case=case, event=event, rater__isnull=True).exists():
            raise ActionError("already_rated", _("This step of the case was already rated here."),
                              {"field": "case_number"}, status=409)
    return create_review(actor, {
        "level": level_value, "comment": text, "event": event, "case": case,
        "organization": organization, "item": case.item if case else None,
        "region": organization.region, "channel": RatingChannel.WINDOW_DEVICE,
        "rater": None, "device": device,
    }, cleaned)
