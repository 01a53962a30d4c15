"""督查任务: a task issued by a leader or the oversight office, assigned down the four levels of
government (province → city → county → township), signed for, reported on, extended, escalated
when overdue, and reviewed by the issuer."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jingchu.core.models import Organization
from jingchu.oversight.choices import (
    AssignmentRole,
    AssignmentStatus,
    EscalationLevel,
    ExtensionStatus,
    TaskStatus,
)


class TaskNumberCounter(models.Model):
    prefix = models.CharField(max_length=30, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


class OversightTask(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("task number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    instruction = models.TextField(_("instruction"))
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT,
                               related_name="issued_oversight_tasks",
                               verbose_name=_("issuing organization"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField(pgettext_lazy("oversight", "deadline"))
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices,
                              default=TaskStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("oversight task")
        verbose_name_plural = _("oversight tasks")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Assignment(models.Model):
    """The task as one organization carries it. Top-level assignments come from the issuer;
    an assignee may sub-assign to organizations in its own region or below (`parent`)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(OversightTask, on_delete=models.CASCADE,
                             related_name="assignments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="oversight_assignments",
                                     verbose_name=_("organization"))
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    status = models.CharField(_("status"), max_length=20, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.ASSIGNED)
    deadline = models.DateField(pgettext_lazy("oversight", "deadline"))
    note = models.TextField(_("note"), blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(choices=EscalationLevel.choices,
                                                  default=EscalationLevel.NONE)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["task", "organization"],
            condition=~models.Q(status="withdrawn"),
            name="oversight_one_live_assignment_per_org")]
        # The overdue scan and the board look for open assignments past their deadline.
        indexes = [models.Index(fields=["status", "deadline"],
                                name="oversight_assignment_due")]

    def __str__(self) -> str:
        return f"{self.task.number} → {self.organization}"


class ProgressReport(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="reports")
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(_("percent done"))
    is_final = models.BooleanField(_("completion report"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.percent}%"


class TaskAttachment(models.Model):
    """A file attached to a task's instruction or to a progress report (jingchu.core.files)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    task = models.ForeignKey(OversightTask, on_delete=models.CASCADE,
                             related_name="attachments")
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="attachments")
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class DeadlineExtension(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="extensions")
    requested_deadline = models.DateField(_("requested deadline"))
    # The assignment's deadline when the extension was asked for (shown beside the request).
    previous_deadline = models.DateField(_("previous deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["assignment"], condition=models.Q(status="pending"),
            name="oversight_one_pending_extension")]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_deadline}"


class TaskEvent(models.Model):
    """The task's timeline, shown on its page (the AuditEvent is the trail for auditors)."""

    task = models.ForeignKey(OversightTask, on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="events")
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task.number} {self.action}"
